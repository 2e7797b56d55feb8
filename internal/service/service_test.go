package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/bunkatopics/bunka-go/internal/config"
	"github.com/bunkatopics/bunka-go/internal/engine"
	"github.com/bunkatopics/bunka-go/internal/service"
	"github.com/bunkatopics/bunka-go/internal/worker"
)

// TestServeEmbedded runs what "bunka serve" runs without any Redis
// configured: the embedded miniredis, the API on a free port and a worker
// with the real pipeline, and computes one job through HTTP.
func TestServeEmbedded(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	m, err := service.OpenEmbedded(config.Config{APIAddr: "127.0.0.1:0", ShutdownTimeout: time.Second}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if !strings.Contains(logs.String(), "keeps NOTHING") {
		t.Errorf("no warning about the embedded Redis:\n%s", logs.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 2)
	go func() { errc <- m.RunAPI(ctx) }()
	wc := worker.ConfigFrom(m.Config, m.Logger)
	wc.Metrics = m.JobMetrics() // as bunka serve: on the API's /metrics
	w := worker.New(m.Redis, m.Store, mustEngine(t, log), wc)
	go func() { errc <- w.Run(ctx) }()
	defer func() {
		cancel()
		for range 2 {
			if err := <-errc; err != nil {
				t.Errorf("run: %v", err)
			}
		}
	}()
	var base string
	select {
	case addr := <-m.Addr:
		base = "http://" + addr
	case err := <-errc:
		t.Fatal(err)
	}

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
	json.NewDecoder(resp.Body).Decode(&queued)
	resp.Body.Close()
	if resp.StatusCode != 200 || queued.TaskID == "" {
		t.Fatalf("POST /topics/: %d %+v", resp.StatusCode, queued)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get(base + "/tasks/topics/" + queued.TaskID + "/result")
		if err != nil {
			t.Fatal(err)
		}
		var res map[string]any
		json.NewDecoder(resp.Body).Decode(&res)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			if d, _ := res["docs"].([]any); len(d) != len(docs) {
				t.Errorf("%d docs in the result", len(d))
			}
			// One listener serves the API's, the worker's and the
			// queues' metrics, over the embedded Redis too.
			mf := scrapeUntil(t, base+"/metrics", func(mf map[string]*dto.MetricFamily) bool {
				jobs, _ := value(mf, "bunka_jobs_total", "type", "topics", "outcome", "success")
				return jobs == 1
			})
			for _, name := range []string{"bunka_http_requests_total", "bunka_jobs_total", "asynq_queue_size"} {
				if _, ok := mf[name]; !ok {
					t.Errorf("no %s on bunka serve's /metrics", name)
				}
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no result: %v\n%s", res, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
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
