package umap

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// ring returns the cycle graph on n points with unit weights.
func ring(n int) *graph {
	g := &graph{n: n, rowPtr: make([]int32, n+1)}
	for i := range n {
		a, b := (i+n-1)%n, (i+1)%n
		if a > b {
			a, b = b, a
		}
		g.col = append(g.col, int32(a), int32(b))
		g.w = append(g.w, 1, 1)
		g.rowPtr[i+1] = int32(len(g.col))
	}
	return g
}

func TestSpectralRing(t *testing.T) {
	// The normalised Laplacian of a cycle has the eigenvectors cos and sin
	// of 2πi/n for its second smallest eigenvalue (twice): the spectral
	// layout of a ring is a circle, points in cyclic order. Lanczos stops
	// at a residual of 1e-4, as umap-learn's eigsh; the eigengap of a ring
	// shrinks as 1/n², so the rings stay short and the tolerances loose.
	for _, n := range []int{7, 60, 200} {
		y, err := spectralLayout(context.Background(), ring(n), rand.New(rand.NewPCG(1, 1)), 2)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		r0 := math.Hypot(y[0], y[1])
		prev := math.Atan2(y[1], y[0])
		dir := 0.0
		for i := range n {
			r := math.Hypot(y[2*i], y[2*i+1])
			if math.Abs(r-r0) > 0.02*r0 {
				t.Fatalf("n=%d: point %d at radius %g, point 0 at %g", n, i, r, r0)
			}
			if i == 0 {
				continue
			}
			a := math.Atan2(y[2*i+1], y[2*i])
			step := math.Remainder(a-prev, 2*math.Pi)
			if math.Abs(math.Abs(step)-2*math.Pi/float64(n)) > 0.1*2*math.Pi/float64(n) {
				t.Fatalf("n=%d: angle step %g at point %d, want ±%g", n, step, i, 2*math.Pi/float64(n))
			}
			if dir == 0 {
				dir = math.Copysign(1, step)
			} else if math.Copysign(1, step) != dir {
				t.Fatalf("n=%d: points out of cyclic order at %d", n, i)
			}
			prev = a
		}
	}
}

func TestComponents(t *testing.T) {
	// two rings and an isolated point
	a, b := ring(5), ring(3)
	g := &graph{n: 9, rowPtr: make([]int32, 10)}
	for i := range 5 {
		for e := a.rowPtr[i]; e < a.rowPtr[i+1]; e++ {
			g.col = append(g.col, a.col[e])
			g.w = append(g.w, 1)
		}
		g.rowPtr[i+1] = int32(len(g.col))
	}
	for i := range 3 {
		for e := b.rowPtr[i]; e < b.rowPtr[i+1]; e++ {
			g.col = append(g.col, b.col[e]+5)
			g.w = append(g.w, 1)
		}
		g.rowPtr[i+6] = int32(len(g.col))
	}
	g.rowPtr[9] = int32(len(g.col))
	label, sizes := g.components()
	if len(sizes) != 3 || sizes[0] != 5 || sizes[1] != 3 || sizes[2] != 1 {
		t.Fatalf("sizes %v, want [5 3 1]", sizes)
	}
	if label[0] != 0 || label[4] != 0 || label[5] != 1 || label[7] != 1 || label[8] != 2 {
		t.Errorf("labels %v", label)
	}
	y, spectral, err := initialLayout(context.Background(), g, rand.New(rand.NewPCG(1, 1)), 1)
	if err != nil || spectral || len(y) != 18 {
		t.Errorf("initialLayout: %d values, single spectral %v, error %v", len(y), spectral, err)
	}
}
