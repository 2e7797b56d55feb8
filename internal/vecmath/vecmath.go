// Package vecmath holds the small dense vector and matrix routines that
// the numeric packages (knn, umap, lsa, embed, cluster, hull) share, so that
// each exists once: the dot product, L2 normalisation, finiteness checks
// and a symmetric eigen-solver.
//
// The eigen-solver is the cyclic Jacobi method (Golub & Van Loan, Matrix
// Computations, 4th ed., §8.5.3, with Rutishauser's stable rotation
// formulas): exact to rounding for the small matrices it is used on (the
// randomized SVD's l × l Gram matrix, the Lanczos tridiagonal matrix), with
// no dependency. gonum's mat.EigenSym would do the same job behind a large
// dependency.
package vecmath

import (
	"math"
	"sort"
)

// Float is the element type of the vectors.
type Float interface{ ~float32 | ~float64 }

// Dot returns x·y; y must be at least as long as x. It sums in four
// interleaved accumulators (faster, and no less accurate than one).
func Dot[T Float](x, y []T) T {
	y = y[:len(x)]
	var s0, s1, s2, s3 T
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// Normalize scales v to unit euclidean length in place, summing its
// squares in float64, and reports whether it could (false for a zero or
// non-finite vector, which is left as it is).
func Normalize[T Float](v []T) bool {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 || !IsFinite(s) {
		return false
	}
	inv := T(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= inv
	}
	return true
}

// IsFinite reports whether x is neither NaN nor an infinity.
func IsFinite[T Float](x T) bool {
	f := float64(x)
	return !math.IsNaN(f) && !math.IsInf(f, 0)
}

// NonFinite returns the index of v's first NaN or infinity, or -1 when
// every value is finite.
func NonFinite[T Float](v []T) int {
	for i, x := range v {
		if !IsFinite(x) {
			return i
		}
	}
	return -1
}

// SymEigen returns the eigenvalues of the symmetric n × n matrix a
// (row-major, overwritten), in decreasing order, and the matching unit
// eigenvectors as the columns of an n × n row-major matrix, by the cyclic
// Jacobi method.
func SymEigen(a []float64, n int) (vals, vecs []float64) {
	if len(a) != n*n {
		panic("vecmath: SymEigen: matrix is not n × n")
	}
	vec := make([]float64, n*n)
	for i := range n {
		vec[i*n+i] = 1
	}
	var total float64
	for _, x := range a {
		total += x * x
	}
	for range 100 {
		var off float64
		for i := range n {
			for j := i + 1; j < n; j++ {
				off += a[i*n+j] * a[i*n+j]
			}
		}
		if off <= 1e-30*total || off == 0 {
			break
		}
		for p := range n {
			for q := p + 1; q < n; q++ {
				apq := a[p*n+q]
				if apq == 0 {
					continue
				}
				app, aqq := a[p*n+p], a[q*n+q]
				theta := (aqq - app) / (2 * apq)
				t := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				if theta < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				tau := s / (1 + c)
				a[p*n+p] = app - t*apq
				a[q*n+q] = aqq + t*apq
				a[p*n+q], a[q*n+p] = 0, 0
				for r := range n {
					if r == p || r == q {
						continue
					}
					arp, arq := a[r*n+p], a[r*n+q]
					nrp := arp - s*(arq+tau*arp)
					nrq := arq + s*(arp-tau*arq)
					a[r*n+p], a[p*n+r] = nrp, nrp
					a[r*n+q], a[q*n+r] = nrq, nrq
				}
				for r := range n {
					vrp, vrq := vec[r*n+p], vec[r*n+q]
					vec[r*n+p] = vrp - s*(vrq+tau*vrp)
					vec[r*n+q] = vrq + s*(vrp-tau*vrq)
				}
			}
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool { return a[order[x]*n+order[x]] > a[order[y]*n+order[y]] })
	vals = make([]float64, n)
	vecs = make([]float64, n*n)
	for c, o := range order {
		vals[c] = a[o*n+o]
		for r := range n {
			vecs[r*n+c] = vec[r*n+o]
		}
	}
	return vals, vecs
}
