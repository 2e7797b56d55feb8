package render

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// svgText is a <text> element: its baseline origin in picture coordinates
// (y down), its font size and content.
type svgText struct {
	x, y, size float64
	s          string
}

// svgDoc is what the tests read back from an SVG.
type svgDoc struct {
	w, h   float64
	texts  []svgText
	paths  []string
	points int // paths that are one full circle
}

var (
	fontSizeRE = regexp.MustCompile(`font-size:([0-9.]+)px`)
	pathNumRE  = regexp.MustCompile(`[MLA]\s*(-?[0-9.e+-]+),(-?[0-9.e+-]+)`)
)

// parseSVG decodes an SVG written by Map.SVG with encoding/xml: a picture
// that does not parse as XML fails the test.
func parseSVG(t *testing.T, b []byte) svgDoc {
	t.Helper()
	var d svgDoc
	dec := xml.NewDecoder(bytes.NewReader(b))
	var cur *svgText
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the SVG does not parse as XML: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			attr := map[string]string{}
			for _, a := range e.Attr {
				attr[a.Name.Local] = a.Value
			}
			switch e.Name.Local {
			case "svg":
				f := strings.Fields(attr["viewBox"])
				if len(f) != 4 {
					t.Fatalf("viewBox %q", attr["viewBox"])
				}
				d.w, _ = strconv.ParseFloat(f[2], 64)
				d.h, _ = strconv.ParseFloat(f[3], 64)
			case "path":
				d.paths = append(d.paths, attr["d"])
				if strings.Count(attr["d"], "A") == 2 {
					d.points++
				}
			case "text":
				x, _ := strconv.ParseFloat(attr["x"], 64)
				y, _ := strconv.ParseFloat(attr["y"], 64)
				m := fontSizeRE.FindStringSubmatch(attr["style"])
				if m == nil {
					t.Fatalf("text without a font size: %v", attr)
				}
				size, _ := strconv.ParseFloat(m[1], 64)
				// The text is drawn flipped inside the group that flips the
				// canvas: its baseline is at h + y from the top.
				cur = &svgText{x: x, y: d.h + y, size: size}
			}
		case xml.CharData:
			if cur != nil {
				cur.s += string(e)
			}
		case xml.EndElement:
			if e.Name.Local == "text" && cur != nil {
				d.texts = append(d.texts, *cur)
				cur = nil
			}
		}
	}
	return d
}

func (s svgText) box() rect {
	f := face(s.size)
	e := f.Extents()
	return rect{s.x, s.y - float64(e.Ascent), s.x + float64(f.Width(s.s)), s.y + float64(e.Descent)}
}

// checkSVG checks a map's SVG: every path point on the canvas, one circle
// per document, one label per topic or the topic in the legend's note on
// dropped labels, and no two labels overlapping.
func checkSVG(t *testing.T, m *Map, b []byte, o Options) {
	t.Helper()
	d := parseSVG(t, b)
	if d.w != float64(o.Width) || d.h != float64(o.Height) {
		t.Errorf("SVG is %g x %g, want %d x %d", d.w, d.h, o.Width, o.Height)
	}
	for _, p := range d.paths {
		for _, m := range pathNumRE.FindAllStringSubmatch(p, -1) {
			x, _ := strconv.ParseFloat(m[1], 64)
			y, _ := strconv.ParseFloat(m[2], 64)
			if x < 0 || x > d.w || y < 0 || y > d.h {
				t.Fatalf("path point (%g, %g) outside the %g x %g canvas: %.80s", x, y, d.w, d.h, p)
			}
		}
	}
	// The legend's swatches are circles too, one per listed topic, and
	// leader lines end on a dot.
	if d.points < len(m.Points) {
		t.Errorf("%d circles, want at least one per document (%d)", d.points, len(m.Points))
	}
	count := map[string]int{}
	var labels []svgText
	noted := map[string]bool{}
	inNote := false
	more := 0 // topics the note counts without naming them
	for _, tx := range d.texts {
		count[tx.s]++
		switch {
		case tx.s == droppedNote:
			inNote = true
		case inNote && strings.HasPrefix(tx.s, "• "):
			noted[strings.TrimPrefix(tx.s, "• ")] = true
		case inNote:
			if _, err := fmt.Sscanf(tx.s, "… and %d more", &more); err != nil {
				t.Errorf("unexpected line %q in the note on dropped labels", tx.s)
			}
		}
	}
	dropped := 0
	for _, tp := range m.Topics {
		want := labelText(tp.Name)
		switch {
		case count[want] == 1:
		case count[want] == 0 && noted[want]:
			dropped++
		case count[want] == 0 && more > 0:
			more--
			dropped++
		default:
			t.Errorf("topic %s: %d labels %q, noted as dropped: %v", tp.ID, count[want], want, noted[want])
		}
	}
	for _, tx := range d.texts {
		for _, tp := range m.Topics {
			if tx.s == labelText(tp.Name) {
				labels = append(labels, tx)
				break
			}
		}
	}
	for i := range labels {
		for j := range i {
			if labels[i].box().overlaps(labels[j].box()) {
				t.Errorf("labels %q and %q overlap: %v %v", labels[i].s, labels[j].s, labels[i].box(), labels[j].box())
			}
		}
	}
	t.Logf("%d topics, %d labels, %d dropped, %d circles, %d bytes", len(m.Topics), len(labels), dropped, d.points, len(b))
}

