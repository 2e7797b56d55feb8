package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/hibiken/asynq"

	"github.com/bunkatopics/bunka-go/internal/csvdocs"
	"github.com/bunkatopics/bunka-go/internal/tasks"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// topicsResource handles /topics.
type topicsResource struct{ s *Server }

// Routes returns the /topics routes.
func (rs topicsResource) Routes() chi.Router {
	r := chi.NewRouter()
	r.Post("/", rs.s.handle(rs.postJSON))
	r.Post("/csv", rs.s.handle(rs.postCSV))
	r.Post("/csv/", rs.s.handle(rs.postCSV))
	return r
}

// postJSON is POST /topics/ {"full_docs": [...], "topic_param": {...}}.
func (rs topicsResource) postJSON(w http.ResponseWriter, r *http.Request) error {
	o, err := decodeBody(r)
	if err != nil {
		return err
	}
	var e errs
	docs := o.docs(&e)
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
	return rs.s.enqueueTopics(w, r, tasks.TopicsPayload{Docs: docs, Param: p})
}

// postCSV is POST /topics/csv/, the frontend's upload.
func (rs topicsResource) postCSV(w http.ResponseWriter, r *http.Request) error {
	f, err := rs.s.parseForm(r)
	if err != nil {
		return err
	}
	defer f.close()
	column := f.str("selected_column")
	p := f.topicParam()
	var process flexBool
	f.scan("process_bourdieu", &process)
	q := f.bourdieuQuery()
	if process {
		f.checkQuery(&q)
	}
	if err := f.e.err(); err != nil {
		return err
	}
	docs, err := rs.s.readCSV(r, column)
	if err != nil {
		return err
	}
	payload := tasks.TopicsPayload{Docs: docs, Param: p}
	if process {
		payload.Bourdieu = &q
	}
	return rs.s.enqueueTopics(w, r, payload)
}

func (s *Server) enqueueTopics(w http.ResponseWriter, r *http.Request, p tasks.TopicsPayload) error {
	docs := p.Docs
	p.Docs, p.DocsStored = nil, true
	id, err := s.enqueue(r.Context(), tasks.TypeTopics, docs, func(id string) (*asynq.Task, error) {
		return tasks.NewTopicsTask(id, p, s.cfg.JobTimeout)
	})
	if err != nil {
		return err
	}
	s.keepMeta(r, id, p)
	writeJSON(w, http.StatusOK, taskID{id})
	return nil
}

// maxMemory is how much of a multipart form is kept in memory; the rest of
// the file goes to a temporary file, which form.close removes.
const maxMemory = 32 << 20

// parseForm reads a multipart form with its "file" part. The caller must
// close the form: net/http removes the temporary files of the request it
// passed to the router, not of the copies that middleware make, on which
// the form was parsed.
func (s *Server) parseForm(r *http.Request) (*form, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return nil, Errorf(EINVALID, "body: a multipart/form-data upload with a file field is required")
	}
	body := watchBody(r)
	if err := r.ParseMultipartForm(maxMemory); err != nil {
		if body.err != nil {
			return nil, bodyError(body.err)
		}
		return nil, Errorf(EINVALID, "body: malformed multipart form: %v", err)
	}
	f := &form{r: r, log: s.log}
	if len(r.MultipartForm.File["file"]) == 0 {
		f.e.add("file", "field required")
	}
	return f, nil
}

// readCSV returns the documents of column of the uploaded file, read as
// pandas.read_csv reads it, within the document limit.
func (s *Server) readCSV(r *http.Request, column string) ([]string, error) {
	fh := r.MultipartForm.File["file"][0]
	file, err := fh.Open()
	if err != nil {
		return nil, fmt.Errorf("open upload: %w", err)
	}
	defer file.Close()
	docs, err := csvdocs.Read(file, column, s.cfg.MaxDocs)
	var ce *csvdocs.ColumnError
	switch {
	case errors.As(err, &ce):
		return nil, Errorf(EINVALID, "selected_column: the CSV has no column %q; its columns are %s",
			column, quoteList(ce.Columns))
	case errors.Is(err, csvdocs.ErrTooManyRows):
		return nil, tooManyDocs(s.cfg.MaxDocs)
	case err != nil:
		return nil, Errorf(EINVALID, "file: cannot read the CSV: %s", strings.TrimPrefix(err.Error(), "csvdocs: "))
	}
	if err := checkDocs(docs, s.cfg.MaxDocs, fmt.Sprintf("the column %q has no non-empty cell", column)); err != nil {
		return nil, err
	}
	return docs, nil
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
