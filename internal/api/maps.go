package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/bunkatopics/bunka-go/internal/render"
	"github.com/bunkatopics/bunka-go/internal/tasks"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// mapFormats are the renderings of the map.{format} routes of tasks,
// projects and share links.
var mapFormats = map[string]struct {
	contentType string
	draw        func(*render.Map) func(io.Writer, render.Options) error
}{
	"svg":  {"image/svg+xml", func(m *render.Map) func(io.Writer, render.Options) error { return m.SVG }},
	"png":  {"image/png", func(m *render.Map) func(io.Writer, render.Options) error { return m.PNG }},
	"html": {"text/html; charset=utf-8", func(m *render.Map) func(io.Writer, render.Options) error { return m.HTML }},
}

// renderSlots bounds the renderings drawn at once to the CPUs; the others
// wait for a slot.
var renderSlots = make(chan struct{}, runtime.GOMAXPROCS(0))

// mapCacheSeconds is how long a client may keep a map without asking
// again; after that it revalidates with its ETag.
const mapCacheSeconds = 300

// taskMap is GET /tasks/{task_name}/{task_id}/map.{svg,png,html}: a picture
// of the result, under the same 404 rules as /result. Under topics,
// ?view=bourdieu draws the job's Bourdieu map; under bourdieu the Bourdieu
// map is drawn (of a Bourdieu job, or of a topics job that has one).
// Options: width, height, scale, dark, contours, title; download=true asks for an
// attachment rather than an inline picture.
func (rs tasksResource) taskMap(w http.ResponseWriter, r *http.Request) error {
	if err := taskName(r); err != nil {
		return err
	}
	req, err := readMapRequest(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	id := chi.URLParam(r, "task_id")
	if err := rs.s.checkOwner(ctx, id); err != nil {
		return err
	}
	b, err := rs.s.store.Result(ctx, id)
	if isNotFound(err) {
		return errNotFound
	}
	if err != nil {
		return rs.s.unavailable(ctx, err)
	}
	req.bourdieu = chi.URLParam(r, "task_name") == tasks.TypeBourdieu
	return writeMapPicture(w, r, req, b, id)
}

// mapRequest is what a map.{format} URL asks for.
type mapRequest struct {
	ext      string // svg, png or html
	view     render.View
	opt      render.Options
	download bool
	bourdieu bool // draw the Bourdieu map whatever the view
}

// readMapRequest reads the format from the route and the options from the
// query: an unknown format is a 404, a bad option a 422.
func readMapRequest(r *http.Request) (mapRequest, error) {
	req := mapRequest{ext: chi.URLParam(r, "format")}
	if _, ok := mapFormats[req.ext]; !ok {
		return req, errNotFound
	}
	var err error
	req.view, req.opt, req.download, err = mapParams(r)
	return req, err
}

// writeMapPicture draws the stored result b as req asks and writes it, with
// an ETag, caching headers and a file name made of the map's kind and name.
func writeMapPicture(w http.ResponseWriter, r *http.Request, req mapRequest, b []byte, name string) error {
	ctx := r.Context()
	// The same result, format and options draw the same map.
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%t\x00%s\x00", req.ext, req.view, req.bourdieu, r.URL.RawQuery)
	h.Write(b)
	etag := `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
	hdr := w.Header()
	hdr.Set("ETag", etag)
	hdr.Set("Cache-Control", fmt.Sprintf("private, max-age=%d", mapCacheSeconds))
	hdr.Set("Vary", "Accept-Encoding")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}

	m, err := decodeMap(b, req.view, req.bourdieu)
	if err != nil {
		return err
	}
	select {
	case renderSlots <- struct{}{}:
		defer func() { <-renderSlots }()
	case <-ctx.Done():
		return nil // the client went away
	}
	var out bytes.Buffer
	if err := mapFormats[req.ext].draw(m)(&out, req.opt); err != nil {
		return fmt.Errorf("map of %s: %w", name, err)
	}
	disposition := "inline"
	if req.download {
		disposition = "attachment"
	}
	file := fmt.Sprintf("bunka-%s-%s.%s", m.Kind, name, req.ext)
	hdr.Set("Content-Type", mapFormats[req.ext].contentType)
	hdr.Set("Content-Disposition", fmt.Sprintf("%s; filename=%q", disposition, file))
	hdr.Set("Content-Length", strconv.Itoa(out.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(out.Bytes())
	return nil
}

// mapParams reads the query's view and rendering options.
func mapParams(r *http.Request) (view render.View, opt render.Options, download bool, err error) {
	q := r.URL.Query()
	var e errs
	view, verr := render.ParseView(q.Get("view"))
	if verr != nil {
		e.add("view", "must be topics or bourdieu")
	}
	intParam := func(name string, dst *int, lo, hi int) {
		if s := q.Get(name); s != "" {
			v, err := strconv.Atoi(s)
			if err != nil || v < lo || v > hi {
				e.add(name, "must be an integer in [%d, %d]", lo, hi)
				return
			}
			*dst = v
		}
	}
	boolParam := func(name string, dst *bool) {
		if s := q.Get(name); s != "" {
			v, err := strconv.ParseBool(s)
			if err != nil {
				e.add(name, "must be true or false")
				return
			}
			*dst = v
		}
	}
	intParam("width", &opt.Width, render.MinSide, render.MaxSide)
	intParam("height", &opt.Height, render.MinSide, render.MaxSide)
	if s := q.Get("scale"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || !(v >= render.MinScale && v <= render.MaxScale) {
			e.add("scale", "must be a number in [%g, %d]", render.MinScale, render.MaxScale)
		} else {
			opt.Scale = v
		}
	}
	boolParam("dark", &opt.Dark)
	boolParam("contours", &opt.Contours)
	boolParam("download", &download)
	if t := q.Get("title"); len(t) > 200 {
		e.add("title", "must be at most 200 bytes")
	} else {
		opt.Title = t
	}
	if err := e.err(); err != nil {
		return "", opt, false, err
	}
	if err := opt.Check(); err != nil {
		return "", opt, false, Errorf(EINVALID, "%s", err.Error())
	}
	return view, opt, download, nil
}

// decodeMap reads a stored result: a BourdieuResponse (it has a "query"),
// or a TopicsResponse drawn in view, in its Bourdieu view when bourdieu is
// set. A topics job without a Bourdieu map has none to draw: 404.
func decodeMap(b []byte, view render.View, bourdieu bool) (*render.Map, error) {
	var probe struct {
		Query json.RawMessage `json:"query"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("stored result: %w", err)
	}
	if probe.Query != nil {
		var res topicmap.BourdieuResponse
		if err := json.Unmarshal(b, &res); err != nil {
			return nil, fmt.Errorf("stored result: %w", err)
		}
		return render.FromBourdieu(&res), nil
	}
	var res topicmap.TopicsResponse
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("stored result: %w", err)
	}
	if bourdieu {
		view = render.ViewBourdieu
	}
	m, err := render.FromTopics(&res, view)
	if errors.Is(err, render.ErrNoBourdieu) {
		return nil, Errorf(ENOTFOUND, "this topics job has no Bourdieu map (it was not asked for, or its axes could not be placed)")
	}
	return m, err
}
