package embed

import (
	"math"
	"testing"
)

func TestNormalize(t *testing.T) {
	v := []float32{3, 4}
	if !Normalize(v) {
		t.Fatal("Normalize(3,4) = false")
	}
	if math.Abs(float64(v[0])-0.6) > 1e-6 || math.Abs(float64(v[1])-0.8) > 1e-6 {
		t.Fatalf("got %v, want [0.6 0.8]", v)
	}
	z := []float32{0, 0}
	if Normalize(z) {
		t.Fatal("Normalize(zero) = true")
	}
	n := []float32{float32(math.NaN()), 1}
	if Normalize(n) {
		t.Fatal("Normalize(NaN) = true")
	}
}
