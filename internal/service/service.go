// Package service wires the service's parts from a config.Config: the
// logger, the Redis connection, the store and the HTTP API. The binaries
// (cmd/bunkaapi, cmd/bunkaworker, bunka serve) are a few lines over it, and
// tests start the same wiring on port :0. It links no model code: a worker
// is started over a Main with worker.New(m.Redis, m.Store, model,
// worker.ConfigFrom(m.Config, m.Logger)).
package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/bunkatopics/bunka-go/internal/api"
	"github.com/bunkatopics/bunka-go/internal/auth"
	"github.com/bunkatopics/bunka-go/internal/config"
	"github.com/bunkatopics/bunka-go/internal/logctx"
	"github.com/bunkatopics/bunka-go/internal/metrics"
	"github.com/bunkatopics/bunka-go/internal/projects"
	"github.com/bunkatopics/bunka-go/internal/projects/postgres"
	"github.com/bunkatopics/bunka-go/internal/projects/sqlite"
	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/tasks"
)

// NewLogger returns the slog logger that cfg asks for, writing to w.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if cfg.LogFormat == "text" {
		h = slog.NewTextHandler(w, opts)
	}
	// Lines logged with a job's context name the job (task_id).
	return slog.New(logctx.Handler(h))
}

// Main holds the running parts of one process. Close releases them, last
// opened first.
type Main struct {
	Config config.Config
	Logger *slog.Logger
	Redis  *redis.Client
	Store  *store.Store
	// Projects is the accounts and projects database, once OpenProjects
	// (or API) opened it.
	Projects projects.Store

	// Metrics is the process's Prometheus registry: API() and JobMetrics()
	// register their collectors on it, the API serves it at /metrics and
	// RunMetrics on the worker's address.
	Metrics *prometheus.Registry

	// Addr is the API's listening address once RunAPI has started.
	Addr chan string
	// MetricsAddr is the worker's metrics address once RunMetrics has started.
	MetricsAddr chan string

	closers []func() error
}

// Open connects to Redis as cfg says.
func Open(cfg config.Config, log *slog.Logger) (*Main, error) {
	return open(cfg, log, false)
}

// OpenEmbedded is Open, except that with no Redis configured it starts an
// in-process miniredis first, which keeps nothing ("bunka serve").
func OpenEmbedded(cfg config.Config, log *slog.Logger) (*Main, error) {
	return open(cfg, log, true)
}

func open(cfg config.Config, log *slog.Logger, embedded bool) (*Main, error) {
	m := &Main{Config: cfg, Logger: log, Addr: make(chan string, 1), MetricsAddr: make(chan string, 1), Metrics: metrics.NewRegistry()}
	store.SetRedisLogger(log) // go-redis's own lines in the same JSON log
	if embedded && !cfg.RedisConfigured() {
		mr := miniredis.NewMiniRedis()
		if err := mr.StartAddr("127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("service: embedded redis: %w", err)
		}
		m.closers = append(m.closers, func() error { mr.Close(); return nil })
		m.Config.RedisAddr = mr.Addr()
		log.Warn("no REDIS_URL or REDIS_ADDR: using an embedded in-memory Redis; it keeps NOTHING across restarts and serves this process only",
			"addr", mr.Addr())
	}
	rdb, err := store.Connect(m.Config.RedisURL, m.Config.RedisAddrOrDefault())
	if err != nil {
		m.Close()
		return nil, err
	}
	m.closers = append(m.closers, rdb.Close)
	m.Redis = rdb
	m.Store = store.New(rdb, m.Config.KeyPrefixOrDefault(), m.Config.ResultTTLOrDefault()).WithPartSize(int(m.Config.PartBytes))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := m.Store.Ping(ctx); err != nil {
		// Not fatal: Redis may come up after us; /readyz tells.
		log.Warn("redis not reachable yet", "error", err)
	}
	return m, nil
}

// OpenProjects opens the accounts and projects database once: PostgreSQL
// at Config.DatabaseURL, or else an SQLite file in Config.DataDir. Its
// migrations run first. Close closes it.
func (m *Main) OpenProjects(ctx context.Context) (projects.Store, error) {
	if m.Projects != nil {
		return m.Projects, nil
	}
	ps, err := OpenProjects(ctx, m.Config, m.Logger)
	if err != nil {
		return nil, err
	}
	m.closers = append(m.closers, ps.Close)
	m.Projects = ps
	return ps, nil
}

// OpenProjects opens the accounts and projects database that cfg names
// (DATABASE_URL, or an SQLite file bunka.db in BUNKA_DATA_DIR) and
// migrates it; the caller closes it. The API and the command-line tools
// (bunka users, bunka keys) share it.
func OpenProjects(ctx context.Context, cfg config.Config, log *slog.Logger) (projects.Store, error) {
	if u := cfg.DatabaseURL; u != "" {
		return postgres.Open(ctx, u, log)
	}
	dir := cfg.DataDirOrDefault()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("service: data dir: %w", err)
	}
	return sqlite.Open(ctx, filepath.Join(dir, "bunka.db"), log)
}

