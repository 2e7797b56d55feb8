package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
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
// field is wrong. The flexible types below (flexInt, flexFloat, flexBool,
// flexInts, wordList, jsonString) are json.Unmarshalers, and the scalar ones
// also encoding.TextUnmarshalers for the multipart forms, so both paths
// share one parser. A JSON object is decoded field by field into them so
// that every wrong field is reported, not only the first.

// decodeBody reads a JSON object body.
func decodeBody(r *http.Request) (object, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, bodyError(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		if len(bytes.TrimSpace(b)) == 0 {
			return nil, Errorf(EINVALID, "body: a JSON object is required")
		}
		return nil, Errorf(EINVALID, "body: malformed JSON: %v", err)
	}
	if dec.More() {
		return nil, Errorf(EINVALID, "body: malformed JSON: data after the object")
	}
	var o object
	if kindOf(raw) != "an object" || json.Unmarshal(raw, &o) != nil {
		return nil, Errorf(EINVALID, "body: a JSON object is required, got %s", kindOf(raw))
	}
	return o, nil
}

// object is a JSON object whose fields are not decoded yet.
type object map[string]json.RawMessage

// kindOf names the kind of the JSON value raw, for error messages.
func kindOf(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case '"':
		return "a string"
	case '[':
		return "a list"
	case '{':
		return "an object"
	}
	return "a number"
}

func isNull(raw []byte) bool { return string(bytes.TrimSpace(raw)) == "null" }

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

// fieldError is a wrong value; its message follows the field's name.
type fieldError struct{ msg string }

func (e *fieldError) Error() string { return e.msg }

func wrong(format string, args ...any) error {
	return &fieldError{msg: fmt.Sprintf(format, args...)}
}

// itemError is a wrong item of a list field.
type itemError struct {
	i   int
	err error
}

func (e *itemError) Error() string { return fmt.Sprintf("[%d]: %v", e.i, e.err) }

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

// jsonScalar returns the text of a JSON number or string, for the
// flexible types; ok is false for every other kind.
func jsonScalar(raw []byte) (string, bool) {
	switch kindOf(raw) {
	case "a number":
		return string(bytes.TrimSpace(raw)), true
	case "a string":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", false
		}
		return s, true
	}
	return "", false
}

// flexInt is an int that also accepts a numeric string and a float with no
// fractional part: 3, "3", 3.0, " 3 ".
type flexInt int

func (n *flexInt) UnmarshalText(b []byte) error {
	v, ok := parseInt(string(b))
	if !ok {
		return wrong("must be an integer, got %q", b)
	}
	*n = flexInt(v)
	return nil
}

// UnmarshalJSON leaves n as it is for null.
func (n *flexInt) UnmarshalJSON(raw []byte) error {
	if isNull(raw) {
		return nil
	}
	s, ok := jsonScalar(raw)
	if !ok {
		return wrong("must be an integer, got %s", kindOf(raw))
	}
	return n.UnmarshalText([]byte(s))
}

// flexFloat is a finite float64 that also accepts a numeric string.
type flexFloat float64

func (f *flexFloat) UnmarshalText(b []byte) error {
	v, ok := parseFloat(string(b))
	if !ok {
		return wrong("must be a number, got %q", b)
	}
	*f = flexFloat(v)
	return nil
}

// UnmarshalJSON leaves f as it is for null.
func (f *flexFloat) UnmarshalJSON(raw []byte) error {
	if isNull(raw) {
		return nil
	}
	s, ok := jsonScalar(raw)
	if !ok {
		return wrong("must be a number, got %s", kindOf(raw))
	}
	return f.UnmarshalText([]byte(s))
}

// flexBool is a bool that also accepts 1 and 0 and the strings true,
// false, 1, 0, yes, no, on, off, t, f, y, n in any case.
type flexBool bool

const boolWanted = "must be a boolean (true, false, 1 or 0), got "

func (v *flexBool) UnmarshalText(b []byte) error {
	x, ok := parseBool(string(b))
	if !ok {
		return wrong(boolWanted+"%q", b)
	}
	*v = flexBool(x)
	return nil
}

