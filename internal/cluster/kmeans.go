package cluster

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"

	"github.com/bunkatopics/bunka-go/internal/parallel"
	"github.com/bunkatopics/bunka-go/internal/vecmath"
)

// ErrInvalidInput is wrapped by every error KMeans returns because of its
// arguments (k out of range, ragged rows, NaN or infinite coordinates).
var ErrInvalidInput = errors.New("invalid input")

// Defaults used for the zero values of Options.
const (
	DefaultSeed    = 42   // the original's random_state
	DefaultMaxIter = 300  // scikit-learn's max_iter
	DefaultTol     = 1e-4 // scikit-learn's tol
)

// Options tunes KMeans. The zero value of each field means its default.
type Options struct {
	// Seed seeds the k-means++ draws. 0 means DefaultSeed (42), as
	// pipeline.Config.Seed does; there is no way to ask for seed 0.
	Seed int64
	// MaxIter bounds the Lloyd iterations of each run; 0 means 300.
	MaxIter int
	// Tol is the convergence tolerance relative to the mean per-feature
	// variance of the data; 0 means 1e-4. A negative value means 0: stop
	// only when no label changes (or after MaxIter).
	Tol float64
	// NInit is the number of seeded runs, the best by inertia kept; 0 means
	// 1 (scikit-learn's n_init="auto" with k-means++).
	NInit int
	// Workers bounds the goroutines used; 0 means runtime.GOMAXPROCS(0).
	// It does not change the result.
	Workers int
}

// Result is a partition of the points into k clusters.
type Result struct {
	Labels     []int       // cluster of each point, in 0..k-1
	Centers    [][]float64 // k centres, each the mean of its points
	Inertia    float64     // sum of squared distances of points to their centres
	Iterations int         // Lloyd iterations of the kept run
}

// BlockSize is the number of points per block of work. It is fixed (not
// derived from the number of workers) so that partial sums, added in block
// order, do not depend on how many goroutines ran; Kernels return their
// sums per block of BlockSize points.
const BlockSize = 2048

// Blocks returns the number of blocks of BlockSize points among n.
func Blocks(n int) int { return (n + BlockSize - 1) / BlockSize }

// KMeans partitions points (n rows of d coordinates) into k clusters on
// the CPU. See the package documentation for the algorithm. It returns an
// error wrapping ErrInvalidInput when k < 1, k > n, rows differ in length or
// have no coordinates, or a coordinate is NaN or infinite; and ctx.Err()
// when ctx ends first.
func KMeans(ctx context.Context, points [][]float64, k int, opt Options) (*Result, error) {
	return KMeansOn(ctx, nil, points, k, opt)
}

// KMeansOn is KMeans with its data-parallel steps run by b's Kernels (nil:
// the CPU's). The rest (validation, centring, the k-means++ draws, the
// reduction of the blocks' sums, the centre updates, the relocation of
// empty clusters, the convergence test) runs here, on the CPU, the same for
// every Backend: Kernels that keep their contract give KMeans's result bit
// for bit.
func KMeansOn(ctx context.Context, b Backend, points [][]float64, k int, opt Options) (res *Result, err error) {
	n := len(points)
	if k < 1 {
		return nil, fmt.Errorf("cluster: k = %d, want at least 1: %w", k, ErrInvalidInput)
	}
	if k > n {
		return nil, fmt.Errorf("cluster: k = %d clusters for %d points: %w", k, n, ErrInvalidInput)
	}
	d := len(points[0])
	if d == 0 {
		return nil, fmt.Errorf("cluster: row 0 has no coordinates: %w", ErrInvalidInput)
	}
	x := make([]float64, n*d)
	mean := make([]float64, d)
	for i, p := range points {
		if len(p) != d {
			return nil, fmt.Errorf("cluster: row %d has %d coordinates, row 0 has %d: %w", i, len(p), d, ErrInvalidInput)
		}
		for j, v := range p {
			if !vecmath.IsFinite(v) {
				return nil, fmt.Errorf("cluster: row %d, coordinate %d is %v: %w", i, j, v, ErrInvalidInput)
			}
			mean[j] += v
		}
		copy(x[i*d:], p)
	}
	opt = opt.withDefaults()

	// Centre the data, and take tol relative to its mean variance.
	for j := range mean {
		mean[j] /= float64(n)
	}
	var variance float64
	for i := 0; i < n; i++ {
		row := x[i*d : i*d+d]
		for j := range row {
			row[j] -= mean[j]
			variance += row[j] * row[j]
		}
	}
	tol := opt.Tol * variance / float64(n*d)

	if b == nil {
		b = cpuBackend{workers: opt.Workers}
	}
	kern, err := b.Load(ctx, x, n, d)
	if err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	defer func() {
		if cerr := kern.Close(); cerr != nil && err == nil {
			res, err = nil, fmt.Errorf("cluster: %w", cerr)
		}
	}()
	km := &kmeans{x: x, n: n, d: d, k: k, kern: kern, workers: opt.Workers}
	var best *run
	for r := 0; r < opt.NInit; r++ {
		rng := rand.New(rand.NewPCG(uint64(opt.Seed), uint64(r)))
		centers, err := km.seed(ctx, rng)
		if err != nil {
			return nil, err
		}
		res, err := km.lloyd(ctx, centers, opt.MaxIter, tol)
		if err != nil {
			return nil, err
		}
		if best == nil || res.inertia < best.inertia {
			best = res
		}
	}

	out := &Result{
		Labels:     best.labels,
		Centers:    make([][]float64, k),
		Inertia:    best.inertia,
		Iterations: best.iterations,
	}
	for c := range out.Centers {
		row := make([]float64, d)
		for j := range row {
			row[j] = best.centers[c*d+j] + mean[j]
		}
		out.Centers[c] = row
	}
	return out, nil
}

