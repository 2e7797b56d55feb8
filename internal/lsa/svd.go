package lsa

import (
	"context"
	"math"
	"math/rand/v2"

	"github.com/bunkatopics/bunka-go/internal/parallel"
	"github.com/bunkatopics/bunka-go/internal/vecmath"
)

// Randomized truncated SVD parameters (Halko, Martinsson & Tropp 2011;
// scikit-learn's TruncatedSVD uses 10 and 5).
const (
	oversample = 10
	powerIters = 5
)

// truncatedSVD returns the top k right singular vectors of a (a.cols × k,
// row-major, columns orthonormal), the k singular values, descending,
// after iters power iterations, and w = U_kΣ_k⁻¹ (a.rows × k), the left
// singular vectors scaled so that v = aᵀw exactly: folding a column c of
// a into the space is cᵀw (see foldIn).
// at is a transposed. Singular values that are zero (rank below k) come
// with zero vectors.
func truncatedSVD(ctx context.Context, a, at *csr, k, iters int, seed int64, workers int) (v, sigma, w []float64, err error) {
	n, nv := a.rows, a.cols
	l := min(k+oversample, n, nv)
	// Gaussian test matrix Ω (nv × l), each block of rows drawn from its
	// own stream so that the draw does not depend on the workers.
	omega := make([]float64, nv*l)
	const rb = 1024
	parallel.For(nv, rb, workers, func(_, lo, hi int) {
		rng := rand.New(rand.NewPCG(uint64(seed), uint64(lo/rb)))
		for i := lo * l; i < hi*l; i++ {
			omega[i] = rng.NormFloat64()
		}
	})
	y := make([]float64, n*l)
	a.mulDense(y, omega, l, workers)
	z := omega // Ω's storage serves for Z = AᵀQ from now on
	// In the power iterations one Cholesky QR pass is enough: only the
	// subspace matters, and it stays orthonormal to about 1e-10.
	q := orthonormalize(y, n, l, 1, workers)
	for it := 0; it < iters; it++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err
		}
		at.mulDense(z, q, l, workers) // Z = Aᵀ Q
		a.mulDense(y, z, l, workers)  // Y = A Z
		passes := 1
		if it == iters-1 {
			passes = 2
		}
		q = orthonormalize(y, n, l, passes, workers)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, err
	}
	// B = Qᵀ A, so B Bᵀ = Qᵀ A Aᵀ Q = Qᵀ (A Z) with Z = Bᵀ = Aᵀ Q.
	// (When there are fewer terms than documents, ZᵀZ would be cheaper;
	// the Debian corpora have 3–4 times more terms than documents.)
	at.mulDense(z, q, l, workers)
	aat := make([]float64, n*l) // not y: q is y's storage
	a.mulDense(aat, z, l, workers)
	z = nil
	g := gram(q, aat, n, l, workers)
	// Symmetrise against rounding.
	for i := 0; i < l; i++ {
		for j := i + 1; j < l; j++ {
			s := (g[i*l+j] + g[j*l+i]) / 2
			g[i*l+j], g[j*l+i] = s, s
		}
	}
	lambda, ub := vecmath.SymEigen(g, l)
	k = min(k, l)
	sigma = make([]float64, k)
	// V = Bᵀ U_B Σ⁻¹ = Z U_B Σ⁻¹, first k columns.
	scale := make([]float64, k)
	for c := 0; c < k; c++ {
		if lambda[c] > 0 {
			sigma[c] = math.Sqrt(lambda[c])
		}
		// Values below the rounding level of the largest are rank
		// deficiency, not signal.
		if sigma[c] > 1e-7*math.Sqrt(max(lambda[0], 0)) {
			scale[c] = 1 / sigma[c]
		} else {
			sigma[c] = 0
		}
	}
	// V = Bᵀ U_B Σ⁻¹ = Aᵀ (Q U_B) Σ⁻¹, first k columns: (Q U_B) is
	// n × k, cheaper than Z U_B (terms × k) when there are more terms than
	// documents.
	qu := make([]float64, n*k)
	parallel.For(n, 256, workers, func(_, lo, hi int) {
		for r := lo; r < hi; r++ {
			out := qu[r*k : r*k+k]
			for i, x := range q[r*l : r*l+l] {
				if x != 0 {
					axpy(out, x, ub[i*l:i*l+k])
				}
			}
			for c := range out {
				out[c] *= scale[c]
			}
		}
	})
	v = make([]float64, nv*k)
	at.mulDense(v, qu, k, workers)
	return v, sigma, qu, nil
}

