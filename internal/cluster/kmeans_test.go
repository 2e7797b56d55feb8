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

// TestKMeansWorkers checks that the number of workers does not change a
// bit of the result (the conformance suite, run by conformance_test.go,
// checks the rest).
func TestKMeansWorkers(t *testing.T) {
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
	b, err := KMeans(ctx, pts, 10, Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("two runs with 1 and 4 workers differ")
	}
}

func flat(m [][]float64) []float64 {
	var out []float64
	for _, r := range m {
		out = append(out, r...)
	}
	return out
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
	x := flat(pts)
	kern, err := cpuBackend{workers: 1}.Load(context.Background(), x, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	km := &kmeans{x: x, n: 10, d: 1, k: 3, kern: kern, workers: 1}
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

// failingKernels are the CPU's, with one step failing and Close counted.
type failingKernels struct {
	Kernels
	failAssign bool
	closeErr   error
	closed     *int
}

func (f failingKernels) Assign(centers, sums []float64, counts []int) (int, error) {
	if f.failAssign {
		return 0, errors.New("device lost")
	}
	return f.Kernels.Assign(centers, sums, counts)
}

func (f failingKernels) Close() error {
	*f.closed++
	return f.closeErr
}

type backendFunc func(ctx context.Context, x []float64, n, d int) (Kernels, error)

func (f backendFunc) Load(ctx context.Context, x []float64, n, d int) (Kernels, error) {
	return f(ctx, x, n, d)
}

// TestKMeansOnErrors checks that KMeansOn reports a backend's failures,
// wrapped, and always closes the kernels it loaded.
func TestKMeansOnErrors(t *testing.T) {
	ctx := context.Background()
	pts := [][]float64{{0, 0}, {0, 1}, {5, 5}, {5, 6}}
	for _, tc := range []struct {
		desc       string
		loadErr    error
		failAssign bool
		closeErr   error
		want       string // "" for success
		wantClosed int
	}{
		{desc: "no failure", wantClosed: 1},
		{desc: "load fails", loadErr: errors.New("out of memory"), want: "cluster: out of memory"},
		{desc: "assign fails", failAssign: true, want: "cluster: device lost", wantClosed: 1},
		{desc: "close fails", closeErr: errors.New("context gone"), want: "cluster: context gone", wantClosed: 1},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			closed := 0
			b := backendFunc(func(ctx context.Context, x []float64, n, d int) (Kernels, error) {
				if tc.loadErr != nil {
					return nil, tc.loadErr
				}
				k, err := cpuBackend{workers: 1}.Load(ctx, x, n, d)
				return failingKernels{Kernels: k, failAssign: tc.failAssign, closeErr: tc.closeErr, closed: &closed}, err
			})
			r, err := KMeansOn(ctx, b, pts, 2, Options{})
			switch {
			case tc.want == "" && err != nil:
				t.Fatal(err)
			case tc.want == "":
				want, err := KMeans(ctx, pts, 2, Options{})
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(r, want) {
					t.Errorf("KMeansOn = %+v, KMeans = %+v", r, want)
				}
			case err == nil || !strings.Contains(err.Error(), tc.want) || r != nil:
				t.Errorf("KMeansOn = %v, %v; want no result and an error containing %q", r, err, tc.want)
			}
			if closed != tc.wantClosed {
				t.Errorf("kernels closed %d times, want %d", closed, tc.wantClosed)
			}
		})
	}
}
