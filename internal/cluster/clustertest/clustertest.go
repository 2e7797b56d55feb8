// Package clustertest is the conformance suite of cluster.Clusterer: every
// k-means implementation (the CPU's KMeans; the GPU's in internal/cuda)
// runs Run from its own tests, as knntest does for k-NN searchers.
package clustertest

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/cluster"
)

// Run checks c: well-separated blobs are recovered; a result is a Lloyd
// fixed point; it is deterministic for a seed and the seed matters; more
// runs (NInit) never do worse; small and degenerate inputs give k non-empty
// clusters; bad arguments are refused with cluster.ErrInvalidInput and a
// cancelled context with its error.
func Run(t *testing.T, c cluster.Clusterer) {
	t.Helper()
	ctx := context.Background()
	t.Run("blobs", func(t *testing.T) {
		for _, tc := range []struct {
			desc    string
			n, d, k int
		}{
			{"2-D, 5 blobs", 500, 2, 5},
			{"2-D, 12 blobs", 1200, 2, 12},
			{"16-D, 8 blobs", 400, 16, 8},
		} {
			pts, want := blobs(tc.n, tc.d, tc.k, 3)
			r, err := c.Cluster(ctx, pts, tc.k, cluster.Options{})
			if err != nil {
				t.Fatalf("%s: %v", tc.desc, err)
			}
			check(t, pts, tc.k, r)
			if NMI(want, r.Labels) < 1-1e-9 {
				t.Errorf("%s: blobs not recovered (NMI %v)", tc.desc, NMI(want, r.Labels))
			}
		}
	})
	t.Run("fixed point", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(9, 9))
		pts := make([][]float64, 3000)
		for i := range pts {
			pts[i] = []float64{rng.Float64(), rng.Float64(), rng.Float64()}
		}
		const k = 7
		r, err := c.Cluster(ctx, pts, k, cluster.Options{Tol: -1})
		if err != nil {
			t.Fatal(err)
		}
		check(t, pts, k, r)
		means := make([][]float64, k)
		count := make([]int, k)
		for i := range means {
			means[i] = make([]float64, 3)
		}
		for i, p := range pts {
			l := r.Labels[i]
			count[l]++
			for j, v := range p {
				means[l][j] += v
			}
			if nl := nearest(p, r.Centers); sqDist(p, r.Centers[nl]) < sqDist(p, r.Centers[l]) {
				t.Fatalf("point %d labelled %d but centre %d is nearer", i, l, nl)
			}
		}
		for i := range means {
			for j := range means[i] {
				if m := means[i][j] / float64(count[i]); math.Abs(m-r.Centers[i][j]) > 1e-9 {
					t.Errorf("centre %d[%d] = %v, mean of its points %v", i, j, r.Centers[i][j], m)
				}
			}
		}
	})
	t.Run("deterministic", func(t *testing.T) {
		pts := overlapping(5000, 10, 5)
		a, err := c.Cluster(ctx, pts, 10, cluster.Options{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := c.Cluster(ctx, pts, 10, cluster.Options{Seed: cluster.DefaultSeed})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Error("two runs with seed 42 differ")
		}
		s7, err := c.Cluster(ctx, pts, 10, cluster.Options{Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		if reflect.DeepEqual(a.Centers, s7.Centers) {
			t.Error("seeds 42 and 7 gave the same centres")
		}
		more, err := c.Cluster(ctx, pts, 10, cluster.Options{NInit: 4})
		if err != nil {
			t.Fatal(err)
		}
		if more.Inertia > a.Inertia {
			t.Errorf("NInit 4 inertia %v > NInit 1 inertia %v", more.Inertia, a.Inertia)
		}
	})
	t.Run("small", func(t *testing.T) {
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
			r, err := c.Cluster(ctx, tc.pts, tc.k, cluster.Options{})
			if err != nil {
				t.Fatalf("%s: %v", tc.desc, err)
			}
			check(t, tc.pts, tc.k, r)
			if math.Abs(r.Inertia-tc.wantInertia) > 1e-12 {
				t.Errorf("%s: Inertia = %v, want %v", tc.desc, r.Inertia, tc.wantInertia)
			}
		}
	})
	t.Run("errors", func(t *testing.T) {
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
			_, err := c.Cluster(ctx, tc.pts, tc.k, cluster.Options{})
			if !errors.Is(err, cluster.ErrInvalidInput) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: err = %v, want one wrapping ErrInvalidInput containing %q", tc.desc, err, tc.want)
			}
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := c.Cluster(cctx, ok, 2, cluster.Options{}); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled: err = %v", err)
		}
	})
}

