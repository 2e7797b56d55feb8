package umap

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/knn"
)

// blobs returns n points around centers Gaussian centres in dim
// dimensions, the centres sep apart on average, and each point's centre.
func blobs(n, dim, centers int, sep, sd float64, seed uint64) ([][]float32, []int) {
	rng := rand.New(rand.NewPCG(seed, 2))
	cs := make([][]float64, centers)
	for c := range cs {
		cs[c] = make([]float64, dim)
		for t := range cs[c] {
			cs[c][t] = rng.NormFloat64() * sep / math.Sqrt(2*float64(dim))
		}
	}
	data := make([][]float32, n)
	labels := make([]int, n)
	for i := range data {
		c := i % centers
		labels[i] = c
		data[i] = make([]float32, dim)
		for t := range data[i] {
			data[i][t] = float32(cs[c][t] + rng.NormFloat64()*sd)
		}
	}
	return data, labels
}

// trustworthiness is sklearn.manifold.trustworthiness (Venna and Kaski
// 2001) with euclidean distances: 1 − 2/(nk(2n−3k−1)) Σ_i Σ_{j ∈ U_i}
// (r(i,j) − k), U_i the k nearest neighbours of i in the layout that are
// not among its k nearest in the data, r the rank in the data.
func trustworthiness(data [][]float32, y [][2]float32, k int) float64 {
	n := len(data)
	rankOf := func(dist func(i, j int) float64, i int) []int {
		idx := make([]int, 0, n-1)
		for j := range n {
			if j != i {
				idx = append(idx, j)
			}
		}
		sort.SliceStable(idx, func(a, b int) bool { return dist(i, idx[a]) < dist(i, idx[b]) })
		return idx
	}
	dx := func(i, j int) float64 {
		var s float64
		for t := range data[i] {
			d := float64(data[i][t]) - float64(data[j][t])
			s += d * d
		}
		return s
	}
	dy := func(i, j int) float64 {
		a, b := float64(y[i][0]-y[j][0]), float64(y[i][1]-y[j][1])
		return a*a + b*b
	}
	var sum float64
	for i := range n {
		ox := rankOf(dx, i)
		rank := make([]int, n)
		for r, j := range ox {
			rank[j] = r + 1
		}
		for _, j := range rankOf(dy, i)[:k] {
			if rank[j] > k {
				sum += float64(rank[j] - k)
			}
		}
	}
	return 1 - 2/(float64(n*k)*float64(2*n-3*k-1))*sum
}

func TestFitAB(t *testing.T) {
	for _, tc := range []struct {
		desc                       string
		minDist, spread, a, b, tol float64
	}{
		{"umap-learn defaults", 0.1, 1, 1.577, 0.895, 0.002},
		{"min_dist 0.5", 0.5, 1, 0.583, 1.334, 0.01},
	} {
		a, b := FitAB(tc.minDist, tc.spread)
		if math.Abs(a-tc.a) > tc.tol*tc.a || math.Abs(b-tc.b) > tc.tol*tc.b {
			t.Errorf("%s: FitAB(%v, %v) = %.4f, %.4f, want %.3f, %.3f", tc.desc, tc.minDist, tc.spread, a, b, tc.a, tc.b)
		}
	}
}

