package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"github.com/hibiken/asynq"

	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/tasks"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// bourdieuResource handles /bourdieu.
type bourdieuResource struct{ s *Server }

// Routes returns the /bourdieu routes.
func (rs bourdieuResource) Routes() chi.Router {
	r := chi.NewRouter()
	r.Post("/", rs.s.handle(rs.postJSON))
	r.Post("/csv", rs.s.handle(rs.postCSV))
	r.Post("/csv/", rs.s.handle(rs.postCSV))
	r.Post("/refresh/{task_id}", rs.s.handle(rs.refresh))
	r.Post("/refresh/{task_id}/", rs.s.handle(rs.refresh))
	return r
}

// postJSON is POST /bourdieu/ {"full_docs", "query", "topic_param"}.
func (rs bourdieuResource) postJSON(w http.ResponseWriter, r *http.Request) error {
	o, err := decodeBody(r)
	if err != nil {
		return err
	}
	var e errs
	docs := o.docs(&e)
	var q topicmap.BourdieuQuery
	if qo, ok := o.sub(&e, "query"); ok {
		q = qo.bourdieuQuery(&e, "query.")
	}
	var p topicmap.TopicParam
	if tp, ok := o.sub(&e, "topic_param"); ok {
		p = tp.topicParam(&e, "topic_param.")
	}
	if err := e.err(); err != nil {
		return err
	}
	if err := checkDocs(docs, rs.s.cfg.MaxDocs, "full_docs holds no non-empty text"); err != nil {
		return err
	}
	return rs.s.enqueueBourdieu(w, r, tasks.BourdieuPayload{Docs: docs, Query: q, Param: p})
}

// postCSV is POST /bourdieu/csv/ (deprecated in the original).
func (rs bourdieuResource) postCSV(w http.ResponseWriter, r *http.Request) error {
	f, err := rs.s.parseForm(r)
	if err != nil {
		return err
	}
	defer f.close()
	column := f.str("selected_column")
	p := f.topicParam()
	q := f.bourdieuQuery()
	f.checkQuery(&q)
	if err := f.e.err(); err != nil {
		return err
	}
	docs, err := rs.s.readCSV(r, column)
	if err != nil {
		return err
	}
	return rs.s.enqueueBourdieu(w, r, tasks.BourdieuPayload{Docs: docs, Query: q, Param: p})
}

