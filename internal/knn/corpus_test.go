package knn_test

import (
	"context"
	"slices"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/knn"
	"github.com/bunkatopics/bunka-go/internal/knn/knntest"
)

// TestRecallCorpus embeds the shared Debian sample with the builtin
// embedder and checks NN-descent's recall@15 against exact search on those
// real vectors (skipped when the shared data is absent).
func TestRecallCorpus(t *testing.T) {
	vecs := knntest.CorpusVectors(t, "debian_en_2k.csv", 0)
	ctx := context.Background()
	// force NN-descent: the automatic choice would search 2,000 points exactly
	ex, err := knn.Exact(ctx, vecs, 15, knn.Options{Metric: knn.Cosine})
	if err != nil {
		t.Fatal(err)
	}
	ap, err := knn.Approximate(ctx, vecs, 15, knn.Options{Metric: knn.Cosine, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	hits := 0
	for i := range vecs {
		want, _ := ex.Neighbors(i)
		got, _ := ap.Neighbors(i)
		for _, j := range got {
			if slices.Contains(want, j) {
				hits++
			}
		}
	}
	r := float64(hits) / float64(len(vecs)*15)
	t.Logf("%d documents, %d dims: recall@15 = %.4f", len(vecs), len(vecs[0]), r)
	if r < 0.95 {
		t.Errorf("recall@15 = %.4f, want >= 0.95", r)
	}
}
