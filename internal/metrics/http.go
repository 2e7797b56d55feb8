package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
)

// HTTP holds the API's collectors.
type HTTP struct {
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	streams      prometheus.Gauge
	refreshWaits prometheus.Gauge
	refreshWait  *prometheus.HistogramVec
}

// NewHTTP returns the API's collectors, registered on reg.
func NewHTTP(reg prometheus.Registerer) *HTTP {
	m := &HTTP{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "http", Name: "requests_total",
			Help: "HTTP requests answered, by chi route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: "http", Name: "request_duration_seconds",
			Help: "Time from a request's arrival to the end of its answer (progress streams: their whole life).",
			// From a health check to a 100 MB upload.
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
		}, []string{"route", "method"}),
		streams: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Name: "progress_streams_open",
			Help: "Progress event streams open now.",
		}),
		refreshWaits: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Name: "refresh_waits",
			Help: "Bourdieu refresh requests waiting for a worker now.",
		}),
		refreshWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "refresh_wait_seconds",
			Help:    "Time a Bourdieu refresh request waited for its worker, by outcome.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300},
		}, []string{"outcome"}),
	}
	reg.MustRegister(m.requests, m.duration, m.streams, m.refreshWaits, m.refreshWait)
	return m
}

// Middleware counts and times the requests that next answers. It reads the
// route pattern after next has routed the request, so it must sit in front
// of (or on) the chi router that serves them.
func (m *HTTP) Middleware(next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		defer func() {
			// A panic is answered (500) by the recoverer behind us, or
			// the connection is cut: either way it is counted.
			route := "unmatched"
			if rc := chi.RouteContext(r.Context()); rc != nil {
				if p := rc.RoutePattern(); p != "" {
					route = p
				}
			}
			code := ww.Status()
			if code == 0 {
				code = http.StatusOK // nothing written: net/http answers 200
			}
			m.requests.WithLabelValues(route, r.Method, strconv.Itoa(code)).Inc()
			m.duration.WithLabelValues(route, r.Method).Observe(time.Since(start).Seconds())
		}()
		next.ServeHTTP(ww, r)
	})
}

// StreamOpened counts an open progress stream; call the function it
// returns when the stream ends.
func (m *HTTP) StreamOpened() (closed func()) {
	if m == nil {
		return func() {}
	}
	m.streams.Inc()
	return m.streams.Dec
}

// RefreshWaiting counts a refresh request that waits for a worker; call the
// function it returns with the outcome ("ok", "timeout", "gone", the
// worker's reply code...) when the wait ends.
func (m *HTTP) RefreshWaiting() (done func(outcome string)) {
	if m == nil {
		return func(string) {}
	}
	start := time.Now()
	m.refreshWaits.Inc()
	return func(outcome string) {
		m.refreshWaits.Dec()
		m.refreshWait.WithLabelValues(outcome).Observe(time.Since(start).Seconds())
	}
}
