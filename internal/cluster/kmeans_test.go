package cluster

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// blobs returns n points in d dimensions around k centres spread far apart
// (on a grid of spacing 100, standard deviation 1), and their true labels.
func blobs(n, d, k int, seed uint64) ([][]float64, []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	centres := make([][]float64, k)
	for c := range centres {
		centres[c] = make([]float64, d)
		for j := range centres[c] {
			centres[c][j] = 100 * float64((c>>j)&1)
		}
		centres[c][0] += 1000 * float64(c) // make every centre distinct
	}
	pts := make([][]float64, n)
	labels := make([]int, n)
	for i := range pts {
		c := i % k
		labels[i] = c
		pts[i] = make([]float64, d)
		for j := range pts[i] {
			pts[i][j] = centres[c][j] + rng.NormFloat64()
		}
	}
	return pts, labels
}

// samePartition reports whether a and b are the same partition up to a
// renaming of labels (an adjusted Rand index of 1).
func samePartition(a, b []int) bool {
	ab, ba := map[int]int{}, map[int]int{}
	for i := range a {
		if v, ok := ab[a[i]]; ok && v != b[i] {
			return false
		}
		if v, ok := ba[b[i]]; ok && v != a[i] {
			return false
		}
		ab[a[i]], ba[b[i]] = b[i], a[i]
	}
	return true
}

func inertia(pts [][]float64, r *Result) float64 {
	var s float64
	for i, p := range pts {
		s += sqDist(p, r.Centers[r.Labels[i]])
	}
	return s
}

func checkResult(t *testing.T, pts [][]float64, k int, r *Result) {
	t.Helper()
	if len(r.Labels) != len(pts) || len(r.Centers) != k {
		t.Fatalf("got %d labels and %d centres, want %d and %d", len(r.Labels), len(r.Centers), len(pts), k)
	}
	seen := make([]int, k)
	for i, l := range r.Labels {
		if l < 0 || l >= k {
			t.Fatalf("label %d of point %d out of 0..%d", l, i, k-1)
		}
		seen[l]++
	}
	for c, v := range seen {
		if v == 0 {
			t.Errorf("cluster %d has no point", c)
		}
	}
	if got := inertia(pts, r); math.Abs(got-r.Inertia) > 1e-9*(1+got) {
		t.Errorf("Inertia = %v, recomputed %v", r.Inertia, got)
	}
}

func TestKMeansBlobs(t *testing.T) {
	for _, tc := range []struct {
		desc    string
		n, d, k int
	}{
		{"2-D, 5 blobs", 500, 2, 5},
		{"2-D, 12 blobs", 1200, 2, 12},
		{"16-D, 8 blobs", 400, 16, 8},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			pts, want := blobs(tc.n, tc.d, tc.k, 3)
			r, err := KMeans(context.Background(), pts, tc.k, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, pts, tc.k, r)
			if !samePartition(want, r.Labels) {
				t.Errorf("blobs not recovered")
			}
		})
	}
}

// TestKMeansFixedPoint checks on unstructured data that the result is a
// Lloyd fixed point: every point is nearest its own centre and every centre
// is the mean of its points.
func TestKMeansFixedPoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	pts := make([][]float64, 3000)
	for i := range pts {
		pts[i] = []float64{rng.Float64(), rng.Float64(), rng.Float64()}
	}
	const k = 7
	r, err := KMeans(context.Background(), pts, k, Options{Tol: -1})
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, pts, k, r)
	means := make([][]float64, k)
	count := make([]int, k)
	for c := range means {
		means[c] = make([]float64, 3)
	}
	for i, p := range pts {
		l := r.Labels[i]
		count[l]++
		for j, v := range p {
			means[l][j] += v
		}
		if nl, _ := nearest(p, flat(r.Centers), k, 3); nl != l {
			t.Fatalf("point %d labelled %d but nearest centre is %d", i, l, nl)
		}
	}
	for c := range means {
		for j := range means[c] {
			if m := means[c][j] / float64(count[c]); math.Abs(m-r.Centers[c][j]) > 1e-9 {
				t.Errorf("centre %d[%d] = %v, mean of its points %v", c, j, r.Centers[c][j], m)
			}
		}
	}
}

func flat(m [][]float64) []float64 {
	var out []float64
	for _, r := range m {
		out = append(out, r...)
	}
	return out
}

func TestKMeansDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	pts := make([][]float64, 5000)
	for i := range pts {
		pts[i] = []float64{rng.NormFloat64(), rng.NormFloat64()}
	}
	ctx := context.Background()
	a, err := KMeans(ctx, pts, 10, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := KMeans(ctx, pts, 10, Options{Workers: 4, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("two runs with seed 42 and different worker counts differ")
	}
	c, err := KMeans(ctx, pts, 10, Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a.Centers, c.Centers) {
		t.Error("seeds 42 and 7 gave the same centres")
	}
	// More runs never do worse than the first one.
	d, err := KMeans(ctx, pts, 10, Options{NInit: 4})
	if err != nil {
		t.Fatal(err)
	}
	if d.Inertia > a.Inertia {
		t.Errorf("NInit 4 inertia %v > NInit 1 inertia %v", d.Inertia, a.Inertia)
	}
}

func TestKMeansSmall(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		desc        string
		pts         [][]float64
		k           int
		wantInertia float64
	}{
		{"one point", [][]float64{{3, 4}}, 1, 0},
		{"k == n", [][]float64{{0, 0}, {1, 0}, {0, 1}, {5, 5}}, 4, 0},
		{"k = 1 is the mean", [][]float64{{0, 0}, {2, 0}, {0, 2}, {2, 2}}, 1, 8},
		{"duplicates, fewer distinct than k", [][]float64{{1, 1}, {1, 1}, {1, 1}, {2, 2}, {2, 2}}, 4, 0},
		{"all identical", [][]float64{{7}, {7}, {7}}, 3, 0},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			r, err := KMeans(ctx, tc.pts, tc.k, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, tc.pts, tc.k, r)
			if math.Abs(r.Inertia-tc.wantInertia) > 1e-12 {
				t.Errorf("Inertia = %v, want %v", r.Inertia, tc.wantInertia)
			}
		})
	}
}

