package service_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/redis/go-redis/v9"

	"github.com/bunkatopics/bunka-go/internal/config"
	"github.com/bunkatopics/bunka-go/internal/service"
	"github.com/bunkatopics/bunka-go/internal/tasks"
	"github.com/bunkatopics/bunka-go/internal/testenv"
	"github.com/bunkatopics/bunka-go/internal/worker"
)

// metricsDB is the Redis database of these tests.
const metricsDB = 9

// testConfig is a configuration on the test Redis under a prefix of this
// run, whose keys and queues are removed at the end of the test.
func testConfig(t *testing.T, name string) config.Config {
	prefix := fmt.Sprintf("%s-%d:", name, os.Getpid())
	url := fmt.Sprintf("redis://%s/%d", testenv.RedisAddr(), metricsDB)
	t.Cleanup(func() {
		rdb := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(), DB: metricsDB})
		defer rdb.Close()
		ctx := context.Background()
		q := tasks.QueuesFor(prefix)
		for _, p := range []string{prefix + "*", "asynq:{" + q.Jobs + "}*", "asynq:{" + q.Refresh + "}*"} {
			keys, err := rdb.Keys(ctx, p).Result()
			if err != nil {
				t.Errorf("cleanup: %v", err)
				return
			}
			if len(keys) > 0 {
				rdb.Del(ctx, keys...)
			}
		}
		rdb.SRem(ctx, "asynq:queues", q.Jobs, q.Refresh)
	})
	return config.Config{RedisURL: url, KeyPrefix: prefix, APIAddr: "127.0.0.1:0",
		WorkerMetricsAddr: "127.0.0.1:0", ProgressInterval: 50 * time.Millisecond, ShutdownTimeout: time.Second}
}

// start runs fn(ctx) until the test ends and checks its error.
func start(t *testing.T, fn func(context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- fn(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("run: %v", err)
		}
	})
}

// openAPI runs an API process (its own Main, as bunkaapi) and returns its
// base URL.
func openAPI(t *testing.T, cfg config.Config, log *slog.Logger) string {
	t.Helper()
	m, err := service.Open(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	start(t, m.RunAPI)
	return "http://" + <-m.Addr
}

// scrape reads the metrics at url.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	mf, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return mf
}

