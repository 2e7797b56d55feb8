package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bunkatopics/bunka-go/internal/config"
	"github.com/bunkatopics/bunka-go/internal/engine"
	"github.com/bunkatopics/bunka-go/internal/service"
	"github.com/bunkatopics/bunka-go/internal/tasks"
	"github.com/bunkatopics/bunka-go/internal/testenv"
	"github.com/bunkatopics/bunka-go/internal/worker"
)

// runPrefix is a key prefix (and so queues) of this test run alone: other
// runs of this package may share the database.
func runPrefix(name string) string { return fmt.Sprintf("%s-%d:", name, os.Getpid()) }

// cleanup removes the keys of prefix and of its queues from database db.
func cleanup(db int, prefix string) {
	rdb := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(), DB: db})
	defer rdb.Close()
	ctx := context.Background()
	q := tasks.QueuesFor(prefix)
	for _, p := range []string{prefix + "*", "asynq:{" + q.Jobs + "}*", "asynq:{" + q.Refresh + "}*"} {
		iter := rdb.Scan(ctx, 0, p, 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	}
}

// repoRoot is the directory of go.mod, found upwards from the test's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// dataFile returns the contents of a shared test data file (testenv.DataFile).
func dataFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(testenv.DataFile(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// firstRows returns the header and the first n rows of a CSV whose rows are
// one line each.
func firstRows(b []byte, n int) []byte {
	lines := bytes.SplitAfter(b, []byte("\n"))
	return bytes.Join(lines[:n+1], nil)
}

// svc is a running API (on httptest) with a worker on the real pipeline.
type svc struct {
	url string
	m   *service.Main
}

// startService starts the API and, unless noWorker, a worker with the real
// pipeline, on Redis database db under prefix.
func startService(t *testing.T, db int, prefix string, noWorker bool, tweak func(*config.Config)) *svc {
	t.Helper()
	cfg := config.Config{
		RedisURL:         fmt.Sprintf("redis://%s/%d", testenv.RedisAddr(), db),
		KeyPrefix:        prefix,
		ProgressInterval: 200 * time.Millisecond,
		Concurrency:      2,
		LogFormat:        "text",
		ShutdownTimeout:  2 * time.Second,
	}
	if tweak != nil {
		tweak(&cfg)
	}
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	m, err := service.Open(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Store.Ping(context.Background()); err != nil {
		t.Fatalf("redis: %v", err)
	}
	a, err := m.API()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	if noWorker {
		done <- nil
	} else {
		w := worker.New(m.Redis, m.Store, mustEngine(t, log), worker.ConfigFrom(m.Config, m.Logger))
		go func() { done <- w.Run(ctx) }()
	}
	t.Cleanup(func() {
		a.CloseStreams()
		srv.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker: %v", err)
		}
		m.Close()
		cleanup(db, prefix)
	})
	return &svc{url: srv.URL, m: m}
}

// frontendForm is the upload of web/src/UploadFileContext.jsx: the file,
// then every field as a string, in the frontend's order.
func frontendForm(csv []byte, fields [][2]string) (io.Reader, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "data.csv")
	fw.Write(csv)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// topicsFields are the frontend's fields for the map view.
func topicsFields(nClusters, xLeft, xRight, yTop, yBottom, radius string) [][2]string {
	return [][2]string{
		{"selected_column", "text"}, {"n_clusters", nClusters}, {"name_length", "3"},
		{"language", "english"}, {"clean_topics", "false"}, {"min_count_terms", "1"},
		{"process_bourdieu", "true"}, {"x_left_words", xLeft}, {"x_right_words", xRight},
		{"y_top_words", yTop}, {"y_bottom_words", yBottom}, {"radius_size", radius},
	}
}

func postForm(t *testing.T, url string, body io.Reader, ct string) (int, map[string]any) {
	t.Helper()
	return do(t, "POST", url, ct, body)
}

func postJSON(t *testing.T, url, body string) (int, map[string]any) {
	t.Helper()
	return do(t, "POST", url, "application/json", strings.NewReader(body))
}

func getJSON(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	return do(t, "GET", url, "", nil)
}

// do sends a request and decodes its JSON object answer; it stops the test
// on failure, so only the test's goroutine may call it (others call
// request).
func do(t *testing.T, method, url, ct string, body io.Reader) (int, map[string]any) {
	t.Helper()
	code, m, err := request(method, url, ct, body)
	if err != nil {
		t.Fatal(err)
	}
	return code, m
}

// request sends a request and decodes its JSON object answer.
func request(method, url, ct string, body io.Reader) (int, map[string]any, error) {
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return 0, nil, err
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: reading the body: %w", method, url, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return 0, nil, fmt.Errorf("%s %s: %d, body %.200q is not a JSON object", method, url, resp.StatusCode, b)
	}
	return resp.StatusCode, m, nil
}

// follow reads a progress stream to its end, as EventSource does, and
// returns its events.
func follow(t *testing.T, ctx context.Context, url string) ([]map[string]any, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		b, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("GET %s: %d %s: %s", url, resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	var events []map[string]any
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			return events, fmt.Errorf("not an SSE data line: %.100q", line)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(data), &m); err != nil {
			return events, fmt.Errorf("event %.100q: %v", data, err)
		}
		events = append(events, m)
	}
	return events, sc.Err()
}

// checkEvents checks a finished stream: running events with a progress
// that never decreases, then one final event in state want.
func checkEvents(t *testing.T, events []map[string]any, want string) map[string]any {
	t.Helper()
	if len(events) == 0 {
		t.Fatal("no events")
	}
	last := -1.0
	for _, ev := range events[:len(events)-1] {
		state, _ := ev["state"].(string)
		p, ok := ev["progress"].(float64)
		if (state != "PENDING" && state != "STARTED" && state != "PROCESSING") || !ok || p < 0 || p > 100 || len(ev) != 2 {
			t.Errorf("running event %v", ev)
		}
		if p < last {
			t.Errorf("progress went back from %g to %g", last, p)
		}
		last = p
	}
	final := events[len(events)-1]
	if final["state"] != want || len(final) != 2 {
		t.Fatalf("final event %.300v, want state %s", final, want)
	}
	return final
}

// mustEngine returns the worker's pipeline as the binaries build it.
func mustEngine(t *testing.T, log *slog.Logger) worker.Modeler {
	t.Helper()
	m, _, err := engine.New(noEnv, log)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// noEnv is an empty environment: the engine picks the builtin embedder and
// no LLM, whatever the machine running the tests has.
func noEnv(string) (string, bool) { return "", false }