func (o Options) withDefaults() Options {
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.MaxIter <= 0 {
		o.MaxIter = DefaultMaxIter
	}
	switch {
	case o.Tol == 0:
		o.Tol = DefaultTol
	case o.Tol < 0:
		o.Tol = 0
	}
	if o.NInit <= 0 {
		o.NInit = 1
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// kmeans drives the runs: it holds the centred data, row-major n×d, and
// the Kernels that run the data-parallel steps on it.
type kmeans struct {
	x       []float64
	n, d, k int
	kern    Kernels
	workers int // for the few host-side loops over the points
}

// run is the outcome of one seeded run, in centred coordinates.
type run struct {
	labels     []int
	centers    []float64 // k×d
	inertia    float64
	iterations int
}

func (km *kmeans) row(i int) []float64 { return km.x[i*km.d : i*km.d+km.d] }

func (km *kmeans) blocks() int { return Blocks(km.n) }

// sqDist is the squared euclidean distance, summed coordinate by
// coordinate in order from 0, each product rounded before it is added (the
// conversions forbid a fused multiply-add), as the Kernels contract asks.
func sqDist(a, b []float64) float64 {
	var s float64
	for j := range a {
		t := a[j] - b[j]
		s += float64(t * t)
	}
	return s
}

// seed chooses k initial centres by greedy k-means++.
func (km *kmeans) seed(ctx context.Context, rng *rand.Rand) ([]float64, error) {
	n, d, k := km.n, km.d, km.k
	centers := make([]float64, k*d)
	first := rng.IntN(n)
	copy(centers, km.row(first))

	nb := km.blocks()
	partial := make([]float64, nb)
	if err := km.kern.SeedFirst(centers[:d], partial); err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	pot := sum(partial)

	trials := 2 + int(math.Log(float64(k)))
	cand := make([]float64, trials*d)
	candPot := make([]float64, nb*trials)
	closest := make([]float64, n)
	cum := make([]float64, n)
	for c := 1; c < k; c++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := km.kern.Closest(closest); err != nil {
			return nil, fmt.Errorf("cluster: %w", err)
		}
		var s float64
		for i, v := range closest {
			s += v
			cum[i] = s
		}
		for t := 0; t < trials; t++ {
			r := rng.Float64() * pot
			// The first index whose cumulative sum reaches r (NumPy's
			// searchsorted, side "left"), clipped to the last point.
			copy(cand[t*d:], km.row(min(sort.SearchFloat64s(cum, r), n-1)))
		}
		if err := km.kern.Potentials(cand, candPot); err != nil {
			return nil, fmt.Errorf("cluster: %w", err)
		}
		bestT, bestPot := 0, math.Inf(1)
		for t := 0; t < trials; t++ {
			var s float64
			for b := 0; b < nb; b++ {
				s += candPot[b*trials+t]
			}
			if s < bestPot {
				bestT, bestPot = t, s
			}
		}
		chosen := cand[bestT*d : bestT*d+d]
		copy(centers[c*d:], chosen)
		if err := km.kern.SeedUpdate(chosen); err != nil {
			return nil, fmt.Errorf("cluster: %w", err)
		}
		pot = bestPot
	}
	return centers, nil
}

// lloyd runs Lloyd iterations from centers (which it takes over).
func (km *kmeans) lloyd(ctx context.Context, centers []float64, maxIter int, tol float64) (*run, error) {
	n, d, k := km.n, km.d, km.k
	nb := km.blocks()
	labels := make([]int, n)
	dist := make([]float64, n) // squared distance of each point to its centre
	sums := make([]float64, nb*k*d)
	counts := make([]int, nb*k)
	next := make([]float64, k*d)
	count := make([]int, k)
	if err := km.kern.Reset(); err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}

	strict := false
	iter := 0
	for iter < maxIter {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		iter++
		// Assignment, with per-block sums for the update.
		nChanged, err := km.kern.Assign(centers, sums, counts)
		if err != nil {
			return nil, fmt.Errorf("cluster: %w", err)
		}
		// Update: reduce the blocks in order.
		clear(next)
		clear(count)
		for b := 0; b < nb; b++ {
			s := sums[b*k*d : (b+1)*k*d]
			for i, v := range s {
				next[i] += v
			}
			for c, v := range counts[b*k : (b+1)*k] {
				count[c] += v
			}
		}
		if slices.Contains(count, 0) {
			if err := km.kern.Labels(labels, dist); err != nil {
				return nil, fmt.Errorf("cluster: %w", err)
			}
			km.relocateEmpty(next, count, labels, dist)
		}
		var shift float64
		for c := 0; c < k; c++ {
			nc := next[c*d : c*d+d]
			oc := centers[c*d : c*d+d]
			if count[c] == 0 {
				// Only when relocation emptied a cluster: keep its centre.
				copy(nc, oc)
				continue
			}
			inv := 1 / float64(count[c])
			for j := range nc {
				nc[j] *= inv
			}
			shift += sqDist(nc, oc)
		}
		centers, next = next, centers
		if nChanged == 0 {
			strict = true
			break
		}
		if shift <= tol {
			break
		}
	}
	if !strict {
		// Labels that match the final centres.
		if _, err := km.kern.Assign(centers, sums, counts); err != nil {
			return nil, fmt.Errorf("cluster: %w", err)
		}
	}
	if err := km.kern.Labels(labels, dist); err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	km.fillEmpty(centers, labels, dist)
	partial := make([]float64, nb)
	parallel.For(n, BlockSize, km.workers, func(b, lo, hi int) {
		var s float64
		for i := lo; i < hi; i++ {
			s += dist[i]
		}
		partial[b] = s
	})
	return &run{labels: labels, centers: centers, inertia: sum(partial), iterations: iter}, nil
}

