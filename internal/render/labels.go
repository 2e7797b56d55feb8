package render

import (
	"cmp"
	"slices"
)

// rect is a box in picture coordinates: x to the right, y down.
type rect struct{ x0, y0, x1, y1 float64 }

func (a rect) overlaps(b rect) bool {
	return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

func (a rect) within(b rect) bool {
	return a.x0 >= b.x0 && a.x1 <= b.x1 && a.y0 >= b.y0 && a.y1 <= b.y1
}

func (a rect) grow(d float64) rect { return rect{a.x0 - d, a.y0 - d, a.x1 + d, a.y1 + d} }

// labelReq asks for a label anchored at (x, y); heavier ones are placed first.
type labelReq struct {
	topic  int
	text   string
	x, y   float64
	weight int
}

// label is a placed label: its box and font size, and whether it needs a
// leader line to its anchor because it was moved off it.
type label struct {
	labelReq
	size   float64
	box    rect
	leader bool
}

// measureFunc returns the box size of text in a font of size.
type measureFunc func(text string, size float64) (w, h float64)

// labelGap is the least space between two label boxes.
const labelGap = 2

// placeLabels places one label per request inside area, none overlapping
// another or an obstacle: the heaviest first, each at its anchor if it is
// free, else at the nearest free place on rings around it (with a leader
// line), else in the next smaller of sizes; those left without a place are
// returned in dropped, heaviest first.
func placeLabels(reqs []labelReq, area rect, obstacles []rect, sizes []float64, measure measureFunc) (placed []label, dropped []labelReq) {
	order := slices.Clone(reqs)
	slices.SortStableFunc(order, func(a, b labelReq) int { return cmp.Compare(b.weight, a.weight) })
	taken := slices.Clone(obstacles)
	for _, r := range order {
		l, ok := placeOne(r, area, taken, sizes, measure)
		if !ok {
			dropped = append(dropped, r)
			continue
		}
		placed = append(placed, l)
		taken = append(taken, l.box.grow(labelGap))
	}
	return placed, dropped
}

// ring directions, nearest-looking first: above, below, right, left, diagonals.
var ringDirs = [][2]float64{{0, -1}, {0, 1}, {1, 0}, {-1, 0}, {1, -1}, {-1, -1}, {1, 1}, {-1, 1}}

const rings = 5

func placeOne(r labelReq, area rect, taken []rect, sizes []float64, measure measureFunc) (label, bool) {
	for _, size := range sizes {
		w, h := measure(r.text, size)
		for k := 0; k <= rings; k++ {
			for di, d := range ringDirs {
				if k == 0 && di > 0 {
					break
				}
				cx := r.x + float64(k)*d[0]*(w/2+h)*0.75
				cy := r.y + float64(k)*d[1]*h*1.2
				if k == 0 {
					cx, cy = r.x, r.y
				}
				b := rect{cx - w/2, cy - h/2, cx + w/2, cy + h/2}
				if !b.within(area) || overlapsAny(b, taken) {
					continue
				}
				return label{labelReq: r, size: size, box: b, leader: k > 0}, true
			}
		}
	}
	return label{}, false
}

func overlapsAny(b rect, rs []rect) bool {
	for _, o := range rs {
		if b.overlaps(o) {
			return true
		}
	}
	return false
}
