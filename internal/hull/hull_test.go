package hull

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestConvex(t *testing.T) {
	for _, tc := range []struct {
		desc   string
		xs, ys []float64
		want   []int
	}{
		{
			desc: "square with interior, edge and repeated points",
			//      0   1   2   3   4    5    6   7   8   9
			xs:   []float64{0, 0.5, 2, 1, 2, 0, 1, 2, 0, 1.5},
			ys:   []float64{0, 0.5, 0, 0, 2, 2, 1, 2, 0, 1.9},
			want: []int{0, 2, 4, 5}, // point 3 is on an edge, 7 and 8 repeat 4 and 0
		},
		{"triangle", []float64{0, 1, 0}, []float64{0, 0, 1}, []int{0, 1, 2}},
		{"clockwise input", []float64{0, 0, 1}, []float64{0, 1, 0}, []int{0, 2, 1}},
		{"collinear", []float64{0, 1, 2, 3}, []float64{0, 1, 2, 3}, []int{0, 3}},
		{"vertical line", []float64{1, 1, 1}, []float64{2, 0, 1}, []int{1, 0}},
		{"all equal", []float64{1, 1, 1}, []float64{1, 1, 1}, []int{0}},
		{"none", nil, nil, nil},
		{"NaN left out", []float64{0, 1, math.NaN(), 0}, []float64{0, 0, 5, 1}, []int{0, 1, 3}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			if got := Convex(tc.xs, tc.ys); !slices.Equal(got, tc.want) {
				t.Errorf("Convex = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestSmoothSquare checks the hand-computed spline through the corners of
// the square [-1, 1]²: chord parameters 0, 2, 4, 6, 8; second derivatives
// of x at the corners (3/4, -3/4, -3/4, 3/4), so each edge's midpoint bulges
// out to distance 1.375 from the centre.
func TestSmoothSquare(t *testing.T) {
	xs := []float64{-1, 1, 1, -1, 0, 0.3}
	ys := []float64{-1, -1, 1, 1, 0, -0.2}
	hx, hy, ok := Smooth(xs, ys, 9)
	if !ok {
		t.Fatal("ok = false")
	}
	wantX := []float64{-1, 0, 1, 1.375, 1, 0, -1, -1.375, -1}
	wantY := []float64{-1, -1.375, -1, 0, 1, 1.375, 1, 0, -1}
	for i := range wantX {
		if math.Abs(hx[i]-wantX[i]) > 1e-12 || math.Abs(hy[i]-wantY[i]) > 1e-12 {
			t.Errorf("point %d = (%v, %v), want (%v, %v)", i, hx[i], hy[i], wantX[i], wantY[i])
		}
	}
}

// TestSmoothScipy compares with the original's code run on a hexagon
// (scipy 1.10.1: splprep(u=chord, s=0, per=1), splev on linspace(0, L, 50)).
func TestSmoothScipy(t *testing.T) {
	xs := []float64{-3.0, 0.5, 4.0, 5.0, 1.0, -2.0, 0, 1}
	ys := []float64{0.0, -2.5, -1.0, 3.0, 4.5, 2.0, 0, 1}
	wantX := []float64{-3, -2.93519990776489, -2.75592753177149, -2.47841288721432, -2.11888598928791, -1.6935768531868, -1.2187154941055, -0.710531927238565, -0.185256167780506, 0.340881769074143, 0.85251802713963, 1.34344840690096, 1.81297315993953, 2.26046768642888, 2.68530738654255, 3.08686766045409, 3.46452390833704, 3.81765153036494, 4.14551717634522, 4.44424430742229, 4.70640887160894, 4.92439683028021, 5.09059414481114, 5.19738677657676, 5.23716068695213, 5.20230183731227, 5.08519618903223, 4.87877819967817, 4.58688339886231, 4.22337332283857, 3.80248260672243, 3.33844588562941, 2.84549779467498, 2.33787296897466, 1.82980604364393, 1.3355316537983, 0.869208390492149, 0.438514118072586, 0.0397887783757208, -0.331771492097204, -0.680970556844945, -1.01261227936626, -1.33150052315991, -1.64243915172465, -1.95023202855923, -2.25650843997892, -2.54212646498877, -2.77959217398122, -2.94138890597779, -3}
	wantY := []float64{5.55111512312578e-17, -0.39575832274501, -0.774913066479351, -1.13171330126236, -1.46040809715337, -1.75524652421171, -2.01047765249673, -2.22035055206777, -2.37911429298415, -2.48101794530522, -2.52078227899753, -2.49811630424459, -2.41572668991057, -2.27636102989026, -2.08276691807842, -1.83769194836985, -1.54388371465932, -1.20408981084162, -0.821159242814622, -0.400872105996194, 0.0476833736070915, 0.515241803454127, 0.992537791003797, 1.47030594371499, 1.93928086904661, 2.39019717445753, 2.81378946740665, 3.20095923243543, 3.54592454794615, 3.84595385215294, 4.09842909663713, 4.30073223298004, 4.450245212763, 4.54434998756734, 4.58042850897439, 4.55586272856546, 4.46807215433444, 4.31767697612084, 4.11089692288798, 3.85451662274331, 3.55532070379428, 3.22009379414832, 2.85562052191288, 2.46868551519542, 2.06607340210337, 1.65428099084754, 1.23792188869711, 0.820852476331139, 0.406927073511487, 6.38378239159465e-16}
	hx, hy, ok := Smooth(xs, ys, DefaultN)
	if !ok {
		t.Fatal("ok = false")
	}
	if len(hx) != DefaultN || len(hy) != DefaultN {
		t.Fatalf("got %d and %d points, want %d", len(hx), len(hy), DefaultN)
	}
	for i := range wantX {
		if math.Abs(hx[i]-wantX[i]) > 1e-9 || math.Abs(hy[i]-wantY[i]) > 1e-9 {
			t.Errorf("point %d = (%.15g, %.15g), scipy (%.15g, %.15g)", i, hx[i], hy[i], wantX[i], wantY[i])
		}
	}
}

func cloud(rng *rand.Rand, n int) ([]float64, []float64) {
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range xs {
		xs[i] = 3 + rng.NormFloat64()
		ys[i] = -1 + 0.3*rng.NormFloat64() + 0.5*xs[i]
	}
	return xs, ys
}

// TestSmoothProperties checks, on random clouds, that the curve is closed,
// goes through every hull vertex at its chord parameter, has continuous
// first derivatives at the vertices (second derivatives are continuous by
// construction), and encloses every point.
func TestSmoothProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for trial := 0; trial < 50; trial++ {
		n := 3 + rng.IntN(200)
		xs, ys := cloud(rng, n)
		hx, hy, ok := Smooth(xs, ys, DefaultN)
		if !ok {
			t.Fatalf("trial %d: ok = false", trial)
		}
		if hx[0] != hx[DefaultN-1] || hy[0] != hy[DefaultN-1] {
			t.Fatalf("trial %d: not closed", trial)
		}
		v := Convex(xs, ys)
		vx, vy := make([]float64, len(v)), make([]float64, len(v))
		for j, i := range v {
			vx[j], vy[j] = xs[i], ys[i]
		}
		c := newCurve(vx, vy)
		for j := range v {
			x, y := c.at(c.t[j])
			if math.Abs(x-vx[j]) > 1e-9 || math.Abs(y-vy[j]) > 1e-9 {
				t.Fatalf("trial %d: curve at vertex %d is (%v, %v), want (%v, %v)", trial, j, x, y, vx[j], vy[j])
			}
			m := len(v)
			for _, sp := range []spline{c.x, c.y} {
				left := sp.slope(c.t, (j+m-1)%m, c.t[(j+m-1)%m+1])
				right := sp.slope(c.t, j, c.t[j])
				if math.Abs(left-right) > 1e-9*(1+math.Abs(left)) {
					t.Fatalf("trial %d: slope jumps at vertex %d: %v then %v", trial, j, left, right)
				}
			}
		}
		// Finely sampled, the curve encloses every point but where it dips
		// inside the hull beside an uneven pair of edges (by 0.1% of its
		// size at most in these trials); the 50-point outline also cuts
		// its corners, by at most a few per cent.
		fx, fy, _ := Smooth(xs, ys, 5000)
		size := c.length / math.Pi
		for i := range xs {
			if !inside(fx, fy, xs[i], ys[i]) && distToPolyline(fx, fy, xs[i], ys[i]) > 0.005*size {
				t.Errorf("trial %d: point %d (%v, %v) outside the curve by %.3g", trial, i, xs[i], ys[i], distToPolyline(fx, fy, xs[i], ys[i])/size)
			}
			if !inside(hx, hy, xs[i], ys[i]) && distToPolyline(hx, hy, xs[i], ys[i]) > 0.02*size {
				t.Errorf("trial %d: point %d (%v, %v) outside the outline by %.3g of its size", trial, i, xs[i], ys[i], distToPolyline(hx, hy, xs[i], ys[i])/size)
			}
		}
	}
}

// slope is the first derivative of the spline on interval i at s.
func (sp spline) slope(t []float64, i int, s float64) float64 {
	m := len(sp.v)
	j := (i + 1) % m
	h := t[i+1] - t[i]
	p, q := t[i+1]-s, s-t[i]
	mi, mj := sp.m2[i], sp.m2[j]
	return (-mi*p*p+mj*q*q)/(2*h) + (sp.v[j]-sp.v[i])/h - (mj-mi)*h/6
}

// inside reports whether (x, y) is inside the closed polygon (even-odd rule).
func inside(px, py []float64, x, y float64) bool {
	in := false
	for i, j := 0, len(px)-1; i < len(px); j, i = i, i+1 {
		if (py[i] > y) != (py[j] > y) && x < (px[j]-px[i])*(y-py[i])/(py[j]-py[i])+px[i] {
			in = !in
		}
	}
	return in
}

func distToPolyline(px, py []float64, x, y float64) float64 {
	best := math.Inf(1)
	for i := 0; i+1 < len(px); i++ {
		dx, dy := px[i+1]-px[i], py[i+1]-py[i]
		u := 0.0
		if l := dx*dx + dy*dy; l > 0 {
			u = max(0, min(1, ((x-px[i])*dx+(y-py[i])*dy)/l))
		}
		best = min(best, math.Hypot(x-px[i]-u*dx, y-py[i]-u*dy))
	}
	return best
}

func TestSmoothDegenerate(t *testing.T) {
	for _, tc := range []struct {
		desc   string
		xs, ys []float64
	}{
		{"no points", nil, nil},
		{"one point", []float64{1}, []float64{2}},
		{"two points", []float64{1, 2}, []float64{2, 3}},
		{"collinear", []float64{0, 1, 2, 3, 1.5}, []float64{0, 2, 4, 6, 3}},
		{"duplicates", []float64{1, 1, 1, 2, 2}, []float64{1, 1, 1, 2, 2}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			if hx, hy, ok := Smooth(tc.xs, tc.ys, DefaultN); ok || hx != nil || hy != nil {
				t.Errorf("Smooth = %v, %v, %v; want nil, nil, false", hx, hy, ok)
			}
		})
	}
}

func TestPanics(t *testing.T) {
	for _, tc := range []struct {
		desc string
		f    func()
	}{
		{"Convex lengths", func() { Convex([]float64{1}, nil) }},
		{"Smooth n", func() { Smooth([]float64{0, 1, 0}, []float64{0, 0, 1}, 1) }},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tc.f()
		})
	}
}

func BenchmarkSmooth(b *testing.B) {
	for _, n := range []int{10, 100, 1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("points=%d", n), func(b *testing.B) {
			xs, ys := cloud(rand.New(rand.NewPCG(2, 2)), n)
			for b.Loop() {
				Smooth(xs, ys, DefaultN)
			}
		})
	}
}

