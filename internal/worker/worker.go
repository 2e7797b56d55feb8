// Package worker runs the service's background jobs: it takes topics and
// bourdieu jobs from the jobs queue (one at a time by default, as Celery's
// solo pool in the original) and Bourdieu refreshes from a second,
// high-priority queue served beside them, so that a long job never delays a
// refresh. It computes them with a Modeler (the topic pipeline) and writes
// states, progress and results to the store.
//
// Failures caused by the job itself (bad input, a pipeline error, a panic, a
// timeout) end the task in FAILURE with a readable message and are not
// retried. A worker that dies mid-job loses its asynq lease, and the job is
// run again by the next worker; one stopped gracefully puts its job back in
// the queue at once.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/bunkatopics/bunka-go/internal/config"
	"github.com/bunkatopics/bunka-go/internal/logctx"
	"github.com/bunkatopics/bunka-go/internal/metrics"
	"github.com/bunkatopics/bunka-go/internal/pipeline"
	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/tasks"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// Modeler computes topic maps; *pipeline.Pipeline is the real one.
type Modeler interface {
	Topics(ctx context.Context, in pipeline.Input, progress pipeline.ProgressFunc) (*topicmap.TopicsResponse, *pipeline.State, error)
	Bourdieu(ctx context.Context, in pipeline.Input, progress pipeline.ProgressFunc) (*topicmap.BourdieuResponse, error)
	Refresh(ctx context.Context, prev *topicmap.TopicsResponse, st *pipeline.State, q topicmap.BourdieuQuery, param topicmap.TopicParam) (*topicmap.BourdieuResponse, error)
}

var _ Modeler = (*pipeline.Pipeline)(nil)

// DeviceReporter is a Modeler that says where its stages compute, as
// *pipeline.Pipeline does; each job's log line then names the device of
// every stage.
type DeviceReporter interface {
	Devices() pipeline.Devices
}

var _ DeviceReporter = (*pipeline.Pipeline)(nil)

// Config tunes a Worker. The zero value of each field means its default:
// internal/config's for the service's settings (config.DefaultConcurrency,
// ...), the one given here for the others.
type Config struct {
	Concurrency        int           // jobs at once
	RefreshConcurrency int           // refreshes at once
	JobTimeout         time.Duration // bound on one run of a job
	RefreshTimeout     time.Duration // bound on one refresh
	ShutdownTimeout    time.Duration // grace period before running jobs are put back
	ProgressEvery      time.Duration // least time between two progress writes; default 250ms
	Logger             *slog.Logger  // default slog.Default()
	Queues             tasks.Queues  // default tasks.QueuesFor("")
	Metrics            *metrics.Jobs // counts and times jobs, stages and refreshes when set

	// Queue machinery; tests shorten them.
	HealthCheckInterval time.Duration // also the period of lease-expiry checks; asynq's default 15s
	PollInterval        time.Duration // how often idle servers look for work; default 200ms for jobs, 100ms for refreshes
	RetryDelay          time.Duration // wait before a job whose worker died runs again; default 1s
}

// ConfigFrom returns the Config that the service's configuration c asks
// for, logging to log.
func ConfigFrom(c config.Config, log *slog.Logger) Config {
	return Config{
		Concurrency:        c.ConcurrencyOrDefault(),
		RefreshConcurrency: c.RefreshConcurrencyOrDefault(),
		JobTimeout:         c.JobTimeoutOrDefault(),
		RefreshTimeout:     c.RefreshTimeoutOrDefault(),
		ShutdownTimeout:    c.ShutdownTimeoutOrDefault(),
		Logger:             log,
		Queues:             tasks.QueuesFor(c.KeyPrefixOrDefault()),
	}
}

func (c *Config) fill() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.Concurrency <= 0 {
		c.Concurrency = config.DefaultConcurrency
	}
	if c.RefreshConcurrency <= 0 {
		c.RefreshConcurrency = config.DefaultRefreshConcurrency
	}
	def(&c.JobTimeout, config.DefaultJobTimeout)
	def(&c.RefreshTimeout, config.DefaultRefreshTimeout)
	def(&c.ShutdownTimeout, config.DefaultShutdownTimeout)
	def(&c.ProgressEvery, 250*time.Millisecond)
	def(&c.RetryDelay, time.Second)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Queues.Jobs == "" || c.Queues.Refresh == "" {
		c.Queues = tasks.QueuesFor("")
	}
}