// orthonormalize returns an n × l matrix whose columns are an orthonormal
// basis of y's columns, taken in order, stored in y. It uses Cholesky QR
// applied passes times, twice for full accuracy (Y = QR from the Cholesky factor of YᵀY: Fukaya et al.,
// "CholeskyQR2: a simple and communication-avoiding algorithm for computing
// a tall-skinny QR factorization", 2014), which is parallel over rows and
// accurate while Y's condition number stays below about 1e7 (the power
// iterations keep it near (σ₁/σ_l)²). When a Cholesky pivot vanishes (Y is
// rank deficient or too ill-conditioned) it falls back to Gram–Schmidt.
func orthonormalize(y []float64, n, l, passes, workers int) []float64 {
	for pass := 0; pass < passes; pass++ {
		if !cholQR(y, n, l, workers) {
			return gramSchmidt(y, n, l, workers)
		}
	}
	return y
}

// cholQR replaces y by y·R⁻¹, where RᵀR = yᵀy, and reports whether the
// Cholesky factorisation succeeded (y is left unchanged when not).
func cholQR(y []float64, n, l, workers int) bool {
	g := gramSym(y, n, l, workers)
	// Lower-triangular L = Rᵀ with g = L Lᵀ, row-major.
	var maxDiag float64
	for i := 0; i < l; i++ {
		maxDiag = max(maxDiag, g[i*l+i])
	}
	if maxDiag == 0 {
		return false
	}
	lo := make([]float64, l*l)
	for j := 0; j < l; j++ {
		for i := 0; i <= j; i++ {
			s := g[j*l+i] - vecmath.Dot(lo[j*l:j*l+i], lo[i*l:i*l+i])
			if i == j {
				if s <= 1e-13*maxDiag {
					return false
				}
				lo[j*l+j] = math.Sqrt(s)
			} else {
				lo[j*l+i] = s / lo[i*l+i]
			}
		}
	}
	// Each row q of Q solves q Lᵀ = y, i.e. L qᵀ = yᵀ: forward substitution.
	parallel.For(n, 256, workers, func(_, a, b int) {
		r := a
		for ; r+4 <= b; r += 4 { // four rows at a time share the reads of L
			q0, q1, q2, q3 := y[r*l:r*l+l], y[(r+1)*l:(r+1)*l+l], y[(r+2)*l:(r+2)*l+l], y[(r+3)*l:(r+3)*l+l]
			for j := 0; j < l; j++ {
				lj := lo[j*l : j*l+j]
				var s0, s1, s2, s3 float64
				for i, x := range lj {
					s0 += x * q0[i]
					s1 += x * q1[i]
					s2 += x * q2[i]
					s3 += x * q3[i]
				}
				d := lo[j*l+j]
				q0[j] = (q0[j] - s0) / d
				q1[j] = (q1[j] - s1) / d
				q2[j] = (q2[j] - s2) / d
				q3[j] = (q3[j] - s3) / d
			}
		}
		for ; r < b; r++ {
			q := y[r*l : r*l+l]
			for j := 0; j < l; j++ {
				q[j] = (q[j] - vecmath.Dot(q[:j], lo[j*l:j*l+j])) / lo[j*l+j]
			}
		}
	})
	return true
}

