package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Jobs holds the worker's collectors.
type Jobs struct {
	running         *prometheus.GaugeVec
	jobs            *prometheus.CounterVec
	duration        *prometheus.HistogramVec
	stages          *prometheus.HistogramVec
	refreshes       *prometheus.CounterVec
	refreshDuration *prometheus.HistogramVec
}

// jobBuckets span a job on a few documents (under a second) to the
// default job timeout (2h).
var jobBuckets = []float64{.25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200}

// NewJobs returns the worker's collectors, registered on reg.
func NewJobs(reg prometheus.Registerer) *Jobs {
	m := &Jobs{
		running: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Name: "jobs_running",
			Help: "Topics and bourdieu jobs running now, by type.",
		}, []string{"type"}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "jobs_total",
			Help: "Job runs ended, by type and outcome (success, failure, requeued: back in the queue at shutdown, retry: left to asynq after a Redis error).",
		}, []string{"type", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "job_duration_seconds",
			Help:    "Duration of one job run, by type and outcome.",
			Buckets: jobBuckets,
		}, []string{"type", "outcome"}),
		stages: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "job_stage_duration_seconds",
			Help:    "Duration of one pipeline stage (language, embedding, projection, terms, topics, bourdieu) in a job, by job type.",
			Buckets: jobBuckets,
		}, []string{"type", "stage"}),
		refreshes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "refreshes_total",
			Help: "Bourdieu refreshes computed by this worker, by reply code.",
		}, []string{"outcome"}),
		refreshDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "refresh_duration_seconds",
			Help:    "Time this worker took to compute a Bourdieu refresh, by reply code.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300},
		}, []string{"outcome"}),
	}
	reg.MustRegister(m.running, m.jobs, m.duration, m.stages, m.refreshes, m.refreshDuration)
	return m
}

// Init makes the job series of each type in types exist at zero from the
// start, so that rate() and increase() see the first job of each.
func (m *Jobs) Init(types ...string) {
	if m == nil {
		return
	}
	for _, typ := range types {
		m.running.WithLabelValues(typ)
		for _, outcome := range []string{"success", "failure"} {
			m.jobs.WithLabelValues(typ, outcome)
		}
	}
}

// JobStarted counts a running job of type typ; call the function it
// returns with the outcome when the run ends.
func (m *Jobs) JobStarted(typ string) (ended func(outcome string)) {
	if m == nil {
		return func(string) {}
	}
	start := time.Now()
	g := m.running.WithLabelValues(typ)
	g.Inc()
	return func(outcome string) {
		g.Dec()
		m.jobs.WithLabelValues(typ, outcome).Inc()
		m.duration.WithLabelValues(typ, outcome).Observe(time.Since(start).Seconds())
	}
}

// Stage records that a stage of a job of type typ took d.
func (m *Jobs) Stage(typ, stage string, d time.Duration) {
	if m == nil {
		return
	}
	m.stages.WithLabelValues(typ, stage).Observe(d.Seconds())
}

// Refresh records a refresh computed in d with the reply code outcome.
func (m *Jobs) Refresh(outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.refreshes.WithLabelValues(outcome).Inc()
	m.refreshDuration.WithLabelValues(outcome).Observe(d.Seconds())
}
