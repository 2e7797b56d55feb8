package umap

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/knn"
	"github.com/bunkatopics/bunka-go/internal/vecmath"
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

// blobGraph is the pruned fuzzy graph of n clustered points, as Project
// builds it.
func blobGraph(t testing.TB, n int) *graph {
	data, _ := blobs(n, 16, 6, 6, 1, 3)
	nn, err := knn.Search(context.Background(), data, 14, knn.Options{Workers: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return fuzzyGraph(nn, 2).prune(200)
}

func TestSpectralKnownAnswer(t *testing.T) {
	// On a graph small enough for a dense eigendecomposition, the two
	// vectors are unit eigenvectors of M = (I + D^−½ A D^−½)/2 for its
	// second and third largest eigenvalues, orthogonal to each other and
	// to the first eigenvector D^½·1.
	g := blobGraph(t, 300)
	n := g.n
	if _, sizes := g.components(); len(sizes) != 1 {
		t.Fatalf("test graph has %d components, want 1", len(sizes))
	}
	deg := make([]float64, n)
	for i := range n {
		for e := g.rowPtr[i]; e < g.rowPtr[i+1]; e++ {
			deg[i] += float64(g.w[e])
		}
	}
	m := make([]float64, n*n)
	for i := range n {
		m[i*n+i] += 0.5
		for e := g.rowPtr[i]; e < g.rowPtr[i+1]; e++ {
			j := int(g.col[e])
			m[i*n+j] += 0.5 * float64(g.w[e]) / math.Sqrt(deg[i]*deg[j])
		}
	}
	vals, _ := vecmath.SymEigen(slices.Clone(m), n) // the largest first
	y, err := spectralLayout(context.Background(), g, rand.New(rand.NewPCG(7, 7)), 2)
	if err != nil {
		t.Fatal(err)
	}
	v0 := make([]float64, n)
	for i := range n {
		v0[i] = math.Sqrt(deg[i])
	}
	scale(v0, 1/norm(v0))
	cols := [2][]float64{make([]float64, n), make([]float64, n)}
	for i := range n {
		cols[0][i], cols[1][i] = y[2*i], y[2*i+1]
	}
	for c, v := range cols {
		if d := math.Abs(norm(v) - 1); d > 1e-9 {
			t.Errorf("vector %d: norm off 1 by %g", c+1, d)
		}
		if d := math.Abs(vecmath.Dot(v, v0)); d > 1e-9 {
			t.Errorf("vector %d: dot with the first eigenvector %g", c+1, d)
		}
		mv := make([]float64, n)
		for i := range n {
			mv[i] = vecmath.Dot(m[i*n:(i+1)*n], v)
		}
		theta := vecmath.Dot(v, mv)
		if d := math.Abs(theta - vals[c+1]); d > 1e-6 {
			t.Errorf("vector %d: Rayleigh quotient %.9f, eigenvalue %d is %.9f", c+1, theta, c+2, vals[c+1])
		}
		axpy(-theta, v, mv)
		if r := norm(mv); r > lanczosTol {
			t.Errorf("vector %d: residual %g, want < %g", c+1, r, lanczosTol)
		}
	}
	if d := math.Abs(vecmath.Dot(cols[0], cols[1])); d > 1e-6 {
		t.Errorf("the two vectors' dot product is %g", d)
	}
}

func TestSpectralWorkers(t *testing.T) {
	// The orthogonalisation sums dot products over fixed blocks of
	// elements, so the layout is the same bits for any number of workers
	// (the graph spans several blocks).
	g := blobGraph(t, 3*orthBlock+100)
	var want []float64
	for _, w := range []int{1, 2, 3} {
		y, err := spectralLayout(context.Background(), g, rand.New(rand.NewPCG(5, 5)), w)
		if err != nil {
			t.Fatalf("workers %d: %v", w, err)
		}
		if want == nil {
			want = y
			continue
		}
		if !slices.Equal(y, want) {
			t.Fatalf("workers %d: layout differs from workers 1", w)
		}
	}
}

func TestOrthogonalizer(t *testing.T) {
	// w minus its projection on orthonormal vectors, even when w lies
	// almost in their span (cancellation: the second pass).
	const n = 2*orthBlock + 77
	rng := rand.New(rand.NewPCG(3, 3))
	random := func() []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return v
	}
	var vs [][]float64
	o := newOrthogonalizer(n, 2)
	for range 5 {
		v := random()
		o.apply(v, vs)
		scale(v, 1/norm(v))
		vs = append(vs, v)
	}
	w := random()
	scale(w, 1e-8)
	for i, v := range vs {
		axpy(float64(i+1), v, w)
	}
	o.apply(w, vs)
	for i, v := range vs {
		if d := math.Abs(vecmath.Dot(v, w)) / norm(w); d > 1e-12 {
			t.Errorf("vector %d: relative dot %g after orthogonalisation", i, d)
		}
	}
}

// BenchmarkSpectral is the spectral initial layout of the fuzzy graph of
// clustered points.
func BenchmarkSpectral(b *testing.B) {
	for _, n := range []int{4000, 16000, 64000} {
		g := blobGraph(b, n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := spectralLayout(context.Background(), g, rand.New(rand.NewPCG(1, 1)), runtime.GOMAXPROCS(0)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
