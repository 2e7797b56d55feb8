package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/hibiken/asynq"

	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/tasks"
)

// tasksResource handles /tasks/{task_name}/{task_id}.
type tasksResource struct{ s *Server }

// Routes returns the /tasks routes.
func (rs tasksResource) Routes() chi.Router {
	r := chi.NewRouter()
	r.Get("/{task_name}/{task_id}/progress", rs.s.handle(rs.progress))
	r.Get("/{task_name}/{task_id}/result", rs.s.handle(rs.result))
	r.Get("/{task_name}/{task_id}/map.{format}", rs.s.handle(rs.taskMap)) // maps.go
	return r
}

// taskName checks the route's task_name. As in the original, a topics id
// may be read under bourdieu and the other way round.
func taskName(r *http.Request) error {
	switch chi.URLParam(r, "task_name") {
	case tasks.TypeTopics, tasks.TypeBourdieu:
		return nil
	}
	return errNotFound
}

// result is GET /tasks/{task_name}/{task_id}/result.
func (rs tasksResource) result(w http.ResponseWriter, r *http.Request) error {
	if err := taskName(r); err != nil {
		return err
	}
	ctx := r.Context()
	b, err := rs.s.store.Result(ctx, chi.URLParam(r, "task_id"))
	if isNotFound(err) {
		return errNotFound
	}
	if err != nil {
		return rs.s.unavailable(ctx, err)
	}
	writeRawJSON(w, http.StatusOK, b)
	return nil
}

// event is one progress event. Result is set on SUCCESS (with Warning when
// the job left something out, such as a Bourdieu map whose axis words the
// embedder could not place), Error on FAILURE, Progress otherwise.
type event struct {
	State    store.State     `json:"state"`
	Progress *float64        `json:"progress,omitempty"`
	Result   json.RawMessage `json:"result,omitempty"`
	Warning  string          `json:"warning,omitempty"`
	Error    string          `json:"error,omitempty"`
}

// maxStatusErrors is how many Redis failures in a row end a stream.
const maxStatusErrors = 10

// progress is GET /tasks/{task_name}/{task_id}/progress: a text/event-stream
// of {"state", "progress"} events every ProgressInterval, whose progress
// never goes backwards (a job run again after its worker died starts its
// record over at 0; the stream keeps the highest value it sent), then one final
// SUCCESS event with the result or FAILURE event with the error. Unknown
// ids get a 404 instead of a stream.
func (rs tasksResource) progress(w http.ResponseWriter, r *http.Request) error {
	s := rs.s
	if err := taskName(r); err != nil {
		return err
	}
	ctx := r.Context()
	id := chi.URLParam(r, "task_id")
	st, err := s.store.Status(ctx, id)
	if isNotFound(err) {
		return errNotFound
	}
	if err != nil {
		return s.unavailable(ctx, err)
	}

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer this response
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	send := func(ev event) bool {
		var b []byte
		if ev.Result != nil {
			// The stored result is valid JSON without newlines: write it as
			// it is rather than have json.Marshal scan megabytes again.
			b = append(append([]byte(`{"state":"`+string(ev.State)+`","result":`), ev.Result...), '}')
			if ev.Warning != "" {
				warning, err := json.Marshal(ev.Warning)
				if err != nil {
					return false
				}
				b = append(append(append(b[:len(b)-1], `,"warning":`...), warning...), '}')
			}
		} else {
			var err error
			if b, err = json.Marshal(ev); err != nil {
				return false
			}
		}
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}

	defer s.cfg.Metrics.StreamOpened()()
	tick := time.NewTicker(s.cfg.ProgressInterval)
	defer tick.Stop()
	failures := 0
	lastCheck := time.Now()
	high := 0.0 // the highest progress sent: a retry starts its record at 0 again
	for {
		ev, final := s.event(ctx, id, st)
		if ev.Progress != nil {
			high = max(high, *ev.Progress)
			ev.Progress = &high
		}
		if !send(ev) || final {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil // the client went away
		case <-s.closing:
			return nil // the server shuts down
		case <-tick.C:
		}
		next, err := s.store.Status(ctx, id)
		switch {
		case isNotFound(err):
			send(event{State: store.Failure, Error: "the task expired or was removed"})
			return nil
		case err != nil:
			if ctx.Err() != nil {
				return nil
			}
			if failures++; failures >= maxStatusErrors {
				s.log.Error("progress stream: status unavailable", "task_id", id, "error", err)
				send(event{State: store.Failure, Error: "the task state is unavailable, try again later"})
				return nil
			}
			continue // send the last state again
		}
		failures = 0
		st = next
		if !st.State.Done() && time.Since(lastCheck) >= s.cfg.LostCheckInterval {
			lastCheck = time.Now()
			if s.lost(ctx, st) {
				if st, err = s.store.Status(ctx, id); err != nil {
					continue
				}
			}
		}
	}
}

// lost reports whether the job id, unfinished by its record, is gone from
// its queue, and then fails it. Its record is read again by the caller: the
// job may have finished between the two reads.
func (s *Server) lost(ctx context.Context, st store.Status) bool {
	id := st.ID
	if s.cfg.Inspector == nil {
		return false
	}
	info, err := s.cfg.Inspector.GetTaskInfo(s.cfg.Queues.Jobs, id)
	var msg string
	switch {
	case errors.Is(err, asynq.ErrTaskNotFound), errors.Is(err, asynq.ErrQueueNotFound):
		msg = "the job was lost from the queue; please submit it again"
	case err != nil:
		return false
	case info.State == asynq.TaskStateArchived:
		msg = "the job was stopped after its workers failed " + fmt.Sprint(info.Retried+1) + " times: " + info.LastErr
	default:
		return false
	}
	if err := s.store.Fail(ctx, st.Run(), msg); err != nil {
		return false
	}
	s.log.Warn("job lost", "task_id", id, "error", msg)
	return true
}

// event returns the event for st, and whether it is the last one.
func (s *Server) event(ctx context.Context, id string, st store.Status) (event, bool) {
	switch st.State {
	case store.Success:
		b, err := s.store.Result(ctx, id)
		if err != nil {
			return event{State: store.Failure, Error: "the result is unavailable: it expired or could not be read"}, true
		}
		return event{State: store.Success, Result: b, Warning: st.Warning}, true
	case store.Failure:
		msg := st.Error
		if msg == "" {
			msg = "the task failed"
		}
		return event{State: store.Failure, Error: msg}, true
	}
	p := st.Progress
	return event{State: st.State, Progress: &p}, false
}
