package umap

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/bunkatopics/bunka-go/internal/vecmath"
)

const (
	lanczosSteps    = 100  // Krylov space size per restart
	lanczosRestarts = 10   // explicit restarts before giving up
	lanczosTol      = 1e-4 // residual ‖My − θy‖, as umap-learn's eigsh tol
	lanczosLooseTol = 1e-2 // accepted after the last restart
)

var errNoSpectral = errors.New("umap: spectral layout not computed")

// spectralLayout returns the 2-D spectral embedding (n×2, row-major) of a
// connected graph: the eigenvectors of the 2nd and 3rd smallest
// eigenvalues of its normalised Laplacian, i.e. the top eigenvectors of
// M = (I + D^−½ A D^−½)/2 orthogonal to its known top eigenvector D^½·1.
// They are found one after the other by restarted Lanczos, each run
// deflated by the vectors found before, so that a repeated eigenvalue (a
// ring, a grid) yields two independent vectors of its eigenspace.
func spectralLayout(ctx context.Context, g *graph, rng *rand.Rand, workers int) ([]float64, error) {
	n := g.n
	if n < 4 {
		return nil, errNoSpectral
	}
	dinv := make([]float64, n)
	v0 := make([]float64, n)
	for i := range n {
		var d float64
		for e := g.rowPtr[i]; e < g.rowPtr[i+1]; e++ {
			d += float64(g.w[e])
		}
		if d <= 0 {
			return nil, errNoSpectral
		}
		dinv[i] = 1 / math.Sqrt(d)
		v0[i] = math.Sqrt(d)
	}
	scale(v0, 1/norm(v0))
	basis := [][]float64{v0}
	op := func(x, y []float64) {
		parallelRange(n, workers, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				var s float64
				for e := g.rowPtr[i]; e < g.rowPtr[i+1]; e++ {
					j := g.col[e]
					s += float64(g.w[e]) * dinv[j] * x[j]
				}
				y[i] = 0.5*x[i] + 0.5*dinv[i]*s
			}
		})
	}
	orth := newOrthogonalizer(n, workers)
	var start []float64 // the previous run's second Ritz vector
	for range 2 {
		y, next, err := lanczosTop(ctx, n, n-len(basis), op, orth, basis, start, rng)
		if err != nil {
			return nil, err
		}
		basis = append(basis, y)
		start = next
	}
	out := make([]float64, 2*n)
	for i := range n {
		out[2*i], out[2*i+1] = basis[1][i], basis[2][i]
	}
	return out, nil
}

// lanczosTop returns the unit eigenvector of the largest eigenvalue of the
// symmetric operator op on the orthogonal complement (of dimension dim) of
// the orthonormal vectors fixed, by Lanczos iteration with full
// reorthogonalisation, restarted from the best Ritz vector. The iteration
// starts from a random vector, plus start (a unit vector) when it is not
// nil. It also returns the second best Ritz vector of its last Krylov
// space (nil when that space had a single vector): a good start for the
// next eigenvector.
func lanczosTop(ctx context.Context, n, dim int, op func(x, y []float64), orth *orthogonalizer, fixed [][]float64, start []float64, rng *rand.Rand) ([]float64, []float64, error) {
	m := min(lanczosSteps, dim)
	if m < 1 {
		return nil, nil, errNoSpectral
	}
	q := make([][]float64, m+1)
	for i := range q {
		q[i] = make([]float64, n)
	}
	for i := range q[0] {
		q[0][i] = rng.Float64() - 0.5
	}
	if start != nil {
		// Half the start vector, half the random one: a start alone
		// may be (nearly) an eigenvector of a smaller eigenvalue, which
		// the iteration would then return; the random half keeps every
		// eigenvector present as from a random start.
		scale(q[0], 1/norm(q[0]))
		axpy(1, start, q[0])
	}
	w := make([]float64, n)
	against := make([][]float64, 0, len(fixed)+m+1)
	for restart := 0; restart < lanczosRestarts; restart++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, fmt.Errorf("umap: spectral layout: %w", err)
		}
		orth.apply(q[0], fixed)
		nq := norm(q[0])
		if nq == 0 || math.IsNaN(nq) {
			return nil, nil, errNoSpectral
		}
		scale(q[0], 1/nq)
		alpha := make([]float64, 0, m)
		beta := make([]float64, 0, m)
		steps := 0
		for j := 0; j < m; j++ {
			op(q[j], w)
			a := vecmath.Dot(q[j], w)
			alpha = append(alpha, a)
			// the three-term recurrence, then a full reorthogonalisation
			// against the fixed vectors and the Lanczos vectors so far
			axpy(-a, q[j], w)
			if j > 0 {
				axpy(-beta[j-1], q[j-1], w)
			}
			against = append(append(against[:0], fixed...), q[:j+1]...)
			orth.apply(w, against)
			b := norm(w)
			steps = j + 1
			beta = append(beta, b)
			if b < 1e-10 {
				break
			}
			copy(q[j+1], w)
			scale(q[j+1], 1/b)
		}
		// eigenpairs of the tridiagonal matrix
		t := make([]float64, steps*steps)
		for i := range steps {
			t[i*steps+i] = alpha[i]
			if i+1 < steps {
				t[i*steps+i+1], t[(i+1)*steps+i] = beta[i], beta[i]
			}
		}
		_, vecs := vecmath.SymEigen(t, steps) // the largest first
		ritz := func(col int) ([]float64, error) {
			v := make([]float64, n)
			for i := range steps {
				axpy(vecs[i*steps+col], q[i], v)
			}
			orth.apply(v, fixed)
			nv := norm(v)
			if nv == 0 || math.IsNaN(nv) {
				return nil, errNoSpectral
			}
			scale(v, 1/nv)
			return v, nil
		}
		bLast := beta[steps-1]
		res := math.Abs(bLast * vecs[(steps-1)*steps])
		y, err := ritz(0)
		if err != nil {
			return nil, nil, err
		}
		if res < lanczosTol || bLast < 1e-10 || (restart == lanczosRestarts-1 && res < lanczosLooseTol) {
			var next []float64
			if steps > 1 {
				next, _ = ritz(1) // nil when it vanished: the next run starts at random
			}
			return y, next, nil
		}
		copy(q[0], y)
	}
	return nil, nil, errNoSpectral
}