// scrapeUntil scrapes url until ready accepts what it reads (10 s at most).
func scrapeUntil(t *testing.T, url string, ready func(map[string]*dto.MetricFamily) bool) map[string]*dto.MetricFamily {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		mf := scrape(t, url)
		if ready(mf) || time.Now().After(deadline) {
			return mf
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// value returns the value of the series of family name whose labels
// include labels (a histogram's sample count), and whether there is one.
func value(mf map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f := mf[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for i := 0; i+1 < len(labels); i += 2 {
			if have[labels[i]] != labels[i+1] {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

// TestMetrics scrapes the API's and the worker's /metrics, each its own
// process as in production, after real requests, a real job, an open
// progress stream and a refresh.
func TestMetrics(t *testing.T) {
	cfg := testConfig(t, "metrics")
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	base := openAPI(t, cfg, log)

	wm, err := service.Open(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wm.Close() })
	wc := worker.ConfigFrom(wm.Config, wm.Logger)
	wc.Metrics = wm.JobMetrics()
	wc.PollInterval = 50 * time.Millisecond
	start(t, worker.New(wm.Redis, wm.Store, mustEngine(t, log), wc).Run)
	start(t, wm.RunMetrics)
	workerMetrics := "http://" + <-wm.MetricsAddr + "/metrics"

	var docs []string
	for i := range 40 {
		docs = append(docs, fmt.Sprintf("report %d on %s prices and %s", i, []string{"oil", "gas", "food", "rent"}[i%4], []string{"banks", "farms"}[i%2]))
	}
	body, _ := json.Marshal(map[string]any{"full_docs": docs, "topic_param": map[string]any{"n_clusters": 2}})
	resp, err := http.Post(base+"/topics/", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var queued struct {
		TaskID string `json:"task_id"`
	}
	err = json.NewDecoder(resp.Body).Decode(&queued)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST /topics/: %d %v", resp.StatusCode, err)
	}

	// The progress stream, open until the job's final event.
	stream, err := http.Get(base + "/tasks/topics/" + queued.TaskID + "/progress")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stream.Body)
	sc.Buffer(nil, 16<<20)
	if !sc.Scan() {
		t.Fatalf("no progress event: %v", sc.Err())
	}
	if v, ok := value(scrape(t, base+"/metrics"), "bunka_progress_streams_open"); v != 1 {
		t.Errorf("bunka_progress_streams_open = %v (%v) with a stream open, want 1", v, ok)
	}
	final := ""
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "data: ") {
			final = line
		}
	}
	stream.Body.Close()
	if !strings.Contains(final, `"state":"SUCCESS"`) {
		t.Fatalf("last event %.200s, want SUCCESS", final)
	}

	resp, err = http.Get(base + "/tasks/topics/" + queued.TaskID + "/result")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Get(base + "/no/such/route/" + queued.TaskID)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	refresh, _ := json.Marshal(map[string]any{
		"bourdieu_query": map[string]any{"x_left_words": []string{"oil"}, "x_right_words": []string{"gas"},
			"y_top_words": []string{"banks"}, "y_bottom_words": []string{"farms"}},
		"topic_param": map[string]any{"n_clusters": 2}})
	resp, err = http.Post(base+"/bourdieu/refresh/"+queued.TaskID, "application/json", bytes.NewReader(refresh))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	refreshCode := resp.StatusCode

	// A request is counted once its handler has returned, which can be
	// just after its client has read the answer: wait for the last ones.
	api := scrapeUntil(t, base+"/metrics", func(mf map[string]*dto.MetricFamily) bool {
		for _, route := range []string{"/tasks/{task_name}/{task_id}/result", "unmatched", "/bourdieu/refresh/{task_id}"} {
			if _, ok := value(mf, "bunka_http_requests_total", "route", route); !ok {
				return false
			}
		}
		_, ok := value(mf, "bunka_refresh_wait_seconds")
		return ok
	})
	for _, tc := range []struct {
		desc   string
		name   string
		labels []string
		want   float64
	}{
		{"job queued", "bunka_http_requests_total", []string{"route", "/topics", "method", "POST", "code", "200"}, 1},
		{"job timed", "bunka_http_request_duration_seconds", []string{"route", "/topics", "method", "POST"}, 1},
		{"stream", "bunka_http_requests_total", []string{"route", "/tasks/{task_name}/{task_id}/progress", "code", "200"}, 1},
		{"result", "bunka_http_requests_total", []string{"route", "/tasks/{task_name}/{task_id}/result", "method", "GET", "code", "200"}, 1},
		{"no route", "bunka_http_requests_total", []string{"route", "unmatched", "code", "404"}, 1},
		{"refresh", "bunka_http_requests_total", []string{"route", "/bourdieu/refresh/{task_id}", "code", fmt.Sprint(refreshCode)}, 1},
		{"streams closed", "bunka_progress_streams_open", nil, 0},
		{"refresh waits over", "bunka_refresh_waits", nil, 0},
		{"refresh waited", "bunka_refresh_wait_seconds", nil, 1},
		{"jobs queue", "asynq_queue_size", []string{"queue", tasks.QueuesFor(cfg.KeyPrefix).Jobs}, 0},
		{"refresh queue", "asynq_queue_size", []string{"queue", tasks.QueuesFor(cfg.KeyPrefix).Refresh}, 0},
	} {
		if got, ok := value(api, tc.name, tc.labels...); !ok || got != tc.want {
			t.Errorf("API %s: %s%v = %v (found %v), want %v", tc.desc, tc.name, tc.labels, got, ok, tc.want)
		}
	}
	for _, m := range api["bunka_http_requests_total"].GetMetric() {
		for _, l := range m.Label {
			if strings.Contains(l.GetValue(), queued.TaskID) {
				t.Errorf("a series is labelled with the task id: %v", m.Label)
			}
		}
	}
	// One refresh, answered: one wait, recorded once, with the reply's code.
	outcome := string(tasks.ReplyOK)
	if f := api["bunka_refresh_wait_seconds"]; len(f.GetMetric()) != 1 || f.GetMetric()[0].GetLabel()[0].GetValue() != outcome {
		t.Errorf("API refresh waits: %v, want one series with outcome %q", f.GetMetric(), outcome)
	}

	// The worker counts a job, and a refresh, just after it has stored it.
	work := scrapeUntil(t, workerMetrics, func(mf map[string]*dto.MetricFamily) bool {
		jobs, _ := value(mf, "bunka_jobs_total", "type", "topics", "outcome", "success")
		_, refresh := value(mf, "bunka_refreshes_total")
		return jobs == 1 && refresh
	})
	for _, tc := range []struct {
		desc   string
		name   string
		labels []string
		want   float64
	}{
		{"job done", "bunka_jobs_total", []string{"type", "topics", "outcome", "success"}, 1},
		{"job timed", "bunka_job_duration_seconds", []string{"type", "topics", "outcome", "success"}, 1},
		{"none running", "bunka_jobs_running", []string{"type", "topics"}, 0},
		{"embedding", "bunka_job_stage_duration_seconds", []string{"type", "topics", "stage", "embedding"}, 1},
		{"projection", "bunka_job_stage_duration_seconds", []string{"type", "topics", "stage", "projection"}, 1},
		{"topics", "bunka_job_stage_duration_seconds", []string{"type", "topics", "stage", "topics"}, 1},
		{"refresh", "bunka_refreshes_total", []string{"outcome", outcome}, 1},
		{"refresh timed", "bunka_refresh_duration_seconds", []string{"outcome", outcome}, 1},
	} {
		if got, ok := value(work, tc.name, tc.labels...); !ok || got != tc.want {
			t.Errorf("worker %s: %s%v = %v (found %v), want %v", tc.desc, tc.name, tc.labels, got, ok, tc.want)
		}
	}
	if _, ok := value(work, "bunka_job_stage_duration_seconds", "stage", "done"); ok {
		t.Error(`stage "done" is timed`)
	}
	if _, ok := work["go_goroutines"]; !ok {
		t.Error("no Go runtime metrics on the worker")
	}
}
