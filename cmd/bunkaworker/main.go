// Command bunkaworker runs the service's jobs: it takes topics and bourdieu
// jobs from Redis (one at a time by default, like Celery's solo pool) and,
// beside them, Bourdieu refreshes, and computes them with the topic
// pipeline. Configuration comes from the environment: see .env.model and
// internal/config.
package main

import (
	"context"
	"fmt"
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
	return worker.New(m.Redis, m.Store, model, worker.ConfigFrom(m.Config, m.Logger)).Run(ctx)
}