func TestSVG(t *testing.T) {
	for _, tc := range []struct {
		desc      string
		n, k      int
		o         Options
		wantDrops bool
	}{
		{desc: "default size", n: 2000, k: 10},
		{desc: "dark, wide", n: 500, k: 6, o: Options{Width: 1600, Height: 600, Dark: true}},
		{desc: "crowded: 80 topics on a small canvas", n: 3000, k: 80, o: Options{Width: 500, Height: 360}, wantDrops: true},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			m, err := FromTopics(Synthetic(tc.n, tc.k, 1), ViewTopics)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := m.SVG(&b, tc.o); err != nil {
				t.Fatal(err)
			}
			o := tc.o
			if err := o.fill(); err != nil {
				t.Fatal(err)
			}
			checkSVG(t, m, b.Bytes(), o)
			if tc.wantDrops != bytes.Contains(b.Bytes(), []byte(droppedNote)) {
				t.Errorf("note on dropped labels present: %v, want %v", !tc.wantDrops, tc.wantDrops)
			}
		})
	}
}

// TestTopicWithoutCentroid: a topic with nowhere to put its label is named
// in the legend's note.
func TestTopicWithoutCentroid(t *testing.T) {
	res := Synthetic(400, 4, 8)
	res.Topics[2].XCentroid = nil
	m, err := FromTopics(res, ViewTopics)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := m.SVG(&b, Options{}); err != nil {
		t.Fatal(err)
	}
	o := Options{}
	o.fill()
	checkSVG(t, m, b.Bytes(), o)
	if !bytes.Contains(b.Bytes(), []byte(droppedNote)) {
		t.Error("no note on the unlabelled topic")
	}
}

func TestSVGBourdieu(t *testing.T) {
	res := Synthetic(1200, 5, 2)
	res.BourdieuResponse = &topicmap.BourdieuResponse{Docs: res.Docs, Topics: res.Topics, Query: topicmap.BourdieuQuery{
		XLeftWords: []string{"war"}, XRightWords: []string{"peace"}, YTopWords: []string{"men"}, YBottomWords: []string{"women"}}}
	m, err := FromTopics(res, ViewBourdieu)
	if err != nil {
		t.Fatal(err)
	}
	if m.Axes == nil {
		t.Fatal("no axes")
	}
	var sum float64
	for _, q := range m.Axes.Quadrants {
		sum += q
	}
	if math.Abs(sum-100) > 1e-9 {
		t.Errorf("quadrant shares sum to %g", sum)
	}
	var b bytes.Buffer
	if err := m.SVG(&b, Options{}); err != nil {
		t.Fatal(err)
	}
	o := Options{}
	o.fill()
	checkSVG(t, m, b.Bytes(), o)
	for _, w := range []string{">war<", ">peace<", ">men<", ">women<", fmt.Sprintf(">%.1f%%<", m.Axes.Quadrants[0])} {
		if !bytes.Contains(b.Bytes(), []byte(w)) {
			t.Errorf("the SVG lacks %s", w)
		}
	}
	// Positive x is towards the left words: the picture mirrors it.
	if d := res.Docs[0]; m.Points[0].X != -*d.X {
		t.Errorf("x of the first point %g, want %g", m.Points[0].X, -*d.X)
	}
}

