package umap

import (
	"context"
	"fmt"
	"math"
	"slices"
)

// BatchLayout is the layout of the GPU optimiser (package cuda) run on the
// CPU: the same algorithm, operation by operation in float32, so that it is
// the trusted reference the GPU kernel is compared with. Each epoch runs in
// Steps synchronous steps, each over its share of the edges: every edge due
// for sampling computes its moves from the positions at the start of the
// step and writes them to slots of its own; then every point adds up its
// slots in a fixed order and moves once. See the package documentation for
// how it differs from CPULayout and umap-learn.
type BatchLayout struct {
	Steps int // steps per epoch; 0: BatchSteps
}

var _ Optimizer = BatchLayout{}

// Optimize runs the batch layout on pos in place. Its result depends on g,
// pos and p, not on p.Workers.
func (bl BatchLayout) Optimize(ctx context.Context, g *Graph, pos []float32, p LayoutParams) error {
	if len(pos) != 2*g.N {
		panic(fmt.Sprintf("umap: %d coordinates for %d points", len(pos), g.N))
	}
	plan := NewBatchPlan(g, p, bl.Steps)
	st := plan.newState()
	workers := max(p.Workers, 1)
	for epoch := range p.Epochs {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("umap: layout: %w", err)
		}
		alpha := plan.Alpha(epoch)
		for r := range plan.Steps {
			edges := plan.StepEdges[plan.StepPtr[r]:plan.StepPtr[r+1]]
			parallelRange(len(edges), workers, func(lo, hi int) {
				plan.stepEdges(st, g, pos, epoch, alpha, edges[lo:hi])
			})
			parallelRange(g.N, workers, func(lo, hi int) {
				plan.gather(st, g, pos, r, lo, hi)
			})
		}
		if p.Progress != nil {
			p.Progress(epoch + 1)
		}
	}
	return nil
}

// Constants of the batch layout's coefficient tables: BatchTableBits
// points per octave of d² from 2^BatchTableMinExp to 2^BatchTableMaxExp,
// indexed by the float32 bits of d²; below the range the first value is
// used (points less than 1e-6 apart, where an attraction moves less than
// 1e-4 and the repulsion's coefficient is flat), above it the last (points
// more than 2^20 apart, where a move is about 1e-6).
// internal/cuda/layout.cu has the same shift.
const (
	BatchTableBits   = 7
	BatchTableMinExp = -40
	BatchTableMaxExp = 40
	BatchTableShift  = 23 - BatchTableBits
)

// BatchSteps is the default number of steps per epoch of BatchLayout.
const BatchSteps = 8

// BatchPlan is what the batch layout derives from a Graph and its
// LayoutParams before the first epoch; a GPU implementation uploads it.
type BatchPlan struct {
	N       int
	Seed    uint64
	Epochs  int
	Alpha0  float64
	NegRate int
	Steps   int

	// Head is each edge's row (its head point).
	Head []int32
	// An epoch runs in Steps steps; edge e, the r-th of its row, belongs
	// to step r mod Steps. Step s's edges are
	// StepEdges[StepPtr[s]:StepPtr[s+1]], in increasing order.
	StepPtr, StepEdges []int32
	// TailPtr and TailSlot place the tail moves: edge e writes the move
	// of its tail Col[e] to slot TailSlot[e]; the tail slots of point v
	// in step s are TailPtr[v·Steps+s]..TailPtr[v·Steps+s+1]-1, ordered by
	// edge (the transpose of the graph's CSR, so no symmetry is assumed).
	TailPtr, TailSlot []int32
	// EpochsPerSample (wmax/w, −1 for w ≤ 0) and EpochsPerNegative (the
	// same divided by the negative rate, or by 1 when NegRate ≤ 0 and no
	// negative samples are drawn), as umap-learn's schedule.
	EpochsPerSample, EpochsPerNegative []float64
	// TableLo is the float32 bits of the tables' first d², 2^BatchTableMinExp.
	TableLo uint32
	// Attract and Repulse tabulate the gradient coefficients as functions
	// of d² (see BatchTableBits): −2ab·d^(2b−2)/(1 + a·d^2b) and
	// 2γb/((0.001 + d²)(1 + a·d^2b)).
	Attract, Repulse []float32
}

