package umap

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

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
	deflate := func(x []float64) {
		for _, b := range basis {
			axpy(-vecmath.Dot(b, x), b, x)
		}
	}
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
		deflate(y)
	}
	for range 2 {
		y, err := lanczosTop(ctx, n, n-len(basis), op, deflate, rng)
		if err != nil {
			return nil, err
		}
		basis = append(basis, y)
	}
	out := make([]float64, 2*n)
	for i := range n {
		out[2*i], out[2*i+1] = basis[1][i], basis[2][i]
	}
	return out, nil
}

// lanczosTop returns the unit eigenvector of the largest eigenvalue of the
// symmetric operator op on the subspace (of dimension dim) that deflate
// projects onto, by Lanczos iteration with full reorthogonalisation,
// restarted from the best Ritz vector.
func lanczosTop(ctx context.Context, n, dim int, op func(x, y []float64), deflate func([]float64), rng *rand.Rand) ([]float64, error) {
	m := min(lanczosSteps, dim)
	if m < 1 {
		return nil, errNoSpectral
	}
	q := make([][]float64, m+1)
	for i := range q {
		q[i] = make([]float64, n)
	}
	for i := range q[0] {
		q[0][i] = rng.Float64() - 0.5
	}
	w := make([]float64, n)
	for restart := 0; restart < lanczosRestarts; restart++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("umap: spectral layout: %w", err)
		}
		deflate(q[0])
		nq := norm(q[0])
		if nq == 0 || math.IsNaN(nq) {
			return nil, errNoSpectral
		}
		scale(q[0], 1/nq)
		alpha := make([]float64, 0, m)
		beta := make([]float64, 0, m)
		steps := 0
		for j := 0; j < m; j++ {
			op(q[j], w)
			alpha = append(alpha, vecmath.Dot(q[j], w))
			// full reorthogonalisation (twice is enough)
			for range 2 {
				for i := 0; i <= j; i++ {
					axpy(-vecmath.Dot(q[i], w), q[i], w)
				}
				deflate(w)
			}
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
		const top = 0
		bLast := beta[steps-1]
		res := math.Abs(bLast * vecs[(steps-1)*steps+top])
		y := make([]float64, n)
		for i := range steps {
			axpy(vecs[i*steps+top], q[i], y)
		}
		deflate(y)
		ny := norm(y)
		if ny == 0 || math.IsNaN(ny) {
			return nil, errNoSpectral
		}
		scale(y, 1/ny)
		if res < lanczosTol || bLast < 1e-10 || (restart == lanczosRestarts-1 && res < lanczosLooseTol) {
			return y, nil
		}
		copy(q[0], y)
	}
	return nil, errNoSpectral
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