func TestNoBourdieu(t *testing.T) {
	if _, err := FromTopics(Synthetic(10, 2, 1), ViewBourdieu); !errors.Is(err, ErrNoBourdieu) {
		t.Errorf("err = %v, want ErrNoBourdieu", err)
	}
	// A job that asked for no map, or whose axes could not be placed,
	// carries an empty map (never null): there is nothing to draw either.
	res := Synthetic(10, 2, 1)
	res.BourdieuResponse = &topicmap.BourdieuResponse{Docs: []topicmap.Document{}, Topics: []topicmap.Topic{}}
	if _, err := FromTopics(res, ViewBourdieu); !errors.Is(err, ErrNoBourdieu) {
		t.Errorf("empty map: err = %v, want ErrNoBourdieu", err)
	}
	if _, err := ParseView("sideways"); err == nil {
		t.Error("ParseView accepted sideways")
	}
}

func TestOptionsRefused(t *testing.T) {
	m, err := FromTopics(Synthetic(10, 2, 1), ViewTopics)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []Options{{Width: 100000}, {Height: 10}, {Scale: 100}, {Scale: -1}, {TextChars: -3}} {
		if err := m.PNG(io.Discard, o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

// TestEmptyMap draws a result without documents or topics.
func TestEmptyMap(t *testing.T) {
	m, err := FromTopics(&topicmap.TopicsResponse{}, ViewTopics)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []func(io.Writer, Options) error{m.SVG, m.PNG, m.HTML} {
		if err := f(io.Discard, Options{}); err != nil {
			t.Error(err)
		}
	}
}

func TestPNG(t *testing.T) {
	for _, tc := range []struct {
		desc string
		o    Options
	}{
		{"default", Options{}},
		{"scale 1.5, dark", Options{Width: 640, Height: 480, Scale: 1.5, Dark: true}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			res := Synthetic(3000, 6, 3)
			m, err := FromTopics(res, ViewTopics)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := m.PNG(&b, tc.o); err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(&b)
			if err != nil {
				t.Fatal(err)
			}
			o := tc.o
			o.fill()
			w, h := int(math.Round(float64(o.Width)*o.Scale)), int(math.Round(float64(o.Height)*o.Scale))
			if got := img.Bounds().Size(); got != image.Pt(w, h) {
				t.Fatalf("image is %v, want %dx%d", got, w, h)
			}
			th := ThemeOf(o.Dark)
			counts := colourCounts(img)
			total := w * h
			if bg := counts[th.Background]; bg < total/3 || bg == total {
				t.Errorf("%d of %d pixels are the background", bg, total)
			}
			// Each topic's points are opaque discs of its colour: the
			// picture holds its colour in proportion to its documents.
			for i, tp := range m.Topics {
				c := th.Colour(i)
				perDoc := float64(counts[c]) / float64(tp.Size)
				t.Logf("topic %d (%d docs): %d pixels of %v, %.1f per document", i, tp.Size, counts[c], c, perDoc)
				if perDoc < 1 {
					t.Errorf("topic %d: %d pixels of its colour for %d documents", i, counts[c], tp.Size)
				}
			}
		})
	}
}

// colourCounts counts the pixels of each opaque colour.
func colourCounts(img image.Image) map[color.NRGBA]int {
	counts := map[color.NRGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			counts[c]++
		}
	}
	return counts
}

// TestPlaceLabels: whatever the requests, placed labels lie in the area,
// overlap neither each other nor an obstacle, and every request is placed
// or dropped, the heaviest placed first.
func TestPlaceLabels(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	area := rect{0, 0, 400, 300}
	obstacles := []rect{{0, 0, 60, 20}, {340, 280, 400, 300}}
	measure := func(s string, size float64) (float64, float64) { return float64(len(s)) * size * 0.6, size * 1.3 }
	for trial := range 200 {
		n := 1 + rng.IntN(60)
		reqs := make([]labelReq, n)
		for i := range reqs {
			reqs[i] = labelReq{topic: i, text: strings.Repeat("x", 3+rng.IntN(20)),
				x: rng.Float64() * 400, y: rng.Float64() * 300, weight: rng.IntN(100)}
		}
		placed, dropped := placeLabels(reqs, area, obstacles, []float64{12, 9}, measure)
		if len(placed)+len(dropped) != n {
			t.Fatalf("trial %d: %d placed + %d dropped of %d", trial, len(placed), len(dropped), n)
		}
		for i, a := range placed {
			if !a.box.within(area) {
				t.Fatalf("trial %d: label %v outside %v", trial, a.box, area)
			}
			for _, o := range obstacles {
				if a.box.overlaps(o) {
					t.Fatalf("trial %d: label %v over obstacle %v", trial, a.box, o)
				}
			}
			for _, b := range placed[:i] {
				if a.box.overlaps(b.box) {
					t.Fatalf("trial %d: labels %v and %v overlap", trial, a.box, b.box)
				}
			}
		}
		if len(placed) > 0 && len(dropped) == n {
			t.Fatal("unreachable")
		}
		if len(placed) == 0 && n > 0 {
			t.Errorf("trial %d: no label placed of %d", trial, n)
		}
	}
}

func TestHTML(t *testing.T) {
	res := Synthetic(1000, 7, 4)
	res.Docs[0].Content = `</script><script>alert("x")</script> ` + strings.Repeat("long ", 100)
	m, err := FromTopics(res, ViewTopics)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := m.HTML(&b, Options{TextChars: 50}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if strings.Count(page, "</script>") != 2 {
		t.Errorf("%d </script> in the page, want 2 (a document's text ended its script)", strings.Count(page, "</script>"))
	}
	for _, bad := range []string{"http://", "https://", "src=", "href="} {
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q, a reference to something outside it", bad)
		}
	}
	if !strings.Contains(page, "Content-Security-Policy") || !strings.Contains(page, mapJS) {
		t.Error("the page lacks its CSP or its script")
	}
	if n := strings.Count(page, "long "); n > 50/5 {
		t.Errorf("the first text holds %d words, not cut to 50 characters", n)
	}
}

func benchmarkMap(b *testing.B, n int) *Map {
	m, err := FromTopics(Synthetic(n, 20, 1), ViewTopics)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// countWriter counts what it is given.
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

func benchmarkFormat(b *testing.B, f func(m *Map) func(io.Writer, Options) error) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			m := benchmarkMap(b, n)
			var size countWriter
			for b.Loop() {
				size = 0
				if err := f(m)(&size, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(size)/1e6, "MB")
		})
	}
}

