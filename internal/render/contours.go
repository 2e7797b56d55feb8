package render

import (
	"math"
)

// Density contours, as the frontend draws them: the points' density on a
// grid (a histogram smoothed by three box blurs, close to a Gaussian
// kernel), cut at a few levels by marching squares.

// contourLevels are the density levels drawn, as fractions of the highest.
var contourLevels = []float64{0.08, 0.2, 0.4, 0.7}

// segment is one piece of a contour line, in picture coordinates.
type segment struct{ x0, y0, x1, y1 float64 }

// densityContours returns the contour lines of the points (already in
// picture coordinates) over area, one list of segments per level.
func densityContours(xs, ys []float64, area rect, cell float64) [][]segment {
	nx := int(math.Ceil((area.x1-area.x0)/cell)) + 1
	ny := int(math.Ceil((area.y1-area.y0)/cell)) + 1
	if len(xs) == 0 || nx < 2 || ny < 2 {
		return nil
	}
	g := make([]float64, nx*ny)
	for i := range xs {
		cx := int((xs[i] - area.x0) / cell)
		cy := int((ys[i] - area.y0) / cell)
		if cx >= 0 && cx < nx && cy >= 0 && cy < ny {
			g[cy*nx+cx]++
		}
	}
	tmp := make([]float64, len(g))
	for range 3 {
		boxBlur(g, tmp, nx, ny, 2)
	}
	peak := 0.0
	for _, v := range g {
		peak = math.Max(peak, v)
	}
	if peak == 0 {
		return nil
	}
	out := make([][]segment, len(contourLevels))
	for li, frac := range contourLevels {
		out[li] = marchingSquares(g, nx, ny, frac*peak, func(x, y float64) (float64, float64) {
			return math.Min(area.x0+x*cell, area.x1), math.Min(area.y0+y*cell, area.y1)
		})
	}
	return out
}

// boxBlur averages g over (2r+1)-wide windows, along x then along y; tmp
// is scratch space of g's size.
func boxBlur(g, tmp []float64, nx, ny, r int) {
	for y := range ny {
		for x := range nx {
			s, n := 0.0, 0
			for d := -r; d <= r; d++ {
				if xx := x + d; xx >= 0 && xx < nx {
					s += g[y*nx+xx]
					n++
				}
			}
			tmp[y*nx+x] = s / float64(n)
		}
	}
	for y := range ny {
		for x := range nx {
			s, n := 0.0, 0
			for d := -r; d <= r; d++ {
				if yy := y + d; yy >= 0 && yy < ny {
					s += tmp[yy*nx+x]
					n++
				}
			}
			g[y*nx+x] = s / float64(n)
		}
	}
}

// marchingSquares returns the segments where g crosses level, with each
// end placed by linear interpolation between grid nodes; at maps grid
// coordinates to the picture.
func marchingSquares(g []float64, nx, ny int, level float64, at func(x, y float64) (float64, float64)) []segment {
	var segs []segment
	// cross returns where the level lies between nodes a and b.
	cross := func(ax, ay, av, bx, by, bv float64) (float64, float64) {
		t := 0.5
		if av != bv {
			t = (level - av) / (bv - av)
		}
		return at(ax+t*(bx-ax), ay+t*(by-ay))
	}
	for y := 0; y+1 < ny; y++ {
		for x := 0; x+1 < nx; x++ {
			fx, fy := float64(x), float64(y)
			v0, v1 := g[y*nx+x], g[y*nx+x+1]         // top-left, top-right
			v2, v3 := g[(y+1)*nx+x+1], g[(y+1)*nx+x] // bottom-right, bottom-left
			c := 0
			for i, v := range []float64{v0, v1, v2, v3} {
				if v >= level {
					c |= 1 << i
				}
			}
			if c == 0 || c == 15 {
				continue
			}
			// The crossing points on the four edges: top, right, bottom, left.
			var ex, ey [4]float64
			ex[0], ey[0] = cross(fx, fy, v0, fx+1, fy, v1)
			ex[1], ey[1] = cross(fx+1, fy, v1, fx+1, fy+1, v2)
			ex[2], ey[2] = cross(fx+1, fy+1, v2, fx, fy+1, v3)
			ex[3], ey[3] = cross(fx, fy+1, v3, fx, fy, v0)
			for _, e := range squareEdges[c] {
				segs = append(segs, segment{ex[e[0]], ey[e[0]], ex[e[1]], ey[e[1]]})
			}
		}
	}
	return segs
}

// squareEdges lists, for each corner pattern (bit i: corner i at or above
// the level; corners top-left, top-right, bottom-right, bottom-left), the
// pairs of edges (top 0, right 1, bottom 2, left 3) a contour joins.
var squareEdges = [16][][2]int{
	1: {{3, 0}}, 2: {{0, 1}}, 3: {{3, 1}}, 4: {{1, 2}},
	5: {{3, 0}, {1, 2}}, 6: {{0, 2}}, 7: {{3, 2}}, 8: {{2, 3}},
	9: {{0, 2}}, 10: {{0, 1}, {2, 3}}, 11: {{1, 2}}, 12: {{1, 3}},
	13: {{0, 1}}, 14: {{3, 0}},
}
