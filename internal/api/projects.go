package api

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/bunkatopics/bunka-go/internal/auth"
	"github.com/bunkatopics/bunka-go/internal/projects"
	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/tasks"
)

// Saved projects: a finished topics job kept in the accounts database
// (internal/projects), so that it outlives Redis.
//
//	POST   /projects                       {"task_id", "name", "description"} -> Project
//	GET    /projects?limit=&offset=        the caller's, newest first
//	GET    /projects/{id}                  Project
//	PATCH  /projects/{id}                  {"name", "description"} -> Project
//	DELETE /projects/{id}
//	GET    /projects/{id}/map              the TopicsResponse, as a task result
//	GET    /projects/{id}/map.{format}     the map drawn (svg, png, html; maps.go)
//	POST   /projects/{id}/bourdieu/refresh as /bourdieu/refresh/{task_id}
//	GET    /projects/{id}/search?q=&k=20 the documents nearest to q
//	POST   /projects/{id}/share            {"token", "path"}: a read-only link
//	DELETE /projects/{id}/share            revokes the project's links
//	GET    /shared/{token}/map             the map, without an account
//	GET    /shared/{token}/map.{format}    the map drawn, without an account

// projectsResource handles /projects.
type projectsResource struct{ s *Server }

// Routes returns the /projects routes.
func (rs projectsResource) Routes() chi.Router {
	r := chi.NewRouter()
	r.Post("/", rs.s.handle(rs.create))
	r.Get("/", rs.s.handle(rs.list))
	r.Get("/{id}", rs.s.handle(rs.get))
	r.Patch("/{id}", rs.s.handle(rs.update))
	r.Delete("/{id}", rs.s.handle(rs.remove))
	r.Get("/{id}/map", rs.s.handle(rs.mapOf))
	r.Get("/{id}/map.{format}", rs.s.handle(rs.mapPicture)) // maps.go's renderings
	r.Post("/{id}/bourdieu/refresh", rs.s.handle(rs.refresh))
	r.Get("/{id}/search", rs.s.handle(rs.search))
	r.Post("/{id}/share", rs.s.handle(rs.share))
	r.Delete("/{id}/share", rs.s.handle(rs.unshare))
	return r
}

// projectJSON is a project as the client sees it.
type projectJSON struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	TaskID      string          `json:"task_id"`
	FileName    string          `json:"file_name"`
	DocCount    int             `json:"doc_count"`
	Embedder    string          `json:"embedder"`
	Params      json.RawMessage `json:"params"`
	SizeBytes   int64           `json:"size_bytes"`
	Created     time.Time       `json:"created"`
	Updated     time.Time       `json:"updated"`
}

func toProjectJSON(p projects.Project) projectJSON {
	params := p.Params
	if len(params) == 0 {
		params = json.RawMessage(`{}`)
	}
	return projectJSON{ID: p.ID, Name: p.Name, Description: p.Description, TaskID: p.TaskID, FileName: p.FileName,
		DocCount: p.DocCount, Embedder: p.Embedder, Params: params, SizeBytes: p.Size, Created: p.Created, Updated: p.Updated}
}

var errNoProject = &Error{Code: ENOTFOUND, Message: "no such project"}

// dbError reports a failure of the accounts database.
func (s *Server) dbError(ctx context.Context, err error) error {
	if errors.Is(err, projects.ErrNotFound) {
		return errNoProject
	}
	s.log.ErrorContext(ctx, "projects database unavailable", "error", err, "request_id", RequestID(ctx))
	return &Error{Code: EUNAVAILABLE, Message: "the projects database is unavailable, try again later"}
}

// anonymousEmail names the user who owns the projects saved with auth off.
const anonymousEmail = "anonymous@localhost"

// anon caches the anonymous user's id.
type anon struct {
	mu sync.Mutex
	id int64
}