// farthest returns the indices of the m points with the largest dist,
// largest first, ties to the lowest index.
func farthest(dist []float64, m int) []int {
	idx := make([]int, len(dist))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return dist[idx[a]] > dist[idx[b]] })
	return idx[:m]
}

// relocateEmpty gives each empty cluster, as scikit-learn does, the point
// farthest from its centre as new centre, taking it out of its old
// cluster's sum. sums holds per-cluster coordinate sums, not yet averaged.
// Labels are left unchanged: the next assignment moves the points.
func (km *kmeans) relocateEmpty(sums []float64, count, labels []int, dist []float64) {
	var empty []int
	for c, v := range count {
		if v == 0 {
			empty = append(empty, c)
		}
	}
	if len(empty) == 0 {
		return
	}
	d := km.d
	for e, i := range farthest(dist, len(empty)) {
		c, old := empty[e], labels[i]
		p := km.row(i)
		for j, v := range p {
			sums[old*d+j] -= v
			sums[c*d+j] = v
		}
		count[old]--
		count[c] = 1
	}
}

// fillEmpty makes sure every cluster has a point: an empty cluster takes
// the point farthest from its centre among clusters of two points or more,
// and both centres are set to the means of their points. It updates dist.
func (km *kmeans) fillEmpty(centers []float64, labels []int, dist []float64) {
	d, k := km.d, km.k
	count := make([]int, k)
	for _, l := range labels {
		count[l]++
	}
	for c := 0; c < k; c++ {
		if count[c] > 0 {
			continue
		}
		far, fd := -1, -1.0
		for i, l := range labels {
			if count[l] > 1 && dist[i] > fd {
				far, fd = i, dist[i]
			}
		}
		old := labels[far]
		labels[far] = c
		count[old]--
		count[c] = 1
		dist[far] = 0
		copy(centers[c*d:c*d+d], km.row(far))
		// Recompute the old cluster's mean and distances.
		oc := centers[old*d : old*d+d]
		clear(oc)
		for i, l := range labels {
			if l == old {
				for j, v := range km.row(i) {
					oc[j] += v
				}
			}
		}
		for j := range oc {
			oc[j] /= float64(count[old])
		}
		for i, l := range labels {
			if l == old {
				dist[i] = sqDist(km.row(i), oc)
			}
		}
	}
}

func sum(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}