// orthBlock is the number of vector elements an orthogonalizer handles at
// a time: partial dot products are summed over blocks in block order, so
// results do not depend on the number of workers.
const orthBlock = 4096

// An orthogonalizer removes from a vector its components along a set of
// orthonormal vectors by classical Gram–Schmidt, in parallel over blocks of
// elements: one pass, and a second when the first shrank the vector below
// refineRatio of its length, so that cancellation may have left it
// unorthogonal (the criterion of Daniel, Gragg, Kaufman and Stewart, 1976,
// which ARPACK also uses). A pass reads the vectors twice (dot products,
// then updates) in long sequential runs; modified Gram–Schmidt would need
// one serial dot product and update per vector.
type orthogonalizer struct {
	n, workers int
	partial    []float64 // blocks × vectors: each block's dot products
	coef       []float64
}

// refineRatio is the DGKS threshold, ARPACK's 0.717 (about 1/√2): a second
// pass runs when the first left less than this fraction of the length.
const refineRatio = 0.717

func newOrthogonalizer(n, workers int) *orthogonalizer {
	return &orthogonalizer{n: n, workers: max(workers, 1)}
}

// apply orthogonalises w against the orthonormal vectors vs in place.
func (o *orthogonalizer) apply(w []float64, vs [][]float64) {
	if len(vs) == 0 {
		return
	}
	before := norm(w)
	for range 2 {
		o.pass(w, vs)
		after := norm(w)
		if after >= refineRatio*before {
			return
		}
		before = after
	}
}

// pass is one classical Gram–Schmidt pass: w −= V (Vᵀ w).
func (o *orthogonalizer) pass(w []float64, vs [][]float64) {
	blocks := (o.n + orthBlock - 1) / orthBlock
	nv := len(vs)
	if cap(o.partial) < blocks*nv {
		o.partial = make([]float64, blocks*nv)
	}
	partial := o.partial[:blocks*nv]
	if cap(o.coef) < nv {
		o.coef = make([]float64, nv)
	}
	coef := o.coef[:nv]
	o.blocks(blocks, func(b, lo, hi int) {
		p := partial[b*nv : (b+1)*nv]
		for i, v := range vs {
			p[i] = vecmath.Dot(v[lo:hi], w[lo:hi])
		}
	})
	for i := range coef {
		var s float64
		for b := range blocks {
			s += partial[b*nv+i]
		}
		coef[i] = s
	}
	o.blocks(blocks, func(b, lo, hi int) {
		for i, v := range vs {
			axpy(-coef[i], v[lo:hi], w[lo:hi])
		}
	})
}

// blocks runs f on every block of elements, the blocks shared out among
// the workers.
func (o *orthogonalizer) blocks(blocks int, f func(b, lo, hi int)) {
	run := func(first, last int) {
		for b := first; b < last; b++ {
			f(b, b*orthBlock, min((b+1)*orthBlock, o.n))
		}
	}
	workers := min(o.workers, blocks)
	if workers <= 1 {
		run(0, blocks)
		return
	}
	var wg sync.WaitGroup
	for k := range workers {
		wg.Go(func() { run(blocks*k/workers, blocks*(k+1)/workers) })
	}
	wg.Wait()
}

func axpy(alpha float64, x, y []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

func scale(x []float64, s float64) {
	for i := range x {
		x[i] *= s
	}
}

func norm(x []float64) float64 { return math.Sqrt(vecmath.Dot(x, x)) }