func TestOutlineDegenerate(t *testing.T) {
	const r = 0.05
	for _, tc := range []struct {
		desc   string
		xs, ys []float64
	}{
		{"one point", []float64{1}, []float64{2}},
		{"one point repeated", []float64{1, 1, 1}, []float64{2, 2, 2}},
		{"two points", []float64{1, 2}, []float64{2, 3}},
		{"collinear", []float64{0, 1, 2, 3, 1.5}, []float64{0, 2, 4, 6, 3}},
		{"duplicates", []float64{1, 1, 1, 2, 2}, []float64{1, 1, 1, 2, 2}},
		{"with a NaN", []float64{1, math.NaN()}, []float64{2, 0}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			hx, hy, ok := Outline(tc.xs, tc.ys, DefaultN, r)
			if !ok || len(hx) != DefaultN || len(hy) != DefaultN {
				t.Fatalf("Outline = %d, %d points, %v; want %d points", len(hx), len(hy), ok, DefaultN)
			}
			if hx[0] != hx[DefaultN-1] || hy[0] != hy[DefaultN-1] {
				t.Errorf("not closed: (%v, %v) and (%v, %v)", hx[0], hy[0], hx[DefaultN-1], hy[DefaultN-1])
			}
			// The points lie well inside; the outline keeps within 2r of
			// the segment (or point) that they span.
			v := Convex(tc.xs, tc.ys)
			sx, sy := []float64{tc.xs[v[0]], tc.xs[v[len(v)-1]]}, []float64{tc.ys[v[0]], tc.ys[v[len(v)-1]]}
			for i := range tc.xs {
				x, y := tc.xs[i], tc.ys[i]
				if math.IsNaN(x) {
					continue
				}
				if !inside(hx, hy, x, y) || distToPolyline(hx, hy, x, y) < r/2 {
					t.Errorf("point (%v, %v) not well inside the outline", x, y)
				}
			}
			for j := range hx {
				if d := distToPolyline(sx, sy, hx[j], hy[j]); d > 2*r || len(v) == 1 && math.Hypot(hx[j]-sx[0], hy[j]-sy[0]) > 2*r {
					t.Errorf("outline point (%v, %v) %v away from the points", hx[j], hy[j], d)
				}
			}
		})
	}
	if _, _, ok := Outline([]float64{math.NaN()}, []float64{0}, DefaultN, r); ok {
		t.Error("no finite point: ok")
	}
	if _, _, ok := Outline(nil, nil, DefaultN, r); ok {
		t.Error("no point: ok")
	}
	// Three non-collinear points: Smooth's curve.
	xs, ys := []float64{0, 1, 0}, []float64{0, 0, 1}
	hx, hy, _ := Outline(xs, ys, DefaultN, r)
	sx, sy, _ := Smooth(xs, ys, DefaultN)
	if !slices.Equal(hx, sx) || !slices.Equal(hy, sy) {
		t.Error("a proper hull: Outline differs from Smooth")
	}
}
