package knn

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
)

// blobs returns n points in dim dimensions drawn from a mixture of centers
// Gaussians with unequal spreads: a stand-in for clustered embeddings.
func blobs(n, dim, centers int, seed uint64) [][]float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	cs := make([][]float64, centers)
	for c := range cs {
		cs[c] = make([]float64, dim)
		for t := range cs[c] {
			cs[c][t] = rng.NormFloat64() * 2
		}
	}
	out := make([][]float32, n)
	for i := range out {
		c := rng.IntN(centers)
		sd := 0.5 + float64(c%4)*0.3
		out[i] = make([]float32, dim)
		for t := range out[i] {
			out[i][t] = float32(cs[c][t] + rng.NormFloat64()*sd)
		}
	}
	return out
}

// brute returns the exact neighbours of every point by sorting all
// distances in float64.
func brute(data [][]float32, k int, metric Metric) ([][]int32, [][]float64) {
	n := len(data)
	norm := func(v []float32) float64 {
		var s float64
		for _, x := range v {
			s += float64(x) * float64(x)
		}
		return math.Sqrt(s)
	}
	idx := make([][]int32, n)
	dist := make([][]float64, n)
	for i := range n {
		type p struct {
			d float64
			j int32
		}
		var ps []p
		for j := range n {
			if j == i {
				continue
			}
			var d float64
			if metric == Cosine {
				var s float64
				for t := range data[i] {
					s += float64(data[i][t]) * float64(data[j][t])
				}
				d = 1 - s/(norm(data[i])*norm(data[j]))
			} else {
				for t := range data[i] {
					x := float64(data[i][t]) - float64(data[j][t])
					d += x * x
				}
				d = math.Sqrt(d)
			}
			ps = append(ps, p{d, int32(j)})
		}
		sort.Slice(ps, func(a, b int) bool {
			if ps[a].d != ps[b].d {
				return ps[a].d < ps[b].d
			}
			return ps[a].j < ps[b].j
		})
		for _, x := range ps[:k] {
			idx[i] = append(idx[i], x.j)
			dist[i] = append(dist[i], x.d)
		}
	}
	return idx, dist
}

func TestExactEqualsBruteForce(t *testing.T) {
	data := blobs(301, 37, 5, 1) // odd sizes exercise the kernel's edges
	for _, metric := range []Metric{Euclidean, Cosine} {
		g, err := Exact(context.Background(), data, 10, Options{Metric: metric, Workers: 3})
		if err != nil {
			t.Fatal(err)
		}
		wantI, wantD := brute(data, 10, metric)
		for i := range data {
			idx, dist := g.Neighbors(i)
			for s := range idx {
				if math.Abs(float64(dist[s])-wantD[i][s]) > 1e-4*(1+wantD[i][s]) {
					t.Fatalf("%v: point %d neighbour %d: distance %v, want %v", metric, i, s, dist[s], wantD[i][s])
				}
				if idx[s] != wantI[i][s] && math.Abs(wantD[i][s]-wantD[i][min(s+1, 9)]) > 1e-5 && (s == 0 || math.Abs(wantD[i][s]-wantD[i][s-1]) > 1e-5) {
					t.Fatalf("%v: point %d: neighbours %v, want %v", metric, i, idx, wantI[i])
				}
			}
		}
	}
}

func recall(g *Graph, want [][]int32) float64 {
	hits := 0
	for i := range want {
		idx, _ := g.Neighbors(i)
		for _, j := range idx {
			if slices.Contains(want[i], j) {
				hits++
			}
		}
	}
	return float64(hits) / float64(len(want)*g.K)
}

func TestApproximateRecall(t *testing.T) {
	data := blobs(2000, 32, 3, 2)
	ctx := context.Background()
	for _, metric := range []Metric{Euclidean, Cosine} {
		ex, err := Exact(ctx, data, 15, Options{Metric: metric})
		if err != nil {
			t.Fatal(err)
		}
		want := make([][]int32, len(data))
		for i := range want {
			want[i], _ = ex.Neighbors(i)
		}
		g, err := Approximate(ctx, data, 15, Options{Metric: metric, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		r := recall(g, want)
		t.Logf("%v: recall@15 = %.4f", metric, r)
		if r < 0.95 {
			t.Errorf("%v: recall@15 = %.4f, want >= 0.95", metric, r)
		}
	}
}

func TestApproximateDeterministic(t *testing.T) {
	data := blobs(1500, 16, 8, 3)
	ctx := context.Background()
	a, err := Approximate(ctx, data, 10, Options{Seed: 5, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Approximate(ctx, data, 10, Options{Seed: 5, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Indices, b.Indices) || !slices.Equal(a.Distances, b.Distances) {
		t.Error("results differ between 1 and 4 workers with the same seed")
	}
}

func TestDuplicates(t *testing.T) {
	data := make([][]float32, 200)
	for i := range data {
		data[i] = []float32{1, 2, 3} // all identical
	}
	for _, m := range []Method{ExactMethod, ApproximateMethod} {
		g, err := Search(context.Background(), data, 5, Options{Method: m})
		if err != nil {
			t.Fatal(err)
		}
		for i := range data {
			idx, dist := g.Neighbors(i)
			for t2, j := range idx {
				if int(j) == i || j < 0 || dist[t2] != 0 {
					t.Fatalf("method %d point %d: neighbours %v at %v", m, i, idx, dist)
				}
			}
		}
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	nan := [][]float32{{0, 0}, {1, float32(math.NaN())}, {2, 2}}
	if _, err := Search(ctx, nan, 1, Options{}); err == nil || !strings.Contains(err.Error(), "row 1") {
		t.Errorf("NaN row: error %v, want one naming row 1", err)
	}
	if _, err := Search(ctx, [][]float32{{0}, {1}}, 2, Options{}); err == nil {
		t.Error("k >= n: no error")
	}
	if _, err := Search(ctx, [][]float32{{0, 1}, {1}}, 1, Options{}); err == nil {
		t.Error("ragged rows: no error")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Approximate(cctx, blobs(500, 8, 3, 1), 5, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: error %v, want context.Canceled", err)
	}
	if _, err := ParseMetric("manhattan"); err == nil {
		t.Error("ParseMetric(manhattan): no error")
	}
	if m, err := ParseMetric("Cosine"); err != nil || m != Cosine {
		t.Errorf("ParseMetric(Cosine) = %v, %v", m, err)
	}
}
