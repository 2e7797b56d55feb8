package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bunkatopics/bunka-go/internal/pipeline"
	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/tasks"
)

const (
	serviceDB = 15 // TestService
	killDB    = 11 // TestWorkerKilledMidJob
)

func keys(m map[string]any) []string {
	k := make([]string, 0, len(m))
	for key := range m {
		k = append(k, key)
	}
	sort.Strings(k)
	return k
}

func wantKeys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	sort.Strings(want)
	if got := keys(m); !slices.Equal(got, want) {
		t.Fatalf("%s has fields %v, want %v", what, got, want)
	}
}

func isNum(v any) bool { _, ok := v.(float64); return ok }
func isStr(v any) bool { s, ok := v.(string); return ok && s != "" }
func isInt(v any) bool { f, ok := v.(float64); return ok && f == float64(int64(f)) }
func strs(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

var docFields = []string{"doc_id", "content", "size", "x", "y", "topic_id", "topic_ranking", "term_id", "embedding", "bourdieu_dimensions", "metadata"}
var topicFields = []string{"topic_id", "name", "lemma_name", "term_id", "x_centroid", "y_centroid", "size", "top_doc_id", "top_doc_content", "top_term_id", "convex_hull"}
var termFields = []string{"term_id", "lemma", "ent", "ngrams", "count_terms"}

// checkTopicsResult checks a TopicsResponse field by field against the
// documents that were sent.
func checkTopicsResult(t *testing.T, res map[string]any, contents []string, nClusters int, withBourdieu bool) {
	t.Helper()
	wantKeys(t, "result", res, "docs", "topics", "bourdieu_response", "terms")
	docs, _ := res["docs"].([]any)
	if len(docs) != len(contents) {
		t.Fatalf("%d docs, want %d", len(docs), len(contents))
	}
	topics, _ := res["topics"].([]any)
	if len(topics) == 0 || len(topics) > nClusters {
		t.Fatalf("%d topics, want 1..%d", len(topics), nClusters)
	}
	topicIDs := map[string]bool{}
	docIDs := map[string]bool{}
	sizes := map[string]int{}
	for i, d := range docs {
		doc := d.(map[string]any)
		wantKeys(t, "doc", doc, docFields...)
		if !isStr(doc["doc_id"]) || docIDs[doc["doc_id"].(string)] {
			t.Fatalf("doc %d: doc_id %v missing or repeated", i, doc["doc_id"])
		}
		docIDs[doc["doc_id"].(string)] = true
		if doc["content"] != contents[i] {
			t.Fatalf("doc %d: content %.80q, want %.80q (input order)", i, doc["content"], contents[i])
		}
		if !isNum(doc["x"]) || !isNum(doc["y"]) {
			t.Fatalf("doc %d: x, y = %v, %v", i, doc["x"], doc["y"])
		}
		if doc["embedding"] != nil {
			t.Fatalf("doc %d: embedding sent to the client", i)
		}
		tid, ok := doc["topic_id"].(string)
		if !ok {
			t.Fatalf("doc %d: topic_id %v", i, doc["topic_id"])
		}
		sizes[tid]++
		if tr := doc["topic_ranking"]; tr != nil {
			tr := tr.(map[string]any)
			wantKeys(t, "topic_ranking", tr, "topic_id", "rank")
			if tr["topic_id"] != tid || (tr["rank"] != nil && !isInt(tr["rank"])) {
				t.Fatalf("doc %d: topic_ranking %v", i, tr)
			}
		}
		if _, ok := doc["term_id"].([]any); !ok && doc["term_id"] != nil {
			t.Fatalf("doc %d: term_id %v", i, doc["term_id"])
		}
	}
	for _, tp := range topics {
		topic := tp.(map[string]any)
		wantKeys(t, "topic", topic, topicFields...)
		id, _ := topic["topic_id"].(string)
		if !strings.HasPrefix(id, "bt-") || topicIDs[id] {
			t.Fatalf("topic_id %q", id)
		}
		topicIDs[id] = true
		if !isStr(topic["name"]) || !isNum(topic["x_centroid"]) || !isNum(topic["y_centroid"]) || !isInt(topic["size"]) {
			t.Fatalf("topic %s: %.300v", id, topic)
		}
		if int(topic["size"].(float64)) != sizes[id] {
			t.Errorf("topic %s: size %v, but %d docs have it", id, topic["size"], sizes[id])
		}
		for _, d := range strs(topic["top_doc_id"]) {
			if !docIDs[d] {
				t.Errorf("topic %s: top_doc_id %q is no document", id, d)
			}
		}
		if len(strs(topic["top_doc_content"])) != len(strs(topic["top_doc_id"])) {
			t.Errorf("topic %s: %d top_doc_content for %d top_doc_id", id, len(strs(topic["top_doc_content"])), len(strs(topic["top_doc_id"])))
		}
		if h, ok := topic["convex_hull"].(map[string]any); ok {
			wantKeys(t, "convex_hull", h, "x_coordinates", "y_coordinates")
			xs, _ := h["x_coordinates"].([]any)
			ys, _ := h["y_coordinates"].([]any)
			if len(xs) != len(ys) {
				t.Errorf("topic %s: hull of %d x and %d y", id, len(xs), len(ys))
			}
		}
	}
	for id := range sizes {
		if !topicIDs[id] {
			t.Errorf("docs refer to unknown topic %q", id)
		}
	}
	terms, _ := res["terms"].([]any)
	if len(terms) == 0 {
		t.Fatal("no terms")
	}
	for _, tm := range terms {
		term := tm.(map[string]any)
		wantKeys(t, "term", term, termFields...)
		if !isStr(term["term_id"]) || !isInt(term["ngrams"]) || !isInt(term["count_terms"]) {
			t.Fatalf("term %v", term)
		}
	}
	br := res["bourdieu_response"]
	b, ok := br.(map[string]any)
	if !ok {
		// Never null: the original frontend's Bourdieu view fails on null.
		t.Fatalf("bourdieu_response %.100v, want an object", br)
	}
	if !withBourdieu {
		// No map asked for: the empty map of the empty query.
		wantKeys(t, "bourdieu response", b, "docs", "topics", "query")
		q, _ := b["query"].(map[string]any)
		wantKeys(t, "query", q, "x_left_words", "x_right_words", "y_top_words", "y_bottom_words", "radius_size")
		for _, k := range []string{"docs", "topics"} {
			if l, ok := b[k].([]any); !ok || len(l) != 0 {
				t.Errorf("bourdieu_response.%s = %v, want []", k, b[k])
			}
		}
		for _, k := range []string{"x_left_words", "x_right_words", "y_top_words", "y_bottom_words"} {
			if l, ok := q[k].([]any); !ok || len(l) != 0 {
				t.Errorf("bourdieu_response.query.%s = %v, want []", k, q[k])
			}
		}
		return
	}
	checkBourdieu(t, b, docIDs)
}

// checkBourdieu checks a BourdieuResponse: its documents are among docIDs
// (nil: any) and sit on the query's two axes.
func checkBourdieu(t *testing.T, b map[string]any, docIDs map[string]bool) {
	t.Helper()
	wantKeys(t, "bourdieu response", b, "docs", "topics", "query")
	q := b["query"].(map[string]any)
	wantKeys(t, "query", q, "x_left_words", "x_right_words", "y_top_words", "y_bottom_words", "radius_size")
	docs, _ := b["docs"].([]any)
	if len(docs) == 0 {
		t.Fatal("bourdieu map without documents")
	}
	for _, d := range docs {
		doc := d.(map[string]any)
		wantKeys(t, "bourdieu doc", doc, docFields...)
		if docIDs != nil && !docIDs[doc["doc_id"].(string)] {
			t.Fatalf("bourdieu doc %v is not a document of the job", doc["doc_id"])
		}
		dims, _ := doc["bourdieu_dimensions"].([]any)
		if len(dims) != 2 {
			t.Fatalf("bourdieu doc with %d dimensions", len(dims))
		}
		for j, dm := range dims {
			dim := dm.(map[string]any)
			wantKeys(t, "bourdieu dimension", dim, "continuum", "distance")
			c := dim["continuum"].(map[string]any)
			wantKeys(t, "continuum", c, "id", "left_words", "right_words")
			left, right := q["x_left_words"], q["x_right_words"]
			if j == 1 {
				left, right = q["y_top_words"], q["y_bottom_words"]
			}
			if !reflect.DeepEqual(c["left_words"], left) || !reflect.DeepEqual(c["right_words"], right) || !isNum(dim["distance"]) {
				t.Fatalf("dimension %d: %v, query %v", j, dim, q)
			}
		}
	}
	for _, tp := range b["topics"].([]any) {
		wantKeys(t, "bourdieu topic", tp.(map[string]any), topicFields...)
	}
}

// csvTexts returns the text column of a CSV read as the service reads it,
// through the service itself: the docs of a result, in order.
func contentsOf(res map[string]any) []string {
	var out []string
	for _, d := range res["docs"].([]any) {
		out = append(out, d.(map[string]any)["content"].(string))
	}
	return out
}

// TestService drives the API, a worker and the pipeline as the frontend
// does. Its subtests share one service and run in order.
func TestService(t *testing.T) {
	t.Parallel()
	s := startService(t, serviceDB, runPrefix("e2e"), false, nil)
	tweets := dataFile(t, "tweets_463.csv")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	var topicsID string

	t.Run("upload, stream, result", func(t *testing.T) {
		body, ct := frontendForm(tweets, topicsFields("5", "china, jobs", " america", "obama", "hillary ", "0.1"))
		code, m := postForm(t, s.url+"/topics/csv/", body, ct)
		if code != 200 || !isStr(m["task_id"]) || len(m) != 1 {
			t.Fatalf("upload: %d %v", code, m)
		}
		topicsID = m["task_id"].(string)
		start := time.Now()
		events, err := follow(t, ctx, s.url+"/tasks/topics/"+topicsID+"/progress")
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("tweets_463 topics job: %s, %d events", time.Since(start).Round(time.Millisecond), len(events))
		final := checkEvents(t, events, "SUCCESS")
		res := final["result"].(map[string]any)
		// The same result under /result, and under the bourdieu name too, as in the original.
		for _, name := range []string{"topics", "bourdieu"} {
			code, got := getJSON(t, s.url+"/tasks/"+name+"/"+topicsID+"/result")
			if code != 200 || !reflect.DeepEqual(got, res) {
				t.Fatalf("GET %s result: %d, differs from the stream's result", name, code)
			}
		}
		contents := contentsOf(res)
		if len(contents) != 463 || !strings.HasPrefix(contents[0], "Ring in 2015 in downtown New York") ||
			!strings.HasPrefix(contents[1], "Thank you Orlando, Florida!") {
			t.Fatalf("documents %d, first %.60q", len(contents), contents)
		}
		checkTopicsResult(t, res, contents, 5, true)
		q := res["bourdieu_response"].(map[string]any)["query"].(map[string]any)
		if !reflect.DeepEqual(strs(q["x_left_words"]), []string{"china", "jobs"}) || !reflect.DeepEqual(strs(q["x_right_words"]), []string{"america"}) ||
			!reflect.DeepEqual(strs(q["y_bottom_words"]), []string{"hillary"}) || q["radius_size"] != 0.1 {
			t.Errorf("query %v, want the posted words trimmed", q)
		}
		st, err := s.m.Store.Status(ctx, topicsID)
		if err != nil || st.Attempt != 1 || st.State != store.Success {
			t.Errorf("record %+v, %v", st, err)
		}
	})

	t.Run("refresh", func(t *testing.T) {
		if topicsID == "" {
			t.Skip("no topics job")
		}
		// The frontend's refresh: words split on commas, untrimmed; numbers as it has them.
		body := `{"topic_param": {"n_clusters": "5", "name_lenght": 3, "min_count_terms": 1, "language": "english", "clean_topics": false},
			"bourdieu_query": {"x_left_words": ["obama"], "x_right_words": [" trump"], "y_top_words": ["jobs", "economy"], "y_bottom_words": ["media"], "radius_size": "0.05"}}`
		start := time.Now()
		code, res := postJSON(t, s.url+"/bourdieu/refresh/"+topicsID, body)
		if code != 200 {
			t.Fatalf("refresh: %d %v", code, res)
		}
		t.Logf("refresh: %s", time.Since(start).Round(time.Millisecond))
		_, full := getJSON(t, s.url+"/tasks/topics/"+topicsID+"/result")
		ids := map[string]bool{}
		for _, d := range full["docs"].([]any) {
			ids[d.(map[string]any)["doc_id"].(string)] = true
		}
		checkBourdieu(t, res, ids)
		q := res["query"].(map[string]any)
		if !reflect.DeepEqual(strs(q["x_right_words"]), []string{"trump"}) || !reflect.DeepEqual(strs(q["y_top_words"]), []string{"jobs", "economy"}) || q["radius_size"] != 0.05 {
			t.Errorf("query %v", q)
		}
		// A query word that shares no character n-gram with the documents
		// is the caller's error.
		code, m := postJSON(t, s.url+"/bourdieu/refresh/"+topicsID,
			`{"topic_param": {}, "bourdieu_query": {"x_left_words": ["жжжж"], "x_right_words": ["щщщщ"]}}`)
		if code != 422 || m["status_code"] != float64(10422) || !isStr(m["message"]) {
			t.Errorf("refresh with unknown words: %d %v", code, m)
		}
		// A map embedded by a worker with another embedder is the
		// deployment's fault: a 409 that names both.
		raw, err := s.m.Store.Result(ctx, topicsID)
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.m.Store.PipelineState(ctx, topicsID)
		if err != nil {
			t.Fatal(err)
		}
		var ps pipeline.State
		if err := ps.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		ps.Embedder = "onnx:other-model"
		if b, err = ps.MarshalBinary(); err != nil {
			t.Fatal(err)
		}
		otherID := topicsID + "-other"
		if err := s.m.Store.Create(ctx, otherID, tasks.TypeTopics); err != nil {
			t.Fatal(err)
		}
		if err := s.m.Store.Succeed(ctx, store.Run{ID: otherID}, raw, b, ""); err != nil {
			t.Fatal(err)
		}
		code, m = postJSON(t, s.url+"/bourdieu/refresh/"+otherID, body)
		if msg := fmt.Sprint(m["message"]); code != 409 || m["status_code"] != float64(10409) ||
			!strings.Contains(msg, "embedded with onnx:other-model and this worker embeds with builtin") || !strings.Contains(msg, "same embedder") {
			t.Errorf("refresh of a map made by another embedder: %d %v", code, m)
		}
	})

	t.Run("bourdieu csv", func(t *testing.T) {
		fields := topicsFields("4", "china", "america", "obama", "hillary", "0.1")
		fields = slices.DeleteFunc(fields, func(f [2]string) bool { return f[0] == "process_bourdieu" })
		body, ct := frontendForm(tweets, fields)
		code, m := postForm(t, s.url+"/bourdieu/csv/", body, ct)
		if code != 200 {
			t.Fatalf("upload: %d %v", code, m)
		}
		id := m["task_id"].(string)
		events, err := follow(t, ctx, s.url+"/tasks/bourdieu/"+id+"/progress")
		if err != nil {
			t.Fatal(err)
		}
		res := checkEvents(t, events, "SUCCESS")["result"].(map[string]any)
		checkBourdieu(t, res, nil)
		// A bourdieu job keeps nothing to refresh from.
		code, m = postJSON(t, s.url+"/bourdieu/refresh/"+id, `{"bourdieu_query": {}, "topic_param": {}}`)
		if code != 404 {
			t.Errorf("refresh of a bourdieu job: %d %v", code, m)
		}
	})

	t.Run("json topics without bourdieu", func(t *testing.T) {
		var docs []string
		for i := range 60 {
			docs = append(docs, fmt.Sprintf("The %s market report number %d talks about %s and %s.",
				[]string{"stock", "housing", "job", "energy"}[i%4], i, []string{"prices", "rates", "growth"}[i%3], []string{"banks", "workers", "oil", "homes"}[i%4]))
		}
		b, _ := json.Marshal(map[string]any{"full_docs": docs, "topic_param": map[string]any{"n_clusters": 3, "clean_topics": false}})
		code, m := postJSON(t, s.url+"/topics/", string(b))
		if code != 200 {
			t.Fatalf("post: %d %v", code, m)
		}
		events, err := follow(t, ctx, s.url+"/tasks/topics/"+m["task_id"].(string)+"/progress")
		if err != nil {
			t.Fatal(err)
		}
		res := checkEvents(t, events, "SUCCESS")["result"].(map[string]any)
		checkTopicsResult(t, res, docs, 3, false)
	})

	t.Run("failing job", func(t *testing.T) {
		// The pipeline refuses an axis whose words no document uses: the job
		// ends in FAILURE with a readable message, once, and has no result.
		body := `{"full_docs": ["one apple", "two pears", "three plums", "four figs"],
			"query": {"x_left_words": ["жжжж"], "x_right_words": ["щщщщ"]}, "topic_param": {"n_clusters": 2}}`
		code, m := postJSON(t, s.url+"/bourdieu/", body)
		if code != 200 {
			t.Fatalf("post: %d %v", code, m)
		}
		id := m["task_id"].(string)
		events, err := follow(t, ctx, s.url+"/tasks/bourdieu/"+id+"/progress")
		if err != nil {
			t.Fatal(err)
		}
		final := checkEvents(t, events, "FAILURE")
		if msg, _ := final["error"].(string); msg == "" || strings.Contains(msg, "internal error") ||
			strings.Contains(msg, "pipeline:") || strings.Contains(msg, "invalid input") {
			t.Errorf("error %q", msg)
		}
		if code, m := getJSON(t, s.url+"/tasks/bourdieu/"+id+"/result"); code != 404 || m["message"] != "No result available or task not in success state." {
			t.Errorf("result of a failed job: %d %v", code, m)
		}
		if st, _ := s.m.Store.Status(ctx, id); st.Attempt != 1 {
			t.Errorf("failed job ran %d times", st.Attempt)
		}
	})

	t.Run("unknown ids", func(t *testing.T) {
		for _, path := range []string{"/tasks/topics/0b7f9e5c-0000/progress", "/tasks/bourdieu/nope/result", "/tasks/topics/nope/result"} {
			if code, m := getJSON(t, s.url+path); code != 404 || m["message"] != "No result available or task not in success state." {
				t.Errorf("GET %s: %d %v", path, code, m)
			}
		}
		if code, _ := postJSON(t, s.url+"/bourdieu/refresh/nope", `{"bourdieu_query": {}, "topic_param": {}}`); code != 404 {
			t.Errorf("refresh unknown: %d", code)
		}
	})

	t.Run("422 paths", func(t *testing.T) {
		var big strings.Builder
		big.WriteString("text\n")
		for i := range 10001 {
			fmt.Fprintf(&big, "document %d\n", i)
		}
		fields := topicsFields("5", "china", "america", "people", "trump", "0.1")
		without := func(name string) [][2]string {
			return slices.DeleteFunc(slices.Clone(fields), func(f [2]string) bool { return f[0] == name })
		}
		with := func(name, value string) [][2]string {
			return append(without(name), [2]string{name, value})
		}
		form := func(csv []byte, f [][2]string) func() (string, string) {
			return func() (string, string) { r, ct := frontendForm(csv, f); return readAll(r), ct }
		}
		js := func(b string) func() (string, string) {
			return func() (string, string) { return b, "application/json" }
		}
		for _, tc := range []struct {
			desc, path string
			body       func() (string, string)
			want       string
		}{
			{"missing field", "/topics/csv/", form(tweets, without("min_count_terms")), "min_count_terms: field required"},
			{"ill-typed field", "/topics/csv/", form(tweets, with("n_clusters", "five")), `n_clusters: must be an integer, got "five"`},
			{"ill-typed boolean", "/topics/csv/", form(tweets, with("process_bourdieu", "yes please")), "process_bourdieu: must be a boolean"},
			{"malformed JSON", "/topics/", js(`{"full_docs": ["a"`), "malformed JSON"},
			{"ill-typed JSON", "/bourdieu/", js(`{"full_docs": "a", "query": {}, "topic_param": {}}`), "full_docs: must be a list"},
			{"unparsable CSV", "/topics/csv/", form([]byte{}, fields), "cannot read the CSV"},
			{"unknown column", "/topics/csv/", form(tweets, with("selected_column", "tweet")), `the CSV has no column "tweet"; its columns are "Unnamed: 0", "text"`},
			{"too many documents", "/topics/csv/", form([]byte(big.String()), fields), "CSV must contain less than 10 000 lines"},
			{"empty document list", "/topics/", js(`{"full_docs": [], "topic_param": {}}`), "no documents"},
			{"empty column", "/bourdieu/csv/", form([]byte(",text\n0,\n1,\n"), without("process_bourdieu")), "no documents"},
		} {
			t.Run(tc.desc, func(t *testing.T) {
				b, ct := tc.body()
				code, m := do(t, "POST", s.url+tc.path, ct, strings.NewReader(b))
				if code != 422 || m["status_code"] != float64(10422) || m["data"] != nil || !strings.Contains(fmt.Sprint(m["message"]), tc.want) {
					t.Errorf("%d %v, want 422 with %q", code, m, tc.want)
				}
			})
		}
	})

	t.Run("client disconnects mid-stream", func(t *testing.T) {
		body, ct := frontendForm(firstRows(tweets, 200), topicsFields("3", "china", "america", "obama", "hillary", "0.1"))
		code, m := postForm(t, s.url+"/topics/csv/", strings.NewReader(readAll(body)), ct)
		if code != 200 {
			t.Fatalf("upload: %d %v", code, m)
		}
		id := m["task_id"].(string)
		// Read one event, then go away.
		cctx, ccancel := context.WithCancel(ctx)
		req, _ := http.NewRequestWithContext(cctx, "GET", s.url+"/tasks/topics/"+id+"/progress", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 64)
		if n, err := resp.Body.Read(buf); n == 0 || !strings.HasPrefix(string(buf[:n]), "data: ") {
			t.Fatalf("first read %q, %v", buf[:n], err)
		}
		ccancel()
		resp.Body.Close()
		// The job goes on; a new stream follows it to the end.
		events, err := follow(t, ctx, s.url+"/tasks/topics/"+id+"/progress")
		if err != nil {
			t.Fatal(err)
		}
		checkEvents(t, events, "SUCCESS")
	})

	t.Run("20 uploads at once", func(t *testing.T) {
		const n, rows = 20, 80
		csv := firstRows(tweets, rows)
		start := time.Now()
		ids := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Axis words that the first rows use (the builtin embedder knows
				// only words of the documents).
				body, ct := frontendForm(csv, topicsFields("3", "china", "great", "people", "trump", "0.1"))
				code, m, err := request("POST", s.url+"/topics/csv/", ct, body)
				if err != nil || code != 200 {
					t.Errorf("upload %d: %d %v %v", i, code, m, err)
					return
				}
				id, ok := m["task_id"].(string)
				if !ok {
					t.Errorf("upload %d: no task_id in %v", i, m)
					return
				}
				ids[i] = id
			}()
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[id] {
				t.Fatalf("task id %s given twice", id)
			}
			seen[id] = true
		}
		results := make([]map[string]any, n)
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				events, err := follow(t, ctx, s.url+"/tasks/topics/"+id+"/progress")
				if err != nil {
					t.Errorf("stream %d: %v", i, err)
					return
				}
				if len(events) == 0 {
					t.Errorf("job %d: its stream ended with no event", i)
					return
				}
				last := events[len(events)-1]
				res, ok := last["result"].(map[string]any)
				if last["state"] != "SUCCESS" || !ok {
					t.Errorf("job %d ended %.200v", i, last)
					return
				}
				results[i] = res
			}()
		}
		wg.Wait()
		t.Logf("%d uploads of %d tweets: all done in %s", n, rows, time.Since(start).Round(time.Millisecond))
		if t.Failed() {
			return
		}
		first := results[0]
		checkTopicsResult(t, first, contentsOf(first), 3, true)
		for i, r := range results[1:] {
			// Same input and seed: the same map, nothing lost or mixed up.
			if !reflect.DeepEqual(r, first) {
				t.Errorf("result %d differs from result 0", i+1)
			}
		}
		if len(contentsOf(first)) != rows {
			t.Errorf("%d docs, want %d", len(contentsOf(first)), rows)
		}
	})
}

func readAll(r interface{ Read([]byte) (int, error) }) string {
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}