// loopback reports whether addr is a loopback address only.
func loopback(addr net.Addr) bool {
	ta, ok := addr.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// Close releases what Open and the Run methods acquired, last first.
func (m *Main) Close() error {
	var errs []error
	for i := len(m.closers) - 1; i >= 0; i-- {
		errs = append(errs, m.closers[i]())
	}
	m.closers = nil
	return errors.Join(errs...)
}

// API returns the API server. Its refreshes wait for their worker on a
// Redis client of their own (store.ConnectReplies), one connection per
// waiting refresh, so that they cannot starve the store and the queue of
// connections. Close releases all it holds.
func (m *Main) API() (*api.Server, error) {
	c := m.Config
	replies, err := store.ConnectReplies(c.RedisURL, c.RedisAddrOrDefault(), c.MaxRefreshWaitsOrDefault())
	if err != nil {
		return nil, err
	}
	m.closers = append(m.closers, replies.Close)
	// The asynq Client and Inspector are views over m.Redis that hold
	// nothing else (their Close refuses a shared connection): closing
	// m.Redis, last, releases them.
	q := asynq.NewClientFromRedisClient(m.Redis)
	ps, err := m.OpenProjects(context.Background())
	if err != nil {
		return nil, err
	}
	authSvc := auth.New(ps, auth.Config{
		Enabled:    c.Auth,
		Signup:     c.Signup,
		SessionTTL: c.SessionTTLOrDefault(),
		KeyRate:    float64(c.KeyRateOrDefault()),
		KeyBurst:   4 * c.KeyRateOrDefault(),
		Logger:     m.Logger,
	})
	in := asynq.NewInspectorFromRedisClient(m.Redis)
	metrics.NewQueue(m.Metrics, in)
	var mon http.Handler
	if c.MonitorOn() {
		mon = monitor(m.Redis, c.Monitor == "readonly")
		m.Logger.Warn("the asynq web UI is served under /monitor/ without credentials: keep it off public networks",
			"BUNKA_MONITOR", c.Monitor)
	}
	return api.New(m.Store.WithReplyClient(replies), q, api.Config{
		Auth:             authSvc,
		Projects:         ps,
		UserMaxJobs:      c.UserMaxJobsOrDefault(),
		MaxDocs:          c.MaxDocsOrDefault(),
		MaxBodyBytes:     c.MaxBodyBytesOrDefault(),
		CORSOrigins:      c.CORSOrigins,
		JobTimeout:       c.JobTimeoutOrDefault(),
		RefreshTimeout:   c.RefreshTimeoutOrDefault(),
		MaxRefreshWaits:  c.MaxRefreshWaitsOrDefault(),
		ProgressInterval: c.ProgressIntervalOrDefault(),
		StreamGiveUp:     c.StreamGiveUpOrDefault(),
		Logger:           m.Logger,
		Queues:           tasks.QueuesFor(c.KeyPrefixOrDefault()),
		Inspector:        in,
		Metrics:          metrics.NewHTTP(m.Metrics),
		MetricsHandler:   metrics.Handler(m.Metrics),
		Monitor:          mon,
	}), nil
}

// JobMetrics registers the worker's collectors on m.Metrics and returns
// them, for worker.Config.Metrics. Call it once per Main.
func (m *Main) JobMetrics() *metrics.Jobs { return metrics.NewJobs(m.Metrics) }

// RunMetrics serves m.Metrics at /metrics on Config.WorkerMetricsAddr
// (bunkaworker's) until ctx ends; with the address "off" it only waits.
func (m *Main) RunMetrics(ctx context.Context) error {
	addr := m.Config.WorkerMetricsAddrOrDefault()
	if addr == "" {
		<-ctx.Done()
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("service: metrics listen %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler(m.Metrics))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn)}
	select {
	case m.MetricsAddr <- ln.Addr().String():
	default:
	}
	m.Logger.Info("metrics listening", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("service: metrics: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// RunAPI serves the API on Config.APIAddr until ctx ends, then shuts it
// down gracefully (open progress streams are cut at the end of the grace
// period). The bound address is sent on m.Addr.
func (m *Main) RunAPI(ctx context.Context) error {
	addr := m.Config.APIAddrOrDefault()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("service: listen %s: %w", addr, err)
	}
	a, err := m.API()
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 30 * time.Second,
		// Bounds the whole request read, body included. net/http lifts it
		// once the body is in, so progress streams and refreshes that
		// answer for longer are not cut.
		ReadTimeout: m.Config.ReadTimeoutOrDefault(),
		IdleTimeout: 2 * time.Minute,
		ErrorLog:    slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(a.CloseStreams)
	select {
	case m.Addr <- ln.Addr().String():
	default:
	}
	m.Logger.Info("api listening", "addr", ln.Addr().String(), "auth", m.Config.Auth)
	if !m.Config.Auth && !loopback(ln.Addr()) {
		m.Logger.Warn("BUNKA_AUTH is off and the API listens beyond loopback: anyone who reaches it can read every task; set BUNKA_AUTH=on (see README, Accounts)",
			"addr", ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("service: serve: %w", err)
	case <-ctx.Done():
	}
	// Progress streams end at once; other requests get the grace period.
	sctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownTimeoutOrDefault())
	defer cancel()
	err = srv.Shutdown(sctx)
	m.Logger.Info("api stopped")
	if err != nil {
		srv.Close()
		return fmt.Errorf("service: shutdown: %w", err)
	}
	return nil
}
