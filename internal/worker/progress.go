package worker

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/bunkatopics/bunka-go/internal/store"
)

// reporter receives the pipeline's progress, writes it to the store at most
// once per interval (and at every new stage), and times the stages for the
// job's log line.
type reporter struct {
	st       *store.Store
	id       string
	interval time.Duration
	log      *slog.Logger

	mu        sync.Mutex
	stage     string
	stageFrom time.Time
	stages    []slog.Attr
	lastWrite time.Time
	percent   float64

	onStage func(stage string, d time.Duration) // called as each stage ends, when set
}

func newReporter(st *store.Store, id string, interval time.Duration, log *slog.Logger) *reporter {
	return &reporter{st: st, id: id, interval: interval, log: log}
}

// progress is the pipeline.ProgressFunc.
func (r *reporter) progress(stage string, percent float64) {
	r.mu.Lock()
	now := time.Now()
	newStage := stage != r.stage
	if newStage {
		r.closeStage(now)
		r.stage, r.stageFrom = stage, now
	}
	percent = min(max(percent, r.percent), 100)
	r.percent = percent
	write := newStage || now.Sub(r.lastWrite) >= r.interval
	if write {
		r.lastWrite = now
	}
	r.mu.Unlock()
	if !write {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.st.Progress(ctx, r.id, stage, percent); err != nil {
		r.log.Warn("progress not stored", "task_id", r.id, "error", err)
	}
}

func (r *reporter) closeStage(now time.Time) {
	if r.stage != "" {
		d := now.Sub(r.stageFrom)
		r.stages = append(r.stages, slog.String(r.stage, d.Round(time.Millisecond).String()))
		if r.onStage != nil {
			r.onStage(r.stage, d)
		}
	}
}

// finish closes the stage in progress.
func (r *reporter) finish() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closeStage(time.Now())
	r.stage = ""
}

// timings returns the stage durations as a log group.
func (r *reporter) timings() slog.Attr {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slog.Attr{Key: "stages", Value: slog.GroupValue(r.stages...)}
}