// projectUser is the user whose projects the request reads and writes: the
// caller, or with auth off and no credentials, the anonymous user (a
// disabled account that cannot sign in).
func (s *Server) projectUser(ctx context.Context) (int64, error) {
	if c, ok := auth.FromContext(ctx); ok {
		return c.User.ID, nil
	}
	if s.authOn() {
		return 0, s.authError(ctx, auth.ErrNoCredentials)
	}
	s.anon.mu.Lock()
	defer s.anon.mu.Unlock()
	if s.anon.id != 0 {
		return s.anon.id, nil
	}
	ps := s.cfg.Projects
	u, err := ps.UserByEmail(ctx, anonymousEmail)
	if errors.Is(err, projects.ErrNotFound) {
		if u, err = ps.CreateUser(ctx, anonymousEmail, "!"); errors.Is(err, projects.ErrExists) {
			u, err = ps.UserByEmail(ctx, anonymousEmail)
		}
		if err == nil && !u.Disabled {
			err = ps.SetDisabled(ctx, u.ID, true)
		}
	}
	if err != nil {
		return 0, s.dbError(ctx, err)
	}
	s.anon.id = u.ID
	return u.ID, nil
}

// jobMeta is what the API keeps of a topics job beside its payload.
type jobMeta struct {
	Params   json.RawMessage `json:"params"`
	FileName string          `json:"file_name,omitempty"`
}

// checkText checks a free-text field's length.
func checkText(e *errs, name, v string, min, max int) {
	if n := utf8.RuneCountInString(strings.TrimSpace(v)); n < min || n > max {
		e.add(name, "want %d to %d characters", min, max)
	}
}

// create is POST /projects {"task_id", "name", "description"}.
func (rs projectsResource) create(w http.ResponseWriter, r *http.Request) error {
	s := rs.s
	ctx := r.Context()
	uid, err := s.projectUser(ctx)
	if err != nil {
		return err
	}
	o, err := decodeBody(r)
	if err != nil {
		return err
	}
	var e errs
	taskID := required(o, &e, "task_id")
	name := required(o, &e, "name")
	var desc string
	o.str(&e, "", "description", &desc)
	checkText(&e, "name", name, 1, 200)
	checkText(&e, "description", desc, 0, 10000)
	if err := e.err(); err != nil {
		return err
	}
	if err := s.checkOwner(ctx, taskID); err != nil {
		return noTask(err)
	}
	st, err := s.store.Status(ctx, taskID)
	if isNotFound(err) || (err == nil && (st.State != store.Success || st.Kind != tasks.TypeTopics)) {
		return Errorf(ENOTFOUND, "no finished topics task %q (results stay in Redis for BUNKA_RESULT_TTL)", taskID)
	}
	if err != nil {
		return s.unavailable(ctx, err)
	}
	result, err := s.store.Result(ctx, taskID)
	if err != nil {
		return noTask(s.unavailableOr404(ctx, err))
	}
	state, err := s.store.PipelineState(ctx, taskID)
	if err != nil {
		return noTask(s.unavailableOr404(ctx, err))
	}
	var docs struct {
		Docs []json.RawMessage `json:"docs"`
	}
	if err := json.Unmarshal(result, &docs); err != nil {
		return err // a stored result that is not JSON: internal
	}
	p := projects.Project{ID: uuid.NewString(), UserID: uid, Name: strings.TrimSpace(name), Description: desc,
		TaskID: taskID, DocCount: len(docs.Docs), Embedder: embedderOf(state)}
	if b, err := s.store.Meta(ctx, taskID); err == nil {
		var m jobMeta
		if json.Unmarshal(b, &m) == nil {
			p.Params, p.FileName = m.Params, m.FileName
		}
	}
	p, err = s.cfg.Projects.CreateProject(ctx, p, projects.Data{Result: result, State: state})
	if err != nil {
		return s.dbError(ctx, err)
	}
	s.log.InfoContext(ctx, "project saved", "project_id", p.ID, "task_id", taskID, "docs", p.DocCount,
		"size_bytes", p.Size, "request_id", RequestID(ctx))
	writeJSON(w, http.StatusCreated, toProjectJSON(p))
	return nil
}

// noTask words a task's 404 for POST /projects.
func noTask(err error) error {
	var e *Error
	if errors.As(err, &e) && e.Code == ENOTFOUND {
		return Errorf(ENOTFOUND, "no finished topics task with this id")
	}
	return err
}

func (s *Server) unavailableOr404(ctx context.Context, err error) error {
	if isNotFound(err) {
		return errNotFound
	}
	return s.unavailable(ctx, err)
}

// embedderOf reads the embedder's name at the head of a pipeline state
// (pipeline.State.MarshalBinary); "" when it cannot.
func embedderOf(state []byte) string {
	return stateEmbedder(state)
}

