// Command bunkaapi is the HTTP API of the service (listening on :8000 by
// default). It validates uploads, queues jobs in Redis for bunkaworker and
// streams their progress; it runs no model. Configuration comes from the
// environment: see .env.model and internal/config.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/bunkatopics/bunka-go/internal/config"
	"github.com/bunkatopics/bunka-go/internal/service"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "bunkaapi:", err)
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
	return m.RunAPI(ctx)
}