// UnmarshalJSON leaves v as it is for null.
func (v *flexBool) UnmarshalJSON(raw []byte) error {
	if isNull(raw) {
		return nil
	}
	s, ok := jsonScalar(raw)
	if k := kindOf(raw); k == "a boolean" {
		s, ok = string(bytes.TrimSpace(raw)), true
	}
	x, ok2 := parseBool(s)
	if !ok || !ok2 {
		return wrong(boolWanted+"%s", kindOf(raw))
	}
	*v = flexBool(x)
	return nil
}

// jsonString is a string that says what it got instead.
type jsonString string

// UnmarshalJSON leaves s as it is for null.
func (s *jsonString) UnmarshalJSON(raw []byte) error {
	if isNull(raw) {
		return nil
	}
	var v string
	if kindOf(raw) != "a string" || json.Unmarshal(raw, &v) != nil {
		return wrong("must be a string, got %s", kindOf(raw))
	}
	*s = jsonString(v)
	return nil
}

// items splits a JSON list, or says what raw is instead.
func items(raw []byte) ([]json.RawMessage, error) {
	var l []json.RawMessage
	if kindOf(raw) != "a list" || json.Unmarshal(raw, &l) != nil {
		return nil, wrong("must be a list, got %s", kindOf(raw))
	}
	return l, nil
}

// flexInts is a list of flexible ints (not booleans).
type flexInts []int

// UnmarshalJSON leaves l as it is for null.
func (l *flexInts) UnmarshalJSON(raw []byte) error {
	if isNull(raw) {
		return nil
	}
	vs, err := items(raw)
	if err != nil {
		return err
	}
	out := make([]int, 0, len(vs))
	for i, v := range vs {
		var n flexInt
		if isNull(v) || n.UnmarshalJSON(v) != nil {
			return &itemError{i, wrong("must be an integer, got %s", kindOf(v))}
		}
		out = append(out, int(n))
	}
	*l = out
	return nil
}

// stringList is a list of strings.
type stringList []string

// UnmarshalJSON leaves l as it is for null.
func (l *stringList) UnmarshalJSON(raw []byte) error {
	if isNull(raw) {
		return nil
	}
	vs, err := items(raw)
	if err != nil {
		return err
	}
	out := make([]string, 0, len(vs))
	for i, v := range vs {
		var s jsonString
		if isNull(v) || s.UnmarshalJSON(v) != nil {
			return &itemError{i, wrong("must be a string, got %s", kindOf(v))}
		}
		out = append(out, string(s))
	}
	*l = out
	return nil
}

// wordList is a list of words, each trimmed, empty ones dropped.
type wordList []string