func BenchmarkSVG(b *testing.B) {
	benchmarkFormat(b, func(m *Map) func(io.Writer, Options) error { return m.SVG })
}
func BenchmarkPNG(b *testing.B) {
	benchmarkFormat(b, func(m *Map) func(io.Writer, Options) error { return m.PNG })
}
func BenchmarkHTML(b *testing.B) {
	benchmarkFormat(b, func(m *Map) func(io.Writer, Options) error { return m.HTML })
}

// TestContours: density contours are drawn on demand, inside the plot, and
// each level's lines lie where the density crosses it.
func TestContours(t *testing.T) {
	m, err := FromTopics(Synthetic(2000, 5, 6), ViewTopics)
	if err != nil {
		t.Fatal(err)
	}
	var plain, with bytes.Buffer
	if err := m.SVG(&plain, Options{}); err != nil {
		t.Fatal(err)
	}
	o := Options{Contours: true}
	if err := m.SVG(&with, o); err != nil {
		t.Fatal(err)
	}
	o.fill()
	checkSVG(t, m, with.Bytes(), o)
	if d, p := len(parseSVG(t, with.Bytes()).paths), len(parseSVG(t, plain.Bytes()).paths); d != p+len(contourLevels) {
		t.Errorf("%d paths with contours, %d without; want one more per level (%d)", d, p, len(contourLevels))
	}

	// One blob of points: each level is a closed ring around its centre,
	// the higher levels inside the lower ones.
	var xs, ys []float64
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		xs = append(xs, 200+30*rng.NormFloat64())
		ys = append(ys, 150+30*rng.NormFloat64())
	}
	levels := densityContours(xs, ys, rect{0, 0, 400, 300}, 5)
	prev := math.Inf(1)
	for li, segs := range levels {
		if len(segs) < 8 {
			t.Fatalf("level %d: %d segments", li, len(segs))
		}
		mean := 0.0
		for _, s := range segs {
			mean += math.Hypot(s.x0-200, s.y0-150)
		}
		mean /= float64(len(segs))
		if mean >= prev {
			t.Errorf("level %d lies %.1f from the centre, not inside the level below (%.1f)", li, mean, prev)
		}
		prev = mean
	}
}

