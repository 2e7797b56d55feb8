package api_test

import (
	"context"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/api"
	"github.com/bunkatopics/bunka-go/internal/render"
	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/tasks"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

func get(t *testing.T, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// succeed records a finished job of kind with result v.
func (e *env) succeed(t *testing.T, id, kind string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := e.store.Create(ctx, id, kind); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Succeed(ctx, store.Run{ID: id}, b, nil, ""); err != nil {
		t.Fatal(err)
	}
}

func TestMaps(t *testing.T) {
	e := newEnv(t, api.Config{})
	withB := render.Synthetic(300, 5, 1)
	withB.BourdieuResponse = &topicmap.BourdieuResponse{Docs: withB.Docs, Topics: withB.Topics, Query: topicmap.DefaultBourdieuQuery()}
	e.succeed(t, "tb", tasks.TypeTopics, withB)
	e.succeed(t, "t", tasks.TypeTopics, render.Synthetic(200, 4, 2))
	e.succeed(t, "b", tasks.TypeBourdieu, withB.BourdieuResponse)
	ctx := context.Background()
	e.store.Create(ctx, "pending", tasks.TypeTopics)

	for _, tc := range []struct {
		path, ctype, kind string
	}{
		{"/tasks/topics/t/map.svg?contours=true", "image/svg+xml", "topics"},
		{"/tasks/topics/t/map.png?width=400&height=300&scale=2", "image/png", "topics"},
		{"/tasks/topics/t/map.html?dark=true", "text/html; charset=utf-8", "topics"},
		{"/tasks/topics/tb/map.svg?view=bourdieu", "image/svg+xml", "bourdieu"},
		{"/tasks/bourdieu/tb/map.png", "image/png", "bourdieu"},
		{"/tasks/bourdieu/b/map.html", "text/html; charset=utf-8", "bourdieu"},
		{"/tasks/topics/b/map.svg", "image/svg+xml", "bourdieu"}, // a Bourdieu result read under topics, as /result allows
	} {
		resp, body := get(t, e.srv.URL+tc.path)
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d %s", tc.path, resp.StatusCode, body)
			continue
		}
		h := resp.Header
		if h.Get("Content-Type") != tc.ctype || !strings.HasPrefix(h.Get("Content-Disposition"), `inline; filename="bunka-`+tc.kind+"-") ||
			h.Get("ETag") == "" || !strings.Contains(h.Get("Cache-Control"), "max-age=") {
			t.Errorf("GET %s: headers %v", tc.path, h)
		}
		if tc.ctype == "image/png" {
			img, err := png.Decode(strings.NewReader(string(body)))
			if err != nil {
				t.Errorf("GET %s: %v", tc.path, err)
			} else if strings.Contains(tc.path, "width=400") && img.Bounds().Dx() != 800 {
				t.Errorf("GET %s: %d pixels wide, want 800", tc.path, img.Bounds().Dx())
			}
		}
		if strings.Contains(tc.path, "dark=true") && !strings.Contains(string(body), `class="dark"`) {
			t.Errorf("GET %s: not dark", tc.path)
		}
		// The same request again, with the ETag: 304 and no body.
		again, b2 := get(t, e.srv.URL+tc.path, "If-None-Match", h.Get("ETag"))
		if again.StatusCode != http.StatusNotModified || len(b2) != 0 {
			t.Errorf("GET %s with its ETag: %d, %d bytes", tc.path, again.StatusCode, len(b2))
		}
	}
	resp, _ := get(t, e.srv.URL+"/tasks/topics/t/map.svg?download=true")
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="bunka-topics-t.svg"` {
		t.Errorf("download: Content-Disposition %q", cd)
	}

	for _, path := range []string{
		"/tasks/topics/nope/map.svg", "/tasks/topics/pending/map.png", "/tasks/other/t/map.svg",
		"/tasks/topics/t/map.gif", "/tasks/topics/t/map.svg?view=bourdieu", "/tasks/bourdieu/t/map.html",
	} {
		resp, body := get(t, e.srv.URL+path)
		var m map[string]any
		if resp.StatusCode != 404 || json.Unmarshal(body, &m) != nil || m["message"] == nil {
			t.Errorf("GET %s: %d %s, want a 404", path, resp.StatusCode, body)
		}
	}
	for _, q := range []string{"width=5", "height=abc", "scale=9", "scale=x", "view=sideways", "dark=maybe", "contours=some",
		"width=8000&height=8000&scale=4", "title=" + strings.Repeat("x", 300)} {
		resp, body := get(t, e.srv.URL+"/tasks/topics/t/map.png?"+q)
		var m map[string]any
		if resp.StatusCode != 422 || json.Unmarshal(body, &m) != nil || m["status_code"] != float64(10422) {
			t.Errorf("?%s: %d %s, want a 422", q, resp.StatusCode, body)
		}
	}
}
