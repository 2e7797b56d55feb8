package lsa

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/vecmath"
)

// randomSparse returns an n × m sparse matrix with about density·n·m
// non-zero entries, uniform in [0, 1) times decay^j in column j, and four
// groups of rows that favour their own columns.
func randomSparse(n, m int, density, decay float64, seed uint64) *csr {
	rng := rand.New(rand.NewPCG(seed, 0))
	a := &csr{rows: n, cols: m, ptr: make([]int, n+1)}
	for i := 0; i < n; i++ {
		topic := i % 4
		for j := 0; j < m; j++ {
			p := density
			if j%4 == topic {
				p *= 4
			}
			if rng.Float64() < p {
				a.ind = append(a.ind, int32(j))
				a.val = append(a.val, float32(rng.Float64()*math.Pow(decay, float64(j))))
			}
		}
		a.ptr[i+1] = len(a.ind)
	}
	return a
}

// TestTruncatedSVD compares the randomized SVD with a dense computation.
// With a decaying spectrum (as TF-IDF matrices have) the top singular
// values agree to 1e-9; with a flat one, five power iterations leave the
// randomized values up to 0.2% low (Halko et al. 2011, §10), the first ones
// closer.
func TestTruncatedSVD(t *testing.T) {
	for _, tc := range []struct {
		desc  string
		decay float64
		tol   []float64 // relative, per singular value
	}{
		{"decaying spectrum", 0.9, []float64{1e-9, 1e-9, 1e-9, 1e-9, 1e-9, 1e-9}},
		{"flat spectrum", 1, []float64{1e-7, 5e-4, 2e-4, 1e-3, 5e-4, 2e-3}},
	} {
		t.Run(tc.desc, func(t *testing.T) { testTruncatedSVD(t, tc.decay, tc.tol) })
	}
}

func testTruncatedSVD(t *testing.T, decay float64, tol []float64) {
	const n, m, k = 80, 60, 6
	a := randomSparse(n, m, 0.1, decay, 1)
	v, sigma, _, err := truncatedSVD(context.Background(), a, a.transpose(), k, powerIters, 42, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Reference: eigenvalues of the dense AᵀA by Jacobi.
	dense := make([]float64, n*m)
	for i := 0; i < n; i++ {
		for p := a.ptr[i]; p < a.ptr[i+1]; p++ {
			dense[i*m+int(a.ind[p])] = float64(a.val[p])
		}
	}
	ata := make([]float64, m*m)
	for r := 0; r < m; r++ {
		for c := 0; c < m; c++ {
			for i := 0; i < n; i++ {
				ata[r*m+c] += dense[i*m+r] * dense[i*m+c]
			}
		}
	}
	lambda, _ := vecmath.SymEigen(slices.Clone(ata), m)
	for c := 0; c < k; c++ {
		want := math.Sqrt(lambda[c])
		if math.Abs(sigma[c]-want) > tol[c]*want {
			t.Errorf("σ%d = %.10g, dense %.10g", c, sigma[c], want)
		}
	}
	// V's columns are orthonormal and AᵀA v = σ² v.
	for c := 0; c < k; c++ {
		for d := 0; d <= c; d++ {
			var s float64
			for r := 0; r < m; r++ {
				s += v[r*k+c] * v[r*k+d]
			}
			want := 0.0
			if c == d {
				want = 1
			}
			if math.Abs(s-want) > 1e-9 {
				t.Errorf("v%d·v%d = %v, want %v", c, d, s, want)
			}
		}
		for r := 0; r < m; r++ {
			var s float64
			for j := 0; j < m; j++ {
				s += ata[r*m+j] * v[j*k+c]
			}
			if want := sigma[c] * sigma[c] * v[r*k+c]; decay < 1 && math.Abs(s-want) > 1e-6*sigma[0]*sigma[0] {
				t.Fatalf("(AᵀA v%d)[%d] = %v, σ²v = %v", c, r, s, want)
			}
		}
	}
}

func TestOrthonormalizeRankDeficient(t *testing.T) {
	// Columns: e1, 2·e1, e2 → e1, 0, e2.
	y := []float64{
		1, 2, 0,
		0, 0, 1,
		0, 0, 0,
	}
	q := orthonormalize(y, 3, 3, 2, 1) // falls back to Gram–Schmidt
	want := []float64{1, 0, 0, 0, 0, 1, 0, 0, 0}
	for i := range want {
		if math.Abs(q[i]-want[i]) > 1e-15 {
			t.Fatalf("q = %v, want %v", q, want)
		}
	}
}
