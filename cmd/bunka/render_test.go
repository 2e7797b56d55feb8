package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/render"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// TestTopicsAndRenderMaps writes the three maps from "bunka topics" and
// again from its JSON with "bunka render", Bourdieu view included.
func TestTopicsAndRenderMaps(t *testing.T) {
	csvPath, npyPath := writeCorpus(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out.json")
	p := func(name string) string { return filepath.Join(dir, name) }
	var stdout, stderr bytes.Buffer
	err := topicsCmd(context.Background(), []string{"--csv", csvPath, "--id-column", "id", "--embeddings", npyPath,
		"--n-clusters", "2", "--language", "english", "--out", out,
		"--svg", p("t.svg"), "--png", p("t.png"), "--html", p("t.html"), "--width", "640", "--height", "400"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	// A topics result with a Bourdieu map, as the API returns it.
	res := render.Synthetic(300, 4, 1)
	res.BourdieuResponse = &topicmap.BourdieuResponse{Docs: res.Docs, Topics: res.Topics, Query: topicmap.DefaultBourdieuQuery()}
	withB := filepath.Join(dir, "with-bourdieu.json")
	writeJSONFile(t, withB, res)
	err = renderCmd(context.Background(), []string{withB, "--view", "bourdieu", "--dark",
		"--svg", p("b.svg"), "--png", p("b.png"), "--html", p("b.html"), "--scale", "2", "--width", "300", "--height", "200"}, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	for _, name := range []string{"t.svg", "b.svg"} {
		b, err := os.ReadFile(p(name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("<?xml")) || !bytes.Contains(b, []byte("</svg>")) {
			t.Errorf("%s is not an SVG: %.60q", name, b)
		}
	}
	for name, width := range map[string]int{"t.png": 640, "b.png": 600} {
		f, err := os.Open(p(name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if img.Bounds().Dx() != width {
			t.Errorf("%s is %d pixels wide, want %d", name, img.Bounds().Dx(), width)
		}
	}
	b, err := os.ReadFile(p("b.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"kind":"bourdieu"`) || !strings.Contains(string(b), `class="dark"`) {
		t.Error("b.html is not a dark Bourdieu map")
	}
	// A BourdieuResponse alone, as /tasks/bourdieu/{id}/result returns it.
	only := filepath.Join(dir, "bourdieu.json")
	writeJSONFile(t, only, res.BourdieuResponse)
	if err := renderCmd(context.Background(), []string{only, "--html", p("c.html")}, &stderr); err != nil {
		t.Fatal(err)
	}
	if b, err = os.ReadFile(p("c.html")); err != nil || !strings.Contains(string(b), `"kind":"bourdieu"`) {
		t.Errorf("c.html is not a Bourdieu map (%v)", err)
	}
}

func writeJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRenderCommandErrors(t *testing.T) {
	dir := t.TempDir()
	res := filepath.Join(dir, "r.json")
	if err := os.WriteFile(res, []byte(`{"docs": [], "topics": [], "bourdieu_response": null, "terms": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{res},                                  // no output asked for
		{"--svg", filepath.Join(dir, "x.svg")}, // no input
		{res, "--view", "bourdieu", "--svg", filepath.Join(dir, "x.svg")}, // no Bourdieu map
		{res, "--view", "sideways", "--svg", filepath.Join(dir, "x.svg")},
		{filepath.Join(dir, "missing.json"), "--svg", filepath.Join(dir, "x.svg")},
	} {
		var stderr bytes.Buffer
		if err := renderCmd(context.Background(), args, &stderr); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}
