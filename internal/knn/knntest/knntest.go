// Package knntest is the conformance suite of knn.Searcher: every k-NN
// implementation (exact and NN-descent on the CPU today, a GPU one beside
// them later) runs Run from its own tests, as gonum's backends run
// lapack/testlapack.
package knntest

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/knn"
	"github.com/bunkatopics/bunka-go/internal/lsa"
	"github.com/bunkatopics/bunka-go/internal/testenv"
)

// Run checks s against brute force computed here in float64: on random
// data (every neighbour list when minRecall is 1, else at least that
// fraction of the true neighbours), with ties and duplicated rows, for
// both metrics; and that k >= n and rows holding NaN or an infinity are
// refused.
func Run(t *testing.T, s knn.Searcher, minRecall float64) {
	t.Helper()
	ctx := context.Background()
	for _, metric := range []knn.Metric{knn.Euclidean, knn.Cosine} {
		t.Run("random/"+metric.String(), func(t *testing.T) {
			data := RandomRows(500, 12, 1)
			checkAgainstBruteForce(t, s, data, 10, metric, minRecall)
		})
		t.Run("small/"+metric.String(), func(t *testing.T) {
			checkAgainstBruteForce(t, s, RandomRows(40, 5, 2), 7, metric, 1)
		})
	}
	t.Run("ties", func(t *testing.T) {
		// Points of a grid: many neighbours at equal distances.
		var data [][]float32
		for i := range 8 {
			for j := range 8 {
				data = append(data, []float32{float32(i), float32(j)})
			}
		}
		checkAgainstBruteForce(t, s, data, 4, knn.Euclidean, 1)
	})
	t.Run("duplicates", func(t *testing.T) {
		data := RandomRows(30, 4, 3)
		data = append(data, slices.Clone(data[0]), slices.Clone(data[0]), slices.Clone(data[5]))
		g := checkAgainstBruteForce(t, s, data, 3, knn.Euclidean, 1)
		if g == nil {
			return
		}
		idx, d := g.Neighbors(0)
		if d[0] != 0 || d[1] != 0 || !slices.Contains(idx[:2], 30) || !slices.Contains(idx[:2], 31) {
			t.Errorf("row 0's copies: neighbours %v at %v, want 30 and 31 at 0", idx, d)
		}
	})
	t.Run("k>=n", func(t *testing.T) {
		for _, k := range []int{5, 6} {
			if _, err := s.Search(ctx, RandomRows(5, 3, 4), k, knn.Options{}); err == nil {
				t.Errorf("k=%d of 5 rows: no error", k)
			}
		}
		if _, err := s.Search(ctx, RandomRows(5, 3, 4), 0, knn.Options{}); err == nil {
			t.Error("k=0: no error")
		}
	})
	t.Run("non-finite rows", func(t *testing.T) {
		for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
			data := RandomRows(20, 3, 5)
			data[7][1] = bad
			if _, err := s.Search(ctx, data, 3, knn.Options{}); err == nil {
				t.Errorf("a row holding %v: no error", bad)
			}
		}
	})
}

// RandomRows returns n rows of dim standard normal values, the same for
// the same seed.
func RandomRows(n, dim int, seed uint64) [][]float32 {
	rng := rand.New(rand.NewPCG(seed, 7))
	data := make([][]float32, n)
	for i := range data {
		data[i] = make([]float32, dim)
		for j := range data[i] {
			data[i][j] = float32(rng.NormFloat64())
		}
	}
	return data
}

// dist is the metric's distance in float64.
func dist(a, b []float32, metric knn.Metric) float64 {
	if metric == knn.Cosine {
		var ab, aa, bb float64
		for i := range a {
			ab += float64(a[i]) * float64(b[i])
			aa += float64(a[i]) * float64(a[i])
			bb += float64(b[i]) * float64(b[i])
		}
		return 1 - ab/math.Sqrt(aa*bb)
	}
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return math.Sqrt(s)
}

// checkAgainstBruteForce searches data and compares with brute force: each
// row's list holds k distinct other points, nearest first, with the
// distances the metric gives them; with minRecall 1 the i-th distance is
// the true i-th smallest (so ties may pick either point), else at least
// minRecall of the true neighbours are found over all rows.
func checkAgainstBruteForce(t *testing.T, s knn.Searcher, data [][]float32, k int, metric knn.Metric, minRecall float64) *knn.Graph {
	t.Helper()
	g, err := s.Search(context.Background(), data, k, knn.Options{Metric: metric, Seed: 42})
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	n := len(data)
	if g.N != n || g.K != k || len(g.Indices) != n*k || len(g.Distances) != n*k {
		t.Fatalf("graph of %d x %d (%d, %d), want %d x %d", g.N, g.K, len(g.Indices), len(g.Distances), n, k)
	}
	const tol = 1e-4
	found, total := 0, 0
	for i := range n {
		idx, d := g.Neighbors(i)
		exact := make([]float64, 0, n-1)
		for j := range n {
			if j != i {
				exact = append(exact, dist(data[i], data[j], metric))
			}
		}
		slices.Sort(exact)
		kth := exact[k-1]
		for p, j := range idx {
			if int(j) == i || j < 0 || int(j) >= n || slices.Contains(idx[:p], j) {
				t.Fatalf("row %d: neighbours %v (itself, out of range or repeated)", i, idx)
			}
			want := dist(data[i], data[j], metric)
			if math.Abs(float64(d[p])-want) > tol*(1+want) {
				t.Fatalf("row %d: neighbour %d at %v, the metric gives %v", i, j, d[p], want)
			}
			if p > 0 && d[p] < d[p-1] {
				t.Fatalf("row %d: distances %v not nearest first", i, d)
			}
			if minRecall >= 1 && math.Abs(float64(d[p])-exact[p]) > tol*(1+exact[p]) {
				t.Fatalf("row %d: distance %d is %v, brute force %v", i, p, d[p], exact[p])
			}
			if want <= kth+tol*(1+kth) {
				found++
			}
		}
		total += k
	}
	if r := float64(found) / float64(total); r < minRecall {
		t.Errorf("recall %.4f, want at least %.4f", r, minRecall)
	}
	return g
}

// CorpusVectors returns the builtin embedder's vectors of the first n
// texts (all of them when n <= 0) of a shared CSV corpus's "text" column:
// real vectors for the k-NN, layout and clustering tests (skipped when the
// shared data is absent, as testenv.DataColumns is).
func CorpusVectors(tb testing.TB, file string, n int) [][]float32 {
	tb.Helper()
	texts := testenv.DataColumns(tb, file, "text")[0]
	if n > 0 && len(texts) > n {
		texts = texts[:n]
	}
	vecs, _, err := lsa.New(lsa.Options{}).EmbedDocuments(context.Background(), texts)
	if err != nil {
		tb.Fatal(err)
	}
	return vecs
}
