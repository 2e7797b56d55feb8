package cluster

import (
	"context"
	"math"

	"github.com/bunkatopics/bunka-go/internal/parallel"
)

// A Backend runs the data-parallel steps of k-means: KMeansOn loads the
// centred points into it once per call and drives the Kernels it returns.
// The CPU backend is KMeans's; a GPU one lives in internal/cuda.
type Backend interface {
	// Load prepares x, n points of d coordinates (row-major, centred on
	// their mean), for the Kernels. x is not modified, and stays unchanged
	// until Kernels.Close.
	Load(ctx context.Context, x []float64, n, d int) (Kernels, error)
}

// Kernels are the steps of KMeans whose work grows with the number of
// points, run where the Backend put them. They keep three values per point
// between calls: closest (the k-means++ potential of the point), its label
// and dist (its squared distance to the centre of its label).
//
// The contract that makes every Backend give KMeans's result bit for bit:
//   - A squared distance between a point and a centre is summed coordinate
//     by coordinate from 0, starting at 0, in float64, each product rounded
//     before it is added (no fused multiply-add).
//   - A sum over points is returned per block of BlockSize points (block b
//     holds points b·BlockSize up to the next block, the last one shorter),
//     each block's sum taken in point order starting at 0. The caller adds
//     the blocks in order.
//   - A nearest centre is the first of the nearest ones in index order.
//
// The centres and candidates passed to a method are only read during the
// call.
type Kernels interface {
	// SeedFirst sets closest[i] to the squared distance from point i to
	// c (d coordinates), and writes to partial[b] the sum of closest over
	// block b.
	SeedFirst(c, partial []float64) error
	// SeedUpdate sets closest[i] to the squared distance from point i to
	// c when that is smaller.
	SeedUpdate(c []float64) error
	// Closest copies closest into dst (n values).
	Closest(dst []float64) error
	// Potentials writes to partial[b*t+j] the sum over the points i of
	// block b of min(closest[i], squared distance from point i to candidate
	// j), for the t = len(cand)/d candidates of cand (t×d, row-major).
	Potentials(cand, partial []float64) error
	// Reset sets every label to -1 (no cluster).
	Reset() error
	// Assign gives every point the label of its nearest centre among the
	// k = len(centers)/d of centers (k×d, row-major; ties to the lowest
	// index) and sets dist to the squared distance to it. It writes to
	// sums[(b*k+c)*d+j] the sum of coordinate j over the points of block b
	// labelled c, and to counts[b*k+c] their number. It returns the number
	// of points whose label changed.
	Assign(centers, sums []float64, counts []int) (changed int, err error)
	// Labels copies the labels and dist into labels and dist (n each).
	Labels(labels []int, dist []float64) error
	// Close releases what Load took.
	Close() error
}

// cpuBackend runs the kernels on up to workers goroutines.
type cpuBackend struct{ workers int }

func (b cpuBackend) Load(_ context.Context, x []float64, n, d int) (Kernels, error) {
	return &cpuKernels{x: x, n: n, d: d, workers: b.workers,
		closest: make([]float64, n), labels: make([]int, n), dist: make([]float64, n)}, nil
}

// cpuKernels are the CPU's Kernels: blocks of points on parallel.For.
type cpuKernels struct {
	x       []float64
	n, d    int
	workers int
	closest []float64
	labels  []int
	dist    []float64
	changed []int // per block, for Assign
}

var _ Kernels = (*cpuKernels)(nil)

func (c *cpuKernels) row(i int) []float64 { return c.x[i*c.d : i*c.d+c.d] }

func (c *cpuKernels) forBlocks(f func(b, lo, hi int)) {
	parallel.For(c.n, BlockSize, c.workers, f)
}

func (c *cpuKernels) SeedFirst(ctr, partial []float64) error {
	c.forBlocks(func(b, lo, hi int) {
		var s float64
		for i := lo; i < hi; i++ {
			c.closest[i] = sqDist(c.row(i), ctr)
			s += c.closest[i]
		}
		partial[b] = s
	})
	return nil
}

func (c *cpuKernels) SeedUpdate(ctr []float64) error {
	c.forBlocks(func(b, lo, hi int) {
		for i := lo; i < hi; i++ {
			c.closest[i] = min(c.closest[i], sqDist(c.row(i), ctr))
		}
	})
	return nil
}

func (c *cpuKernels) Closest(dst []float64) error {
	copy(dst, c.closest)
	return nil
}

func (c *cpuKernels) Potentials(cand, partial []float64) error {
	d := c.d
	t := len(cand) / d
	c.forBlocks(func(b, lo, hi int) {
		acc := partial[b*t : (b+1)*t]
		clear(acc)
		for i := lo; i < hi; i++ {
			p := c.row(i)
			for j := range acc {
				acc[j] += min(c.closest[i], sqDist(p, cand[j*d:j*d+d]))
			}
		}
	})
	return nil
}

func (c *cpuKernels) Reset() error {
	for i := range c.labels {
		c.labels[i] = -1
	}
	return nil
}

func (c *cpuKernels) Assign(centers, sums []float64, counts []int) (int, error) {
	d := c.d
	k := len(centers) / d
	if c.changed == nil {
		c.changed = make([]int, Blocks(c.n))
	}
	c.forBlocks(func(b, lo, hi int) {
		s := sums[b*k*d : (b+1)*k*d]
		cnt := counts[b*k : (b+1)*k]
		clear(s)
		clear(cnt)
		ch := 0
		for i := lo; i < hi; i++ {
			p := c.row(i)
			l, dl := nearest(p, centers, k, d)
			if l != c.labels[i] {
				c.labels[i] = l
				ch++
			}
			c.dist[i] = dl
			cnt[l]++
			sl := s[l*d : l*d+d]
			for j, v := range p {
				sl[j] += v
			}
		}
		c.changed[b] = ch
	})
	changed := 0
	for _, v := range c.changed {
		changed += v
	}
	return changed, nil
}

func (c *cpuKernels) Labels(labels []int, dist []float64) error {
	copy(labels, c.labels)
	copy(dist, c.dist)
	return nil
}

func (c *cpuKernels) Close() error { return nil }

// nearest returns the index of the centre nearest to p (the lowest index
// among equals) and its squared distance.
func nearest(p, centers []float64, k, d int) (int, float64) {
	if d == 2 {
		x, y := p[0], p[1]
		best, bd := 0, math.Inf(1)
		for c := 0; c < k; c++ {
			dx, dy := x-centers[2*c], y-centers[2*c+1]
			if v := float64(dx*dx) + float64(dy*dy); v < bd {
				best, bd = c, v
			}
		}
		return best, bd
	}
	best, bd := 0, math.Inf(1)
	for c := 0; c < k; c++ {
		if v := sqDist(p, centers[c*d:c*d+d]); v < bd {
			best, bd = c, v
		}
	}
	return best, bd
}
