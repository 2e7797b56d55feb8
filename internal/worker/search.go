package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/bunkatopics/bunka-go/internal/pipeline"
	"github.com/bunkatopics/bunka-go/internal/tasks"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// Searcher is a Modeler that also searches a finished job's documents;
// *pipeline.Pipeline is one.
type Searcher interface {
	Search(ctx context.Context, prev *topicmap.TopicsResponse, st *pipeline.State, query, language string, k int) ([]pipeline.SearchHit, error)
}

var _ Searcher = (*pipeline.Pipeline)(nil)

// handleSearch answers a semantic search over a finished topics job, as
// handleRefresh answers a refresh: one reply to the waiting API request,
// never retried.
func (w *Worker) handleSearch(ctx context.Context, t *asynq.Task) error {
	var p tasks.SearchPayload
	if err := tasks.Decode(t, &p); err != nil {
		w.log.Error("search failed", "error", err)
		return fmt.Errorf("%v: %w", err, asynq.SkipRetry)
	}
	_, _, err := w.answer(ctx, tasks.TypeSearch, p.TaskID, p.ReplyID, func(ctx context.Context) tasks.RefreshReply {
		return w.searchReply(ctx, p)
	}, "k", p.K)
	return err
}

// searchReply computes the answer to one search request.
func (w *Worker) searchReply(ctx context.Context, p tasks.SearchPayload) tasks.RefreshReply {
	s, ok := w.model.(Searcher)
	if !ok {
		return tasks.RefreshReply{Code: tasks.ReplyConflict, Message: "this worker cannot search"}
	}
	prev, st, err := w.savedMap(ctx, p.TaskID)
	if err != nil {
		return loadReply(err)
	}
	ctx, cancel := context.WithTimeout(ctx, w.cfg.RefreshTimeout)
	defer cancel()
	hits, err := s.Search(ctx, prev, st, p.Query, p.Language, p.K)
	var mismatch *pipeline.EmbedderMismatchError
	switch {
	case errors.As(err, &mismatch):
		return tasks.RefreshReply{Code: tasks.ReplyConflict, Message: fmt.Sprintf(
			"this map was embedded with %s and this worker embeds with %s; all workers must use the same embedder (BUNKA_EMBEDDER)",
			mismatch.State, mismatch.Pipeline)}
	case errors.Is(err, pipeline.ErrInvalidInput):
		return tasks.RefreshReply{Code: tasks.ReplyInvalid, Message: clientMessage(err)}
	case err != nil:
		return internalReply(err)
	}
	b, err := json.Marshal(hits)
	if err != nil {
		return internalReply(err)
	}
	return tasks.RefreshReply{Code: tasks.ReplyOK, Result: b}
}
