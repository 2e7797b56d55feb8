package render

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
	"gonum.org/v1/plot/vg"
)

// fonts holds the embedded Liberation fonts; pictures use its sans-serif.
var fonts = font.NewCache(liberation.Collection())

func face(size float64) font.Face {
	return fonts.Lookup(font.Font{Typeface: "Liberation", Variant: "Sans"}, font.Length(size))
}

// Font sizes, in points (CSS pixels).
const (
	titleSize  = 16
	legendSize = 10.5
	axisSize   = 12
	quadSize   = 13
	labelLimit = 32 // runes of a topic name on its label
)

var labelSizes = []float64{11.5, 9.5}

// labelText is a topic's name as its label shows it.
func labelText(name string) string { return truncate(name, labelLimit) }

// truncate cuts s to n runes, ending with an ellipsis when cut.
func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// fitWidth cuts s until it is at most w wide in f.
func fitWidth(f font.Face, s string, w float64) string {
	if float64(f.Width(s)) <= w {
		return s
	}
	r := []rune(s)
	for n := len(r) - 1; n > 1; n-- {
		t := strings.TrimSpace(string(r[:n])) + "…"
		if float64(f.Width(t)) <= w {
			return t
		}
	}
	return "…"
}

func measure(text string, size float64) (w, h float64) {
	f := face(size)
	e := f.Extents()
	return float64(f.Width(text)) + 8, float64(e.Ascent+e.Descent) + 4
}

// picture draws m on a vg.Canvas whose y axis points up; it works in
// picture coordinates (y down) and flips them when it draws.
type picture struct {
	c     vg.Canvas
	w, h  float64
	theme Theme
}

func (p *picture) pt(x, y float64) vg.Point { return vg.Point{X: vg.Length(x), Y: vg.Length(p.h - y)} }

func (p *picture) fillRect(r rect, c color.Color) {
	var path vg.Path
	path.Move(p.pt(r.x0, r.y0))
	path.Line(p.pt(r.x1, r.y0))
	path.Line(p.pt(r.x1, r.y1))
	path.Line(p.pt(r.x0, r.y1))
	path.Close()
	p.c.SetColor(c)
	p.c.Fill(path)
}

func (p *picture) line(x0, y0, x1, y1, width float64, c color.Color) {
	var path vg.Path
	path.Move(p.pt(x0, y0))
	path.Line(p.pt(x1, y1))
	p.c.SetLineWidth(vg.Length(width))
	p.c.SetColor(c)
	p.c.Stroke(path)
}

// text draws s with its box's top-left corner at (x, y); align -1, 0, 1
// puts x at the left, centre or right of the text.
func (p *picture) text(s string, x, y, size float64, align int, c color.Color) rect {
	f := face(size)
	e := f.Extents()
	w := float64(f.Width(s))
	x -= float64(align+1) * w / 2
	p.c.SetColor(c)
	p.c.FillString(f, p.pt(x, y+float64(e.Ascent)), s)
	return rect{x, y, x + w, y + float64(e.Ascent+e.Descent)}
}

func (p *picture) disc(x, y, r float64, c color.Color) {
	var path vg.Path
	path.Move(p.pt(x+r, y))
	path.Arc(p.pt(x, y), vg.Length(r), 0, 2*math.Pi)
	path.Close()
	p.c.SetColor(c)
	p.c.Fill(path)
}

func alpha(c color.NRGBA, a uint8) color.NRGBA { c.A = a; return c }

// layout is the frame of a picture: the plot area and the map from data to it.
type layout struct {
	plot, legend  rect
	scale, ox, oy float64 // x' = ox + scale*x, y' = oy - scale*y
	pointR        float64
}

func (l layout) at(x, y float64) (float64, float64) { return l.ox + l.scale*x, l.oy - l.scale*y }

func newLayout(m *Map, w, h float64) layout {
	const margin, top = 14, 40
	lw := math.Min(math.Max(0.24*w, 170), 300)
	l := layout{
		plot:   rect{margin, top, w - margin - lw - 10, h - margin},
		legend: rect{w - margin - lw, top, w - margin, h - margin},
	}
	x0, y0, x1, y1 := m.bounds()
	pw, ph := l.plot.x1-l.plot.x0, l.plot.y1-l.plot.y0
	l.scale = math.Min(pw/(x1-x0), ph/(y1-y0))
	l.ox = (l.plot.x0+l.plot.x1)/2 - l.scale*(x0+x1)/2
	l.oy = (l.plot.y0+l.plot.y1)/2 + l.scale*(y0+y1)/2
	// Points cover about a sixth of the plot, within [0.8, 4] points of radius.
	n := math.Max(float64(len(m.Points)), 1)
	l.pointR = math.Min(math.Max(math.Sqrt(pw*ph/6/(math.Pi*n)), 0.8), 4)
	return l
}

