// Command bunkaworker runs the service's jobs: it takes topics and bourdieu
// jobs from Redis (one at a time by default, like Celery's solo pool) and,
// beside them, Bourdieu refreshes, and computes them with the topic
// pipeline. It serves Prometheus metrics at /metrics on
// BUNKA_WORKER_METRICS_ADDR (default :9101). Configuration comes from the
// environment: see .env.model and internal/config.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/bunkatopics/bunka-go/internal/config"
	"github.com/bunkatopics/bunka-go/internal/engine"
	"github.com/bunkatopics/bunka-go/internal/service"
	"github.com/bunkatopics/bunka-go/internal/worker"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "bunkaworker:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	cfg, err := config.FromEnv(os.LookupEnv)
	if err != nil {
		return err
	}
	log := service.NewLogger(cfg, os.Stdout)
	slog.SetDefault(log) // lines of libraries that use the log package (asynq's x/metrics) are JSON too
	m, err := service.Open(cfg, log)
	if err != nil {
		return err
	}
	defer m.Close()
	model, release, err := engine.New(os.LookupEnv, log)
	if err != nil {
		return err
	}
	defer release()
	wc := worker.ConfigFrom(m.Config, m.Logger)
	wc.Metrics = m.JobMetrics()
	// Either part failing stops the other.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 2)
	go func() { errc <- m.RunMetrics(ctx); cancel() }()
	go func() { errc <- worker.New(m.Redis, m.Store, model, wc).Run(ctx); cancel() }()
	return errors.Join(<-errc, <-errc)
}
