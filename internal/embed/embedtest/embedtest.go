// Package embedtest is the conformance suite of embed.Embedder: every
// embedder (the builtin latent-semantic one, the ONNX model, a GPU one
// later) runs Run from its own tests.
package embedtest

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/embed"
)

// Corpus is the suite's documents: short English texts on a few subjects,
// with repeated words, so that a corpus-fitted embedder has a vocabulary.
func Corpus() []string {
	subjects := []string{
		"the army fought a long war and the soldiers won the battle",
		"the treaty brought peace and the nations signed the agreement",
		"the farmers grow wheat and corn on the fields in the valley",
		"the bank raised interest rates and the markets fell on the news",
		"the team scored a goal and won the football match at home",
	}
	var docs []string
	for i := range 60 {
		docs = append(docs, fmt.Sprintf("%s, report %d", subjects[i%len(subjects)], i/len(subjects)))
	}
	return docs
}

// Run embeds Corpus with e and checks: one vector per document, all of one
// length, unit norm and finite; the same vectors a second time; a Space
// whose Dim is that length, whose queries are unit vectors too, and which
// MarshalBinary and e.LoadSpace restore to give the same query vectors.
func Run(t *testing.T, e embed.Embedder) {
	t.Helper()
	ctx := context.Background()
	docs := Corpus()
	v, sp, err := e.EmbedDocuments(ctx, docs)
	if err != nil {
		t.Fatalf("EmbedDocuments: %v", err)
	}
	if e.Name() == "" {
		t.Error("empty Name")
	}
	if len(v) != len(docs) {
		t.Fatalf("%d vectors for %d documents", len(v), len(docs))
	}
	dim := sp.Dim()
	for i, r := range v {
		if len(r) != dim || dim == 0 {
			t.Fatalf("vector %d has %d values, Space.Dim is %d", i, len(r), dim)
		}
		checkUnit(t, fmt.Sprintf("document %d", i), r)
	}
	t.Run("deterministic", func(t *testing.T) {
		v2, _, err := e.EmbedDocuments(ctx, docs)
		if err != nil {
			t.Fatalf("EmbedDocuments again: %v", err)
		}
		for i := range v {
			if !slices.Equal(v[i], v2[i]) {
				t.Fatalf("document %d embedded differently the second time", i)
			}
		}
	})
	t.Run("space round trip", func(t *testing.T) {
		queries := []string{"war", "peace", "football match"}
		q, err := sp.EmbedQueries(ctx, queries)
		if err != nil {
			t.Fatalf("EmbedQueries: %v", err)
		}
		if len(q) != len(queries) {
			t.Fatalf("%d vectors for %d queries", len(q), len(queries))
		}
		for i, r := range q {
			if len(r) != dim {
				t.Fatalf("query %q: %d values, want %d", queries[i], len(r), dim)
			}
			checkUnit(t, "query "+queries[i], r)
		}
		b, err := sp.MarshalBinary()
		if err != nil {
			t.Fatalf("MarshalBinary: %v", err)
		}
		sp2, err := e.LoadSpace(b)
		if err != nil {
			t.Fatalf("LoadSpace: %v", err)
		}
		if sp2.Dim() != dim {
			t.Errorf("restored Dim %d, want %d", sp2.Dim(), dim)
		}
		q2, err := sp2.EmbedQueries(ctx, queries)
		if err != nil {
			t.Fatalf("EmbedQueries on the restored space: %v", err)
		}
		for i := range q {
			for j := range q[i] {
				if math.Abs(float64(q[i][j]-q2[i][j])) > 1e-6 {
					t.Fatalf("query %q: restored space gives %v, first %v", queries[i], q2[i][:min(4, dim)], q[i][:min(4, dim)])
				}
			}
		}
	})
}

func checkUnit(t *testing.T, what string, r []float32) {
	t.Helper()
	var s float64
	for _, x := range r {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			t.Fatalf("%s: value %v", what, x)
		}
		s += float64(x) * float64(x)
	}
	if math.Abs(math.Sqrt(s)-1) > 1e-4 {
		t.Fatalf("%s: norm %v, want 1", what, math.Sqrt(s))
	}
}
