package vecmath_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/vecmath"
)

func TestDot(t *testing.T) {
	for n := range 11 {
		x, y := make([]float64, n), make([]float64, n)
		var want float64
		for i := range n {
			x[i], y[i] = float64(i+1), float64(2*i-3)
			want += x[i] * y[i]
		}
		if got := vecmath.Dot(x, y); got != want {
			t.Errorf("n=%d: %v, want %v", n, got, want)
		}
		if got := vecmath.Dot(f32(x), f32(y)); got != float32(want) {
			t.Errorf("n=%d float32: %v, want %v", n, got, want)
		}
	}
}

func f32(x []float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}

func TestNormalize(t *testing.T) {
	v := []float32{3, 4}
	if !vecmath.Normalize(v) || v[0] != 0.6 || v[1] != 0.8 {
		t.Errorf("got %v", v)
	}
	for _, bad := range [][]float32{{0, 0}, {float32(math.NaN()), 1}, {float32(math.Inf(1)), 0}, {}} {
		before := fmt.Sprint(bad)
		if vecmath.Normalize(bad) || fmt.Sprint(bad) != before {
			t.Errorf("%s: normalised to %v", before, bad)
		}
	}
}

func TestNonFinite(t *testing.T) {
	for _, tc := range []struct {
		v    []float64
		want int
	}{
		{nil, -1}, {[]float64{1, 2}, -1}, {[]float64{1, math.NaN()}, 1}, {[]float64{math.Inf(-1), math.NaN()}, 0},
	} {
		if got := vecmath.NonFinite(tc.v); got != tc.want {
			t.Errorf("%v: %d, want %d", tc.v, got, tc.want)
		}
	}
}

func TestSymEigenKnown(t *testing.T) {
	// [[2 1 0] [1 2 1] [0 1 2]] has eigenvalues 2+√2, 2, 2−√2.
	vals, vecs := vecmath.SymEigen([]float64{2, 1, 0, 1, 2, 1, 0, 1, 2}, 3)
	want := []float64{2 + math.Sqrt2, 2, 2 - math.Sqrt2}
	for i := range want {
		if math.Abs(vals[i]-want[i]) > 1e-12 {
			t.Errorf("λ%d = %v, want %v", i, vals[i], want[i])
		}
	}
	// First eigenvector ∝ (1, √2, 1).
	if r := vecs[1*3+0] / vecs[0*3+0]; math.Abs(r-math.Sqrt2) > 1e-12 {
		t.Errorf("v0 ratio %v, want √2", r)
	}
}

// TestSymEigenRandom checks A v = λ v, orthonormal vectors and decreasing
// values on random symmetric matrices.
func TestSymEigenRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 5, 17, 40} {
		a := make([]float64, n*n)
		for i := range n {
			for j := i; j < n; j++ {
				a[i*n+j] = rng.NormFloat64()
				a[j*n+i] = a[i*n+j]
			}
		}
		orig := append([]float64(nil), a...)
		vals, vecs := vecmath.SymEigen(a, n)
		for c := range n {
			if c > 0 && vals[c] > vals[c-1] {
				t.Errorf("n=%d: values not decreasing: %v", n, vals)
			}
			for r := range n {
				var av float64
				for k := range n {
					av += orig[r*n+k] * vecs[k*n+c]
				}
				if d := math.Abs(av - vals[c]*vecs[r*n+c]); d > 1e-10 {
					t.Fatalf("n=%d: (Av%d)[%d] off by %g", n, c, r, d)
				}
			}
			for c2 := range n {
				var d float64
				for r := range n {
					d += vecs[r*n+c] * vecs[r*n+c2]
				}
				want := 0.0
				if c == c2 {
					want = 1
				}
				if math.Abs(d-want) > 1e-10 {
					t.Fatalf("n=%d: v%d·v%d = %v", n, c, c2, d)
				}
			}
		}
	}
}

func BenchmarkDot(b *testing.B) {
	for _, n := range []int{16, 128, 384} {
		x, y := make([]float32, n), make([]float32, n)
		for i := range x {
			x[i], y[i] = float32(i), float32(n-i)
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var s float32
			for b.Loop() {
				s += vecmath.Dot(x, y)
			}
			_ = s
		})
	}
}

func BenchmarkSymEigen(b *testing.B) {
	for _, n := range []int{16, 64, 138} {
		rng := rand.New(rand.NewPCG(3, 4))
		a := make([]float64, n*n)
		for i := range n {
			for j := i; j < n; j++ {
				a[i*n+j] = rng.NormFloat64()
				a[j*n+i] = a[i*n+j]
			}
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			m := make([]float64, n*n)
			for b.Loop() {
				copy(m, a)
				vecmath.SymEigen(m, n)
			}
		})
	}
}
