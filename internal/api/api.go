// Package api is the HTTP interface of the service, faithful to the
// BunkaTopics FastAPI routes (api/bunka_api/routes.py): it validates
// uploads, records and enqueues jobs, streams their progress, serves their
// results and asks a worker for Bourdieu refreshes. It runs no model itself.
//
// Routes (nginx strips the /api prefix in front of them):
//
//	POST /topics/                          JSON documents -> {"task_id"}
//	POST /topics/csv/                      multipart CSV upload -> {"task_id"}
//	POST /bourdieu/                        JSON documents and query -> {"task_id"}
//	POST /bourdieu/csv/                    multipart CSV upload -> {"task_id"}
//	POST /bourdieu/refresh/{task_id}       new query -> BourdieuResponse
//	GET  /tasks/{task_name}/{task_id}/progress   text/event-stream
//	GET  /tasks/{task_name}/{task_id}/result     result JSON or 404
//	GET  /tasks/{task_name}/{task_id}/map.{svg,png,html}   the result drawn (maps.go; also for projects and share links)
//	GET  /docs                             Swagger UI over api/openapi.yaml
//	GET  /healthz, /readyz                 liveness, Redis readiness
//	GET  /metrics                          Prometheus metrics (when Config.MetricsHandler is set)
//	     /monitor/                         asynq web UI (when Config.Monitor is set)
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/google/uuid"
	"github.com/hibiken/asynq"

	"github.com/bunkatopics/bunka-go/internal/auth"
	"github.com/bunkatopics/bunka-go/internal/config"
	"github.com/bunkatopics/bunka-go/internal/metrics"
	"github.com/bunkatopics/bunka-go/internal/projects"
	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/tasks"
)

// Config tunes a Server. The zero value of each field means its default,
// the one internal/config gives (config.DefaultMaxDocs, ...).
type Config struct {
	MaxDocs          int           // most documents per job
	MaxBodyBytes     int64         // request body limit
	CORSOrigins      []string      // origins allowed with credentials; empty: all, without (see CORS)
	JobTimeout       time.Duration // bound on one job run, passed to the worker
	RefreshTimeout   time.Duration // how long a refresh may take
	MaxRefreshWaits  int           // refreshes waiting for a worker at once; each holds a connection of the store's reply client (store.ConnectReplies)
	ProgressInterval time.Duration // period of progress events
	StreamGiveUp     time.Duration // how long a progress stream waits for an unreadable task state before it closes without a final state
	Logger           *slog.Logger  // default slog.Default()
	Queues           tasks.Queues  // default tasks.QueuesFor("")

	// Inspector, when set, lets progress streams notice a job that is no
	// longer in its queue although its record says it runs (Redis lost it,
	// or its workers died more often than it may be retried): the task is
	// then failed rather than left PROCESSING for ever. Checked every
	// LostCheckInterval (default 15s). It also removes the refresh tasks
	// that nobody waits for any more (timed out, client gone), which asynq
	// would otherwise run late and then archive.
	Inspector         Inspector
	LostCheckInterval time.Duration

	// Auth, when set, identifies callers (internal/auth): with it enabled,
	// every route but /healthz, /readyz, /docs, /auth/login, /auth/signup
	// and share links needs credentials, and a task belongs to its creator
	// (another user's is 404, as a missing one). Nil: the open API.
	Auth *auth.Service
	// UserMaxJobs bounds one user's jobs queued or running (auth on);
	// default 3.
	UserMaxJobs int
	// Projects, when set, keeps saved projects (the /projects and /shared
	// routes); Auth's store.
	Projects projects.Store
	// Metrics, when set, counts and times requests, progress streams and
	// refresh waits; MetricsHandler, when set, is served at /metrics.
	Metrics        *metrics.HTTP
	MetricsHandler http.Handler

	// Monitor, when set, is served under /monitor/ (the asynq web UI,
	// BUNKA_MONITOR). It is unauthenticated unless MonitorGuard is set:
	// MonitorGuard wraps it, and is the place for the middleware that
	// demands operator credentials once the service has accounts.
	Monitor      http.Handler
	MonitorGuard func(http.Handler) http.Handler
}

// Inspector reads and deletes a task's queue entry; *asynq.Inspector is one.
type Inspector interface {
	GetTaskInfo(queue, id string) (*asynq.TaskInfo, error)
	DeleteTask(queue, id string) error
}

var _ Inspector = (*asynq.Inspector)(nil)