// jobPoll is how often an idle worker looks for a job unless
// Config.PollInterval says otherwise. asynq sleeps between a half and one
// and a half of it between looks, so a job queued for an idle worker waits
// about half of it on average (asynq's default, 1s, added half a second
// to every job; a look is one short Lua script).
const jobPoll = 200 * time.Millisecond

// Worker serves the jobs and refresh queues.
type Worker struct {
	cfg     Config
	rdb     redis.UniversalClient
	store   *store.Store
	model   Modeler
	log     *slog.Logger
	jobs    *asynq.Server
	refresh *asynq.Server
}

// New returns a Worker that takes tasks from rdb, records them in st and
// computes them with m.
func New(rdb redis.UniversalClient, st *store.Store, m Modeler, cfg Config) *Worker {
	cfg.fill()
	cfg.Metrics.Init(tasks.TypeTopics, tasks.TypeBourdieu)
	w := &Worker{cfg: cfg, rdb: rdb, store: st, model: m, log: cfg.Logger}
	level := asynq.InfoLevel
	switch {
	case !cfg.Logger.Enabled(context.Background(), slog.LevelInfo):
		level = asynq.WarnLevel
	case cfg.Logger.Enabled(context.Background(), slog.LevelDebug):
		level = asynq.DebugLevel
	}
	base := asynq.Config{
		Logger:              asynqLogger{cfg.Logger},
		LogLevel:            level,
		ShutdownTimeout:     cfg.ShutdownTimeout,
		HealthCheckInterval: cfg.HealthCheckInterval,
		TaskCheckInterval:   jobPoll,
		// Only errors that may pass (Redis, a dead worker) reach asynq's
		// retry; the job's own failures are recorded and end the task.
		RetryDelayFunc: func(int, error, *asynq.Task) time.Duration { return cfg.RetryDelay },
	}
	if cfg.PollInterval > 0 {
		base.TaskCheckInterval = cfg.PollInterval
		base.DelayedTaskCheckInterval = cfg.PollInterval
	}
	jc := base
	jc.Concurrency = cfg.Concurrency
	jc.Queues = map[string]int{cfg.Queues.Jobs: 1}
	w.jobs = asynq.NewServerFromRedisClient(rdb, jc)
	rc := base
	rc.Concurrency = cfg.RefreshConcurrency
	rc.Queues = map[string]int{cfg.Queues.Refresh: 1}
	// A client waits for each refresh: look for them often.
	rc.TaskCheckInterval = 100 * time.Millisecond
	if cfg.PollInterval > 0 && cfg.PollInterval < rc.TaskCheckInterval {
		rc.TaskCheckInterval = cfg.PollInterval
	}
	w.refresh = asynq.NewServerFromRedisClient(rdb, rc)
	return w
}

// Handler returns the handler of every task type, for tests and for
// callers that run their own asynq server.
func (w *Worker) Handler() asynq.Handler {
	mux := asynq.NewServeMux()
	mux.HandleFunc(tasks.TypeTopics, w.handleTopics)
	mux.HandleFunc(tasks.TypeBourdieu, w.handleBourdieu)
	mux.HandleFunc(tasks.TypeRefresh, w.handleRefresh)
	mux.HandleFunc(tasks.TypeSearch, w.handleSearch)
	return mux
}

// Run serves both queues until ctx ends, then shuts down: jobs still
// running after the grace period are put back in their queue.
func (w *Worker) Run(ctx context.Context) error {
	h := w.Handler()
	if err := w.jobs.Start(h); err != nil {
		return fmt.Errorf("worker: start jobs server: %w", err)
	}
	if err := w.refresh.Start(h); err != nil {
		w.jobs.Shutdown()
		return fmt.Errorf("worker: start refresh server: %w", err)
	}
	w.log.Info("worker started", "concurrency", w.cfg.Concurrency,
		"refresh_concurrency", w.cfg.RefreshConcurrency, "job_timeout", w.cfg.JobTimeout.String())
	<-ctx.Done()
	w.log.Info("worker stopping", "grace", w.cfg.ShutdownTimeout.String())
	w.refresh.Shutdown()
	w.jobs.Shutdown()
	w.log.Info("worker stopped")
	return nil
}

