package render

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"
)

// The page's script and style sheet, inlined into every HTML map.
var (
	//go:embed map.js
	mapJS string
	//go:embed map.css
	mapCSS string
)

// htmlData is the JSON that map.js reads from the page.
type htmlData struct {
	Title  string      `json:"title"`
	Kind   View        `json:"kind"`
	X      coords      `json:"x"`
	Y      coords      `json:"y"`
	Topic  []int       `json:"t"`
	Text   []string    `json:"text"`
	Topics []htmlTopic `json:"topics"`
	Axes   *htmlAxes   `json:"axes"`
	Theme  htmlTheme   `json:"theme"`
}

type htmlTopic struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Size   int      `json:"size"`
	Colour string   `json:"color"`
	X      *float64 `json:"x"`
	Y      *float64 `json:"y"`
	Hull   coords   `json:"hull"` // x0, y0, x1, y1, ...
	Top    []string `json:"top"`
}

type htmlAxes struct {
	Left      []string   `json:"left"`
	Right     []string   `json:"right"`
	Top       []string   `json:"top"`
	Bottom    []string   `json:"bottom"`
	Quadrants [4]float64 `json:"quadrants"`
}

type htmlTheme struct {
	Background string `json:"bg"`
	Text       string `json:"text"`
	Muted      string `json:"muted"`
	Axis       string `json:"axis"`
}

// coords are numbers written with 5 significant digits, which place a
// point to a ten-thousandth of the map: enough for a screen, and a third
// of the size of full precision.
type coords []float64

func (c coords) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 2+8*len(c))
	b = append(b, '[')
	for i, v := range c {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendFloat(b, v, 'g', 5, 64)
	}
	return append(b, ']'), nil
}

// HTML writes m as one self-contained HTML page: the data, map.js and
// map.css inlined; it loads nothing (its Content-Security-Policy forbids
// it) and works from file://. Options.Width and Height do not apply: the
// map fills the window.
func (m *Map) HTML(w io.Writer, o Options) error {
	if err := o.fill(); err != nil {
		return err
	}
	th := ThemeOf(o.Dark)
	d := htmlData{
		Title: m.title(o),
		Kind:  m.Kind,
		X:     make(coords, len(m.Points)),
		Y:     make(coords, len(m.Points)),
		Topic: make([]int, len(m.Points)),
		Text:  make([]string, len(m.Points)),
		Theme: htmlTheme{cssColour(th.Background), cssColour(th.Text), cssColour(th.Muted), cssColour(th.Axis)},
	}
	for i, p := range m.Points {
		d.X[i], d.Y[i], d.Topic[i] = p.X, p.Y, p.Topic
		d.Text[i] = truncate(p.Text, o.TextChars)
	}
	d.Topics = make([]htmlTopic, len(m.Topics))
	for i, t := range m.Topics {
		ht := htmlTopic{ID: t.ID, Name: t.Name, Size: t.Size, Colour: cssColour(th.Colour(i)), Hull: coords{}, Top: []string{}}
		if t.HasCentroid {
			ht.X, ht.Y = &t.X, &t.Y
		}
		for j := range t.HullX {
			ht.Hull = append(ht.Hull, t.HullX[j], t.HullY[j])
		}
		for _, s := range t.TopDocs {
			ht.Top = append(ht.Top, truncate(s, 2*o.TextChars))
		}
		d.Topics[i] = ht
	}
	if a := m.Axes; a != nil {
		d.Axes = &htmlAxes{Left: a.Left, Right: a.Right, Top: a.Top, Bottom: a.Bottom, Quadrants: a.Quadrants}
	}

	bw := bufio.NewWriterSize(w, 1<<16)
	theme := "light"
	if o.Dark {
		theme = "dark"
	}
	title := html.EscapeString(d.Title)
	fmt.Fprintf(bw, htmlHead, theme, title, mapCSS, title)
	// encoding/json escapes <, > and &, so the data cannot end its script element.
	if err := json.NewEncoder(bw).Encode(d); err != nil {
		return fmt.Errorf("render: html: %w", err)
	}
	if strings.Contains(mapJS, "</script") {
		panic("render: map.js holds </script")
	}
	fmt.Fprintf(bw, htmlTail, mapJS)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("render: html: %w", err)
	}
	return nil
}

const htmlHead = `<!doctype html>
<html lang="en" class="%s">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="bunka-go">
<title>%s</title>
<style>
%s</style>
</head>
<body>
<header>
<h1>%s</h1>
<input id="search" type="search" placeholder="Search documents" aria-label="Search documents" autocomplete="off">
<span id="count" aria-live="polite"></span>
<button id="reset" type="button" title="Fit the whole map">Reset view</button>
</header>
<main>
<div id="stage"><canvas id="map" aria-label="Map of the documents"></canvas><div id="labels"></div><div id="tip" hidden></div></div>
<aside id="side">
<h2>Topics <small>(documents)</small></h2>
<ul id="legend"></ul>
<section id="topdocs" hidden></section>
</aside>
</main>
<script id="bunka-data" type="application/json">`

const htmlTail = `</script>
<script>
%s</script>
</body>
</html>
`