// UnmarshalJSON leaves l as it is for null.
func (l *wordList) UnmarshalJSON(raw []byte) error {
	var all stringList
	if err := all.UnmarshalJSON(raw); err != nil || all == nil {
		return err
	}
	out := make([]string, 0, len(all))
	for _, s := range all {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	*l = out
	return nil
}

// UnmarshalText reads a comma-separated list, as the forms send it.
func (l *wordList) UnmarshalText(b []byte) error {
	var out []string
	for _, w := range strings.Split(string(b), ",") {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	*l = out
	return nil
}

// field decodes the field name of o into dst and records its error under
// path+name; an absent field leaves dst as it is (null too, by the types'
// UnmarshalJSON).
func (o object) field(e *errs, path, name string, dst json.Unmarshaler) {
	raw, ok := o[name]
	if !ok {
		return
	}
	if err := dst.UnmarshalJSON(raw); err != nil {
		addError(e, path+name, err)
	}
}

func addError(e *errs, name string, err error) {
	var ie *itemError
	if errors.As(err, &ie) {
		name, err = fmt.Sprintf("%s[%d]", name, ie.i), ie.err
	}
	e.add(name, "%s", err.Error())
}

func (o object) str(e *errs, path, name string, dst *string) {
	o.field(e, path, name, (*jsonString)(dst))
}

// sub returns the object in the required field name.
func (o object) sub(e *errs, name string) (object, bool) {
	raw, ok := o[name]
	if !ok || isNull(raw) {
		e.add(name, "field required")
		return nil, false
	}
	var m object
	if kindOf(raw) != "an object" || json.Unmarshal(raw, &m) != nil {
		e.add(name, "must be an object, got %s", kindOf(raw))
		return nil, false
	}
	return m, true
}

// topicParam reads a TopicParam object over the defaults. name_lenght, the
// original's spelling, is read as name_length.
func (o object) topicParam(e *errs, path string) topicmap.TopicParam {
	p := topicmap.DefaultTopicParam()
	o.field(e, path, "n_clusters", (*flexInt)(&p.NClusters))
	o.field(e, path, "ngrams", (*flexInts)(&p.Ngrams))
	if _, ok := o["name_length"]; ok {
		o.field(e, path, "name_length", (*flexInt)(&p.NameLength))
	} else {
		o.field(e, path, "name_lenght", (*flexInt)(&p.NameLength))
	}
	o.field(e, path, "top_terms_overall", (*flexInt)(&p.TopTermsOverall))
	o.str(e, path, "language", &p.Language)
	o.field(e, path, "clean_topics", (*flexBool)(&p.CleanTopics))
	o.field(e, path, "min_count_terms", (*flexInt)(&p.MinCountTerms))
	checkTopicParam(e, path, &p)
	return p
}

// bourdieuQuery reads a BourdieuQuery object over the defaults.
func (o object) bourdieuQuery(e *errs, path string) topicmap.BourdieuQuery {
	q := topicmap.DefaultBourdieuQuery()
	o.field(e, path, "x_left_words", (*wordList)(&q.XLeftWords))
	o.field(e, path, "x_right_words", (*wordList)(&q.XRightWords))
	o.field(e, path, "y_top_words", (*wordList)(&q.YTopWords))
	o.field(e, path, "y_bottom_words", (*wordList)(&q.YBottomWords))
	o.field(e, path, "radius_size", (*flexFloat)(&q.RadiusSize))
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

// docs reads full_docs: a required list of strings.
func (o object) docs(e *errs) []string {
	raw, ok := o["full_docs"]
	if !ok || isNull(raw) {
		e.add("full_docs", "field required")
		return nil
	}
	var docs stringList
	if err := docs.UnmarshalJSON(raw); err != nil {
		addError(e, "full_docs", err)
		return nil
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

// scan parses the required field name into dst.
func (f *form) scan(name string, dst encoding.TextUnmarshaler) {
	s, ok := f.value(name)
	if !ok {
		return
	}
	if err := dst.UnmarshalText([]byte(s)); err != nil {
		f.e.add(name, "%s", err.Error())
	}
}

func (f *form) str(name string) string {
	s, _ := f.value(name)
	return s
}

// topicParam reads the topic fields of the CSV forms over the defaults.
func (f *form) topicParam() topicmap.TopicParam {
	p := topicmap.DefaultTopicParam()
	f.scan("n_clusters", (*flexInt)(&p.NClusters))
	p.Language = f.str("language")
	f.scan("name_length", (*flexInt)(&p.NameLength))
	f.scan("clean_topics", (*flexBool)(&p.CleanTopics))
	f.scan("min_count_terms", (*flexInt)(&p.MinCountTerms))
	if len(f.e) == 0 {
		checkTopicParam(&f.e, "", &p)
	}
	return p
}

// bourdieuQuery reads the axis fields of the CSV forms.
func (f *form) bourdieuQuery() topicmap.BourdieuQuery {
	var q topicmap.BourdieuQuery
	f.scan("x_left_words", (*wordList)(&q.XLeftWords))
	f.scan("x_right_words", (*wordList)(&q.XRightWords))
	f.scan("y_top_words", (*wordList)(&q.YTopWords))
	f.scan("y_bottom_words", (*wordList)(&q.YBottomWords))
	f.scan("radius_size", (*flexFloat)(&q.RadiusSize))
	return q
}

// checkQuery checks that q has the axis words a Bourdieu map needs (when
// the form has no error yet).
func (f *form) checkQuery(q *topicmap.BourdieuQuery) {
	if len(f.e) == 0 {
		checkBourdieuQuery(&f.e, "", q)
	}
}
