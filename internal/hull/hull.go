package hull

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/bunkatopics/bunka-go/internal/vecmath"
)

// DefaultN is the number of points of the original's smoothed outline.
const DefaultN = 50

// Convex returns the indices of the vertices of the convex hull of the
// points (xs[i], ys[i]), counter-clockwise, starting from the point with the
// lowest x (the lowest y among those, the lowest index among equal points).
// Points on an edge, repeated points and points with a NaN or infinite
// coordinate are left out. Fewer than three indices come back when the
// points are all on one line (two, its ends) or all equal (one) or there
// are none. It panics if xs and ys differ in length.
func Convex(xs, ys []float64) []int {
	if len(xs) != len(ys) {
		panic(fmt.Sprintf("hull: %d xs but %d ys", len(xs), len(ys)))
	}
	idx := make([]int, 0, len(xs))
	for i := range xs {
		if vecmath.IsFinite(xs[i]) && vecmath.IsFinite(ys[i]) {
			idx = append(idx, i)
		}
	}
	slices.SortFunc(idx, func(i, j int) int {
		if c := cmp.Compare(xs[i], xs[j]); c != 0 {
			return c
		}
		if c := cmp.Compare(ys[i], ys[j]); c != 0 {
			return c
		}
		return i - j
	})
	// Drop repeated points, keeping the first index.
	uniq := idx[:0]
	for _, i := range idx {
		if n := len(uniq); n > 0 && xs[uniq[n-1]] == xs[i] && ys[uniq[n-1]] == ys[i] {
			continue
		}
		uniq = append(uniq, i)
	}
	if len(uniq) < 3 {
		return append([]int(nil), uniq...)
	}
	cross := func(o, a, b int) float64 {
		return (xs[a]-xs[o])*(ys[b]-ys[o]) - (ys[a]-ys[o])*(xs[b]-xs[o])
	}
	h := make([]int, 0, 2*len(uniq))
	for _, i := range uniq { // lower hull, left to right
		for len(h) >= 2 && cross(h[len(h)-2], h[len(h)-1], i) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, i)
	}
	lower := len(h) + 1
	for k := len(uniq) - 2; k >= 0; k-- { // upper hull, right to left
		i := uniq[k]
		for len(h) >= lower && cross(h[len(h)-2], h[len(h)-1], i) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, i)
	}
	h = h[:len(h)-1] // the last point is the first one again
	if len(h) < 3 {
		// All points on one line: the chain went out and back.
		return []int{uniq[0], uniq[len(uniq)-1]}
	}
	return h
}

// Smooth returns n points of the closed smooth outline of the points
// (xs[i], ys[i]): the periodic cubic spline through their convex hull's
// vertices, sampled at n equally spaced chord-length parameters, so that
// hx[0] == hx[n-1] and hy[0] == hy[n-1] (see the package documentation).
// ok is false, and hx and hy nil, when the points have fewer than three
// distinct non-collinear members. It panics if xs and ys differ in length
// or n < 2.
func Smooth(xs, ys []float64, n int) (hx, hy []float64, ok bool) {
	if n < 2 {
		panic(fmt.Sprintf("hull: Smooth with n = %d, want at least 2", n))
	}
	v := Convex(xs, ys)
	if len(v) < 3 {
		return nil, nil, false
	}
	vx := make([]float64, len(v))
	vy := make([]float64, len(v))
	for j, i := range v {
		vx[j], vy[j] = xs[i], ys[i]
	}
	c := newCurve(vx, vy)
	hx = make([]float64, n)
	hy = make([]float64, n)
	for j := 0; j < n-1; j++ {
		hx[j], hy[j] = c.at(c.length * float64(j) / float64(n-1))
	}
	hx[n-1], hy[n-1] = hx[0], hy[0]
	return hx, hy, true
}

// curve is a closed planar curve: one periodic cubic spline per coordinate
// over the chord-length parameters t[0] = 0 < ... < t[m] = length.
type curve struct {
	t      []float64 // m+1 knots
	x, y   spline
	length float64
}

func newCurve(vx, vy []float64) *curve {
	m := len(vx)
	t := make([]float64, m+1)
	for i := 0; i < m; i++ {
		j := (i + 1) % m
		t[i+1] = t[i] + math.Hypot(vx[j]-vx[i], vy[j]-vy[i])
	}
	return &curve{t: t, x: newSpline(t, vx), y: newSpline(t, vy), length: t[m]}
}