func (c *Config) fill() {
	if c.MaxDocs <= 0 {
		c.MaxDocs = config.DefaultMaxDocs
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = config.DefaultMaxBodyBytes
	}
	if c.JobTimeout <= 0 {
		c.JobTimeout = config.DefaultJobTimeout
	}
	if c.RefreshTimeout <= 0 {
		c.RefreshTimeout = config.DefaultRefreshTimeout
	}
	if c.MaxRefreshWaits <= 0 {
		c.MaxRefreshWaits = config.DefaultMaxRefreshWaits
	}
	if c.ProgressInterval <= 0 {
		c.ProgressInterval = config.DefaultProgressInterval
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Queues.Jobs == "" || c.Queues.Refresh == "" {
		c.Queues = tasks.QueuesFor("")
	}
	if c.UserMaxJobs <= 0 {
		c.UserMaxJobs = 3
	}
	if c.StreamGiveUp <= 0 {
		c.StreamGiveUp = config.DefaultStreamGiveUp
	}
	if c.LostCheckInterval <= 0 {
		c.LostCheckInterval = 15 * time.Second
	}
}

// Enqueuer puts tasks in the queue; *asynq.Client is one.
type Enqueuer interface {
	EnqueueContext(ctx context.Context, task *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
}

var _ Enqueuer = (*asynq.Client)(nil)

// Server is the API's handlers and their dependencies.
type Server struct {
	cfg   Config
	store *store.Store
	queue Enqueuer
	log   *slog.Logger
	waits chan struct{} // a slot per waiting refresh

	anon      anon          // the owner of projects saved with auth off
	closing   chan struct{} // closed by CloseStreams
	closeOnce sync.Once
}

// New returns a Server that records tasks in st and enqueues them on q.
func New(st *store.Store, q Enqueuer, cfg Config) *Server {
	cfg.fill()
	return &Server{cfg: cfg, store: st, queue: q, log: cfg.Logger,
		waits: make(chan struct{}, cfg.MaxRefreshWaits), closing: make(chan struct{})}
}

// CloseStreams ends the open progress streams (their clients reconnect to
// another instance); http.Server.RegisterOnShutdown is the place for it.
func (s *Server) CloseStreams() { s.closeOnce.Do(func() { close(s.closing) }) }

// Handler returns the router with its middleware.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(s.cfg.Metrics.Middleware, middleware.RequestID, commonHeaders, Logger(s.log), middleware.Recoverer,
		CORS(s.cfg.CORSOrigins), middleware.RequestSize(s.cfg.MaxBodyBytes))
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"detail": "Not Found"})
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"detail": "Method Not Allowed"})
	})
	r.Mount("/docs", docsRoutes())
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	if s.cfg.Auth != nil {
		r.Post("/auth/login", s.handle(s.login))
		r.Post("/auth/signup", s.handle(s.signup))
	}
	if s.cfg.Projects != nil {
		r.Get("/shared/{token}/map", s.handle(s.sharedMap))
		r.Get("/shared/{token}/map.{format}", s.handle(s.sharedMapPicture))
	}
	r.Group(func(r chi.Router) {
		if s.cfg.Auth != nil {
			r.Use(s.cfg.Auth.Middleware(s.authFailed))
			r.Mount("/auth", authResource{s}.Routes())
		}
		r.Mount("/topics", topicsResource{s}.Routes())
		r.Mount("/bourdieu", bourdieuResource{s}.Routes())
		r.Mount("/tasks", tasksResource{s}.Routes())
		if s.cfg.Projects != nil {
			r.Mount("/projects", projectsResource{s}.Routes())
		}
	})
	if s.cfg.MetricsHandler != nil {
		r.Handle("/metrics", s.cfg.MetricsHandler)
	}
	if mon := s.cfg.Monitor; mon != nil {
		switch {
		case s.cfg.MonitorGuard != nil:
			mon = s.cfg.MonitorGuard(mon)
		case s.authOn():
			mon = s.cfg.Auth.Middleware(s.authFailed)(mon) // any signed-in user
		}
		r.Mount("/monitor", mon)
	}
	return r
}

// handlerFunc is a handler that returns its error; handle writes it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *Server) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			writeError(w, r, s.log, err)
		}
	}
}

// taskID is the body of the enqueueing routes' answer.
type taskID struct {
	TaskID string `json:"task_id"`
}

// enqueue records a new task of kind, stores its documents for the worker
// (store.PutInput) and queues the job that mk makes.
func (s *Server) enqueue(ctx context.Context, kind string, docs []string, mk func(id string) (*asynq.Task, error)) (string, error) {
	id := uuid.NewString()
	t, err := mk(id)
	if err != nil {
		return "", err
	}
	if err := s.store.Create(ctx, id, kind); err != nil {
		return "", s.unavailable(ctx, err)
	}
	if err := s.store.PutInput(ctx, id, docs); err != nil {
		s.store.Delete(context.WithoutCancel(ctx), id)
		return "", s.unavailable(ctx, err)
	}
	if err := s.claim(ctx, id); err != nil {
		s.store.Delete(context.WithoutCancel(ctx), id)
		return "", err
	}
	if _, err := s.queue.EnqueueContext(ctx, t, asynq.Queue(s.cfg.Queues.Jobs)); err != nil {
		s.store.Delete(context.WithoutCancel(ctx), id)
		return "", s.unavailable(ctx, err)
	}
	s.log.InfoContext(ctx, "task queued", "task_id", id, "type", kind, "request_id", RequestID(ctx))
	return id, nil
}

// unavailable reports a Redis failure as a 503, with the cause in the log.
func (s *Server) unavailable(ctx context.Context, err error) error {
	s.log.ErrorContext(ctx, "redis unavailable", "error", err, "request_id", RequestID(ctx))
	return &Error{Code: EUNAVAILABLE, Message: "the task queue is unavailable, try again later"}
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("not ready", "error", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "redis": "unreachable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "redis": "ok"})
}

// isNotFound reports a missing record.
func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
