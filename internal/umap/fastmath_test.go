package umap

import (
	"math"
	"testing"
)

func TestPowf(t *testing.T) {
	for _, y := range []float32{0.8951, -0.1049, 1.7902, 0.5} {
		for x := float32(1e-12); x < 1e6; x *= 1.37 {
			got := float64(powf(x, y))
			want := math.Pow(float64(x), float64(y))
			if math.Abs(got-want) > 1e-5*want {
				t.Fatalf("powf(%g, %g) = %g, want %g", x, y, got, want)
			}
		}
	}
}

func TestCurve(t *testing.T) {
	a, b := 1.577, 0.895
	f := func(d2 float64) float64 { return 2 * b / ((0.001 + d2) * (a*math.Pow(d2, b) + 1)) }
	c := newCurve(f)
	for x := float32(1e-9); x < 1e9; x *= 1.013 {
		got, want := float64(c.at(x)), f(float64(x))
		if math.Abs(got-want) > 1e-4*want {
			t.Fatalf("curve(%g) = %g, want %g", x, got, want)
		}
	}
}
