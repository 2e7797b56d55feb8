package lsa

import (
	"math/rand/v2"
	"slices"

	"github.com/bunkatopics/bunka-go/internal/parallel"
)

// csr is a sparse matrix in compressed sparse row form: row i has the
// columns ind[ptr[i]:ptr[i+1]] (increasing) and values val[ptr[i]:ptr[i+1]].
type csr struct {
	rows, cols int
	ptr        []int
	ind        []int32
	val        []float32
}

// transpose returns the matrix transposed, also in CSR form (the CSC form
// of m), its rows' columns increasing.
func (m *csr) transpose() *csr {
	t := &csr{rows: m.cols, cols: m.rows, ptr: make([]int, m.cols+1), ind: make([]int32, len(m.ind)), val: make([]float32, len(m.val))}
	for _, j := range m.ind {
		t.ptr[j+1]++
	}
	for j := 0; j < m.cols; j++ {
		t.ptr[j+1] += t.ptr[j]
	}
	next := append([]int(nil), t.ptr[:m.cols]...)
	for i := 0; i < m.rows; i++ {
		for p := m.ptr[i]; p < m.ptr[i+1]; p++ {
			j := m.ind[p]
			q := next[j]
			next[j]++
			t.ind[q] = int32(i)
			t.val[q] = m.val[p]
		}
	}
	return t
}

// sampleRows returns n of m's rows, drawn at random with seed (a partial
// Fisher–Yates shuffle of a PCG stream), in their order in m.
func (m *csr) sampleRows(n int, seed int64) *csr {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5a3b1e))
	perm := make([]int32, m.rows)
	for i := range perm {
		perm[i] = int32(i)
	}
	for i := 0; i < n; i++ {
		j := i + rng.IntN(m.rows-i)
		perm[i], perm[j] = perm[j], perm[i]
	}
	rows := perm[:n]
	slices.Sort(rows)
	s := &csr{rows: n, cols: m.cols, ptr: make([]int, n+1)}
	for i, r := range rows {
		s.ptr[i+1] = s.ptr[i] + m.ptr[r+1] - m.ptr[r]
	}
	s.ind = make([]int32, 0, s.ptr[n])
	s.val = make([]float32, 0, s.ptr[n])
	for _, r := range rows {
		s.ind = append(s.ind, m.ind[m.ptr[r]:m.ptr[r+1]]...)
		s.val = append(s.val, m.val[m.ptr[r]:m.ptr[r+1]]...)
	}
	return s
}

// mulDense sets dst (m.rows × l, row-major) to m·d, where d is m.cols × l,
// in parallel over rows.
func (m *csr) mulDense(dst, d []float64, l, workers int) {
	parallel.For(m.rows, 64, workers, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			out := dst[i*l : i*l+l]
			clear(out)
			p, end := m.ptr[i], m.ptr[i+1]
			for ; p+4 <= end; p += 4 {
				j0, j1, j2, j3 := int(m.ind[p])*l, int(m.ind[p+1])*l, int(m.ind[p+2])*l, int(m.ind[p+3])*l
				axpy4(out,
					float64(m.val[p]), d[j0:j0+l],
					float64(m.val[p+1]), d[j1:j1+l],
					float64(m.val[p+2]), d[j2:j2+l],
					float64(m.val[p+3]), d[j3:j3+l])
			}
			for ; p < end; p++ {
				j := int(m.ind[p]) * l
				axpy(out, float64(m.val[p]), d[j:j+l])
			}
		}
	})
}

// axpy sets y += a·x.
func axpy(y []float64, a float64, x []float64) {
	x = x[:len(y)]
	i := 0
	for ; i+4 <= len(y); i += 4 {
		y[i] += a * x[i]
		y[i+1] += a * x[i+1]
		y[i+2] += a * x[i+2]
		y[i+3] += a * x[i+3]
	}
	for ; i < len(y); i++ {
		y[i] += a * x[i]
	}
}

// axpy4 sets y += a0·x0 + a1·x1 + a2·x2 + a3·x3, reading and writing y
// once.
func axpy4(y []float64, a0 float64, x0 []float64, a1 float64, x1 []float64, a2 float64, x2 []float64, a3 float64, x3 []float64) {
	n := len(y)
	x0, x1, x2, x3 = x0[:n], x1[:n], x2[:n], x3[:n]
	for i := range y {
		y[i] += a0*x0[i] + a1*x1[i] + a2*x2[i] + a3*x3[i]
	}
}