func TestBlobsStaySeparated(t *testing.T) {
	data, labels := blobs(300, 16, 4, 40, 1, 1)
	y, err := Project(context.Background(), data, Options{Epochs: 200, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	// every point is closer to its own blob's centroid than to any other
	var cx, cy, cnt [4]float64
	for i, p := range y {
		cx[labels[i]] += float64(p[0])
		cy[labels[i]] += float64(p[1])
		cnt[labels[i]]++
	}
	for c := range cx {
		cx[c] /= cnt[c]
		cy[c] /= cnt[c]
	}
	for i, p := range y {
		best, bestD := -1, math.Inf(1)
		for c := range cx {
			d := math.Hypot(float64(p[0])-cx[c], float64(p[1])-cy[c])
			if d < bestD {
				best, bestD = c, d
			}
		}
		if best != labels[i] {
			t.Fatalf("point %d of blob %d lies nearest blob %d's centroid", i, labels[i], best)
		}
	}
}

func TestTrustworthiness(t *testing.T) {
	// ten overlapping clusters: the layout must keep local neighbourhoods
	data, _ := blobs(400, 32, 10, 12, 1, 4)
	y, err := Project(context.Background(), data, Options{Epochs: 200, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	tw := trustworthiness(data, y, 15)
	t.Logf("trustworthiness = %.4f", tw)
	if tw < 0.9 {
		t.Errorf("trustworthiness = %.4f, want >= 0.9", tw)
	}
}

func TestDeterministic(t *testing.T) {
	data, _ := blobs(200, 8, 3, 10, 1, 5)
	ctx := context.Background()
	run := func(seed int64, workers int) [][2]float32 {
		y, err := Project(ctx, data, Options{Epochs: 100, Seed: seed, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		return y
	}
	a := run(7, 2)
	if b := run(7, 2); !slices.Equal(a, b) {
		t.Error("same seed and workers: different coordinates")
	}
	if b := run(7, 3); !slices.Equal(a, b) {
		t.Error("same seed, 2 and 3 workers: different coordinates (the layout should not depend on the worker count)")
	}
	if b := run(8, 2); slices.Equal(a, b) {
		t.Error("different seeds: identical coordinates")
	}
}

func TestOddInputs(t *testing.T) {
	ctx := context.Background()
	opt := Options{Epochs: 50, Seed: 1}
	dup, _ := blobs(30, 5, 2, 10, 1, 6)
	for i := 10; i < 20; i++ {
		dup[i] = dup[0]
	}
	same := make([][]float32, 40)
	for i := range same {
		same[i] = []float32{1, 2, 3}
	}
	for _, tc := range []struct {
		desc string
		data [][]float32
	}{
		{"empty", nil},
		{"1 point", [][]float32{{1, 2}}},
		{"2 points", [][]float32{{1, 2}, {3, 4}}},
		{"3 points", [][]float32{{1, 2}, {3, 4}, {0, 7}}},
		{"14 points", dup[:14]},
		{"duplicates", dup},
		{"all identical", same},
		{"one column", [][]float32{{1}, {2}, {3}, {4}, {5}, {6}}},
	} {
		y, err := Project(ctx, tc.data, opt)
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		if len(y) != len(tc.data) {
			t.Errorf("%s: %d coordinates for %d points", tc.desc, len(y), len(tc.data))
		}
		for i, p := range y {
			if math.IsNaN(float64(p[0])) || math.IsNaN(float64(p[1])) || math.IsInf(float64(p[0]), 0) || math.IsInf(float64(p[1]), 0) {
				t.Errorf("%s: point %d at %v", tc.desc, i, p)
				break
			}
		}
	}
}

func TestBadInputs(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		desc string
		data [][]float32
		want string
	}{
		{"NaN", [][]float32{{0, 0}, {1, 1}, {2, float32(math.NaN())}, {3, 3}}, "row 2"},
		{"Inf", [][]float32{{0, 0}, {float32(math.Inf(1)), 1}, {2, 2}}, "row 1"},
		{"ragged", [][]float32{{0, 0}, {1}}, "row 1"},
	} {
		_, err := Project(ctx, tc.data, Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one naming %q", tc.desc, err, tc.want)
		}
	}
}

func TestDisconnectedAndCosine(t *testing.T) {
	// two far groups of 20 points: with 15 neighbours the graph has two
	// components, which takes the fallback initialisation
	data, labels := blobs(40, 6, 2, 1000, 1, 7)
	for _, m := range []knn.Metric{knn.Euclidean, knn.Cosine} {
		y, err := Project(context.Background(), data, Options{Epochs: 100, Seed: 2, Metric: m})
		if err != nil {
			t.Fatal(err)
		}
		// the two groups do not overlap along the line joining their centres
		var c [2][2]float64
		for i, p := range y {
			c[labels[i]][0] += float64(p[0]) / 20
			c[labels[i]][1] += float64(p[1]) / 20
		}
		ux, uy := c[1][0]-c[0][0], c[1][1]-c[0][1]
		var max0, min1 = math.Inf(-1), math.Inf(1)
		for i, p := range y {
			v := float64(p[0])*ux + float64(p[1])*uy
			if labels[i] == 0 {
				max0 = max(max0, v)
			} else {
				min1 = min(min1, v)
			}
		}
		if max0 >= min1 {
			t.Errorf("%v: the two groups overlap", m)
		}
	}
}

func TestCancel(t *testing.T) {
	data, _ := blobs(300, 8, 3, 10, 1, 8)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls int
	_, err := Project(ctx, data, Options{Seed: 1, Progress: func(f float64) {
		calls++
		if f > 0.5 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if calls < 3 {
		t.Errorf("progress called %d times", calls)
	}
}
