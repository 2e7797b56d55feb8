package umap

import (
	"math"
	"testing"
)

func TestTable(t *testing.T) {
	a, b := 1.577, 0.895
	f := func(d2 float64) float64 { return 2 * b / ((0.001 + d2) * (a*math.Pow(d2, b) + 1)) }
	c := newTable(f)
	for x := float32(1e-9); x < 1e9; x *= 1.013 {
		got, want := float64(c.at(x)), f(float64(x))
		if math.Abs(got-want) > 1e-4*want {
			t.Fatalf("table(%g) = %g, want %g", x, got, want)
		}
	}
}