// withoutTopic returns a synthetic result in which some documents carry
// topic_id null, as the pipeline writes for the documents of topics under
// the minimum size: those of its last topic, which is no longer listed,
// and every 7th other one. It returns how many have no topic and the name
// of the topic left out.
func withoutTopic(n, k int, seed uint64) (res *topicmap.TopicsResponse, nulls int, goneName string) {
	res = Synthetic(n, k, seed)
	gone := res.Topics[len(res.Topics)-1].TopicID
	goneName = res.Topics[len(res.Topics)-1].Name
	res.Topics = res.Topics[:len(res.Topics)-1]
	size := map[string]int{}
	for i := range res.Docs {
		if *res.Docs[i].TopicID == gone || i%7 == 0 {
			res.Docs[i].TopicID = nil
			nulls++
			continue
		}
		size[*res.Docs[i].TopicID]++
	}
	for i := range res.Topics {
		s := size[res.Topics[i].TopicID]
		res.Topics[i].Size = &s
	}
	return res, nulls, goneName
}

var svgDiscRE = regexp.MustCompile(`<path d="M[^"]*A[^"]*A[^"]*" style="fill:(#[0-9A-Fa-f]{6})"`)

// TestNullTopicIDs: documents with topic_id null are drawn in the theme's
// neutral grey, never in a topic's colour, and get no label; the HTML map
// marks them with topic -1 (map.js shows them grey, its tooltip says "no
// topic").
func TestNullTopicIDs(t *testing.T) {
	const k = 6
	res, nulls, gone := withoutTopic(1500, k, 7)
	m, err := FromTopics(res, ViewTopics)
	if err != nil {
		t.Fatal(err)
	}
	without := 0
	for _, p := range m.Points {
		if p.Topic < 0 {
			without++
		}
	}
	if len(m.Points) != len(res.Docs) || without != nulls || len(m.Topics) != k-1 {
		t.Fatalf("%d points, %d without a topic, %d topics; want %d, %d, %d", len(m.Points), without, len(m.Topics), len(res.Docs), nulls, k-1)
	}
	o := Options{}
	if err := o.fill(); err != nil {
		t.Fatal(err)
	}
	th := ThemeOf(o.Dark)
	grey, goneColour := cssColour(th.Muted), cssColour(th.Colour(k-1))

	t.Run("SVG", func(t *testing.T) {
		var b bytes.Buffer
		if err := m.SVG(&b, o); err != nil {
			t.Fatal(err)
		}
		checkSVG(t, m, b.Bytes(), o) // one label per listed topic
		discs := map[string]int{}
		for _, s := range svgDiscRE.FindAllSubmatch(b.Bytes(), -1) {
			discs[strings.ToLower(string(s[1]))]++
		}
		if discs[grey] != nulls {
			t.Errorf("%d grey discs, want one per document without a topic (%d)", discs[grey], nulls)
		}
		if discs[goneColour] != 0 {
			t.Errorf("%d discs in the colour of the unlisted topic", discs[goneColour])
		}
		for i, tp := range m.Topics {
			if c := discs[cssColour(th.Colour(i))]; c < tp.Size {
				t.Errorf("topic %s: %d discs of its colour for %d documents", tp.ID, c, tp.Size)
			}
		}
		if bytes.Contains(b.Bytes(), []byte(">"+labelText(gone)+"<")) || bytes.Contains(b.Bytes(), []byte("no topic")) {
			t.Errorf("the SVG labels documents without a topic (%q)", gone)
		}
	})

	t.Run("PNG", func(t *testing.T) {
		var b bytes.Buffer
		if err := m.PNG(&b, o); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&b)
		if err != nil {
			t.Fatal(err)
		}
		counts := colourCounts(img)
		if counts[th.Muted] < nulls {
			t.Errorf("%d grey pixels for %d documents without a topic", counts[th.Muted], nulls)
		}
		if c := counts[th.Colour(k-1)]; c != 0 {
			t.Errorf("%d pixels in the colour of the unlisted topic", c)
		}
		for i, tp := range m.Topics {
			if c := counts[th.Colour(i)]; c < tp.Size {
				t.Errorf("topic %s: %d pixels of its colour for %d documents", tp.ID, c, tp.Size)
			}
		}
	})

	t.Run("HTML", func(t *testing.T) {
		var b bytes.Buffer
		if err := m.HTML(&b, o); err != nil {
			t.Fatal(err)
		}
		ts := regexp.MustCompile(`"t":\[([-0-9,]*)\]`).FindSubmatch(b.Bytes())
		if ts == nil {
			t.Fatal("no topic list in the page's data")
		}
		got := 0
		for _, s := range strings.Split(string(ts[1]), ",") {
			if s == "-1" {
				got++
			}
		}
		if got != nulls {
			t.Errorf("%d documents with topic -1 in the page, want %d", got, nulls)
		}
	})
}