// internalError is all a client reads of a failure that is not its data's
// fault; the log has the whole error.
const internalError = "internal error"

// failure is an error the job caused: it ends the task in FAILURE with
// msg and is not retried.
type failure struct {
	msg string
	err error
}

func (f *failure) Error() string { return f.msg }
func (f *failure) Unwrap() error { return f.err }

// run calls fn under the job timeout, turning a panic into a failure.
func run[T any](ctx context.Context, fn func(context.Context) (T, error)) (res T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &failure{msg: internalError, err: fmt.Errorf("the job crashed: %v", r)}
		}
	}()
	return fn(ctx)
}

// classify turns a pipeline error into the message the client reads, or
// returns nil when the job must not be failed (the worker is shutting down
// and asynq puts the job back).
func (w *Worker) classify(ctx, jobCtx context.Context, err error) *failure {
	var f *failure
	switch {
	case errors.As(err, &f):
		return f
	case errors.Is(ctx.Err(), context.Canceled):
		return nil // shutdown: asynq puts the job back in the queue
	case jobCtx.Err() != nil:
		return &failure{msg: fmt.Sprintf("the job took longer than %s and was stopped", w.cfg.JobTimeout), err: err}
	case errors.Is(err, pipeline.ErrInvalidInput):
		return &failure{msg: clientMessage(err), err: err}
	default:
		return &failure{msg: internalError, err: err}
	}
}

// job is what handleTopics and handleBourdieu share: the record keeping,
// the progress reports and the log line around one computation.
func (w *Worker) job(ctx context.Context, t *asynq.Task, ndocs int,
	compute func(ctx context.Context, progress pipeline.ProgressFunc) (jobResult, error)) error {
	id, _ := asynq.GetTaskID(ctx)
	start := time.Now()
	rn, err := w.store.Start(ctx, id, t.Type())
	if err != nil {
		return err // Redis trouble: let asynq retry
	}
	// Every line logged about this job, by the pipeline too, names it.
	ctx = logctx.With(ctx, "task_id", id, "attempt", rn.Attempt)
	ended := w.cfg.Metrics.JobStarted(t.Type())
	outcome := "retry" // Redis failed: asynq runs the job again
	defer func() { ended(outcome) }()
	rep := newReporter(w.store, id, w.cfg.ProgressEvery, w.log)
	rep.onStage = func(stage string, d time.Duration) {
		if stage != pipeline.StageDone {
			w.cfg.Metrics.Stage(t.Type(), stage, d)
		}
	}
	// Stop the job a little before asynq's own deadline for it, so that it
	// ends in FAILURE rather than in asynq's retry.
	timeout := w.cfg.JobTimeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = min(timeout, max(time.Until(dl)-30*time.Second, time.Second))
	}
	jobCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	o, err := run(jobCtx, func(c context.Context) (jobResult, error) {
		return compute(c, rep.progress)
	})
	rep.finish()
	attrs := []any{"task_id", id, "type", t.Type(), "docs", ndocs, "attempt", rn.Attempt,
		"duration", time.Since(start).Round(time.Millisecond).String(), rep.timings()}
	if d, ok := w.model.(DeviceReporter); ok {
		attrs = append(attrs, "devices", d.Devices())
	}
	if err == nil {
		stored := time.Now()
		var b, st []byte
		b, st, err = marshalResult(o)
		encoded := time.Since(stored)
		if err != nil {
			err = &failure{msg: internalError, err: err}
		} else if err = w.store.SucceedCompressed(context.WithoutCancel(ctx), rn, b, st, o.warning); err != nil {
			w.log.Error("job result not stored", append(attrs, "outcome", "retry", "error", err)...)
			return err
		} else {
			if o.warning != "" {
				attrs = append(attrs, "warning", o.warning)
			}
			outcome = "success"
			w.log.Info("job done", append(attrs, "outcome", "success", "stored_bytes", len(b), "state_bytes", len(st),
				"encode", encoded.Round(time.Millisecond).String(),
				"store", time.Since(stored).Round(time.Millisecond).String())...)
			return nil
		}
	}
	f := w.classify(ctx, jobCtx, err)
	if f == nil {
		outcome = "requeued"
		w.log.Warn("job interrupted, back in the queue", append(attrs, "outcome", "requeued", "error", err)...)
		return err
	}
	if serr := w.store.Fail(context.WithoutCancel(ctx), rn, f.msg); serr != nil {
		w.log.Error("job failure not stored", append(attrs, "outcome", "retry", "error", serr)...)
		return serr
	}
	outcome = "failure"
	attrs = append(attrs, "outcome", "failure", "error", f.msg)
	if f.err != nil {
		attrs = append(attrs, "cause", f.err.Error()) // the whole chain, for ops only
	}
	if f.msg == internalError {
		w.log.Error("job failed", attrs...)
	} else {
		w.log.Warn("job failed", attrs...)
	}
	// The task is done: its FAILURE and message are in the store, which is
	// what clients and logs read, and it is not to be retried. Returning
	// asynq.SkipRetry would also stop retries, but asynq would then archive
	// the task with its payload (all the documents, up to the 100 MB body
	// limit) for 90 days; with nil it deletes it at once, as it does
	// successful tasks.
	return nil
}