// drawn reports what a picture shows, for tests and logs.
type drawn struct {
	labels  []label
	dropped []labelReq
}

// draw draws m on c as o asks (o filled).
func (m *Map) draw(c vg.Canvas, o Options) drawn {
	w, h, theme, title := float64(o.Width), float64(o.Height), ThemeOf(o.Dark), m.title(o)
	p := &picture{c: c, w: w, h: h, theme: theme}
	l := newLayout(m, w, h)
	p.fillRect(rect{0, 0, w, h}, theme.Background)
	p.text(fitWidth(face(titleSize), title, w-28), 14, 12, titleSize, -1, theme.Text)

	// Hulls under the points.
	for i, t := range m.Topics {
		if len(t.HullX) < 3 {
			continue
		}
		var path vg.Path
		for j := range t.HullX {
			x, y := l.at(t.HullX[j], t.HullY[j])
			if j == 0 {
				path.Move(p.pt(x, y))
			} else {
				path.Line(p.pt(x, y))
			}
		}
		path.Close()
		col := theme.Colour(i)
		c.SetColor(alpha(col, 0x1C))
		c.Fill(path)
		c.SetLineWidth(1)
		c.SetColor(alpha(col, 0x99))
		c.Stroke(path)
	}

	if o.Contours {
		p.contours(m, l)
	}

	var obstacles []rect
	if m.Axes != nil {
		obstacles = p.axes(m.Axes, l)
	}

	// Points: documents without a topic first, then topic by topic, so that
	// each topic's points are one run of one colour.
	for i := -1; i < len(m.Topics); i++ {
		col := theme.Colour(i)
		for _, pt := range m.Points {
			if pt.Topic == i {
				x, y := l.at(pt.X, pt.Y)
				p.disc(x, y, l.pointR, col)
			}
		}
	}

	// Labels.
	var reqs, noCentroid []labelReq
	for i, t := range m.Topics {
		r := labelReq{topic: i, text: labelText(t.Name), weight: t.Size}
		if !t.HasCentroid { // nowhere to put its label: the legend says so
			noCentroid = append(noCentroid, r)
			continue
		}
		r.x, r.y = l.at(t.X, t.Y)
		reqs = append(reqs, r)
	}
	labels, dropped := placeLabels(reqs, l.plot, obstacles, labelSizes, measure)
	dropped = append(dropped, noCentroid...)
	for _, lb := range labels {
		if lb.leader {
			bx := math.Max(lb.box.x0, math.Min(lb.x, lb.box.x1))
			by := math.Max(lb.box.y0, math.Min(lb.y, lb.box.y1))
			p.line(lb.x, lb.y, bx, by, 0.8, theme.Text)
			p.disc(lb.x, lb.y, 1.8, theme.Text)
		}
	}
	for _, lb := range labels {
		p.fillRect(lb.box, theme.LabelBox)
		col := theme.Colour(lb.topic)
		p.line(lb.box.x0, lb.box.y1, lb.box.x1, lb.box.y1, 1.5, col)
		p.text(lb.text, (lb.box.x0+lb.box.x1)/2, lb.box.y0+2, lb.size, 0, theme.Text)
	}
	p.legend(m, l, dropped)
	return drawn{labels: labels, dropped: dropped}
}

