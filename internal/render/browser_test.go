package render

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// browserDir holds the browser checks and their node_modules
// (scripts/get_browser.sh installs them; .ci/run calls it).
const browserDir = "../../scripts/browser"

// needBrowser returns node and checks that chromium and playwright-core
// are installed. Without them the test is skipped, saying how to install
// them, except under CI (CI=true), where it fails.
func needBrowser(t *testing.T) string {
	t.Helper()
	missing := func(what string) {
		msg := what + ": run scripts/get_browser.sh to install chromium and playwright-core"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("no node in PATH")
	}
	if _, err := os.Stat(filepath.Join(browserDir, "node_modules", "playwright-core")); err != nil {
		missing("playwright-core is not installed in " + browserDir)
	}
	chromium := os.Getenv("BUNKA_CHROMIUM")
	if chromium == "" {
		for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
			if _, err := os.Stat(p); err == nil {
				chromium = p
				break
			}
		}
	}
	if chromium == "" {
		missing("no chromium (set BUNKA_CHROMIUM to use another)")
	}
	return node
}

// browserExpect is what maptest.mjs checks a page against.
type browserExpect struct {
	Topics     []string `json:"topics"`
	Hover      int      `json:"hover"`
	HoverText  string   `json:"hoverText"`
	HoverTopic string   `json:"hoverTopic"`
	Search     string   `json:"search"`
	Matches    int      `json:"matches"`
	Colors     []string `json:"colors"`
	TopDocs    int      `json:"topDocs"`
}

// expectFor returns what the HTML map of m with o should show.
func expectFor(m *Map, o Options, search string) browserExpect {
	th := ThemeOf(o.Dark)
	e := browserExpect{Search: search}
	largest := 0
	for i, t := range m.Topics {
		e.Topics = append(e.Topics, t.Name)
		e.Colors = append(e.Colors, cssColour(th.Colour(i)))
		if t.Size > m.Topics[largest].Size {
			largest = i
		}
	}
	e.TopDocs = len(m.Topics[largest].TopDocs)
	// Hover the document farthest from every centroid, where no label lies.
	best := -1.0
	for i, p := range m.Points {
		d := math.Inf(1)
		for _, t := range m.Topics {
			d = math.Min(d, math.Hypot(p.X-t.X, p.Y-t.Y))
		}
		if d > best {
			best, e.Hover = d, i
		}
	}
	e.HoverText = truncate(m.Points[e.Hover].Text, o.TextChars)
	e.HoverTopic = "no topic"
	if t := m.Points[e.Hover].Topic; t >= 0 {
		e.HoverTopic = m.Topics[t].Name
	}
	for _, p := range m.Points {
		if strings.Contains(strings.ToLower(truncate(p.Text, o.TextChars)), search) {
			e.Matches++
		}
	}
	return e
}

// TestHTMLInBrowser opens HTML maps (a topic map, a dark Bourdieu map) in
// Debian's chromium through playwright-core (scripts/browser/maptest.mjs).
func TestHTMLInBrowser(t *testing.T) {
	node := needBrowser(t)
	dir := t.TempDir()
	res := Synthetic(3000, 7, 5)
	// The Bourdieu map's documents of its unlisted topics have topic_id
	// null, as the pipeline writes for topics under the minimum size: the
	// hovered one (farthest from every centroid) is one of them, and its
	// tooltip must say "no topic".
	bdocs := slices.Clone(res.Docs[:1500])
	listed := map[string]bool{}
	for _, tp := range res.Topics[:4] {
		listed[tp.TopicID] = true
	}
	for i := range bdocs {
		if !listed[*bdocs[i].TopicID] {
			bdocs[i].TopicID = nil
		}
	}
	res.BourdieuResponse = &topicmap.BourdieuResponse{Docs: bdocs, Topics: res.Topics[:4],
		Query: topicmap.DefaultBourdieuQuery()}
	args := []string{"maptest.mjs"}
	for _, tc := range []struct {
		name   string
		view   View
		o      Options
		search string
	}{
		{"topics", ViewTopics, Options{}, "document 12"},
		{"bourdieu", ViewBourdieu, Options{Dark: true, TextChars: 40}, "kernel"},
	} {
		m, err := FromTopics(res, tc.view)
		if err != nil {
			t.Fatal(err)
		}
		page := filepath.Join(dir, tc.name+".html")
		f, err := os.Create(page)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.HTML(f, tc.o); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		o := tc.o
		if err := o.fill(); err != nil {
			t.Fatal(err)
		}
		e := expectFor(m, o, tc.search)
		if tc.view == ViewBourdieu && e.HoverTopic != "no topic" {
			t.Fatalf("bourdieu: the hovered document has topic %q, want one without a topic", e.HoverTopic)
		}
		if e.Matches == 0 || e.Matches == len(m.Points) {
			t.Fatalf("%s: search %q matches %d of %d documents: a useless check", tc.name, tc.search, e.Matches, len(m.Points))
		}
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		exp := filepath.Join(dir, tc.name+".json")
		if err := os.WriteFile(exp, b, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, page, exp)
	}
	cmd := exec.Command(node, args...)
	cmd.Dir = browserDir
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("maptest.mjs: %v", err)
	}
	if lines := strings.Count(string(out), `"file"`); lines != len(args[1:])/2 {
		t.Errorf("maptest.mjs reported %d maps, want %d", lines, len(args[1:])/2)
	}
}
