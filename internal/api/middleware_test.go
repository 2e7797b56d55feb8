package api_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/bunkatopics/bunka-go/internal/api"
)

func TestCORS(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{}")) })
	type want struct{ origin, credentials string }
	for _, tc := range []struct {
		desc      string
		origins   []string // BUNKA_CORS_ORIGINS
		origin    string   // the request's Origin
		preflight bool
		want      want
	}{
		{desc: "default: any origin reads without credentials", origin: "https://evil.example", want: want{"*", ""}},
		{desc: "default preflight", origin: "http://localhost:3000", preflight: true, want: want{"*", ""}},
		{desc: "default: null origin", origin: "null", want: want{"*", ""}},
		{desc: "* alone is the default", origins: []string{"*"}, origin: "https://a.example", want: want{"*", ""}},
		{desc: "listed origin gets credentials", origins: []string{"https://bunka.example"}, origin: "https://bunka.example", want: want{"https://bunka.example", "true"}},
		{desc: "listed origin, preflight", origins: []string{"https://bunka.example"}, origin: "https://bunka.example", preflight: true, want: want{"https://bunka.example", "true"}},
		{desc: "listed origin, any case", origins: []string{"https://Bunka.example"}, origin: "https://bunka.example", want: want{"https://bunka.example", "true"}},
		{desc: "unlisted origin gets nothing", origins: []string{"https://bunka.example"}, origin: "https://evil.example", want: want{"", ""}},
		{desc: "unlisted origin, preflight", origins: []string{"https://bunka.example"}, origin: "https://evil.example", preflight: true, want: want{"", ""}},
		{desc: "null is never given credentials", origins: []string{"https://bunka.example", "null"}, origin: "null", want: want{"", ""}},
		{desc: "null alone: the default", origins: []string{"null"}, origin: "null", want: want{"*", ""}},
		{desc: "listed and *: listed with credentials", origins: []string{"*", "https://bunka.example"}, origin: "https://bunka.example", want: want{"https://bunka.example", "true"}},
		{desc: "listed and *: others without", origins: []string{"*", "https://bunka.example"}, origin: "https://evil.example", preflight: true, want: want{"*", ""}},
		{desc: "listed and *: null without", origins: []string{"https://bunka.example", "*"}, origin: "null", want: want{"*", ""}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/healthz", nil)
			if tc.preflight {
				req = httptest.NewRequest("OPTIONS", "/topics/csv/", nil)
				req.Header.Set("Access-Control-Request-Method", "POST")
				req.Header.Set("Access-Control-Request-Headers", "content-type")
			}
			req.Header.Set("Origin", tc.origin)
			rec := httptest.NewRecorder()
			api.CORS(tc.origins)(ok).ServeHTTP(rec, req)
			h := rec.Header()
			got := want{h.Get("Access-Control-Allow-Origin"), h.Get("Access-Control-Allow-Credentials")}
			if got != tc.want {
				t.Errorf("Allow-Origin %q, Allow-Credentials %q; want %q, %q", got.origin, got.credentials, tc.want.origin, tc.want.credentials)
			}
			if got.origin == "*" && got.credentials != "" {
				t.Errorf("* with credentials")
			}
			if tc.preflight && got.origin != "" {
				if rec.Code != http.StatusOK || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
					!strings.EqualFold(h.Get("Access-Control-Allow-Headers"), "content-type") {
					t.Errorf("preflight %d %v", rec.Code, h)
				}
			}
			if !tc.preflight && got.origin != "" && h.Get("Access-Control-Expose-Headers") != "X-Request-Id" {
				t.Errorf("Expose-Headers %q, want X-Request-Id", h.Get("Access-Control-Expose-Headers"))
			}
		})
	}
}

// TestCommonHeaders checks that every answer, whatever route or error made
// it, carries nosniff and the request id.
func TestCommonHeaders(t *testing.T) {
	e := newEnv(t, api.Config{})
	for _, tc := range []struct {
		method, path, body string
		status             int
	}{
		{"GET", "/healthz", "", 200},
		{"GET", "/nope", "", 404},
		{"DELETE", "/healthz", "", 405},
		{"POST", "/topics/", `{"full_docs": 3}`, 422},
		{"GET", "/tasks/topics/none/result", "", 404},
		{"GET", "/docs/openapi.yaml", "", 200},
	} {
		req, _ := http.NewRequest(tc.method, e.srv.URL+tc.path, strings.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Request-Id", "req-"+tc.path)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s: status %d, want %d", tc.method, tc.path, resp.StatusCode, tc.status)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s %s: X-Content-Type-Options %q, want nosniff", tc.method, tc.path, got)
		}
		if got := resp.Header.Get("X-Request-Id"); got != "req-"+tc.path {
			t.Errorf("%s %s: X-Request-Id %q", tc.method, tc.path, got)
		}
	}
	// Without one from the client, the request gets its own id.
	resp, err := http.Get(e.srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if id := resp.Header.Get("X-Request-Id"); id == "" || !strings.Contains(e.logs.String(), "request_id="+id) {
		t.Errorf("request id %q not in the request's log line:\n%s", id, e.logs.String())
	}
}

// TestPanicLogged checks that a panicking handler answers 500 and leaves
// one request line and one panic line with its stack in the log.
func TestPanicLogged(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	h := middleware.RequestID(api.Logger(log)(middleware.Recoverer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	}))))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", rec.Code)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"msg":"panic"`) || !strings.Contains(lines[0], `"panic":"boom"`) ||
		!strings.Contains(lines[0], "middleware_test.go") || !strings.Contains(lines[1], `"msg":"request"`) || !strings.Contains(lines[1], `"status":500`) {
		t.Errorf("log lines:\n%s", logs.String())
	}
}