// NewBatchPlan prepares the batch layout of g with p in steps steps per
// epoch (0: BatchSteps).
func NewBatchPlan(g *Graph, p LayoutParams, steps int) *BatchPlan {
	if steps <= 0 {
		steps = BatchSteps
	}
	n, ne := g.N, len(g.Col)
	pl := &BatchPlan{
		N: n, Seed: p.Seed, Epochs: p.Epochs, Alpha0: p.InitialAlpha, NegRate: p.NegativeRate, Steps: steps,
		Head:              make([]int32, ne),
		StepPtr:           make([]int32, steps+1),
		StepEdges:         make([]int32, 0, ne),
		TailPtr:           make([]int32, n*steps+1),
		TailSlot:          make([]int32, ne),
		EpochsPerSample:   make([]float64, ne),
		EpochsPerNegative: make([]float64, ne),
	}
	step := func(e int32) int32 { return (e - g.RowPtr[pl.Head[e]]) % int32(steps) }
	for i := range n {
		for e := g.RowPtr[i]; e < g.RowPtr[i+1]; e++ {
			pl.Head[e] = int32(i)
		}
	}
	for e := range int32(ne) {
		pl.StepPtr[step(e)+1]++
	}
	for s := range steps {
		pl.StepPtr[s+1] += pl.StepPtr[s]
	}
	pl.StepEdges = pl.StepEdges[:ne]
	next := slices.Clone(pl.StepPtr[:steps])
	for e := range int32(ne) {
		s := step(e)
		pl.StepEdges[next[s]] = e
		next[s]++
	}
	for e, k := range g.Col {
		pl.TailPtr[int(k)*steps+int(step(int32(e)))+1]++
	}
	for v := range n * steps {
		pl.TailPtr[v+1] += pl.TailPtr[v]
	}
	fill := make([]int32, n*steps)
	for e, k := range g.Col {
		c := int(k)*steps + int(step(int32(e)))
		pl.TailSlot[e] = pl.TailPtr[c] + fill[c]
		fill[c]++
	}
	var wmax float32
	for _, w := range g.W {
		wmax = max(wmax, w)
	}
	negRate := max(p.NegativeRate, 1)
	for e, w := range g.W {
		eps := -1.0
		if w > 0 {
			eps = float64(wmax) / float64(w)
		}
		pl.EpochsPerSample[e] = eps
		pl.EpochsPerNegative[e] = eps / float64(negRate)
	}
	a, b, gamma := p.A, p.B, p.Gamma
	pl.TableLo = math.Float32bits(float32(math.Ldexp(1, BatchTableMinExp)))
	pl.Attract = batchTable(pl.TableLo, func(d2 float64) float64 {
		pb := math.Pow(d2, b)
		return -2 * a * b * pb / d2 / (a*pb + 1)
	})
	pl.Repulse = batchTable(pl.TableLo, func(d2 float64) float64 {
		return 2 * gamma * b / ((0.001 + d2) * (a*math.Pow(d2, b) + 1))
	})
	return pl
}

// batchTable tabulates f at the d² of the batch layout's tables, from the
// float32 bits lo of the first.
func batchTable(lo uint32, f func(float64) float64) []float32 {
	hi := math.Float32bits(float32(math.Ldexp(1, BatchTableMaxExp)))
	vals := make([]float32, (hi-lo)>>BatchTableShift+1)
	for i := range vals {
		vals[i] = float32(f(float64(math.Float32frombits(lo + uint32(i)<<BatchTableShift))))
	}
	return vals
}

// coef reads table t at d² (> 0) by linear interpolation, clamped to the
// table's ends.
func (pl *BatchPlan) coef(t []float32, d2 float32) float32 {
	bits := math.Float32bits(d2)
	if bits <= pl.TableLo {
		return t[0]
	}
	off := bits - pl.TableLo
	i := off >> BatchTableShift
	if int(i) >= len(t)-1 {
		return t[len(t)-1]
	}
	frac := float32(off&(1<<BatchTableShift-1)) * (1.0 / (1 << BatchTableShift))
	v0, v1 := t[i], t[i+1]
	return v0 + float32((v1-v0)*frac)
}

// Alpha is the learning rate of an epoch, falling linearly from Alpha0.
func (pl *BatchPlan) Alpha(epoch int) float32 {
	return float32(pl.Alpha0 * (1 - float64(epoch)/float64(pl.Epochs)))
}

// batchState is the mutable state of a batch layout: each edge's next
// epochs of positive and negative sampling, and the move slots.
type batchState struct {
	NextSample, NextNegative []float64
	HeadMove, TailMove       []float32 // 2 per edge: (dx, dy)
}