// at evaluates the curve at parameter s in [0, length].
func (c *curve) at(s float64) (float64, float64) {
	// The interval [t[i], t[i+1]] holding s.
	i := sort.SearchFloat64s(c.t, s) - 1
	i = max(0, min(i, len(c.t)-2))
	return c.x.eval(c.t, i, s), c.y.eval(c.t, i, s)
}

// spline is a periodic cubic spline: its values and second derivatives at
// the knots, both periodic (index m is index 0).
type spline struct {
	v, m2 []float64
}

// newSpline returns the periodic cubic spline through values v[i] at t[i],
// i < m, with v[m] = v[0]. Its second derivatives M solve, for each i
// (indices modulo m, h[i] = t[i+1]-t[i]):
//
//	h[i-1] M[i-1] + 2 (h[i-1]+h[i]) M[i] + h[i] M[i+1]
//	    = 6 ((v[i+1]-v[i])/h[i] - (v[i]-v[i-1])/h[i-1]).
func newSpline(t, v []float64) spline {
	m := len(v)
	h := func(i int) float64 { i = (i + m) % m; return t[i+1] - t[i] }
	val := func(i int) float64 { return v[(i+m)%m] }
	a := make([]float64, m) // sub-diagonal: a[i] multiplies M[i-1]
	b := make([]float64, m) // diagonal
	c := make([]float64, m) // super-diagonal: c[i] multiplies M[i+1]
	r := make([]float64, m)
	for i := 0; i < m; i++ {
		a[i], b[i], c[i] = h(i-1), 2*(h(i-1)+h(i)), h(i)
		r[i] = 6 * ((val(i+1)-val(i))/h(i) - (val(i)-val(i-1))/h(i-1))
	}
	return spline{v: v, m2: solveCyclic(a, b, c, r)}
}

// eval evaluates the spline on interval i at s.
func (sp spline) eval(t []float64, i int, s float64) float64 {
	m := len(sp.v)
	j := (i + 1) % m
	h := t[i+1] - t[i]
	p, q := t[i+1]-s, s-t[i]
	mi, mj := sp.m2[i], sp.m2[j]
	return (mi*p*p*p+mj*q*q*q)/(6*h) +
		(sp.v[i]-mi*h*h/6)*p/h +
		(sp.v[j]-mj*h*h/6)*q/h
}

// solveCyclic solves the cyclic tridiagonal system
// a[i] x[i-1] + b[i] x[i] + c[i] x[i+1] = r[i] (indices modulo m, m >= 3),
// whose matrix must be strictly diagonally dominant, by the Sherman–Morrison
// formula over two Thomas solves.
func solveCyclic(a, b, c, r []float64) []float64 {
	m := len(b)
	// A = T + u wᵀ with u = (γ, 0, ..., 0, c[m-1]) and
	// w = (1, 0, ..., 0, a[0]/γ); T is tridiagonal with its corners
	// b[0]-γ and b[m-1]-c[m-1]·a[0]/γ.
	gamma := -b[0]
	bb := append([]float64(nil), b...)
	bb[0] -= gamma
	bb[m-1] -= c[m-1] * a[0] / gamma
	x := thomas(a, bb, c, r)
	u := make([]float64, m)
	u[0], u[m-1] = gamma, c[m-1]
	z := thomas(a, bb, c, u)
	f := (x[0] + a[0]/gamma*x[m-1]) / (1 + z[0] + a[0]/gamma*z[m-1])
	for i := range x {
		x[i] -= f * z[i]
	}
	return x
}

// thomas solves the tridiagonal system a[i] x[i-1] + b[i] x[i] + c[i] x[i+1]
// = r[i] (a[0] and c[m-1] unused).
func thomas(a, b, c, r []float64) []float64 {
	m := len(b)
	cp := make([]float64, m)
	x := make([]float64, m)
	beta := b[0]
	x[0] = r[0] / beta
	for i := 1; i < m; i++ {
		cp[i] = c[i-1] / beta
		beta = b[i] - a[i]*cp[i]
		x[i] = (r[i] - a[i]*x[i-1]) / beta
	}
	for i := m - 2; i >= 0; i-- {
		x[i] -= cp[i+1] * x[i+1]
	}
	return x
}