// list is GET /projects?limit=20&offset=0.
func (rs projectsResource) list(w http.ResponseWriter, r *http.Request) error {
	s := rs.s
	ctx := r.Context()
	uid, err := s.projectUser(ctx)
	if err != nil {
		return err
	}
	limit, offset := 20, 0
	var e errs
	query := r.URL.Query()
	for _, f := range []struct {
		name     string
		dst      *int
		min, max int
	}{{"limit", &limit, 1, 100}, {"offset", &offset, 0, 1 << 30}} {
		if v := query.Get(f.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < f.min || n > f.max {
				e.add(f.name, "want an integer from %d to %d", f.min, f.max)
				continue
			}
			*f.dst = n
		}
	}
	if err := e.err(); err != nil {
		return err
	}
	ps, err := s.cfg.Projects.Projects(ctx, uid, limit+1, offset)
	if err != nil {
		return s.dbError(ctx, err)
	}
	out := struct {
		Projects   []projectJSON `json:"projects"`
		NextOffset *int          `json:"next_offset"`
	}{Projects: []projectJSON{}}
	if len(ps) > limit {
		ps = ps[:limit]
		next := offset + limit
		out.NextOffset = &next
	}
	for _, p := range ps {
		out.Projects = append(out.Projects, toProjectJSON(p))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// project returns the caller's project of the route.
func (rs projectsResource) project(r *http.Request) (projects.Project, error) {
	ctx := r.Context()
	uid, err := rs.s.projectUser(ctx)
	if err != nil {
		return projects.Project{}, err
	}
	p, err := rs.s.cfg.Projects.Project(ctx, uid, chi.URLParam(r, "id"))
	if err != nil {
		return projects.Project{}, rs.s.dbError(ctx, err)
	}
	return p, nil
}

func (rs projectsResource) get(w http.ResponseWriter, r *http.Request) error {
	p, err := rs.project(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toProjectJSON(p))
	return nil
}

// update is PATCH /projects/{id} {"name", "description"}.
func (rs projectsResource) update(w http.ResponseWriter, r *http.Request) error {
	p, err := rs.project(r)
	if err != nil {
		return err
	}
	o, err := decodeBody(r)
	if err != nil {
		return err
	}
	var e errs
	name, desc := p.Name, p.Description
	_, hasName := o["name"]
	_, hasDesc := o["description"]
	if !hasName && !hasDesc {
		e.add("body", "name or description required")
	}
	o.str(&e, "", "name", &name)
	o.str(&e, "", "description", &desc)
	checkText(&e, "name", name, 1, 200)
	checkText(&e, "description", desc, 0, 10000)
	if err := e.err(); err != nil {
		return err
	}
	ctx := r.Context()
	p, err = rs.s.cfg.Projects.UpdateProject(ctx, p.UserID, p.ID, strings.TrimSpace(name), desc)
	if err != nil {
		return rs.s.dbError(ctx, err)
	}
	writeJSON(w, http.StatusOK, toProjectJSON(p))
	return nil
}

// remove is DELETE /projects/{id}: the project, its data and its links.
func (rs projectsResource) remove(w http.ResponseWriter, r *http.Request) error {
	p, err := rs.project(r)
	if err != nil {
		return err
	}
	if err := rs.s.cfg.Projects.DeleteProject(r.Context(), p.UserID, p.ID); err != nil {
		return rs.s.dbError(r.Context(), err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// mapOf is GET /projects/{id}/map: the TopicsResponse JSON of the job.
func (rs projectsResource) mapOf(w http.ResponseWriter, r *http.Request) error {
	p, err := rs.project(r)
	if err != nil {
		return err
	}
	return rs.s.writeMap(w, r, p)
}

// mapPicture is GET /projects/{id}/map.{svg,png,html}: the saved map
// drawn, with the options of a task's map.{format}.
func (rs projectsResource) mapPicture(w http.ResponseWriter, r *http.Request) error {
	req, err := readMapRequest(r)
	if err != nil {
		return err
	}
	p, err := rs.project(r)
	if err != nil {
		return err
	}
	return rs.s.writeProjectPicture(w, r, req, p, "project-"+p.ID)
}

// writeProjectPicture draws project p's saved result as req asks.
func (s *Server) writeProjectPicture(w http.ResponseWriter, r *http.Request, req mapRequest, p projects.Project, name string) error {
	d, err := s.cfg.Projects.ProjectData(r.Context(), p.ID)
	if err != nil {
		return s.dbError(r.Context(), err)
	}
	return writeMapPicture(w, r, req, d.Result, name)
}

func (s *Server) writeMap(w http.ResponseWriter, r *http.Request, p projects.Project) error {
	d, err := s.cfg.Projects.ProjectData(r.Context(), p.ID)
	if err != nil {
		return s.dbError(r.Context(), err)
	}
	writeRawJSON(w, http.StatusOK, d.Result)
	return nil
}

// refresh is POST /projects/{id}/bourdieu/refresh: the saved state goes
// to Redis for the time of the refresh, for a worker to compute it as it
// does a task's, so that a project refreshes long after its task expired.
func (rs projectsResource) refresh(w http.ResponseWriter, r *http.Request) error {
	s := rs.s
	p, err := rs.project(r)
	if err != nil {
		return err
	}
	q, tp, err := refreshBody(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	tmp, unstage, err := s.stage(ctx, p)
	if err != nil {
		return err
	}
	defer unstage()
	b, err := s.runRefresh(ctx, tmp, q, tp)
	if err != nil || b == nil {
		return err
	}
	writeRawJSON(w, http.StatusOK, b)
	return nil
}

// share is POST /projects/{id}/share: a new read-only link.
func (rs projectsResource) share(w http.ResponseWriter, r *http.Request) error {
	p, err := rs.project(r)
	if err != nil {
		return err
	}
	token, digest := auth.NewShareToken()
	if err := rs.s.cfg.Projects.CreateShare(r.Context(), p.ID, digest); err != nil {
		return rs.s.dbError(r.Context(), err)
	}
	writeJSON(w, http.StatusCreated, map[string]string{"token": token, "path": "/shared/" + token + "/map"})
	return nil
}

// unshare is DELETE /projects/{id}/share: every link of the project stops working.
func (rs projectsResource) unshare(w http.ResponseWriter, r *http.Request) error {
	p, err := rs.project(r)
	if err != nil {
		return err
	}
	if err := rs.s.cfg.Projects.DeleteShares(r.Context(), p.ID); err != nil {
		return rs.s.dbError(r.Context(), err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// sharedMap is GET /shared/{token}/map, open to anyone with the link.
func (s *Server) sharedMap(w http.ResponseWriter, r *http.Request) error {
	p, err := s.cfg.Projects.SharedProject(r.Context(), auth.Digest(chi.URLParam(r, "token")))
	if err != nil {
		return s.dbError(r.Context(), err)
	}
	return s.writeMap(w, r, p)
}

// sharedMapPicture is GET /shared/{token}/map.{svg,png,html}, open to
// anyone with the link; the file is named "shared", not after the project.
func (s *Server) sharedMapPicture(w http.ResponseWriter, r *http.Request) error {
	req, err := readMapRequest(r)
	if err != nil {
		return err
	}
	p, err := s.cfg.Projects.SharedProject(r.Context(), auth.Digest(chi.URLParam(r, "token")))
	if err != nil {
		return s.dbError(r.Context(), err)
	}
	return s.writeProjectPicture(w, r, req, p, "shared")
}

// stateEmbedder reads the embedder's name at the head of a pipeline state
// as pipeline.State.MarshalBinary writes it (4 magic bytes, then the name
// with its uvarint length), without linking the pipeline into the API.
func stateEmbedder(state []byte) string {
	if len(state) < 4 {
		return ""
	}
	n, k := binary.Uvarint(state[4:])
	if k <= 0 || n > uint64(len(state)-4-k) {
		return ""
	}
	return string(state[4+k : 4+k+int(n)])
}

// keepMeta records a topics job's parameters and file name, which a saved
// project keeps. A failure only leaves them out of the project.
func (s *Server) keepMeta(r *http.Request, id string, p tasks.TopicsPayload) {
	m := struct {
		Param    any    `json:"topic_param"`
		Bourdieu any    `json:"bourdieu_query,omitempty"`
		FileName string `json:"-"`
	}{Param: p.Param, Bourdieu: p.Bourdieu}
	params, err := json.Marshal(m)
	if err != nil {
		return
	}
	meta := jobMeta{Params: params}
	if r.MultipartForm != nil {
		if fs := r.MultipartForm.File["file"]; len(fs) > 0 {
			meta.FileName = fs[0].Filename
		}
	}
	b, err := json.Marshal(meta)
	if err != nil {
		return
	}
	if err := s.store.SetMeta(r.Context(), id, b); err != nil {
		s.log.WarnContext(r.Context(), "job parameters not kept", "task_id", id, "error", err)
	}
}

// stage puts a project's data in Redis under a temporary task id for a
// worker to read as a finished task's; the returned function removes it.
func (s *Server) stage(ctx context.Context, p projects.Project) (string, func(), error) {
	d, err := s.cfg.Projects.ProjectData(ctx, p.ID)
	if err != nil {
		return "", nil, s.dbError(ctx, err)
	}
	tmp := "project-" + p.ID + "-" + uuid.NewString()
	if err := s.store.Succeed(ctx, store.Run{ID: tmp}, d.Result, d.State, ""); err != nil {
		return "", nil, s.unavailable(ctx, err)
	}
	return tmp, func() { s.store.Delete(context.WithoutCancel(ctx), tmp) }, nil
}

// searchHit is one document of a search's answer.
type searchHit struct {
	DocID   string  `json:"doc_id"`
	Content string  `json:"content"`
	TopicID *string `json:"topic_id"`
	Score   float64 `json:"score"`
}

// search is GET /projects/{id}/search?q=...&k=20: the k documents whose
// embeddings are nearest (cosine) to the query's, embedded by a worker
// with the project's embedder.
func (rs projectsResource) search(w http.ResponseWriter, r *http.Request) error {
	s := rs.s
	p, err := rs.project(r)
	if err != nil {
		return err
	}
	var e errs
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" || utf8.RuneCountInString(q) > 1000 {
		e.add("q", "want a query of 1 to 1000 characters")
	}
	k := 20
	if v := r.URL.Query().Get("k"); v != "" {
		if k, err = strconv.Atoi(v); err != nil || k < 1 || k > 1000 {
			e.add("k", "want an integer from 1 to 1000")
		}
	}
	if err := e.err(); err != nil {
		return err
	}
	ctx := r.Context()
	var params struct {
		Param struct {
			Language string `json:"language"`
		} `json:"topic_param"`
	}
	json.Unmarshal(p.Params, &params) // absent or odd: the default language
	tmp, unstage, err := s.stage(ctx, p)
	if err != nil {
		return err
	}
	defer unstage()
	payload := tasks.SearchPayload{TaskID: tmp, ReplyID: uuid.NewString(), Query: q, Language: params.Param.Language, K: k}
	t, err := tasks.NewSearchTask(payload, s.cfg.RefreshTimeout)
	if err != nil {
		return err
	}
	b, err := s.askWorker(ctx, t, tmp, payload.ReplyID)
	if err != nil || b == nil {
		return err
	}
	var hits []struct {
		Index int     `json:"index"`
		Score float64 `json:"score"`
	}
	if err := json.Unmarshal(b, &hits); err != nil {
		return fmt.Errorf("search reply: %w", err)
	}
	d, err := s.cfg.Projects.ProjectData(ctx, p.ID)
	if err != nil {
		return s.dbError(ctx, err)
	}
	var res struct {
		Docs []struct {
			DocID   string  `json:"doc_id"`
			Content string  `json:"content"`
			TopicID *string `json:"topic_id"`
		} `json:"docs"`
	}
	if err := json.Unmarshal(d.Result, &res); err != nil {
		return fmt.Errorf("search: project %s: %w", p.ID, err)
	}
	out := make([]searchHit, 0, len(hits))
	for _, h := range hits {
		if h.Index < 0 || h.Index >= len(res.Docs) {
			return fmt.Errorf("search: hit %d of %d documents", h.Index, len(res.Docs))
		}
		doc := res.Docs[h.Index]
		out = append(out, searchHit{DocID: doc.DocID, Content: doc.Content, TopicID: doc.TopicID, Score: h.Score})
	}
	writeJSON(w, http.StatusOK, map[string]any{"query": q, "results": out})
	return nil
}
