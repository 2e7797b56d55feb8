package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/bunkatopics/bunka-go/internal/lang"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
	"github.com/bunkatopics/bunka-go/internal/vecmath"
)

// This file reads request parameters as the original's pydantic models do:
// numbers may come as JSON numbers or numeric strings, booleans as true,
// false, 1, 0 (and yes/no/on/off) in any case, unknown fields are ignored,
// absent ones take their default; anything else is a 422 that says which
// field is wrong.

// decodeBody reads a JSON object body into fields.
func decodeBody(r *http.Request) (object, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, bodyError(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if len(bytes.TrimSpace(b)) == 0 {
			return nil, Errorf(EINVALID, "body: a JSON object is required")
		}
		return nil, Errorf(EINVALID, "body: malformed JSON: %v", err)
	}
	if dec.More() {
		return nil, Errorf(EINVALID, "body: malformed JSON: data after the object")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, Errorf(EINVALID, "body: a JSON object is required, got %s", kind(v))
	}
	return object(m), nil
}

// object is a decoded JSON object.
type object map[string]any

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// errs collects field errors.
type errs []string

func (e *errs) add(field, format string, args ...any) {
	*e = append(*e, field+": "+fmt.Sprintf(format, args...))
}

func (e errs) err() error {
	if len(e) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: strings.Join(e, "; ")}
}

func parseInt(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<31 {
		return 0, false
	}
	return int(f), true
}

func parseFloat(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil && vecmath.IsFinite(f)
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes", "on", "t", "y":
		return true, true
	case "false", "0", "no", "off", "f", "n":
		return false, true
	}
	return false, false
}

// scalar returns v as the string to parse, for JSON numbers, strings and booleans.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case json.Number:
		return x.String(), true
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

func (o object) integer(e *errs, path, name string, dst *int) {
	v, ok := o[name]
	if !ok || v == nil {
		return
	}
	s, ok := scalar(v)
	if _, isBool := v.(bool); !ok || isBool {
		e.add(path+name, "must be an integer, got %s", kind(v))
		return
	}
	n, ok := parseInt(s)
	if !ok {
		e.add(path+name, "must be an integer, got %q", s)
		return
	}
	*dst = n
}

func (o object) number(e *errs, path, name string, dst *float64) {
	v, ok := o[name]
	if !ok || v == nil {
		return
	}
	s, ok := scalar(v)
	if _, isBool := v.(bool); !ok || isBool {
		e.add(path+name, "must be a number, got %s", kind(v))
		return
	}
	f, ok := parseFloat(s)
	if !ok {
		e.add(path+name, "must be a number, got %q", s)
		return
	}
	*dst = f
}

func (o object) boolean(e *errs, path, name string, dst *bool) {
	v, ok := o[name]
	if !ok || v == nil {
		return
	}
	s, ok := scalar(v)
	b, ok2 := parseBool(s)
	if !ok || !ok2 {
		e.add(path+name, "must be a boolean (true, false, 1 or 0), got %s", kind(v))
		return
	}
	*dst = b
}

func (o object) str(e *errs, path, name string, dst *string) {
	v, ok := o[name]
	if !ok || v == nil {
		return
	}
	s, ok := v.(string)
	if !ok {
		e.add(path+name, "must be a string, got %s", kind(v))
		return
	}
	*dst = s
}

func (o object) list(e *errs, path, name string) ([]any, bool) {
	v, ok := o[name]
	if !ok || v == nil {
		return nil, false
	}
	l, ok := v.([]any)
	if !ok {
		e.add(path+name, "must be a list, got %s", kind(v))
		return nil, false
	}
	return l, true
}

func (o object) ints(e *errs, path, name string, dst *[]int) {
	l, ok := o.list(e, path, name)
	if !ok {
		return
	}
	out := make([]int, 0, len(l))
	for i, v := range l {
		s, ok := scalar(v)
		n, ok2 := parseInt(s)
		if _, isBool := v.(bool); !ok || !ok2 || isBool {
			e.add(fmt.Sprintf("%s%s[%d]", path, name, i), "must be an integer, got %s", kind(v))
			return
		}
		out = append(out, n)
	}
	*dst = out
}