// jobResult is what a job computed: the client's result (a
// *topicmap.TopicsResponse or *topicmap.BourdieuResponse), the pipeline
// state a refresh needs (topics jobs), and a warning for the client when
// the job succeeded with less than it asked for.
type jobResult struct {
	res     any
	st      *pipeline.State
	warning string
}

// handleTopics computes a topics job.
func (w *Worker) handleTopics(ctx context.Context, t *asynq.Task) error {
	var p tasks.TopicsPayload
	if err := tasks.Decode(t, &p); err != nil {
		return w.badPayload(ctx, t, err)
	}
	if err := w.input(ctx, t, p.DocsStored, &p.Docs); err != nil {
		return err
	}
	return w.job(ctx, t, len(p.Docs), func(ctx context.Context, progress pipeline.ProgressFunc) (jobResult, error) {
		res, st, err := w.model.Topics(ctx, pipeline.Input{Texts: p.Docs, Param: p.Param, Bourdieu: p.Bourdieu}, progress)
		if err != nil {
			return jobResult{}, err
		}
		warning := ""
		if st.BourdieuLeftOut != nil {
			// The pipeline kept the topic map and left the Bourdieu map
			// it could not draw empty, and said why.
			warning = "the Bourdieu map was left out: " + clientMessage(st.BourdieuLeftOut)
		}
		return jobResult{res: res, st: st, warning: warning}, nil
	})
}

// handleBourdieu computes a Bourdieu-only job.
func (w *Worker) handleBourdieu(ctx context.Context, t *asynq.Task) error {
	var p tasks.BourdieuPayload
	if err := tasks.Decode(t, &p); err != nil {
		return w.badPayload(ctx, t, err)
	}
	if err := w.input(ctx, t, p.DocsStored, &p.Docs); err != nil {
		return err
	}
	return w.job(ctx, t, len(p.Docs), func(ctx context.Context, progress pipeline.ProgressFunc) (jobResult, error) {
		q := p.Query
		res, err := w.model.Bourdieu(ctx, pipeline.Input{Texts: p.Docs, Param: p.Param, Bourdieu: &q}, progress)
		if err != nil {
			return jobResult{}, err
		}
		return jobResult{res: res}, nil
	})
}

// input reads the documents of a job whose payload says they are stored
// (tasks.TopicsPayload.DocsStored) into docs. Input that vanished (its
// record expired, or Redis lost its data) fails the job; Redis trouble
// returns the error for asynq to run the job again.
func (w *Worker) input(ctx context.Context, t *asynq.Task, stored bool, docs *[]string) error {
	if !stored {
		return nil
	}
	id, _ := asynq.GetTaskID(ctx)
	d, err := w.store.Input(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return w.badPayload(ctx, t, fmt.Errorf("the job's documents are gone from Redis: %w", err))
	}
	if err != nil {
		return err
	}
	*docs = d
	return nil
}

// badPayload fails a task whose payload cannot be read.
func (w *Worker) badPayload(ctx context.Context, t *asynq.Task, err error) error {
	id, _ := asynq.GetTaskID(ctx)
	w.log.Error("job failed", "task_id", id, "type", t.Type(), "outcome", "failure", "error", err)
	w.cfg.Metrics.JobStarted(t.Type())("failure")
	if serr := w.store.Fail(ctx, store.Run{ID: id, Kind: t.Type()}, internalError); serr != nil {
		return serr
	}
	return nil // done, as a failed job (see the end of job)
}
