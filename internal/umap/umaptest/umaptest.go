// Package umaptest is the conformance suite of umap.Optimizer, the UMAP
// layout seam: every layout optimiser (the CPU one today, a GPU one beside
// it later) runs RunLayout from its own tests.
package umaptest

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/umap"
)

// MinTrustworthiness is the bar that a layout of the suite's labelled set
// must reach (trustworthiness with k = 10; the CPU layout scores about
// 0.944 there: within a blob the points are isotropic noise).
const MinTrustworthiness = 0.90

// RunLayout projects data through umap.Project with o as the layout and
// checks: the same seed gives the same layout; well-separated blobs stay
// apart (every point nearer its own blob's centre than any other blob's);
// trustworthiness on a small labelled set reaches MinTrustworthiness.
func RunLayout(t *testing.T, o umap.Optimizer) {
	t.Helper()
	ctx := context.Background()
	data, labels := Blobs(4, 60, 16, 3)
	project := func(seed int64) [][2]float32 {
		t.Helper()
		xy, err := umap.Project(ctx, data, umap.Options{Seed: seed, Layout: o, Epochs: 200})
		if err != nil {
			t.Fatalf("Project: %v", err)
		}
		if len(xy) != len(data) {
			t.Fatalf("%d points for %d rows", len(xy), len(data))
		}
		for i, p := range xy {
			if math.IsNaN(float64(p[0])) || math.IsNaN(float64(p[1])) || math.IsInf(float64(p[0]), 0) || math.IsInf(float64(p[1]), 0) {
				t.Fatalf("point %d at %v", i, p)
			}
		}
		return xy
	}
	a := project(7)
	t.Run("deterministic", func(t *testing.T) {
		if b := project(7); !slices.Equal(a, b) {
			t.Error("two runs with seed 7 differ")
		}
	})
	t.Run("blobs stay separated", func(t *testing.T) {
		centre := make([][2]float64, 4)
		count := make([]float64, 4)
		for i, p := range a {
			centre[labels[i]][0] += float64(p[0])
			centre[labels[i]][1] += float64(p[1])
			count[labels[i]]++
		}
		for c := range centre {
			centre[c][0] /= count[c]
			centre[c][1] /= count[c]
		}
		wrong := 0
		for i, p := range a {
			best, bestD := -1, math.Inf(1)
			for c, m := range centre {
				if d := math.Hypot(float64(p[0])-m[0], float64(p[1])-m[1]); d < bestD {
					best, bestD = c, d
				}
			}
			if best != labels[i] {
				wrong++
			}
		}
		if wrong > 0 {
			t.Errorf("%d of %d points nearer another blob's centre", wrong, len(a))
		}
	})
	t.Run("trustworthiness", func(t *testing.T) {
		if tw := Trustworthiness(data, a, 10); tw < MinTrustworthiness {
			t.Errorf("trustworthiness %.4f, want at least %.2f", tw, MinTrustworthiness)
		}
	})
}

// Blobs returns k Gaussian blobs of n points each in dim dimensions,
// centres 10 apart along the axes, unit spread, and each point's blob.
func Blobs(k, n, dim int, seed uint64) ([][]float32, []int) {
	rng := rand.New(rand.NewPCG(seed, 11))
	var data [][]float32
	var labels []int
	for c := range k {
		for range n {
			row := make([]float32, dim)
			for j := range row {
				row[j] = float32(rng.NormFloat64())
			}
			row[c%dim] += 10
			data = append(data, row)
			labels = append(labels, c)
		}
	}
	return data, labels
}

// TrustworthinessEvery is Trustworthiness on every step-th point (0, step,
// 2·step, ...), a cheaper figure for large layouts.
func TrustworthinessEvery(data [][]float32, xy [][2]float32, step, k int) float64 {
	var sd [][]float32
	var sxy [][2]float32
	for j := 0; j < len(data); j += step {
		sd = append(sd, data[j])
		sxy = append(sxy, xy[j])
	}
	return Trustworthiness(sd, sxy, k)
}

// Trustworthiness is scikit-learn's trustworthiness(X, Y, n_neighbors=k):
// 1 minus a penalty for each point's k nearest neighbours in the layout
// that are not among its k nearest in the data, weighted by their rank
// there. Ties in either space go to the smaller index, as a stable sort
// would order them. It takes O(n²·dim) time, on all CPUs.
func Trustworthiness(data [][]float32, xy [][2]float32, k int) float64 {
	n := len(data)
	workers := max(1, min(runtime.GOMAXPROCS(0), n/64))
	penalty := make([]float64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			high := make([]float64, n)
			near := make([]int, 0, k+1)
			for i := w; i < n; i += workers {
				for j := range n {
					var s float64
					for c := range data[i] {
						x := float64(data[i][c]) - float64(data[j][c])
						s += x * x
					}
					high[j] = s
				}
				low := func(j int) float64 {
					dx, dy := float64(xy[i][0]-xy[j][0]), float64(xy[i][1]-xy[j][1])
					return dx*dx + dy*dy
				}
				// the k nearest in the layout, in order, ties to the
				// smaller index
				near = near[:0]
				for j := range n {
					if j == i {
						continue
					}
					d := low(j)
					if len(near) == k && d >= low(near[k-1]) {
						continue
					}
					at := len(near)
					for at > 0 && d < low(near[at-1]) {
						at--
					}
					near = slices.Insert(near, at, j)
					if len(near) > k {
						near = near[:k]
					}
				}
				// their ranks in the data
				for _, j := range near {
					r := 1
					for l, d := range high {
						if l != i && (d < high[j] || d == high[j] && l < j) {
							r++
						}
					}
					if r > k {
						penalty[w] += float64(r - k)
					}
				}
			}
		})
	}
	wg.Wait()
	var sum float64
	for _, p := range penalty {
		sum += p
	}
	return 1 - 2/(float64(n)*float64(k)*(2*float64(n)-3*float64(k)-1))*sum
}