// axes draws the Bourdieu axes, their words and the quadrant shares, and
// returns the boxes that labels must avoid.
func (p *picture) axes(a *Axes, l layout) []rect {
	t := p.theme
	cx, cy := l.at(0, 0)
	r := l.plot
	p.line(r.x0, cy, r.x1, cy, 1.2, t.Axis)
	p.line(cx, r.y0, cx, r.y1, 1.2, t.Axis)
	af := face(axisSize)
	e := af.Extents()
	th := float64(e.Ascent + e.Descent)
	words := func(ws []string) string {
		return fitWidth(face(axisSize), strings.Join(ws, ", "), (r.x1-r.x0)/2-50)
	}
	boxes := []rect{
		p.text(words(a.Left), r.x0+4, cy-th-4, axisSize, -1, t.Text),
		p.text(words(a.Right), r.x1-4, cy-th-4, axisSize, 1, t.Text),
		p.text(words(a.Top), cx+6, r.y0+2, axisSize, -1, t.Text),
		p.text(words(a.Bottom), cx+6, r.y1-th-2, axisSize, -1, t.Text),
	}
	qf := face(quadSize)
	qe := qf.Extents()
	qh := float64(qe.Ascent + qe.Descent)
	q := a.Quadrants
	boxes = append(boxes,
		p.text(fmt.Sprintf("%.1f%%", q[0]), r.x0+4, r.y0+2, quadSize, -1, t.Muted),
		p.text(fmt.Sprintf("%.1f%%", q[1]), r.x1-4, r.y0+2, quadSize, 1, t.Muted),
		p.text(fmt.Sprintf("%.1f%%", q[2]), r.x0+4, r.y1-qh-2, quadSize, -1, t.Muted),
		p.text(fmt.Sprintf("%.1f%%", q[3]), r.x1-4, r.y1-qh-2, quadSize, 1, t.Muted),
	)
	for i := range boxes {
		boxes[i] = boxes[i].grow(2)
	}
	return boxes
}

// contours draws the density contours of the points, fainter at lower levels.
func (p *picture) contours(m *Map, l layout) {
	xs, ys := make([]float64, len(m.Points)), make([]float64, len(m.Points))
	for i, pt := range m.Points {
		xs[i], ys[i] = l.at(pt.X, pt.Y)
	}
	cell := math.Max(l.plot.x1-l.plot.x0, l.plot.y1-l.plot.y0) / 90
	levels := densityContours(xs, ys, l.plot, cell)
	p.c.SetLineWidth(0.8)
	for li, segs := range levels {
		if len(segs) == 0 {
			continue
		}
		var path vg.Path
		for _, s := range segs {
			path.Move(p.pt(s.x0, s.y0))
			path.Line(p.pt(s.x1, s.y1))
		}
		p.c.SetColor(alpha(p.theme.Muted, uint8(0x50+0x28*li)))
		p.c.Stroke(path)
	}
}

// droppedNote heads the legend's list of topics whose label found no room.
const droppedNote = "No room on the map for the labels of:"

// legend lists the topics, largest first, with their sizes, then the
// topics whose label was left out.
func (p *picture) legend(m *Map, l layout, dropped []labelReq) {
	t := p.theme
	r := l.legend
	f := face(legendSize)
	e := f.Extents()
	lh := float64(e.Ascent+e.Descent) + 4
	y := r.y0
	p.text("Topics (documents)", r.x0, y, legendSize, -1, t.Muted)
	y += lh + 2
	order := make([]int, len(m.Topics))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return m.Topics[b].Size - m.Topics[a].Size })
	// Lines left for the note on dropped labels, which always fits.
	noteLines := 0
	if len(dropped) > 0 {
		noteLines = min(1+len(dropped), int((r.y1-y)/lh)/2)
	}
	room := int((r.y1-y)/lh) - noteLines
	if noteLines > 0 {
		room--
	}
	for k, i := range order {
		if k >= room-1 && k < len(order)-1 && room > 0 {
			p.text(fmt.Sprintf("… and %d more topics", len(order)-k), r.x0+14, y, legendSize, -1, t.Muted)
			y += lh
			break
		}
		tp := m.Topics[i]
		p.disc(r.x0+4, y+lh/2-2, 4, t.Colour(i))
		size := fmt.Sprintf(" (%d)", tp.Size)
		name := fitWidth(f, strings.Join(strings.Fields(tp.Name), " "), r.x1-r.x0-14-float64(f.Width(size)))
		p.text(name+size, r.x0+14, y, legendSize, -1, t.Text)
		y += lh
	}
	if len(dropped) == 0 {
		return
	}
	y = math.Max(y+lh, r.y1-float64(noteLines)*lh)
	p.text(droppedNote, r.x0, y, legendSize, -1, t.Muted)
	for k, d := range dropped {
		y += lh
		if k == noteLines-2 && k < len(dropped)-1 {
			p.text(fmt.Sprintf("… and %d more", len(dropped)-k), r.x0, y, legendSize, -1, t.Muted)
			break
		}
		p.text(fitWidth(f, "• "+d.text, r.x1-r.x0), r.x0, y, legendSize, -1, t.Text)
	}
}
