// Package metrics defines the service's Prometheus collectors. It
// registers nothing by itself: each binary makes a registry with
// NewRegistry, registers the collectors of what it runs (NewHTTP for the
// API, NewJobs for the worker, NewQueue for the task queues) and serves it
// with Handler on /metrics. `bunka serve` puts everything on one registry.
//
// The series (all durations in seconds):
//
//	bunka_http_requests_total{route,method,code}        counter
//	bunka_http_request_duration_seconds{route,method}   histogram
//	bunka_progress_streams_open                         gauge
//	bunka_refresh_waits                                 gauge: refresh requests waiting for a worker
//	bunka_refresh_wait_seconds{outcome}                 histogram
//	bunka_jobs_running{type}                            gauge
//	bunka_jobs_total{type,outcome}                      counter
//	bunka_job_duration_seconds{type,outcome}            histogram
//	bunka_job_stage_duration_seconds{type,stage}        histogram
//	bunka_refreshes_total{outcome}                      counter (worker side)
//	bunka_refresh_duration_seconds{outcome}             histogram (worker side)
//	asynq_queue_size{queue}, asynq_queue_latency_seconds{queue},
//	asynq_tasks_enqueued_total{queue,state}, ...        asynq's x/metrics collector
//
// plus the Go runtime's and the process's own (go_*, process_*).
//
// route is chi's route pattern ("/tasks/{task_name}/{task_id}/progress"),
// never the raw path, so that task ids do not make a series each; requests
// that match no route are counted under route "unmatched". Every method is
// safe on a nil receiver and then does nothing, so that code built without
// metrics (tests, the CLI) needs no checks.
package metrics
