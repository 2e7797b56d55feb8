package lsa

import (
	"context"
	"slices"
	"testing"
)

// TestEmbedDocumentsProgress: the steps of the fit are reported in order,
// ending at 1, and the vectors are those of EmbedDocuments.
func TestEmbedDocumentsProgress(t *testing.T) {
	var got []float64
	vecs, _, err := New(Options{}).EmbedDocumentsProgress(context.Background(), corpus, func(f float64) { got = append(got, f) })
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{fitShares.tokens, fitShares.tfidf, fitShares.svd, 1}
	if !slices.Equal(got, want) || !slices.IsSorted(want) {
		t.Errorf("progress %v, want %v", got, want)
	}
	plain, _, err := New(Options{}).EmbedDocuments(context.Background(), corpus)
	if err != nil {
		t.Fatal(err)
	}
	for i := range plain {
		if !slices.Equal(plain[i], vecs[i]) {
			t.Errorf("vector %d differs with progress", i)
		}
	}
}
