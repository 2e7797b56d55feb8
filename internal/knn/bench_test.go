package knn

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/npy"
)

// benchSizes is the ladder of point counts of the search benchmarks.
var benchSizes = []int{1000, 4000, 16000}

// benchSearch runs search on clustered data of each ladder size in dim
// dimensions, k = 14 (UMAP's 15 neighbours less the point itself).
func benchSearch(b *testing.B, dim int, search func(context.Context, [][]float32, int, Options) (*Graph, error)) {
	for _, n := range benchSizes {
		data := blobs(n, dim, 20, 1)
		b.Run(fmt.Sprintf("n=%d,dim=%d", n, dim), func(b *testing.B) {
			for b.Loop() {
				if _, err := search(context.Background(), data, 14, Options{Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkExact(b *testing.B)       { benchSearch(b, 128, Exact) }
func BenchmarkApproximate(b *testing.B) { benchSearch(b, 128, Approximate) }

// TestRecallNPY reports NN-descent's recall@15 against exact search on the
// vectors of the .npy file named by $BUNKA_RECALL_NPY (skipped when unset);
// scripts/bench_umap.sh runs it on the embedded debian corpus.
func TestRecallNPY(t *testing.T) {
	path := os.Getenv("BUNKA_RECALL_NPY")
	if path == "" {
		t.Skip("BUNKA_RECALL_NPY not set")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := npy.Read(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, m := range []Metric{Euclidean, Cosine} {
		ex, err := Exact(ctx, data, 15, Options{Metric: m})
		if err != nil {
			t.Fatal(err)
		}
		ap, err := Approximate(ctx, data, 15, Options{Metric: m, Seed: 42})
		if err != nil {
			t.Fatal(err)
		}
		hits := 0
		for i := range data {
			want, _ := ex.Neighbors(i)
			got, _ := ap.Neighbors(i)
			for _, j := range got {
				if slices.Contains(want, j) {
					hits++
				}
			}
		}
		r := float64(hits) / float64(len(data)*15)
		t.Logf("RECALL n=%d dim=%d metric=%v recall@15=%.4f", len(data), len(data[0]), m, r)
		if r < 0.95 {
			t.Errorf("%v: recall@15 = %.4f, want >= 0.95", m, r)
		}
	}
}