// gramSchmidt orthonormalises y's columns in place by classical
// Gram–Schmidt applied twice ("twice is enough", Giraud et al. 2005). A
// column that depends on the previous ones comes out zero.
func gramSchmidt(y []float64, n, l, workers int) []float64 {
	// Work on columns stored contiguously: qt is l × n.
	qt := make([]float64, l*n)
	for i := 0; i < n; i++ {
		for j := 0; j < l; j++ {
			qt[j*n+i] = y[i*l+j]
		}
	}
	c := make([]float64, l)
	for j := 0; j < l; j++ {
		v := qt[j*n : j*n+n]
		norm0 := math.Sqrt(vecmath.Dot(v, v))
		for pass := 0; pass < 2 && j > 0; pass++ {
			parallel.For(j, 8, workers, func(_, lo, hi int) {
				for i := lo; i < hi; i++ {
					c[i] = vecmath.Dot(qt[i*n:i*n+n], v)
				}
			})
			parallel.For(n, 2048, workers, func(_, lo, hi int) {
				seg := v[lo:hi]
				for i := 0; i < j; i++ {
					axpy(seg, -c[i], qt[i*n+lo:i*n+hi])
				}
			})
		}
		norm := math.Sqrt(vecmath.Dot(v, v))
		if norm == 0 || norm <= 1e-10*norm0 {
			clear(v)
			continue
		}
		inv := 1 / norm
		for i := range v {
			v[i] *= inv
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < l; j++ {
			y[i*l+j] = qt[j*n+i]
		}
	}
	return y
}

// gram returns the l × l matrix pᵀ q for two n × l row-major matrices,
// summing per-block partial products in block order.
func gram(p, q []float64, n, l, workers int) []float64 {
	const block = 512
	nb := (n + block - 1) / block
	partial := make([]float64, nb*l*l)
	parallel.For(n, block, workers, func(_, lo, hi int) {
		g := partial[(lo/block)*l*l : (lo/block+1)*l*l]
		for r := lo; r < hi; r++ {
			pr, qr := p[r*l:r*l+l], q[r*l:r*l+l]
			for i, pi := range pr {
				if pi != 0 {
					axpy(g[i*l:i*l+l], pi, qr)
				}
			}
		}
	})
	g := make([]float64, l*l)
	for b := 0; b < nb; b++ {
		for i, x := range partial[b*l*l : (b+1)*l*l] {
			g[i] += x
		}
	}
	return g
}

// gramSym returns the l × l matrix yᵀy of an n × l row-major matrix,
// computing one triangle and mirroring it.
func gramSym(y []float64, n, l, workers int) []float64 {
	const block = 512
	nb := (n + block - 1) / block
	partial := make([]float64, nb*l*l)
	parallel.For(n, block, workers, func(_, lo, hi int) {
		g := partial[(lo/block)*l*l : (lo/block+1)*l*l]
		r := lo
		for ; r+4 <= hi; r += 4 {
			y0, y1, y2, y3 := y[r*l:r*l+l], y[(r+1)*l:(r+1)*l+l], y[(r+2)*l:(r+2)*l+l], y[(r+3)*l:(r+3)*l+l]
			for i := 0; i < l; i++ {
				axpy4(g[i*l+i:i*l+l], y0[i], y0[i:], y1[i], y1[i:], y2[i], y2[i:], y3[i], y3[i:])
			}
		}
		for ; r < hi; r++ {
			yr := y[r*l : r*l+l]
			for i, yi := range yr {
				if yi != 0 {
					axpy(g[i*l+i:i*l+l], yi, yr[i:])
				}
			}
		}
	})
	g := make([]float64, l*l)
	for b := 0; b < nb; b++ {
		for i, x := range partial[b*l*l : (b+1)*l*l] {
			g[i] += x
		}
	}
	for i := 0; i < l; i++ {
		for j := i + 1; j < l; j++ {
			g[j*l+i] = g[i*l+j]
		}
	}
	return g
}

// extendSample takes the SVD fitted on s of a's documents (Options.SVDSample;
// v is its V_k, terms × k, sigma its singular values) to all of them, and
// returns V_k and W = U_kΣ_k⁻¹ (a.rows × k) for the whole corpus, with
// V_k = AᵀW exactly, as truncatedSVD's, so that folding in a term's column
// gives its row (foldIn). The sample's U_sΣ_s⁻¹ is A_sV_kΣ_s⁻²; over all
// n documents, whose Gram matrix AᵀA is about n/s times the sample's, the
// singular values grow by √(n/s), so W = AV_kΣ_s⁻²·s/n, and V_k = AᵀW is a
// half power iteration on the whole matrix: it gives their rows to the
// terms that no sampled document has, and rows on the whole corpus's scale
// to the terms that the sample over- or under-represents.
func extendSample(a *csr, v, sigma []float64, k, s, workers int) (vAll, w []float64) {
	f := make([]float64, k)
	for c, x := range sigma {
		if x > 0 {
			f[c] = float64(s) / float64(a.rows) / (x * x)
		}
	}
	w = make([]float64, a.rows*k)
	a.mulDense(w, v, k, workers)
	for i := 0; i < a.rows; i++ {
		for c := 0; c < k; c++ {
			w[i*k+c] *= f[c]
		}
	}
	vAll = v // same shape: terms × k
	a.transpose().mulDense(vAll, w, k, workers)
	return vAll, w
}
