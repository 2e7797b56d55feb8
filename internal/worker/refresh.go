package worker

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bunkatopics/bunka-go/internal/logctx"
	"github.com/bunkatopics/bunka-go/internal/pipeline"
	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/tasks"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// handleRefresh computes the Bourdieu map of a finished topics job for a new
// query and sends it to the waiting API request.
func (w *Worker) handleRefresh(ctx context.Context, t *asynq.Task) error {
	var p tasks.RefreshPayload
	if err := tasks.Decode(t, &p); err != nil {
		w.log.Error("refresh failed", "error", err)
		return fmt.Errorf("%v: %w", err, asynq.SkipRetry)
	}
	rep, took, err := w.answer(ctx, tasks.TypeRefresh, p.TaskID, p.ReplyID, func(ctx context.Context) tasks.RefreshReply {
		return w.refreshReply(ctx, p)
	})
	if err == nil {
		w.cfg.Metrics.Refresh(string(rep.Code), took)
	}
	return err
}

// answer computes the reply to a request that an API process waits for (a
// refresh or a search of task taskID), sends it under replyID and logs its
// outcome. It is never retried (SkipRetry): the request has its own deadline.
func (w *Worker) answer(ctx context.Context, kind, taskID, replyID string, compute func(context.Context) tasks.RefreshReply, attrs ...any) (tasks.RefreshReply, time.Duration, error) {
	start := time.Now()
	// Answer before asynq's deadline: a task still running then is archived
	// (for 90 days), not dropped. The API has stopped waiting by then.
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl.Add(-refreshMargin))
		defer cancel()
	}
	ctx = logctx.With(ctx, "task_id", taskID, "reply_id", replyID)
	rep := compute(ctx)
	b, err := json.Marshal(rep)
	if err != nil {
		return rep, 0, fmt.Errorf("worker: %s reply: %v: %w", kind, err, asynq.SkipRetry)
	}
	if err := w.store.Reply(context.WithoutCancel(ctx), replyID, b); err != nil {
		w.log.Error(kind+" reply not sent", "task_id", taskID, "error", err)
		return rep, 0, fmt.Errorf("%v: %w", err, asynq.SkipRetry)
	}
	took := time.Since(start)
	attrs = append([]any{"task_id", taskID, "type", kind, "reply_id", replyID,
		"duration", took.Round(time.Millisecond).String(), "outcome", rep.Code}, attrs...)
	if rep.Code == tasks.ReplyOK {
		w.log.Info(kind+" done", append(attrs, "result_bytes", len(rep.Result))...)
	} else {
		w.log.Warn(kind+" failed", append(attrs, "error", rep.Message)...)
	}
	return rep, took, nil
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
	var buf bytes.Buffer
	if err := writeClientJSON(&buf, res); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeClientJSON writes what clientJSON returns to w, one document at a
// time, so that the JSON of a large result is never held whole (the worker
// writes it into the store's compressor): the same bytes as json.Marshal
// of the result without embeddings.
func writeClientJSON(w io.Writer, res any) error {
	var docs []topicmap.Document
	var rest any
	switch r := res.(type) {
	case *topicmap.TopicsResponse:
		if r.BourdieuResponse != nil {
			noEmbeddings(r.BourdieuResponse.Docs)
		}
		cp := *r
		docs, cp.Docs = r.Docs, []topicmap.Document{}
		rest = &cp
	case *topicmap.BourdieuResponse:
		cp := *r
		docs, cp.Docs = r.Docs, []topicmap.Document{}
		rest = &cp
	default:
		return fmt.Errorf("worker: result of type %T", res)
	}
	noEmbeddings(docs)
	// Both types start with their documents: {"docs":[],...
	b, err := json.Marshal(rest)
	if err != nil {
		return err
	}
	const head = `{"docs":[`
	if !bytes.HasPrefix(b, []byte(head+"]")) {
		return fmt.Errorf("worker: result JSON of %T does not start with its documents", res)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(head)
	for i := range docs {
		if i > 0 {
			bw.WriteByte(',')
		}
		d, err := json.Marshal(&docs[i])
		if err != nil {
			return err
		}
		bw.Write(d)
	}
	bw.Write(b[len(head):])
	return bw.Flush()
}

func noEmbeddings(docs []topicmap.Document) {
	for i := range docs {
		docs[i].Embedding = nil
	}
}

// marshalResult encodes a job's result as the client reads it, compressed
// as the store keeps it (store.SucceedCompressed), and its pipeline state
// (nil when it has none) as the store keeps it. The two are encoded at the
// same time: at 100,000 documents each takes a fraction of a second.
func marshalResult(o jobResult) (result, state []byte, err error) {
	var stateErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		if o.st != nil {
			state, stateErr = o.st.MarshalBinary()
		}
	}()
	rw := store.NewResultWriter()
	if err = writeClientJSON(rw, o.res); err == nil {
		err = rw.Close()
	}
	<-done
	if err != nil {
		return nil, nil, fmt.Errorf("encode result: %w", err)
	}
	if stateErr != nil {
		return nil, nil, fmt.Errorf("encode pipeline state: %w", stateErr)
	}
	return rw.Bytes(), state, nil
}
