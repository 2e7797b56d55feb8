package metrics

import (
	"net/http"

	"github.com/hibiken/asynq"
	asynqmetrics "github.com/hibiken/asynq/x/metrics"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

const namespace = "bunka"

// NewRegistry returns a registry holding the Go runtime's and the
// process's collectors.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return reg
}

// Handler serves reg in the Prometheus text format.
func Handler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}

// NewQueue registers asynq's collector of queue sizes, latencies and
// counts, read through in at each scrape (a few Redis calls per queue).
func NewQueue(reg prometheus.Registerer, in *asynq.Inspector) {
	reg.MustRegister(asynqmetrics.NewQueueMetricsCollector(in))
}
