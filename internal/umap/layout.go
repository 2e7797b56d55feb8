package umap

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"sync"
	"sync/atomic"
)

// layoutParams are the constants of the SGD.
type layoutParams struct {
	a, b         float64
	gamma        float64 // repulsion strength
	negRate      int     // negative samples per positive sample
	epochs       int
	initialAlpha float64
	seed         uint64
	workers      int
	phases       int
	progress     func(epoch int)
}

// layoutStripes is the number of blocks of points per phase that the
// layout's workers share out; each has its own queue of tail moves. At
// most this many workers run the layout.
const layoutStripes = 16

// layoutPhases is the default number of phases per epoch.
const layoutPhases = 8

// optimize runs the UMAP layout SGD on pos (n×2, row-major) in place.
func optimize(ctx context.Context, g *graph, pos []float32, p layoutParams) error {
	n := g.n
	ne := len(g.col)
	var wmax float32
	for _, w := range g.w {
		wmax = max(wmax, w)
	}
	epochsPerSample := make([]float64, ne)
	nextSample := make([]float64, ne)
	epochsPerNeg := make([]float64, ne)
	nextNeg := make([]float64, ne)
	for e, w := range g.w {
		eps := -1.0
		if w > 0 {
			eps = float64(wmax) / float64(w)
		}
		epochsPerSample[e] = eps
		nextSample[e] = eps
		epochsPerNeg[e] = eps / float64(p.negRate)
		nextNeg[e] = epochsPerNeg[e]
	}
	// gradient coefficients as functions of the squared distance
	attract := newTable(func(d2 float64) float64 {
		pb := math.Pow(d2, p.b)
		return -2 * p.a * p.b * pb / d2 / (p.a*pb + 1)
	})
	repulse := newTable(func(d2 float64) float64 {
		return 2 * p.gamma * p.b / ((0.001 + d2) * (p.a*math.Pow(d2, p.b) + 1))
	})
	prev := make([]float32, len(pos))
	copy(prev, pos)
	// Each epoch runs in phases over consecutive blocks of points; in a
	// phase, every stripe of the block is moved by one worker, and the
	// moves of edge tails are queued per stripe and applied at the end of
	// the phase, stripes in order.
	phases := max(1, min(p.phases, n/(4*layoutStripes)))
	blocks := phases * layoutStripes
	tails := make([][]tailMove, layoutStripes)
	workers := min(p.workers, layoutStripes)
	for epoch := 0; epoch < p.epochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("umap: layout: %w", err)
		}
		alpha := float32(p.initialAlpha * (1 - float64(epoch)/float64(p.epochs)))
		fe := float64(epoch)
		for ph := range phases {
			var next atomic.Int64
			work := func() {
				for {
					s := int(next.Add(1)) - 1
					if s >= layoutStripes {
						return
					}
					b := ph*layoutStripes + s
					tl := tails[s][:0]
					for j := b * n / blocks; j < (b+1)*n/blocks; j++ {
						cx, cy := pos[2*j], pos[2*j+1]
						rng := newStream(p.seed, uint64(epoch), uint64(j))
						for e := g.rowPtr[j]; e < g.rowPtr[j+1]; e++ {
							if nextSample[e] > fe || epochsPerSample[e] <= 0 {
								continue
							}
							k := g.col[e]
							dx, dy := cx-prev[2*k], cy-prev[2*k+1]
							d2 := dx*dx + dy*dy
							if d2 > 0 {
								coef := attract.at(d2)
								gx, gy := clip(coef*dx)*alpha, clip(coef*dy)*alpha
								cx += gx
								cy += gy
								tl = append(tl, tailMove{k, -gx, -gy})
							}
							nextSample[e] += epochsPerSample[e]
							nNeg := int((fe - nextNeg[e]) / epochsPerNeg[e])
							// The repulsive gradients of one edge's negative
							// samples are all taken at the same position and
							// summed, so that they are independent computations.
							var gx, gy float32
							for range nNeg {
								kk := int(rng.intn(uint64(n)))
								if kk == j {
									continue
								}
								dx, dy := cx-prev[2*kk], cy-prev[2*kk+1]
								d2 := dx*dx + dy*dy
								if d2 > 0 {
									coef := repulse.at(d2)
									gx += clip(coef * dx)
									gy += clip(coef * dy)
								} else {
									gx += 4
									gy += 4
								}
							}
							cx += gx * alpha
							cy += gy * alpha
							nextNeg[e] += float64(nNeg) * epochsPerNeg[e]
						}
						pos[2*j], pos[2*j+1] = cx, cy
					}
					tails[s] = tl
				}
			}
			if workers <= 1 {
				work()
			} else {
				var wg sync.WaitGroup
				for range workers {
					wg.Go(work)
				}
				wg.Wait()
			}
			// apply the tail moves, then refresh the snapshot where
			// positions changed
			for _, tl := range tails {
				for _, m := range tl {
					pos[2*m.k] += m.dx
					pos[2*m.k+1] += m.dy
				}
			}
			lo, hi := ph*layoutStripes*n/blocks, (ph+1)*layoutStripes*n/blocks
			copy(prev[2*lo:2*hi], pos[2*lo:2*hi])
			for _, tl := range tails {
				for _, m := range tl {
					prev[2*m.k], prev[2*m.k+1] = pos[2*m.k], pos[2*m.k+1]
				}
			}
		}
		if p.progress != nil {
			p.progress(epoch + 1)
		}
	}
	return nil
}

// tailMove is a queued move of an edge's tail point.
type tailMove struct {
	k      int32
	dx, dy float32
}

func clip(v float32) float32 {
	if v > 4 {
		return 4
	}
	if v < -4 {
		return -4
	}
	return v
}

// stream is a splitmix64 generator for one point's negative samples in one
// epoch.
type stream struct{ s uint64 }

func newStream(seed, epoch, point uint64) stream {
	return stream{mix(mix(mix(seed)^epoch) ^ point)}
}

func (r *stream) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n) (Lemire's multiply-shift).
func (r *stream) intn(n uint64) uint64 {
	hi, _ := bits.Mul64(r.next(), n)
	return hi
}

func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// parallelRange runs f over [0,n) split in contiguous ranges, one per
// worker; f must write disjoint memory per index.
func parallelRange(n, workers int, f func(lo, hi int)) {
	workers = max(1, min(workers, n/1024))
	if workers <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() { f(lo, hi) })
	}
	wg.Wait()
}
