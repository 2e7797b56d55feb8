package hull

import (
	"fmt"
	"math"
)

// Outline returns n points of a closed outline around the points (xs[i],
// ys[i]), never nothing when one of them is finite: Smooth's curve when
// they have three distinct non-collinear members; otherwise (one distinct
// point, two, or all on one line) the boundary of the points within r of
// the segment that they span, a circle or a stadium, sampled at n equally
// spaced arc lengths counter-clockwise (the last point the first again).
// ok is false only when no point has finite coordinates. It panics if xs
// and ys differ in length, n < 2, or r is not positive and finite.
func Outline(xs, ys []float64, n int, r float64) (hx, hy []float64, ok bool) {
	if !(r > 0) || math.IsInf(r, 0) {
		panic(fmt.Sprintf("hull: Outline with radius %v, want positive and finite", r))
	}
	if hx, hy, ok := Smooth(xs, ys, n); ok {
		return hx, hy, true
	}
	v := Convex(xs, ys) // the distinct point, or a line's two ends
	if len(v) == 0 {
		return nil, nil, false
	}
	ax, ay := xs[v[0]], ys[v[0]]
	bx, by := xs[v[len(v)-1]], ys[v[len(v)-1]]
	l := math.Hypot(bx-ax, by-ay)
	ux, uy := 1.0, 0.0 // along the segment
	if l > 0 {
		ux, uy = (bx-ax)/l, (by-ay)/l
	}
	nx, ny := -uy, ux // its left normal
	// The boundary: the right side from a to b, the half circle round b,
	// the left side back to a, the half circle round a; each piece gets a
	// quarter of the points, so that the caps stay round on a long line.
	piece := func(k int, f float64) (float64, float64) {
		switch k {
		case 0:
			return ax + f*l*ux - r*nx, ay + f*l*uy - r*ny
		case 1:
			th := math.Pi*f - math.Pi/2
			return bx + r*(math.Cos(th)*ux+math.Sin(th)*nx), by + r*(math.Cos(th)*uy+math.Sin(th)*ny)
		case 2:
			return bx - f*l*ux + r*nx, by - f*l*uy + r*ny
		default:
			th := math.Pi*f + math.Pi/2
			return ax + r*(math.Cos(th)*ux+math.Sin(th)*nx), ay + r*(math.Cos(th)*uy+math.Sin(th)*ny)
		}
	}
	m := n - 1
	hx, hy = make([]float64, n), make([]float64, n)
	j := 0
	for k := range 4 {
		c := (m*(k+1))/4 - (m*k)/4
		for i := range c {
			hx[j], hy[j] = piece(k, float64(i)/float64(c))
			j++
		}
	}
	hx[m], hy[m] = hx[0], hy[0]
	return hx, hy, true
}
