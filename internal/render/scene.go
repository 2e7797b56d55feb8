package render

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/bunkatopics/bunka-go/internal/topicmap"
	"github.com/bunkatopics/bunka-go/internal/vecmath"
)

// View chooses which map of a TopicsResponse to draw.
type View string

const (
	ViewTopics   View = "topics"   // the topic map (the default)
	ViewBourdieu View = "bourdieu" // the Bourdieu map of a topics job run with one
)

// ParseView reads a view name; "" is ViewTopics.
func ParseView(s string) (View, error) {
	switch View(s) {
	case "", ViewTopics:
		return ViewTopics, nil
	case ViewBourdieu:
		return ViewBourdieu, nil
	}
	return "", fmt.Errorf("render: unknown view %q (want topics or bourdieu)", s)
}

// ErrNoBourdieu is returned for the Bourdieu view of a topics result that
// has no Bourdieu map: null (results stored by older versions), or the
// empty map of a job that asked for none or whose axes could not be placed.
var ErrNoBourdieu = errors.New("render: the result has no Bourdieu map")

// Map is what the renderers draw: documents placed on a plane and their
// topics, in the coordinates of the picture (x to the right, y up).
type Map struct {
	Kind   View
	Points []Point
	Topics []Topic
	Axes   *Axes // the Bourdieu axes; nil on a topic map
}

// Point is one document.
type Point struct {
	X, Y  float64
	Topic int // index into Map.Topics, or -1
	ID    string
	Text  string
}

// Topic is one topic with its outline.
type Topic struct {
	ID           string
	Name         string
	Size         int
	X, Y         float64 // centroid
	HullX, HullY []float64
	TopDocs      []string
	HasCentroid  bool
}

// Axes are the two continua of a Bourdieu map and the share of documents
// in each quadrant of the picture.
type Axes struct {
	Left, Right, Top, Bottom []string
	// Quadrants are the percentages of documents top-left, top-right,
	// bottom-left, bottom-right.
	Quadrants [4]float64
}

// FromTopics returns the map of a topics result for view v.
func FromTopics(res *topicmap.TopicsResponse, v View) (*Map, error) {
	if res == nil {
		return nil, errors.New("render: no result")
	}
	switch v {
	case "", ViewTopics:
		return build(ViewTopics, res.Docs, res.Topics, false), nil
	case ViewBourdieu:
		if res.BourdieuResponse == nil || len(res.BourdieuResponse.Docs) == 0 {
			return nil, ErrNoBourdieu
		}
		return FromBourdieu(res.BourdieuResponse), nil
	}
	return nil, fmt.Errorf("render: unknown view %q", v)
}

// FromBourdieu returns the map of a Bourdieu result.
func FromBourdieu(res *topicmap.BourdieuResponse) *Map {
	m := build(ViewBourdieu, res.Docs, res.Topics, true)
	q := res.Query
	m.Axes = &Axes{Left: q.XLeftWords, Right: q.XRightWords, Top: q.YTopWords, Bottom: q.YBottomWords}
	var n [4]int
	for _, p := range m.Points {
		i := 0
		if p.Y < 0 {
			i = 2
		}
		if p.X >= 0 {
			i++
		}
		n[i]++
	}
	if len(m.Points) > 0 {
		for i := range n {
			m.Axes.Quadrants[i] = 100 * float64(n[i]) / float64(len(m.Points))
		}
	}
	return m
}

// build collects the placed documents and the topics; mirror negates x.
func build(kind View, docs []topicmap.Document, topics []topicmap.Topic, mirror bool) *Map {
	sx := 1.0
	if mirror {
		sx = -1
	}
	m := &Map{Kind: kind, Topics: make([]Topic, len(topics))}
	index := make(map[string]int, len(topics))
	for i, t := range topics {
		index[t.TopicID] = i
		mt := Topic{ID: t.TopicID, Name: strings.TrimSpace(t.Name), TopDocs: t.TopDocContent}
		if mt.Name == "" {
			mt.Name = t.TopicID
		}
		if t.Size != nil {
			mt.Size = *t.Size
		}
		if t.XCentroid != nil && t.YCentroid != nil && vecmath.IsFinite(*t.XCentroid) && vecmath.IsFinite(*t.YCentroid) {
			mt.X, mt.Y, mt.HasCentroid = sx**t.XCentroid, *t.YCentroid, true
		}
		if h := t.ConvexHull; h != nil && len(h.XCoordinates) == len(h.YCoordinates) {
			for j := range h.XCoordinates {
				if vecmath.IsFinite(h.XCoordinates[j]) && vecmath.IsFinite(h.YCoordinates[j]) {
					mt.HullX = append(mt.HullX, sx*h.XCoordinates[j])
					mt.HullY = append(mt.HullY, h.YCoordinates[j])
				}
			}
		}
		m.Topics[i] = mt
	}
	m.Points = make([]Point, 0, len(docs))
	counted := make([]int, len(topics))
	for _, d := range docs {
		if d.X == nil || d.Y == nil || !vecmath.IsFinite(*d.X) || !vecmath.IsFinite(*d.Y) {
			continue
		}
		p := Point{X: sx * *d.X, Y: *d.Y, Topic: -1, ID: d.DocID, Text: d.Content}
		if d.TopicID != nil {
			if i, ok := index[*d.TopicID]; ok {
				p.Topic = i
				counted[i]++
			}
		}
		m.Points = append(m.Points, p)
	}
	for i := range m.Topics {
		if m.Topics[i].Size == 0 {
			m.Topics[i].Size = counted[i]
		}
	}
	return m
}

// bounds returns the extent of the points, centroids and hulls, padded.
func (m *Map) bounds() (x0, y0, x1, y1 float64) {
	x0, y0 = math.Inf(1), math.Inf(1)
	x1, y1 = math.Inf(-1), math.Inf(-1)
	add := func(x, y float64) {
		x0, x1 = math.Min(x0, x), math.Max(x1, x)
		y0, y1 = math.Min(y0, y), math.Max(y1, y)
	}
	for _, p := range m.Points {
		add(p.X, p.Y)
	}
	for _, t := range m.Topics {
		if t.HasCentroid {
			add(t.X, t.Y)
		}
		for j := range t.HullX {
			add(t.HullX[j], t.HullY[j])
		}
	}
	if m.Axes != nil {
		add(0, 0)
	}
	if math.IsInf(x0, 1) {
		return -1, -1, 1, 1
	}
	if x1-x0 < 1e-9 {
		x0, x1 = x0-1, x1+1
	}
	if y1-y0 < 1e-9 {
		y0, y1 = y0-1, y1+1
	}
	if m.Axes != nil { // symmetric around the origin, so that the axes cross in the middle
		ax := math.Max(math.Abs(x0), math.Abs(x1))
		ay := math.Max(math.Abs(y0), math.Abs(y1))
		x0, x1, y0, y1 = -ax, ax, -ay, ay
	}
	px, py := 0.03*(x1-x0), 0.03*(y1-y0)
	return x0 - px, y0 - py, x1 + px, y1 + py
}

// Title is the default title of the map.
func (m *Map) Title() string {
	if m.Axes != nil {
		return fmt.Sprintf("Bourdieu map: %d documents, %d topics", len(m.Points), len(m.Topics))
	}
	return fmt.Sprintf("Topic map: %d documents, %d topics", len(m.Points), len(m.Topics))
}
