package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	id := chi.URLParam(r, "task_id")
	if err := rs.s.checkOwner(ctx, id); err != nil {
		return err
	}
	res, err := rs.s.store.ResultReader(ctx, id)
	if isNotFound(err) {
		return errNotFound
	}
	if err != nil {
		return rs.s.unavailable(ctx, err)
	}
	defer res.Close()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, res); err != nil && ctx.Err() == nil {
		// Too late for an error status: the client sees a cut body.
		rs.s.log.WarnContext(ctx, "result not sent whole", "task_id", id, "error", err, "request_id", RequestID(ctx))
	}
	return nil
}

// event is one progress event. Result is set on SUCCESS (with Warning when
// the job left something out, such as a Bourdieu map whose axis words the
// embedder could not place), Error on FAILURE, Progress otherwise.
type event struct {
	State    store.State   `json:"state"`
	Progress *float64      `json:"progress,omitempty"`
	Result   io.ReadCloser `json:"-"` // streamed into the event as it is
	Warning  string        `json:"warning,omitempty"`
	Error    string        `json:"error,omitempty"`
}

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
	if err := s.checkOwner(ctx, id); err != nil {
		return err
	}
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
		if ev.Result != nil {
			// The stored result is JSON without newlines: stream it into
			// the event as it is (decompressed as it goes), never whole in
			// memory.
			defer ev.Result.Close()
			head, err := json.Marshal(struct {
				State   store.State `json:"state"`
				Warning string      `json:"warning,omitempty"`
			}{ev.State, ev.Warning})
			if err != nil {
				return false
			}
			if _, err := fmt.Fprintf(w, "data: %s,\"result\":", head[:len(head)-1]); err != nil {
				return false
			}
			if _, err := io.Copy(w, ev.Result); err != nil {
				return false
			}
			if _, err := io.WriteString(w, "}\n\n"); err != nil {
				return false
			}
			return rc.Flush() == nil
		}
		b, err := json.Marshal(ev)
		if err != nil {
			return false
		}
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	comment := func(text string) bool {
		if _, err := fmt.Fprintf(w, ": %s\n\n", text); err != nil {
			return false
		}
		return rc.Flush() == nil
	}

	defer s.cfg.Metrics.StreamOpened()()
	tick := time.NewTicker(s.cfg.ProgressInterval)
	defer tick.Stop()
	lastCheck := time.Now()
	high := 0.0             // the highest progress sent: a retry starts its record at 0 again
	fresh := true           // st was just read
	var downSince time.Time // when the task state became unreadable; zero while it is readable
	for {
		if fresh {
			ev, final, err := s.event(ctx, id, st)
			if err == nil {
				if !downSince.IsZero() {
					s.log.Info("progress stream: task state readable again", "task_id", id,
						"after", time.Since(downSince).Round(time.Millisecond).String())
					downSince = time.Time{}
				}
				if ev.Progress != nil {
					high = max(high, *ev.Progress)
					ev.Progress = &high
				}
				if !send(ev) || final {
					return nil
				}
			} else {
				fresh = false
			}
		}
		if !fresh {
			// Redis is down or slow, or lost the record: that is no
			// failure of the task. Keep the connection alive and the last
			// progress, and read again; give up after StreamGiveUp by
			// closing without a final state, so that the client's
			// EventSource reconnects.
			if downSince.IsZero() {
				downSince = time.Now()
				s.log.Warn("progress stream: task state unavailable, waiting", "task_id", id)
			}
			if time.Since(downSince) >= s.cfg.StreamGiveUp {
				s.log.Warn("progress stream: task state unavailable, closing for the client to reconnect",
					"task_id", id, "waited", s.cfg.StreamGiveUp.String())
				return nil
			}
			if !comment("waiting for the task state") {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return nil // the client went away
		case <-s.closing:
			return nil // the server shuts down
		case <-tick.C:
		}
		next, err := s.store.Status(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			fresh = false
			continue
		}
		st, fresh = next, true
		if !st.State.Done() && time.Since(lastCheck) >= s.cfg.LostCheckInterval {
			lastCheck = time.Now()
			if s.lost(ctx, st) {
				if st, err = s.store.Status(ctx, id); err != nil {
					fresh = false
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

// event returns the event for st, and whether it is the last one. It
// fails when a SUCCESS's result cannot be read (Redis is down or slow):
// the caller tries again rather than tell the client of a failure.
func (s *Server) event(ctx context.Context, id string, st store.Status) (event, bool, error) {
	switch st.State {
	case store.Success:
		res, err := s.store.ResultReader(ctx, id)
		if err != nil {
			return event{}, false, err
		}
		return event{State: store.Success, Result: res, Warning: st.Warning}, true, nil
	case store.Failure:
		msg := st.Error
		if msg == "" {
			msg = "the task failed"
		}
		return event{State: store.Failure, Error: msg}, true, nil
	}
	p := st.Progress
	return event{State: st.State, Progress: &p}, false, nil
}
