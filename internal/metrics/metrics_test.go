package metrics_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/bunkatopics/bunka-go/internal/metrics"
)

func TestNilIsANoOp(t *testing.T) {
	var h *metrics.HTTP
	var j *metrics.Jobs
	next := http.NotFoundHandler()
	if got := h.Middleware(next); got == nil {
		t.Error("nil HTTP's Middleware returned nil")
	}
	h.StreamOpened()()
	h.RefreshWaiting()("ok")
	j.JobStarted("topics")("success")
	j.Stage("topics", "embedding", time.Second)
	j.Refresh("ok", time.Second)
}

// TestMiddlewareLabelsRoutePatterns checks that requests are counted by
// route pattern, through mounted routers, and never by raw path.
func TestMiddlewareLabelsRoutePatterns(t *testing.T) {
	reg := metrics.NewRegistry()
	m := metrics.NewHTTP(reg)
	r := chi.NewRouter()
	r.Use(m.Middleware)
	sub := chi.NewRouter()
	sub.Get("/{task_name}/{task_id}/result", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	r.Mount("/tasks", sub)
	r.Get("/fail", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	srv := httptest.NewServer(r)
	defer srv.Close()
	for _, p := range []string{"/tasks/topics/1/result", "/tasks/topics/2/result", "/nowhere/3", "/fail"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	want := `
# HELP bunka_http_requests_total HTTP requests answered, by chi route pattern, method and status code.
# TYPE bunka_http_requests_total counter
bunka_http_requests_total{code="404",method="GET",route="unmatched"} 1
bunka_http_requests_total{code="418",method="GET",route="/tasks/{task_name}/{task_id}/result"} 2
bunka_http_requests_total{code="500",method="GET",route="/fail"} 1
`
	// The client can read an answer before the handler's deferred count
	// has run: wait for the four counts.
	deadline := time.Now().Add(5 * time.Second)
	var err error
	for {
		err = testutil.GatherAndCompare(reg, strings.NewReader(want), "bunka_http_requests_total")
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		t.Error(err)
	}
}

func TestJobs(t *testing.T) {
	reg := metrics.NewRegistry()
	j := metrics.NewJobs(reg)
	j.Init("topics")
	end := j.JobStarted("topics")
	if got := gauge(t, reg, "bunka_jobs_running"); got != 1 {
		t.Errorf("running %v during the job, want 1", got)
	}
	end("failure")
	if got := gauge(t, reg, "bunka_jobs_running"); got != 0 {
		t.Errorf("running %v after the job, want 0", got)
	}
	want := `
# HELP bunka_jobs_total Job runs ended, by type and outcome (success, failure, requeued: back in the queue at shutdown, retry: left to asynq after a Redis error).
# TYPE bunka_jobs_total counter
bunka_jobs_total{outcome="failure",type="topics"} 1
bunka_jobs_total{outcome="success",type="topics"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "bunka_jobs_total"); err != nil {
		t.Error(err)
	}
}

// gauge returns the sum of the series of the gauge name in reg.
func gauge(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.Metric {
				sum += m.GetGauge().GetValue()
			}
		}
	}
	return sum
}

// TestDashboardNamesExist checks that every bunka_ series the Grafana
// dashboard (deploy/grafana/bunka.json) queries is one this package makes.
func TestDashboardNamesExist(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", "grafana", "bunka.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	h := metrics.NewHTTP(reg)
	j := metrics.NewJobs(reg)
	// Every vector needs a series to be gathered.
	h.RefreshWaiting()("ok")
	j.JobStarted("topics")("success")
	j.Stage("topics", "embedding", time.Second)
	j.Refresh("ok", time.Second)
	srv := httptest.NewServer(h.Middleware(http.NotFoundHandler()))
	resp, err := http.Get(srv.URL)
	srv.Close()
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, mf := range mfs {
		have[mf.GetName()] = true
	}
	name := regexp.MustCompile(`bunka_[a-z_]+`)
	n := 0
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			for _, s := range name.FindAllString(tg.Expr, -1) {
				n++
				base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(s, "_bucket"), "_sum"), "_count")
				if !have[base] {
					t.Errorf("panel %q queries %s, which no collector makes", p.Title, s)
				}
			}
		}
	}
	if n == 0 {
		t.Error("the dashboard queries no bunka_ series")
	}
}
