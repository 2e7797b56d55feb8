package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/bunkatopics/bunka-go/internal/config"
	"github.com/bunkatopics/bunka-go/internal/engine"
	"github.com/bunkatopics/bunka-go/internal/service"
	"github.com/bunkatopics/bunka-go/internal/worker"
)

// runServe is "bunka serve": the API and a worker in one process, for a
// local demo. Without REDIS_URL or REDIS_ADDR it starts an embedded
// in-memory Redis that keeps nothing.
func runServe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "", "listen address (default $BUNKA_API_ADDR or :8000)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: bunka serve [-addr :8000]\n\nRuns the API and a worker in one process; configured by the environment (see .env.model).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.FromEnv(os.LookupEnv)
	if err != nil {
		return err
	}
	if *addr != "" {
		cfg.APIAddr = *addr
	}
	log := service.NewLogger(cfg, os.Stdout)
	slog.SetDefault(log) // lines of libraries that use the log package (asynq's x/metrics) are JSON too
	m, err := service.OpenEmbedded(cfg, log)
	if err != nil {
		return err
	}
	defer m.Close()
	model, release, err := engine.New(os.LookupEnv, log)
	if err != nil {
		return err
	}
	defer release()
	// Either part failing stops the other.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 2)
	go func() { errc <- m.RunAPI(ctx); cancel() }()
	// One listener: the worker's metrics are on the API's /metrics.
	wc := worker.ConfigFrom(m.Config, m.Logger)
	wc.Metrics = m.JobMetrics()
	w := worker.New(m.Redis, m.Store, model, wc)
	go func() { errc <- w.Run(ctx); cancel() }()
	return errors.Join(<-errc, <-errc)
}