func (s *Server) enqueueBourdieu(w http.ResponseWriter, r *http.Request, p tasks.BourdieuPayload) error {
	docs := p.Docs
	p.Docs, p.DocsStored = nil, true
	id, err := s.enqueue(r.Context(), tasks.TypeBourdieu, docs, func(id string) (*asynq.Task, error) {
		return tasks.NewBourdieuTask(id, p, s.cfg.JobTimeout)
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, taskID{id})
	return nil
}

// refresh is POST /bourdieu/refresh/{task_id} {"bourdieu_query", "topic_param"}:
// the Bourdieu map of a finished topics job under a new query, computed by
// a worker on its refresh queue while this request waits.
func (rs bourdieuResource) refresh(w http.ResponseWriter, r *http.Request) error {
	s := rs.s
	q, p, err := refreshBody(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	id := chi.URLParam(r, "task_id")
	if err := s.checkOwner(ctx, id); err != nil {
		return err
	}
	st, err := s.store.Status(ctx, id)
	if isNotFound(err) || (err == nil && (st.State != store.Success || st.Kind != tasks.TypeTopics)) {
		return errNotFound
	}
	if err != nil {
		return s.unavailable(ctx, err)
	}
	b, err := s.runRefresh(ctx, id, q, p)
	if err != nil || b == nil {
		return err
	}
	writeRawJSON(w, http.StatusOK, b)
	return nil
}

// refreshBody reads a refresh's {"bourdieu_query", "topic_param"}.
func refreshBody(r *http.Request) (topicmap.BourdieuQuery, topicmap.TopicParam, error) {
	var q topicmap.BourdieuQuery
	var p topicmap.TopicParam
	o, err := decodeBody(r)
	if err != nil {
		return q, p, err
	}
	var e errs
	if qo, ok := o.sub(&e, "bourdieu_query"); ok {
		q = qo.bourdieuQuery(&e, "bourdieu_query.")
	}
	if tp, ok := o.sub(&e, "topic_param"); ok {
		p = tp.topicParam(&e, "topic_param.")
	}
	return q, p, e.err()
}

// runRefresh has a worker compute the Bourdieu map of the finished topics
// job id (its result and pipeline state in the store) under q and p, and
// waits for it. It returns the BourdieuResponse JSON, or nil and nil when
// the client went away.
func (s *Server) runRefresh(ctx context.Context, id string, q topicmap.BourdieuQuery, p topicmap.TopicParam) ([]byte, error) {
	select {
	case s.waits <- struct{}{}:
		defer func() { <-s.waits }()
	default:
		s.log.WarnContext(ctx, "refresh refused: too many waiting", "max", cap(s.waits), "request_id", RequestID(ctx))
		return nil, Errorf(EUNAVAILABLE, "too many Bourdieu refreshes are waiting for a worker (%d); try again later", cap(s.waits))
	}
	payload := tasks.RefreshPayload{TaskID: id, ReplyID: uuid.NewString(), Query: q, Param: p}
	t, err := tasks.NewRefreshTask(payload, s.cfg.RefreshTimeout)
	if err != nil {
		return nil, err
	}
	return s.askWorker(ctx, t, id, payload.ReplyID)
}

// askWorker enqueues t (a refresh or a search of task id) on the refresh
// queue and waits for its reply. It returns the reply's result, or nil and
// nil when the client went away.
func (s *Server) askWorker(ctx context.Context, t *asynq.Task, id, replyID string) ([]byte, error) {
	wait := s.cfg.Metrics.RefreshWaiting()
	outcome := "unavailable" // Redis failed
	defer func() { wait(outcome) }()
	if _, err := s.queue.EnqueueContext(ctx, t, asynq.Queue(s.cfg.Queues.Refresh)); err != nil {
		return nil, s.unavailable(ctx, err)
	}
	b, err := s.store.WaitReply(ctx, replyID, s.cfg.RefreshTimeout)
	switch {
	case errors.Is(err, store.ErrTimeout):
		outcome = "timeout"
		s.dropRefresh(ctx, replyID)
		return nil, Errorf(ETIMEOUT, "no worker answered within %s; is a worker running?", s.cfg.RefreshTimeout)
	case ctx.Err() != nil:
		outcome = "gone"
		s.dropRefresh(ctx, replyID)
		return nil, nil // the client went away
	case err != nil:
		return nil, s.unavailable(ctx, err)
	}
	var rep tasks.RefreshReply
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("%s reply: %w", t.Type(), err)
	}
	outcome = string(rep.Code)
	switch rep.Code {
	case tasks.ReplyOK:
		return rep.Result, nil
	case tasks.ReplyNotFound:
		return nil, errNotFound
	case tasks.ReplyInvalid:
		return nil, &Error{Code: EINVALID, Message: rep.Message}
	case tasks.ReplyConflict:
		return nil, &Error{Code: ECONFLICT, Message: rep.Message}
	default:
		// writeError logs it in full and tells the client "internal error".
		return nil, fmt.Errorf("%s of %s: worker reply %s: %s", t.Type(), id, rep.Code, rep.Message)
	}
}

// dropRefresh deletes the refresh task id that nobody waits for any more,
// so that no worker computes it late and asynq does not archive it (for 90
// days) once its deadline passes. A task already running cannot be
// deleted; it ends at its deadline.
func (s *Server) dropRefresh(ctx context.Context, id string) {
	if s.cfg.Inspector == nil {
		return
	}
	err := s.cfg.Inspector.DeleteTask(s.cfg.Queues.Refresh, id)
	switch {
	case err == nil:
		s.log.InfoContext(ctx, "refresh task dropped", "reply_id", id, "request_id", RequestID(ctx))
	case errors.Is(err, asynq.ErrTaskNotFound), errors.Is(err, asynq.ErrQueueNotFound):
	default:
		s.log.WarnContext(ctx, "refresh task not dropped", "reply_id", id, "error", err, "request_id", RequestID(ctx))
	}
}
