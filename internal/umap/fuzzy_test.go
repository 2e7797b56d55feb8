package umap

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/knn"
)

// fuzzyUnion is the fuzzy union written the plain way, from its
// definition: a map from each unordered pair to the memberships found from
// either end, combined as w1 + w2 − w1·w2.
func fuzzyUnion(g *knn.Graph) map[[2]int32]float32 {
	rho, sigma := smoothKNNDist(g, 1)
	pairs := map[[2]int32]*[2]float64{} // the memberships from each end, 0 if none
	for i := range g.N {
		idx, ds := g.Neighbors(i)
		for t, j := range idx {
			if int(j) == i {
				continue
			}
			w := 1.0
			if x := float64(ds[t]) - rho[i]; x > 0 && sigma[i] != 0 {
				w = math.Exp(-x / sigma[i])
			}
			if w == 0 {
				continue
			}
			key, side := [2]int32{int32(i), j}, 0
			if j < int32(i) {
				key, side = [2]int32{j, int32(i)}, 1
			}
			if pairs[key] == nil {
				pairs[key] = new([2]float64)
			}
			pairs[key][side] = float64(float32(w))
		}
	}
	out := map[[2]int32]float32{}
	for key, e := range pairs {
		w := e[0] + e[1] - e[0]*e[1]
		out[key] = float32(w)
		out[[2]int32{key[1], key[0]}] = float32(w)
	}
	return out
}

func TestFuzzyGraph(t *testing.T) {
	// The CSR graph holds exactly the fuzzy union's edges with its
	// weights, rows sorted by column, and is the same for any number of
	// workers; duplicate points (distance 0) and a k-NN graph whose lists
	// hold the point itself are included.
	for _, tc := range []struct {
		n, k int
		dups bool
	}{{50, 5, false}, {5000, 14, false}, {5000, 14, true}} {
		t.Run(fmt.Sprintf("n=%d,k=%d,dups=%v", tc.n, tc.k, tc.dups), func(t *testing.T) {
			data, _ := blobs(tc.n, 8, 5, 6, 1, uint64(tc.n))
			if tc.dups {
				for i := 0; i+1 < len(data); i += 7 {
					data[i+1] = slices.Clone(data[i])
				}
			}
			nn, err := knn.Search(context.Background(), data, tc.k, knn.Options{Workers: 2, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			if tc.dups {
				nn.Indices[3*tc.k] = 3 // point 3 listed as its own neighbour
			}
			want := fuzzyUnion(nn)
			var first *graph
			for _, workers := range []int{1, 2, 3} {
				g := fuzzyGraph(nn, workers)
				got := 0
				for i := range g.n {
					row := g.col[g.rowPtr[i]:g.rowPtr[i+1]]
					for e := 1; e < len(row); e++ {
						if row[e] <= row[e-1] {
							t.Fatalf("workers %d: row %d: columns %v not strictly increasing", workers, i, row)
						}
					}
					for e := g.rowPtr[i]; e < g.rowPtr[i+1]; e++ {
						w, ok := want[[2]int32{int32(i), g.col[e]}]
						if !ok || w != g.w[e] {
							t.Fatalf("workers %d: edge %d-%d weight %v, want %v (present %v)", workers, i, g.col[e], g.w[e], w, ok)
						}
						got++
					}
				}
				if got != len(want) {
					t.Fatalf("workers %d: %d edges, want %d", workers, got, len(want))
				}
				if first == nil {
					first = g
				} else if !slices.Equal(g.rowPtr, first.rowPtr) || !slices.Equal(g.col, first.col) || !slices.Equal(g.w, first.w) {
					t.Fatalf("workers %d: graph differs from workers 1", workers)
				}
			}
		})
	}
}

// BenchmarkFuzzyGraph builds the fuzzy graph of a k-NN graph of 14
// neighbours (15 counting the point, as umap-learn counts them).
func BenchmarkFuzzyGraph(b *testing.B) {
	const n, k = 50000, 14
	rng := rand.New(rand.NewPCG(1, 1))
	nn := &knn.Graph{N: n, K: k, Indices: make([]int32, n*k), Distances: make([]float32, n*k)}
	for i := range n {
		d := float32(0)
		for t := range k {
			nn.Indices[i*k+t] = int32((i + 1 + rng.IntN(200)) % n)
			d += rng.Float32()
			nn.Distances[i*k+t] = d
		}
	}
	for b.Loop() {
		fuzzyGraph(nn, 2)
	}
}