// check verifies the shape of r: a label in 0..k-1 for every point, k
// centres, no empty cluster, and an Inertia that matches the labels and
// centres.
func check(t *testing.T, pts [][]float64, k int, r *cluster.Result) {
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
	var got float64
	for i, p := range pts {
		got += sqDist(p, r.Centers[r.Labels[i]])
	}
	if math.Abs(got-r.Inertia) > 1e-9*(1+got) {
		t.Errorf("Inertia = %v, recomputed %v", r.Inertia, got)
	}
}

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

// overlapping returns n 2-D points from k unit Gaussian blobs whose
// centres are uniform in a box of side 3·sqrt(k): the blobs overlap, as
// the topics of a UMAP map often do, so that Lloyd takes many iterations.
func overlapping(n, k int, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 2))
	side := 3 * math.Sqrt(float64(k))
	centres := make([][2]float64, k)
	for c := range centres {
		centres[c] = [2]float64{side * rng.Float64(), side * rng.Float64()}
	}
	pts := make([][]float64, n)
	for i := range pts {
		c := centres[rng.IntN(k)]
		pts[i] = []float64{c[0] + rng.NormFloat64(), c[1] + rng.NormFloat64()}
	}
	return pts
}

func sqDist(a, b []float64) float64 {
	var s float64
	for j := range a {
		t := a[j] - b[j]
		s += t * t
	}
	return s
}

func nearest(p []float64, centres [][]float64) int {
	best, bd := 0, math.Inf(1)
	for c, ctr := range centres {
		if v := sqDist(p, ctr); v < bd {
			best, bd = c, v
		}
	}
	return best
}

// NMI returns the normalised mutual information of two partitions of the
// same points, with the arithmetic mean of the entropies (scikit-learn's
// default): 1 for the same partition up to a renaming of labels, about 0
// for independent ones.
func NMI(a, b []int) float64 {
	if len(a) != len(b) {
		panic("clustertest: NMI of partitions of different lengths")
	}
	n := float64(len(a))
	ca, cb := map[int]float64{}, map[int]float64{}
	joint := map[[2]int]float64{}
	for i := range a {
		ca[a[i]]++
		cb[b[i]]++
		joint[[2]int{a[i], b[i]}]++
	}
	entropy := func(counts map[int]float64) float64 {
		var h float64
		for _, c := range counts {
			h -= c / n * math.Log(c/n)
		}
		return h
	}
	var mi float64
	for p, c := range joint {
		mi += c / n * math.Log(c*n/(ca[p[0]]*cb[p[1]]))
	}
	ha, hb := entropy(ca), entropy(cb)
	if ha+hb == 0 {
		return 1
	}
	return mi / ((ha + hb) / 2)
}

// AgainstCPU checks that on 20,000 overlapping 2-D points in 20 clusters
// (ten blocks, the last one short) c's partition agrees with the CPU's
// KMeans (NMI at least 0.98, inertia within 0.1%). Implementations other
// than the CPU's run it beside Run.
func AgainstCPU(t *testing.T, c cluster.Clusterer) {
	ctx := context.Background()
	pts := overlapping(20_000, 20, 11)
	want, err := cluster.KMeans(ctx, pts, 20, cluster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Cluster(ctx, pts, 20, cluster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	check(t, pts, 20, got)
	if v := NMI(want.Labels, got.Labels); v < 0.98 {
		t.Errorf("NMI with the CPU's partition %v, want at least 0.98", v)
	}
	if math.Abs(got.Inertia-want.Inertia) > 1e-3*want.Inertia {
		t.Errorf("inertia %v, the CPU's %v", got.Inertia, want.Inertia)
	}
}