func TestKMeansErrors(t *testing.T) {
	ctx := context.Background()
	ok := [][]float64{{0, 0}, {1, 1}}
	for _, tc := range []struct {
		desc string
		pts  [][]float64
		k    int
		want string
	}{
		{"k zero", ok, 0, "k = 0"},
		{"k above n", ok, 3, "3 clusters for 2 points"},
		{"no points", nil, 1, "1 clusters for 0 points"},
		{"ragged", [][]float64{{0, 0}, {1}}, 1, "row 1 has 1 coordinates"},
		{"empty rows", [][]float64{{}, {}}, 1, "row 0 has no coordinates"},
		{"NaN", [][]float64{{0, 0}, {1, math.NaN()}}, 1, "row 1, coordinate 1 is NaN"},
		{"Inf", [][]float64{{math.Inf(-1), 0}, {1, 1}}, 1, "row 0, coordinate 0 is -Inf"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			_, err := KMeans(ctx, tc.pts, tc.k, Options{})
			if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one wrapping ErrInvalidInput containing %q", err, tc.want)
			}
		})
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := KMeans(cctx, ok, 2, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

func BenchmarkKMeans(b *testing.B) {
	for _, sz := range []struct {
		n, d, k int
		spread  float64
	}{
		{10_000, 2, 10, 20},
		{10_000, 2, 50, 20},
		{100_000, 2, 50, 20},
		{100_000, 2, 50, 3},
		{100_000, 2, 50, 0},
		{10_000, 128, 10, 20},
	} {
		b.Run(fmt.Sprintf("n=%d/d=%d/k=%d/spread=%g", sz.n, sz.d, sz.k, sz.spread), func(b *testing.B) {
			benchmarkKMeans(b, sz.n, sz.d, sz.k, sz.spread)
		})
	}
}

// benchmarkKMeans clusters n points drawn from k Gaussian blobs of unit
// standard deviation whose centres are uniform in a box of side
// spread·k^(1/d): spread 20 gives separate blobs, like a UMAP layout of
// clear topics; 3 gives overlapping blobs; 0 gives uniform points in a
// box of side 10·k^(1/d), the slowest case for Lloyd's iterations.
func benchmarkKMeans(b *testing.B, n, d, k int, spread float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	side := spread * math.Pow(float64(k), 1/float64(d))
	if spread == 0 {
		pts := make([][]float64, n)
		for i := range pts {
			pts[i] = make([]float64, d)
			for j := range pts[i] {
				pts[i][j] = 10 * math.Pow(float64(k), 1/float64(d)) * rng.Float64()
			}
		}
		runKMeans(b, pts, k)
		return
	}
	centres := make([][]float64, k)
	for c := range centres {
		centres[c] = make([]float64, d)
		for j := range centres[c] {
			centres[c][j] = side * rng.Float64()
		}
	}
	pts := make([][]float64, n)
	for i := range pts {
		c := rng.IntN(k)
		pts[i] = make([]float64, d)
		for j := range pts[i] {
			pts[i][j] = centres[c][j] + rng.NormFloat64()
		}
	}
	runKMeans(b, pts, k)
}

func runKMeans(b *testing.B, pts [][]float64, k int) {
	iters := 0
	for b.Loop() {
		r, err := KMeans(context.Background(), pts, k, Options{})
		if err != nil {
			b.Fatal(err)
		}
		iters = r.Iterations
	}
	b.ReportMetric(float64(iters), "lloyd-iters")
}

// TestRelocateEmpty starts Lloyd from a centre far from every point: its
// cluster is empty after the first assignment and takes the point farthest
// from its centre, as scikit-learn's _relocate_empty_clusters does.
func TestRelocateEmpty(t *testing.T) {
	var pts [][]float64
	for i := 0; i < 10; i++ {
		pts = append(pts, []float64{float64(i)})
	}
	km := &kmeans{x: flat(pts), n: 10, d: 1, k: 3, workers: 1}
	r, err := km.lloyd(context.Background(), []float64{0, 1, 1000}, 300, 0)
	if err != nil {
		t.Fatal(err)
	}
	// First assignment: {0} to centre 0, {1..9} to centre 1, none to 2;
	// point 9 (farthest from its centre) becomes centre 2 and leaves
	// cluster 1's sum: centres 0, 4.5, 9. Then {0,1,2}, {3..6}, {7,8,9}:
	// centres 1, 4.5, 8, stable.
	if want := []float64{1, 4.5, 8}; !reflect.DeepEqual(r.centers, want) {
		t.Errorf("centres %v, want %v", r.centers, want)
	}
	count := make([]int, 3)
	for i, l := range r.labels {
		count[l]++
		if nl, _ := nearest(km.row(i), r.centers, 3, 1); nl != l {
			t.Errorf("point %d labelled %d, nearest centre %d", i, l, nl)
		}
	}
	for c, v := range count {
		if v == 0 {
			t.Errorf("cluster %d empty: centres %v", c, r.centers)
		}
	}
}
