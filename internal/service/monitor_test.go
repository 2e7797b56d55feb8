package service_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/tasks"
)

// get returns the status and body of GET url.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestMonitor checks the asynq web UI under /monitor/: absent by default,
// served with BUNKA_MONITOR=on (task payloads by size only), and unable
// to change the queues with BUNKA_MONITOR=readonly.
func TestMonitor(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tc := range []struct {
		desc, monitor string
		on, readOnly  bool
	}{
		{"default", "", false, false},
		{"off", "off", false, false},
		{"on", "on", true, false},
		{"readonly", "readonly", true, true},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			cfg := testConfig(t, "monitor-"+tc.desc)
			cfg.Monitor = tc.monitor
			base := openAPI(t, cfg, log)
			code, page := get(t, base+"/monitor/")
			if !tc.on {
				if code != http.StatusNotFound {
					t.Errorf("GET /monitor/: %d, want 404", code)
				}
				return
			}
			if code != http.StatusOK || !strings.Contains(page, "<title>Asynq - Monitoring</title>") || !strings.Contains(page, `src="/monitor/static/js/`) {
				t.Fatalf("GET /monitor/: %d %.300s", code, page)
			}

			js := regexp.MustCompile(`src="(/monitor/static/js/[^"]+\.js)"`).FindStringSubmatch(page)
			if js == nil {
				t.Fatalf("no script in the page: %.500s", page)
			}
			resp, err := http.Get(base + js[1])
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/javascript") {
				t.Errorf("GET %s: %d %q", js[1], resp.StatusCode, resp.Header.Get("Content-Type"))
			}

			// A job waits in the queue (no worker runs): the UI lists it
			// without its documents.
			body, _ := json.Marshal(map[string]any{"full_docs": []string{"secret words", "more secret words"}, "topic_param": map[string]any{}})
			resp, err = http.Post(base+"/topics/", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			q := tasks.QueuesFor(cfg.KeyPrefix).Jobs
			code, list := get(t, base+"/monitor/api/queues/"+q+"/pending_tasks")
			if code != http.StatusOK || !strings.Contains(list, "bytes, not shown") || strings.Contains(list, "secret") {
				t.Errorf("pending tasks: %d %.500s", code, list)
			}

			req, err := http.NewRequest(http.MethodPost, base+"/monitor/api/queues/"+q+":pause", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			want := http.StatusNoContent
			if tc.readOnly {
				want = http.StatusMethodNotAllowed
			}
			if resp.StatusCode != want {
				t.Errorf("pause the queue: %d, want %d", resp.StatusCode, want)
			}
		})
	}
}