// newState returns the state before the first epoch.
func (pl *BatchPlan) newState() *batchState {
	ne := len(pl.Head)
	st := &batchState{
		NextSample:   make([]float64, ne),
		NextNegative: make([]float64, ne),
		HeadMove:     make([]float32, 2*ne),
		TailMove:     make([]float32, 2*ne),
	}
	copy(st.NextSample, pl.EpochsPerSample)
	copy(st.NextNegative, pl.EpochsPerNegative)
	return st
}

// stepEdges computes the moves of edges lo..hi-1 in an epoch from pos, which
// it only reads, and advances their schedules: an edge due for sampling
// pulls its head and tail together (the attraction, clipped to ±4, times
// alpha; the tail gets the opposite move) and pushes its head away from
// its negative samples, points drawn by a counter-based random stream of
// (seed, epoch, edge), all taken at the head's position at the start of
// the epoch. An edge not due writes zero moves. The GPU kernel layout.cu's
// layout_edges does the same, thread e for edge e.
//
// Every product is rounded to float32 (or float64) before it is added, by
// an explicit conversion, so that the Go compiler cannot fuse a multiply
// and an add (the spec allows it, and does it on arm64); the kernel uses
// __fmul_rn and __fadd_rn for the same reason.
func (pl *BatchPlan) stepEdges(st *batchState, g *Graph, pos []float32, epoch int, alpha float32, edges []int32) {
	fe := float64(epoch)
	n := uint64(pl.N)
	for _, e := range edges {
		eps := pl.EpochsPerSample[e]
		if eps <= 0 || st.NextSample[e] > fe {
			st.HeadMove[2*e], st.HeadMove[2*e+1] = 0, 0
			st.TailMove[2*pl.TailSlot[e]], st.TailMove[2*pl.TailSlot[e]+1] = 0, 0
			continue
		}
		j, k := pl.Head[e], g.Col[e]
		cx, cy := pos[2*j], pos[2*j+1]
		dx, dy := cx-pos[2*k], cy-pos[2*k+1]
		d2 := float32(dx*dx) + float32(dy*dy)
		var ax, ay float32
		if d2 > 0 {
			c := pl.coef(pl.Attract, d2)
			ax = float32(clip(float32(c*dx)) * alpha)
			ay = float32(clip(float32(c*dy)) * alpha)
		}
		st.NextSample[e] = st.NextSample[e] + eps
		epn := pl.EpochsPerNegative[e]
		nNeg := 0
		if pl.NegRate > 0 {
			nNeg = int((fe - st.NextNegative[e]) / epn)
		}
		rng := newStream(pl.Seed, uint64(epoch), uint64(e))
		var rx, ry float32
		for range nNeg {
			kk := int32(rng.intn(n))
			if kk == j {
				continue
			}
			dx, dy := cx-pos[2*kk], cy-pos[2*kk+1]
			d2 := float32(dx*dx) + float32(dy*dy)
			if d2 > 0 {
				c := pl.coef(pl.Repulse, d2)
				rx += clip(float32(c * dx))
				ry += clip(float32(c * dy))
			} else {
				rx += 4
				ry += 4
			}
		}
		st.NextNegative[e] = st.NextNegative[e] + float64(float64(nNeg)*epn)
		st.HeadMove[2*e] = ax + float32(rx*alpha)
		st.HeadMove[2*e+1] = ay + float32(ry*alpha)
		s := pl.TailSlot[e]
		st.TailMove[2*s], st.TailMove[2*s+1] = -ax, -ay
	}
}

// gather moves points lo..hi-1 by the sum of their slots: first the head
// moves of their own edges, then their tail moves, each in edge order,
// added one by one in float32 from zero. The kernel layout_gather does the
// same, thread v for point v.
func (pl *BatchPlan) gather(st *batchState, g *Graph, pos []float32, step, lo, hi int) {
	for v := lo; v < hi; v++ {
		var sx, sy float32
		for e := g.RowPtr[v] + int32(step); e < g.RowPtr[v+1]; e += int32(pl.Steps) {
			sx += st.HeadMove[2*e]
			sy += st.HeadMove[2*e+1]
		}
		c := v*pl.Steps + step
		for s := pl.TailPtr[c]; s < pl.TailPtr[c+1]; s++ {
			sx += st.TailMove[2*s]
			sy += st.TailMove[2*s+1]
		}
		pos[2*v] += sx
		pos[2*v+1] += sy
	}
}
