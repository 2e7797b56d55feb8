package lsa

import (
	"context"
	"github.com/bunkatopics/bunka-go/internal/testenv"
	"math"
	"slices"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/vecmath"
)

// Above Options.SVDSample documents the SVD is fitted on a sample of them.
// On debian_en_2k fitted on 500 of its 2,000 documents: the documents keep
// their neighbourhoods (the same Debian section among their 10 nearest as
// often as with the whole fit, within 0.03), the fit does not depend on
// the workers, every vocabulary term gets a row (also those of no sampled
// document), and folding in a vocabulary term's column gives its row, as
// with the whole fit (TestFoldInVocabularyTerm).
func TestSampledSVD(t *testing.T) {
	cols := testenv.DataColumns(t, "debian_en_2k.csv", "text", "label")
	texts, labels := cols[0], cols[1]
	ctx := context.Background()
	whole, err := New(Options{}).fit(ctx, texts, nil)
	if err != nil {
		t.Fatal(err)
	}
	sampled, err := New(Options{SVDSample: 500}).fit(ctx, texts, nil)
	if err != nil {
		t.Fatal(err)
	}
	again, err := New(Options{SVDSample: 500, Workers: 1}).fit(ctx, texts, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range sampled.docs {
		if !slices.Equal(sampled.docs[i], again.docs[i]) {
			t.Fatalf("document %d differs between two sampled fits", i)
		}
	}
	accWhole, accSampled := sameLabel(whole.docs, labels, 10), sameLabel(sampled.docs, labels, 10)
	t.Logf("same section among the 10 nearest: whole fit %.4f, fitted on 500 documents %.4f", accWhole, accSampled)
	if accSampled < accWhole-0.03 {
		t.Errorf("fitted on a sample, %.4f of the 10 nearest documents share a section, against %.4f fitted whole", accSampled, accWhole)
	}
	k := sampled.k
	at := sampled.a.transpose()
	got := make([]float64, k)
	var worst float64
	for term := 0; term < at.rows; term++ {
		row := sampled.v[term*k : term*k+k]
		if !slices.ContainsFunc(row, func(x float64) bool { return x != 0 }) {
			t.Fatalf("term %q has no row", sampled.space.vocab[term])
		}
		foldTerm(got, sampled, at, term)
		for j := range row {
			worst = max(worst, math.Abs(got[j]-row[j]))
		}
	}
	if worst > 1e-12 {
		t.Errorf("a vocabulary term folded in differs from its row by %g", worst)
	}
}

// sameLabel returns the share of each document's k nearest others (by
// cosine) that carry its label, over all documents.
func sameLabel(docs [][]float32, labels []string, k int) float64 {
	var same, all int
	sims := make([]float32, len(docs))
	idx := make([]int, len(docs))
	for i, d := range docs {
		for j, e := range docs {
			sims[j] = vecmath.Dot(d, e)
			idx[j] = j
		}
		sims[i] = -2
		slices.SortFunc(idx, func(a, b int) int {
			if sims[a] != sims[b] {
				if sims[a] > sims[b] {
					return -1
				}
				return 1
			}
			return a - b
		})
		for _, j := range idx[:k] {
			if labels[j] == labels[i] {
				same++
			}
			all++
		}
	}
	return float64(same) / float64(all)
}