// words reads a list of words; each is trimmed and empty ones dropped.
func (o object) words(e *errs, path, name string, dst *[]string) {
	l, ok := o.list(e, path, name)
	if !ok {
		return
	}
	out := make([]string, 0, len(l))
	for i, v := range l {
		s, ok := v.(string)
		if !ok {
			e.add(fmt.Sprintf("%s%s[%d]", path, name, i), "must be a string, got %s", kind(v))
			return
		}
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	*dst = out
}

// sub returns the object in the required field name.
func (o object) sub(e *errs, name string) (object, bool) {
	v, ok := o[name]
	if !ok || v == nil {
		e.add(name, "field required")
		return nil, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		e.add(name, "must be an object, got %s", kind(v))
		return nil, false
	}
	return object(m), true
}

// topicParam reads a TopicParam object over the defaults. name_lenght, the
// original's spelling, is read as name_length.
func (o object) topicParam(e *errs, path string) topicmap.TopicParam {
	p := topicmap.DefaultTopicParam()
	o.integer(e, path, "n_clusters", &p.NClusters)
	o.ints(e, path, "ngrams", &p.Ngrams)
	if _, ok := o["name_length"]; ok {
		o.integer(e, path, "name_length", &p.NameLength)
	} else {
		o.integer(e, path, "name_lenght", &p.NameLength)
	}
	o.integer(e, path, "top_terms_overall", &p.TopTermsOverall)
	o.str(e, path, "language", &p.Language)
	o.boolean(e, path, "clean_topics", &p.CleanTopics)
	o.integer(e, path, "min_count_terms", &p.MinCountTerms)
	checkTopicParam(e, path, &p)
	return p
}

// bourdieuQuery reads a BourdieuQuery object over the defaults.
func (o object) bourdieuQuery(e *errs, path string) topicmap.BourdieuQuery {
	q := topicmap.DefaultBourdieuQuery()
	o.words(e, path, "x_left_words", &q.XLeftWords)
	o.words(e, path, "x_right_words", &q.XRightWords)
	o.words(e, path, "y_top_words", &q.YTopWords)
	o.words(e, path, "y_bottom_words", &q.YBottomWords)
	o.number(e, path, "radius_size", &q.RadiusSize)
	checkBourdieuQuery(e, path, &q)
	return q
}

func checkTopicParam(e *errs, path string, p *topicmap.TopicParam) {
	if p.NClusters < 1 {
		e.add(path+"n_clusters", "must be at least 1, got %d", p.NClusters)
	}
	if p.NameLength < 1 {
		e.add(path+"name_length", "must be at least 1, got %d", p.NameLength)
	}
	if p.TopTermsOverall < 1 {
		e.add(path+"top_terms_overall", "must be at least 1, got %d", p.TopTermsOverall)
	}
	if p.MinCountTerms < 0 {
		e.add(path+"min_count_terms", "must be at least 0, got %d", p.MinCountTerms)
	}
	if len(p.Ngrams) == 0 {
		e.add(path+"ngrams", "must list at least one n-gram size")
	}
	for _, n := range p.Ngrams {
		if n < 1 || n > 10 {
			e.add(path+"ngrams", "sizes must be between 1 and 10, got %d", n)
			break
		}
	}
	p.Language = strings.ToLower(strings.TrimSpace(p.Language))
	switch {
	case p.Language == "":
		e.add(path+"language", "must not be empty")
	case !lang.Supported(p.Language):
		e.add(path+"language", "unsupported language %q: use auto (to detect it) or one of %s, by name or two-letter code",
			p.Language, strings.Join(lang.Names(), ", "))
	}
}

func checkBourdieuQuery(e *errs, path string, q *topicmap.BourdieuQuery) {
	for _, f := range []struct {
		name  string
		words []string
	}{
		{"x_left_words", q.XLeftWords}, {"x_right_words", q.XRightWords},
		{"y_top_words", q.YTopWords}, {"y_bottom_words", q.YBottomWords},
	} {
		if len(f.words) == 0 {
			e.add(path+f.name, "must contain at least one word")
		}
	}
	if q.RadiusSize < 0 {
		e.add(path+"radius_size", "must not be negative, got %g", q.RadiusSize)
	}
}

// docs reads full_docs: a required, non-empty list of strings.
func (o object) docs(e *errs) []string {
	l, ok := o.list(e, "", "full_docs")
	if !ok {
		if _, present := o["full_docs"]; !present || o["full_docs"] == nil {
			e.add("full_docs", "field required")
		}
		return nil
	}
	docs := make([]string, 0, len(l))
	for i, v := range l {
		s, ok := v.(string)
		if !ok {
			e.add(fmt.Sprintf("full_docs[%d]", i), "must be a string, got %s", kind(v))
			return nil
		}
		docs = append(docs, s)
	}
	return docs
}

// checkDocs applies the document limit and refuses an empty list.
func checkDocs(docs []string, maxDocs int, what string) error {
	if len(docs) > maxDocs {
		return tooManyDocs(maxDocs)
	}
	for _, d := range docs {
		if strings.TrimSpace(d) != "" {
			return nil
		}
	}
	return Errorf(EINVALID, "no documents: %s", what)
}

// tooManyDocs is the original's message, with the configured limit.
func tooManyDocs(maxDocs int) error {
	return Errorf(EINVALID, "CSV must contain less than %s lines", thousands(maxDocs))
}

// thousands writes n with spaces between groups of three digits: 10 000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// form reads the multipart form fields of the CSV routes.
type form struct {
	r   *http.Request
	e   errs
	log *slog.Logger
}

// close removes the temporary files of the form's uploads.
func (f *form) close() {
	if err := f.r.MultipartForm.RemoveAll(); err != nil {
		f.log.Warn("upload: temporary files not removed", "error", err, "request_id", RequestID(f.r.Context()))
	}
}

func (f *form) value(name string) (string, bool) {
	vs := f.r.MultipartForm.Value[name]
	if len(vs) == 0 {
		f.e.add(name, "field required")
		return "", false
	}
	return vs[0], true
}

func (f *form) integer(name string) int {
	s, ok := f.value(name)
	if !ok {
		return 0
	}
	n, ok := parseInt(s)
	if !ok {
		f.e.add(name, "must be an integer, got %q", s)
	}
	return n
}

func (f *form) number(name string) float64 {
	s, ok := f.value(name)
	if !ok {
		return 0
	}
	v, ok := parseFloat(s)
	if !ok {
		f.e.add(name, "must be a number, got %q", s)
	}
	return v
}

func (f *form) boolean(name string) bool {
	s, ok := f.value(name)
	if !ok {
		return false
	}
	b, ok := parseBool(s)
	if !ok {
		f.e.add(name, "must be a boolean (true, false, 1 or 0), got %q", s)
	}
	return b
}

func (f *form) str(name string) string {
	s, _ := f.value(name)
	return s
}

// words reads a comma-separated list, trimmed, empty items dropped.
func (f *form) words(name string) []string {
	s, _ := f.value(name)
	var out []string
	for _, w := range strings.Split(s, ",") {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// topicParam reads the topic fields of the CSV forms over the defaults.
func (f *form) topicParam() topicmap.TopicParam {
	p := topicmap.DefaultTopicParam()
	p.NClusters = f.integer("n_clusters")
	p.Language = f.str("language")
	p.NameLength = f.integer("name_length")
	p.CleanTopics = f.boolean("clean_topics")
	p.MinCountTerms = f.integer("min_count_terms")
	if len(f.e) == 0 {
		checkTopicParam(&f.e, "", &p)
	}
	return p
}

// bourdieuQuery reads the axis fields of the CSV forms.
func (f *form) bourdieuQuery() topicmap.BourdieuQuery {
	q := topicmap.BourdieuQuery{
		XLeftWords:   f.words("x_left_words"),
		XRightWords:  f.words("x_right_words"),
		YTopWords:    f.words("y_top_words"),
		YBottomWords: f.words("y_bottom_words"),
		RadiusSize:   f.number("radius_size"),
	}
	return q
}

// checkQuery checks that q has the axis words a Bourdieu map needs (when
// the form has no error yet).
func (f *form) checkQuery(q *topicmap.BourdieuQuery) {
	if len(f.e) == 0 {
		checkBourdieuQuery(&f.e, "", q)
	}
}
