package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bunkatopics/bunka-go/internal/logctx"
	"github.com/bunkatopics/bunka-go/internal/pipeline"
	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/tasks"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// handleRefresh computes the Bourdieu map of a finished topics job for a new
// query and sends it to the waiting API request. It is never retried: the
// request has its own deadline.
func (w *Worker) handleRefresh(ctx context.Context, t *asynq.Task) error {
	start := time.Now()
	var p tasks.RefreshPayload
	if err := tasks.Decode(t, &p); err != nil {
		w.log.Error("refresh failed", "error", err)
		return fmt.Errorf("%v: %w", err, asynq.SkipRetry)
	}
	// Answer before asynq's deadline: a task still running then is archived
	// (for 90 days), not dropped. The API has stopped waiting by then.
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl.Add(-refreshMargin))
		defer cancel()
	}
	ctx = logctx.With(ctx, "task_id", p.TaskID, "reply_id", p.ReplyID)
	rep := w.refreshReply(ctx, p)
	b, err := json.Marshal(rep)
	if err != nil {
		return fmt.Errorf("worker: refresh reply: %v: %w", err, asynq.SkipRetry)
	}
	if err := w.store.Reply(context.WithoutCancel(ctx), p.ReplyID, b); err != nil {
		w.log.Error("refresh reply not sent", "task_id", p.TaskID, "error", err)
		return fmt.Errorf("%v: %w", err, asynq.SkipRetry)
	}
	w.cfg.Metrics.Refresh(string(rep.Code), time.Since(start))
	attrs := []any{"task_id", p.TaskID, "type", tasks.TypeRefresh, "reply_id", p.ReplyID,
		"duration", time.Since(start).Round(time.Millisecond).String(), "outcome", rep.Code}
	if rep.Code == tasks.ReplyOK {
		w.log.Info("refresh done", append(attrs, "result_bytes", len(rep.Result))...)
	} else {
		w.log.Warn("refresh failed", append(attrs, "error", rep.Message)...)
	}
	return nil
}

// refreshMargin is how long before its task's deadline a refresh gives up.
const refreshMargin = time.Second

// refreshReply computes the answer to one refresh request.
func (w *Worker) refreshReply(ctx context.Context, p tasks.RefreshPayload) tasks.RefreshReply {
	prev, st, err := w.savedMap(ctx, p.TaskID)
	if err != nil {
		return loadReply(err)
	}
	ctx, cancel := context.WithTimeout(ctx, w.cfg.RefreshTimeout)
	defer cancel()
	res, err := run(ctx, func(ctx context.Context) (*topicmap.BourdieuResponse, error) {
		return w.model.Refresh(ctx, prev, st, p.Query, p.Param)
	})
	var (
		f        *failure
		mismatch *pipeline.EmbedderMismatchError
	)
	switch {
	case errors.As(err, &f):
		return tasks.RefreshReply{Code: tasks.ReplyInternal, Message: f.msg}
	case errors.As(err, &mismatch):
		return tasks.RefreshReply{Code: tasks.ReplyConflict, Message: fmt.Sprintf(
			"this topic map was embedded with %s and this worker embeds with %s, so it cannot place the new axis words; "+
				"all workers must use the same embedder (BUNKA_EMBEDDER); compute the topic map again to refresh it here",
			mismatch.State, mismatch.Pipeline)}
	case errors.Is(err, pipeline.ErrInvalidInput):
		return tasks.RefreshReply{Code: tasks.ReplyInvalid, Message: clientMessage(err)}
	case err != nil:
		return internalReply(err)
	}
	b, err := clientJSON(res)
	if err != nil {
		return internalReply(err)
	}
	return tasks.RefreshReply{Code: tasks.ReplyOK, Result: b}
}

// savedMap reads what a refresh or a search of task id starts from: its
// result and its pipeline state. A Bourdieu job has no state: ErrNotFound,
// as for a task that does not exist.
func (w *Worker) savedMap(ctx context.Context, id string) (*topicmap.TopicsResponse, *pipeline.State, error) {
	raw, err := w.store.Result(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	b, err := w.store.PipelineState(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	st := new(pipeline.State)
	if err := st.UnmarshalBinary(b); err != nil {
		return nil, nil, err
	}
	prev := new(topicmap.TopicsResponse)
	if err := json.Unmarshal(raw, prev); err != nil {
		return nil, nil, err
	}
	return prev, st, nil
}

// loadReply answers a request whose map could not be read.
func loadReply(err error) tasks.RefreshReply {
	if errors.Is(err, store.ErrNotFound) {
		return tasks.RefreshReply{Code: tasks.ReplyNotFound}
	}
	return internalReply(err)
}

// internalReply answers a request that failed for a reason of ours. The API
// logs its message in full and tells its client "internal error".
func internalReply(err error) tasks.RefreshReply {
	return tasks.RefreshReply{Code: tasks.ReplyInternal, Message: "internal error: " + err.Error()}
}

// clientJSON encodes a result as the client reads it: the one place where
// the documents' embeddings (kept in the pipeline state, for refreshes)
// are left out of what clients receive.
func clientJSON(res any) ([]byte, error) {
	var docs [][]topicmap.Document
	switch r := res.(type) {
	case *topicmap.TopicsResponse:
		docs = append(docs, r.Docs)
		if r.BourdieuResponse != nil {
			docs = append(docs, r.BourdieuResponse.Docs)
		}
	case *topicmap.BourdieuResponse:
		docs = append(docs, r.Docs)
	default:
		return nil, fmt.Errorf("worker: result of type %T", res)
	}
	for _, ds := range docs {
		for i := range ds {
			ds[i].Embedding = nil
		}
	}
	return json.Marshal(res)
}

// marshalResult encodes a job's result as the client reads it and its
// pipeline state (nil when it has none) as the store keeps it.
func marshalResult(o jobResult) (result, state []byte, err error) {
	if result, err = clientJSON(o.res); err != nil {
		return nil, nil, fmt.Errorf("encode result: %w", err)
	}
	if o.st != nil {
		if state, err = o.st.MarshalBinary(); err != nil {
			return nil, nil, fmt.Errorf("encode pipeline state: %w", err)
		}
	}
	return result, state, nil
}
