package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	apispec "github.com/bunkatopics/bunka-go/api"
	"github.com/bunkatopics/bunka-go/internal/api"
	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/tasks"
	"github.com/bunkatopics/bunka-go/internal/testenv"
)

// These tests run the real router against the real Redis (database 13),
// with a real asynq client and no worker: the worker's side is played by
// writing to the store.

const testDB = 13

func redisClient(t *testing.T) *redis.Client {
	t.Helper()
	addr := testenv.RedisAddr()
	rdb := redis.NewClient(&redis.Options{Addr: addr, DB: testDB})
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis at %s: %v (start it: redis-server --daemonize yes)", addr, err)
	}
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

type env struct {
	q     tasks.Queues
	logs  *testenv.Logs
	srv   *httptest.Server
	api   *api.Server
	store *store.Store
	insp  *asynq.Inspector
	rdb   *redis.Client
}

func newEnv(t *testing.T, cfg api.Config) *env {
	t.Helper()
	return newEnvOn(t, cfg, redisClient(t), nil)
}

// newEnvOn is newEnv on the Redis client rdb, with refreshes waiting on
// replies when it is not nil.
func newEnvOn(t *testing.T, cfg api.Config, rdb, replies *redis.Client) *env {
	t.Helper()
	// A prefix (and so queues) of this run and test alone: other runs of
	// this package may share the database.
	prefix := fmt.Sprintf("apitest-%d-%s:", os.Getpid(), t.Name())
	queues := tasks.QueuesFor(prefix)
	cfg.Queues = queues
	st := store.New(rdb, prefix, time.Hour)
	if replies != nil {
		st = st.WithReplyClient(replies)
	}
	q := asynq.NewClientFromRedisClient(rdb)
	if cfg.ProgressInterval == 0 {
		cfg.ProgressInterval = 50 * time.Millisecond
	}
	logs := &testenv.Logs{}
	cfg.Logger = slog.New(slog.NewTextHandler(io.MultiWriter(logs, t.Output()), nil))
	cfg.Inspector = asynq.NewInspectorFromRedisClient(rdb)
	a := api.New(st, q, cfg)
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		a.CloseStreams()
		srv.Close()
		deleteKeys(rdb, prefix+"*", "asynq:{"+queues.Jobs+"}*", "asynq:{"+queues.Refresh+"}*")
	})
	return &env{q: queues, logs: logs, srv: srv, api: a, store: st, insp: asynq.NewInspectorFromRedisClient(rdb), rdb: rdb}
}

// deleteKeys removes the keys matching the patterns.
func deleteKeys(rdb *redis.Client, patterns ...string) {
	ctx := context.Background()
	for _, p := range patterns {
		iter := rdb.Scan(ctx, 0, p, 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	}
}

// csvForm is the frontend's upload: every field a string.
func csvForm(t *testing.T, csv string, fields map[string]string, omit ...string) (io.Reader, string) {
	t.Helper()
	all := map[string]string{
		"selected_column": "text", "n_clusters": "3", "name_length": "3", "language": "english",
		"clean_topics": "false", "min_count_terms": "1", "process_bourdieu": "true",
		"x_left_words": "war", "x_right_words": "peace", "y_top_words": "men", "y_bottom_words": "women",
		"radius_size": "0.5",
	}
	for k, v := range fields {
		all[k] = v
	}
	for _, k := range omit {
		delete(all, k)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if csv != "\x00" {
		fw, _ := mw.CreateFormFile("file", "data.csv")
		io.WriteString(fw, csv)
	}
	for k, v := range all {
		mw.WriteField(k, v)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func post(t *testing.T, url, ctype string, body io.Reader) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url, ctype, body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("POST %s: body %q is not a JSON object: %v", url, b, err)
	}
	return resp.StatusCode, m
}

func getJSON(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("GET %s: body %q is not a JSON object: %v", url, b, err)
	}
	return resp.StatusCode, m
}

const smallCSV = "id,text\n1,\"hello, world\"\n2,second doc\n3,\n4,\"multi\nline\"\n"

func TestUploadCSVQueuesJob(t *testing.T) {
	e := newEnv(t, api.Config{})
	body, ct := csvForm(t, "\ufeff"+smallCSV, map[string]string{"process_bourdieu": "TRUE", "x_left_words": " war , battle ,"})
	code, m := post(t, e.srv.URL+"/topics/csv/", ct, body)
	if code != 200 {
		t.Fatalf("status %d, body %v", code, m)
	}
	id, _ := m["task_id"].(string)
	if id == "" || len(m) != 1 {
		t.Fatalf("body %v, want {task_id}", m)
	}
	st, err := e.store.Status(context.Background(), id)
	if err != nil || st.State != store.Pending || st.Kind != tasks.TypeTopics {
		t.Fatalf("status %+v, %v; want PENDING topics", st, err)
	}
	info, err := e.insp.GetTaskInfo(e.q.Jobs, id)
	if err != nil {
		t.Fatalf("task not queued: %v", err)
	}
	e.insp.DeleteTask(e.q.Jobs, id)
	var p tasks.TopicsPayload
	if err := json.Unmarshal(info.Payload, &p); err != nil {
		t.Fatal(err)
	}
	// The documents wait in the store, not in the queue's message.
	wantDocs := []string{"hello, world", "second doc", "multi\nline"}
	docs, err := e.store.Input(context.Background(), id)
	if err != nil || fmt.Sprint(docs) != fmt.Sprint(wantDocs) || !p.DocsStored || len(p.Docs) != 0 {
		t.Errorf("stored docs %q (%v), in the message %q (stored %v); want %q stored only", docs, err, p.Docs, p.DocsStored, wantDocs)
	}
	if p.Param.NClusters != 3 || p.Param.NameLength != 3 || p.Param.CleanTopics || p.Param.Language != "english" {
		t.Errorf("param %+v", p.Param)
	}
	if p.Bourdieu == nil || fmt.Sprint(p.Bourdieu.XLeftWords) != "[war battle]" || p.Bourdieu.RadiusSize != 0.5 {
		t.Errorf("bourdieu %+v", p.Bourdieu)
	}
}

func TestUploadWithoutBourdieu(t *testing.T) {
	e := newEnv(t, api.Config{})
	// process_bourdieu=false works, even with empty word fields (the original crashed).
	body, ct := csvForm(t, smallCSV, map[string]string{"process_bourdieu": "0", "x_left_words": "", "y_top_words": ""})
	code, m := post(t, e.srv.URL+"/topics/csv", ct, body)
	if code != 200 {
		t.Fatalf("status %d, body %v", code, m)
	}
	info, err := e.insp.GetTaskInfo(e.q.Jobs, m["task_id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	e.insp.DeleteTask(e.q.Jobs, info.ID)
	var p tasks.TopicsPayload
	json.Unmarshal(info.Payload, &p)
	if p.Bourdieu != nil {
		t.Errorf("bourdieu query %+v, want none", p.Bourdieu)
	}
}

func TestJSONRoutesQueueJobs(t *testing.T) {
	e := newEnv(t, api.Config{})
	for _, tc := range []struct {
		desc, path, body, kind string
	}{
		{"topics", "/topics/", `{"full_docs": ["a b", "c d"], "topic_param": {"n_clusters": "2", "name_lenght": 2, "ngrams": [1], "clean_topics": "False"}}`, tasks.TypeTopics},
		{"topics no slash", "/topics", `{"full_docs": ["a b"], "topic_param": {}}`, tasks.TypeTopics},
		{"bourdieu", "/bourdieu/", `{"full_docs": ["a b"], "query": {"x_left_words": ["x"]}, "topic_param": {"n_clusters": 2}}`, tasks.TypeBourdieu},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			code, m := post(t, e.srv.URL+tc.path, "application/json", strings.NewReader(tc.body))
			if code != 200 {
				t.Fatalf("status %d, body %v", code, m)
			}
			id := m["task_id"].(string)
			info, err := e.insp.GetTaskInfo(e.q.Jobs, id)
			if err != nil || info.Type != tc.kind {
				t.Fatalf("queued %+v, %v; want a %s task", info, err, tc.kind)
			}
			e.insp.DeleteTask(e.q.Jobs, id)
		})
	}
	// The topics payload carries the parameters as read.
	_, m := post(t, e.srv.URL+"/topics/", "application/json", strings.NewReader(
		`{"full_docs": ["a b"], "topic_param": {"n_clusters": "7", "name_lenght": 2, "ngrams": [1], "clean_topics": "False", "min_count_terms": 2.0}}`))
	info, _ := e.insp.GetTaskInfo(e.q.Jobs, m["task_id"].(string))
	e.insp.DeleteTask(e.q.Jobs, info.ID)
	var p tasks.TopicsPayload
	json.Unmarshal(info.Payload, &p)
	if p.Param.NClusters != 7 || p.Param.NameLength != 2 || fmt.Sprint(p.Param.Ngrams) != "[1]" || p.Param.CleanTopics ||
		p.Param.MinCountTerms != 2 || p.Param.TopTermsOverall != 2000 || p.Param.Language != "english" {
		t.Errorf("param %+v", p.Param)
	}
}

func TestValidationErrors(t *testing.T) {
	e := newEnv(t, api.Config{MaxDocs: 3})
	csvCase := func(csv string, fields map[string]string, omit ...string) func() (io.Reader, string) {
		return func() (io.Reader, string) { return csvForm(t, csv, fields, omit...) }
	}
	jsonCase := func(s string) func() (io.Reader, string) {
		return func() (io.Reader, string) { return strings.NewReader(s), "application/json" }
	}
	for _, tc := range []struct {
		desc, path string
		body       func() (io.Reader, string)
		want       string // in the message
	}{
		{"missing field", "/topics/csv/", csvCase(smallCSV, nil, "n_clusters"), "n_clusters: field required"},
		{"missing file", "/topics/csv/", csvCase("\x00", nil), "file: field required"},
		{"ill-typed int", "/topics/csv/", csvCase(smallCSV, map[string]string{"n_clusters": "ten"}), `n_clusters: must be an integer, got "ten"`},
		{"ill-typed bool", "/topics/csv/", csvCase(smallCSV, map[string]string{"clean_topics": "maybe"}), "clean_topics: must be a boolean"},
		{"ill-typed float", "/topics/csv/", csvCase(smallCSV, map[string]string{"radius_size": "big"}), "radius_size: must be a number"},
		{"empty axis", "/topics/csv/", csvCase(smallCSV, map[string]string{"x_right_words": " , "}), "x_right_words: must contain at least one word"},
		{"zero clusters", "/topics/csv/", csvCase(smallCSV, map[string]string{"n_clusters": "0"}), "n_clusters: must be at least 1"},
		{"unknown column", "/topics/csv/", csvCase("id,text\n1,a\n", map[string]string{"selected_column": "body"}), `the CSV has no column "body"; its columns are "id", "text"`},
		{"too many rows", "/topics/csv/", csvCase("text\na\nb\nc\nd\n", nil), "CSV must contain less than 3 lines"},
		{"empty column", "/topics/csv/", csvCase("id,text\n1,\n2,NaN\n", nil), "no documents"},
		{"header only", "/topics/csv/", csvCase("id,text\n", nil), "no documents"},
		{"empty file", "/topics/csv/", csvCase("", nil), "cannot read the CSV: empty file"},
		{"binary file", "/topics/csv/", csvCase("\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", nil), "cannot read the CSV"},
		{"not utf-8", "/topics/csv/", csvCase("id,text\n1,caf\xe9\n", nil), "cannot read the CSV"},
		{"not multipart", "/topics/csv/", jsonCase(`{}`), "multipart/form-data"},
		{"bourdieu csv missing field", "/bourdieu/csv/", csvCase(smallCSV, nil, "radius_size"), "radius_size: field required"},
		{"malformed json", "/topics/", jsonCase(`{"full_docs": [`), "malformed JSON"},
		{"empty body", "/topics/", jsonCase(``), "a JSON object is required"},
		{"not an object", "/topics/", jsonCase(`["a"]`), "a JSON object is required, got a list"},
		{"missing full_docs", "/topics/", jsonCase(`{"topic_param": {}}`), "full_docs: field required"},
		{"missing topic_param", "/topics/", jsonCase(`{"full_docs": ["a"]}`), "topic_param: field required"},
		{"ill-typed docs", "/topics/", jsonCase(`{"full_docs": ["a", 3], "topic_param": {}}`), "full_docs[1]: must be a string"},
		{"ill-typed param", "/topics/", jsonCase(`{"full_docs": ["a"], "topic_param": {"n_clusters": "x", "ngrams": [true]}}`), "topic_param.n_clusters: must be an integer"},
		{"empty docs", "/topics/", jsonCase(`{"full_docs": [], "topic_param": {}}`), "no documents"},
		{"blank docs", "/topics/", jsonCase(`{"full_docs": ["", "  "], "topic_param": {}}`), "no documents"},
		{"too many docs", "/topics/", jsonCase(`{"full_docs": ["a","b","c","d"], "topic_param": {}}`), "CSV must contain less than 3 lines"},
		{"bourdieu missing query", "/bourdieu/", jsonCase(`{"full_docs": ["a"], "topic_param": {}}`), "query: field required"},
		{"bourdieu bad radius", "/bourdieu/", jsonCase(`{"full_docs": ["a"], "query": {"radius_size": -1}, "topic_param": {}}`), "query.radius_size: must not be negative"},
		{"refresh malformed", "/bourdieu/refresh/x", jsonCase(`{"bourdieu_query": 3, "topic_param": {}}`), "bourdieu_query: must be an object"},
		{"refresh empty axis", "/bourdieu/refresh/x", jsonCase(`{"bourdieu_query": {"y_top_words": [" "]}, "topic_param": {}}`), "bourdieu_query.y_top_words: must contain at least one word"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			body, ct := tc.body()
			code, m := post(t, e.srv.URL+tc.path, ct, body)
			if code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422; body %v", code, m)
			}
			if m["status_code"] != float64(10422) || m["data"] != nil || len(m) != 3 {
				t.Errorf("body %v, want {status_code: 10422, message, data: null}", m)
			}
			if msg, _ := m["message"].(string); !strings.Contains(msg, tc.want) {
				t.Errorf("message %q, want it to contain %q", msg, tc.want)
			}
		})
	}
	// Nothing was queued.
	if qs, err := e.insp.GetQueueInfo(e.q.Jobs); err == nil && qs.Pending != 0 {
		t.Errorf("%d tasks queued by invalid requests", qs.Pending)
	}
}

func TestTooManyRowsDefaultMessage(t *testing.T) {
	e := newEnv(t, api.Config{})
	var b strings.Builder
	b.WriteString("text\n")
	for i := range 10001 {
		fmt.Fprintf(&b, "doc %d\n", i)
	}
	body, ct := csvForm(t, b.String(), nil)
	code, m := post(t, e.srv.URL+"/topics/csv/", ct, body)
	if code != 422 || m["message"] != "CSV must contain less than 10 000 lines" {
		t.Errorf("status %d, body %v", code, m)
	}
}

func TestBodyLimit(t *testing.T) {
	e := newEnv(t, api.Config{MaxBodyBytes: 1 << 10})
	big := strings.Repeat("x", 2<<10)
	body, ct := csvForm(t, "text\n"+big+"\n", nil)
	code, m := post(t, e.srv.URL+"/topics/csv/", ct, body)
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(fmt.Sprint(m["message"]), "request body too large: the limit is 1 KB") {
		t.Errorf("status %d, body %v; want 413 with the limit", code, m)
	}
	// Without Content-Length: refused while reading.
	req, _ := http.NewRequest("POST", e.srv.URL+"/topics/", io.MultiReader(strings.NewReader(`{"full_docs": ["`+big+`"]}`)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked: status %d, want 413", resp.StatusCode)
	}
}

func TestUnknownTasks(t *testing.T) {
	e := newEnv(t, api.Config{})
	for _, path := range []string{
		"/tasks/topics/nope/progress", "/tasks/bourdieu/nope/progress",
		"/tasks/topics/nope/result", "/tasks/other/nope/result", "/tasks/other/nope/progress",
	} {
		code, m := getJSON(t, e.srv.URL+path)
		if code != 404 || m["message"] != "No result available or task not in success state." || len(m) != 1 {
			t.Errorf("GET %s: status %d, body %v", path, code, m)
		}
	}
	code, m := post(t, e.srv.URL+"/bourdieu/refresh/nope", "application/json",
		strings.NewReader(`{"bourdieu_query": {}, "topic_param": {}}`))
	if code != 404 || m["message"] != "No result available or task not in success state." {
		t.Errorf("refresh unknown: status %d, body %v", code, m)
	}
}

func TestResultBeforeAndAfterSuccess(t *testing.T) {
	e := newEnv(t, api.Config{})
	ctx := context.Background()
	e.store.Create(ctx, "t1", tasks.TypeTopics)
	if code, _ := getJSON(t, e.srv.URL+"/tasks/topics/t1/result"); code != 404 {
		t.Errorf("pending: status %d, want 404", code)
	}
	e.store.Start(ctx, "t1", tasks.TypeTopics)
	e.store.Succeed(ctx, store.Run{ID: "t1"}, []byte(`{"docs": [], "topics": [], "bourdieu_response": {"docs":[],"topics":[],"query":{"x_left_words":[],"x_right_words":[],"y_top_words":[],"y_bottom_words":[],"radius_size":0}}, "terms": []}`), nil, "")
	code, m := getJSON(t, e.srv.URL+"/tasks/topics/t1/result")
	if code != 200 || len(m) != 4 {
		t.Errorf("success: status %d, body %v", code, m)
	}
	// Refresh of a topics job without pipeline state (or of a failed one) is a 404.
	e.store.Create(ctx, "t2", tasks.TypeTopics)
	e.store.Fail(ctx, store.Run{ID: "t2"}, "boom")
	code, _ = post(t, e.srv.URL+"/bourdieu/refresh/t2", "application/json", strings.NewReader(`{"bourdieu_query": {}, "topic_param": {}}`))
	if code != 404 {
		t.Errorf("refresh failed task: status %d, want 404", code)
	}
}

// readEvents reads SSE data lines from r until it ends or n events came.
func readEvents(t *testing.T, r io.Reader, n int) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() && len(out) < n {
		line := sc.Text()
		if line == "" {
			continue
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			t.Fatalf("unexpected line %q", line)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(data), &m); err != nil {
			t.Fatalf("event %q: %v", data, err)
		}
		out = append(out, m)
	}
	return out
}

func TestProgressStream(t *testing.T) {
	e := newEnv(t, api.Config{})
	ctx := context.Background()
	e.store.Create(ctx, "p1", tasks.TypeTopics)
	resp, err := http.Get(e.srv.URL + "/tasks/topics/p1/progress")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	ev := readEvents(t, resp.Body, 1)
	if len(ev) != 1 || ev[0]["state"] != "PENDING" || ev[0]["progress"] != float64(0) {
		t.Fatalf("first event %v", ev)
	}
	e.store.Start(ctx, "p1", tasks.TypeTopics)
	e.store.Progress(ctx, "p1", "embedding", 42.5)
	// Events keep coming; one shows the progress.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ev = readEvents(t, resp.Body, 1)
		if len(ev) != 1 {
			t.Fatal("stream ended early")
		}
		if ev[0]["state"] == "PROCESSING" && ev[0]["progress"] == 42.5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no PROCESSING 42.5 event; last %v", ev)
		}
	}
	e.store.Succeed(ctx, store.Run{ID: "p1"}, []byte(`{"docs":[],"topics":[],"bourdieu_response":{"docs":[],"topics":[],"query":{"x_left_words":[],"x_right_words":[],"y_top_words":[],"y_bottom_words":[],"radius_size":0}},"terms":[]}`), nil, "")
	var last map[string]any
	for _, m := range readEvents(t, resp.Body, 1000) {
		last = m
	}
	if last["state"] != "SUCCESS" || last["result"] == nil || len(last) != 2 {
		t.Errorf("last event %v, want SUCCESS with result", last)
	}
}

func TestProgressStreamWarning(t *testing.T) {
	// A job that succeeded with a part left out says so in its final event,
	// beside the result; the result itself keeps the original's shape.
	e := newEnv(t, api.Config{})
	ctx := context.Background()
	e.store.Create(ctx, "w1", tasks.TypeTopics)
	e.store.Start(ctx, "w1", tasks.TypeTopics)
	e.store.Succeed(ctx, store.Run{ID: "w1"}, []byte(`{"docs":[],"topics":[],"bourdieu_response":{"docs":[],"topics":[],"query":{"x_left_words":[],"x_right_words":[],"y_top_words":[],"y_bottom_words":[],"radius_size":0}},"terms":[]}`), nil,
		`the Bourdieu map was left out: "peace": text unknown to the embedder`)
	resp, err := http.Get(e.srv.URL + "/tasks/topics/w1/progress")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	ev := readEvents(t, resp.Body, 10)
	if len(ev) != 1 || ev[0]["state"] != "SUCCESS" || ev[0]["result"] == nil ||
		!strings.Contains(fmt.Sprint(ev[0]["warning"]), `"peace"`) {
		t.Errorf("events %v, want one SUCCESS with the result and the warning", ev)
	}
	if code, m := getJSON(t, e.srv.URL+"/tasks/topics/w1/result"); code != 200 || len(m) != 4 {
		t.Errorf("result: %d %v", code, m)
	}
}

func TestProgressStreamNeverGoesBack(t *testing.T) {
	e := newEnv(t, api.Config{})
	ctx := context.Background()
	e.store.Create(ctx, "b1", tasks.TypeTopics)
	e.store.Start(ctx, "b1", tasks.TypeTopics)
	e.store.Progress(ctx, "b1", "projection", 60)
	resp, err := http.Get(e.srv.URL + "/tasks/topics/b1/progress")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ev := readEvents(t, resp.Body, 1); len(ev) != 1 || ev[0]["progress"] != float64(60) {
		t.Fatalf("first event %v", ev)
	}
	// The worker died; the job runs again from the start.
	e.store.Start(ctx, "b1", tasks.TypeTopics)
	deadline := time.Now().Add(10 * time.Second)
	for {
		ev := readEvents(t, resp.Body, 1)
		if len(ev) != 1 {
			t.Fatal("stream ended early")
		}
		if p := ev[0]["progress"].(float64); p < 60 {
			t.Fatalf("progress went back to %v: %v", p, ev)
		}
		if ev[0]["state"] == "STARTED" {
			break // the state changes, the progress stays
		}
		if time.Now().After(deadline) {
			t.Fatalf("no STARTED event; last %v", ev)
		}
	}
	e.store.Progress(ctx, "b1", "embedding", 30)
	for range 5 {
		if ev := readEvents(t, resp.Body, 1); len(ev) != 1 || ev[0]["progress"].(float64) < 60 {
			t.Fatalf("event %v after progress 30", ev)
		}
	}
	e.store.Progress(ctx, "b1", "terms", 75)
	for {
		ev := readEvents(t, resp.Body, 1)
		if len(ev) != 1 {
			t.Fatal("stream ended early")
		}
		if ev[0]["progress"] == float64(75) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no progress 75; last %v", ev)
		}
	}
}

func TestProgressStreamFailure(t *testing.T) {
	e := newEnv(t, api.Config{})
	ctx := context.Background()
	e.store.Create(ctx, "f1", tasks.TypeBourdieu)
	e.store.Fail(ctx, store.Run{ID: "f1"}, "pipeline: no documents: invalid input")
	resp, err := http.Get(e.srv.URL + "/tasks/bourdieu/f1/progress")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	ev := readEvents(t, resp.Body, 100)
	if len(ev) != 1 || ev[0]["state"] != "FAILURE" || ev[0]["error"] != "pipeline: no documents: invalid input" || len(ev[0]) != 2 {
		t.Errorf("events %v, want one FAILURE with the error", ev)
	}
}

func TestProgressStreamClientDisconnect(t *testing.T) {
	e := newEnv(t, api.Config{})
	ctx := context.Background()
	e.store.Create(ctx, "d1", tasks.TypeTopics)
	reqCtx, cancel := context.WithCancel(ctx)
	req, _ := http.NewRequestWithContext(reqCtx, "GET", e.srv.URL+"/tasks/topics/d1/progress", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if ev := readEvents(t, resp.Body, 2); len(ev) != 2 {
		t.Fatalf("events %v", ev)
	}
	if strings.Contains(e.logs.String(), "path=/tasks/topics/d1/progress") {
		t.Fatal("the stream ended before the client left")
	}
	cancel()
	resp.Body.Close()
	// The handler notices and returns (its request log line is written
	// then), although the task is still pending.
	if _, ok := e.logs.WaitFor(10*time.Second, "path=/tasks/topics/d1/progress status=200"); !ok {
		t.Fatal("the stream handler did not end after the client went away")
	}
}

func TestHealthAndDocs(t *testing.T) {
	e := newEnv(t, api.Config{})
	if code, m := getJSON(t, e.srv.URL+"/healthz"); code != 200 || m["status"] != "ok" {
		t.Errorf("healthz %d %v", code, m)
	}
	if code, m := getJSON(t, e.srv.URL+"/readyz"); code != 200 || m["redis"] != "ok" {
		t.Errorf("readyz %d %v", code, m)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for path, want := range map[string]string{"/docs": "docs/index.html", "/docs/": "index.html", "/docs/doc.json": "openapi.yaml"} {
		resp, err := noRedirect.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 301 || resp.Header.Get("Location") != want {
			t.Errorf("GET %s: %d Location %q, want 301 %q (relative, for the /api prefix)", path, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
	resp, err := http.Get(e.srv.URL + "/docs")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(b, []byte(`"openapi.yaml"`)) || !bytes.Contains(b, []byte("./swagger-ui.css")) {
		t.Errorf("docs page %d: %.300s", resp.StatusCode, b)
	}
	for _, path := range []string{"/docs/openapi.yaml", "/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js", "/docs/doc.json"} {
		resp, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(b) < 100 {
			t.Errorf("GET %s: %d, %d bytes", path, resp.StatusCode, len(b))
		}
	}
}

func TestRefreshTimeout(t *testing.T) {
	e := newEnv(t, api.Config{RefreshTimeout: 300 * time.Millisecond})
	ctx := context.Background()
	e.store.Create(ctx, "r1", tasks.TypeTopics)
	e.store.Succeed(ctx, store.Run{ID: "r1"}, []byte(`{}`), nil, "")
	// No worker runs: the API gives up with a 504 and a clear message.
	code, m := post(t, e.srv.URL+"/bourdieu/refresh/r1", "application/json", strings.NewReader(`{"bourdieu_query": {}, "topic_param": {}}`))
	if code != http.StatusGatewayTimeout || !strings.Contains(fmt.Sprint(m["message"]), "is a worker running") {
		t.Errorf("status %d, body %v", code, m)
	}
	// Its task is not left in the queue, to be archived at its deadline.
	if n := e.refreshTasks(t); n != 0 {
		t.Errorf("%d refresh tasks left in the queue after the timeout", n)
	}
}

// refreshTasks returns how many tasks the refresh queue holds, in any state.
func (e *env) refreshTasks(t *testing.T) int {
	t.Helper()
	queues, err := e.insp.Queues()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(queues, e.q.Refresh) {
		return 0
	}
	info, err := e.insp.GetQueueInfo(e.q.Refresh)
	if err != nil {
		t.Fatal(err)
	}
	return info.Size
}

func TestRefreshClientGoneDropsTask(t *testing.T) {
	e := newEnv(t, api.Config{RefreshTimeout: time.Minute})
	ctx := context.Background()
	e.store.Create(ctx, "r1", tasks.TypeTopics)
	e.store.Succeed(ctx, store.Run{ID: "r1"}, []byte(`{}`), nil, "")
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		req, _ := http.NewRequestWithContext(rctx, "POST", e.srv.URL+"/bourdieu/refresh/r1", strings.NewReader(`{"bourdieu_query": {}, "topic_param": {}}`))
		req.Header.Set("Content-Type", "application/json")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	for e.refreshTasks(t) == 0 { // no worker: it waits in the queue
		if time.Now().After(deadline) {
			t.Fatal("the refresh was not queued")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel() // the client leaves
	<-done
	for e.refreshTasks(t) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the refresh task stayed in the queue after its client left")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestOpenAPIListsEveryRoute checks that api/openapi.yaml documents each
// route of the router (those without a trailing slash are aliases).
func TestOpenAPIListsEveryRoute(t *testing.T) {
	e := newEnv(t, api.Config{})
	doc := string(apispec.OpenAPI)
	r, ok := e.api.Handler().(chi.Routes)
	if !ok {
		t.Fatal("the handler is not a chi router")
	}
	n := 0
	err := chi.Walk(r, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(route, "/docs") {
			return nil
		}
		path := route
		if !strings.HasSuffix(path, "/") && !strings.Contains(path, "{") && !strings.HasSuffix(path, "z") {
			path += "/" // /topics and /topics/csv are aliases of /topics/ and /topics/csv/
		}
		path = strings.TrimSuffix(path, "/{task_id}/")
		if strings.HasSuffix(route, "{task_id}/") {
			return nil // alias of .../{task_id}
		}
		if strings.HasPrefix(route, "/bourdieu/refresh") {
			path = "/bourdieu/refresh/{task_id}"
		}
		if !strings.Contains(doc, "\n  "+path+":\n") {
			t.Errorf("%s %s (as %s) is not in api/openapi.yaml", method, route, path)
		}
		if !strings.Contains(doc, "    "+strings.ToLower(method)+":") {
			t.Errorf("no %s operation in api/openapi.yaml", method)
		}
		n++
		return nil
	})
	if err != nil || n < 9 {
		t.Errorf("walked %d routes, %v", n, err)
	}
}

func TestReadyzWithoutRedis(t *testing.T) {
	// A store on a port where nothing listens.
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer rdb.Close()
	a := api.New(store.New(rdb, "x:", time.Hour), asynq.NewClientFromRedisClient(rdb),
		api.Config{Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	if code, m := getJSON(t, srv.URL+"/readyz"); code != 503 || m["redis"] != "unreachable" {
		t.Errorf("readyz %d %v", code, m)
	}
	if code, m := getJSON(t, srv.URL+"/healthz"); code != 200 {
		t.Errorf("healthz %d %v", code, m)
	}
	// Uploads get a 503 with a message, not a hang or a bare 500.
	code, m := post(t, srv.URL+"/topics/", "application/json", strings.NewReader(`{"full_docs": ["a"], "topic_param": {}}`))
	if code != 503 || m["status_code"] != float64(10503) {
		t.Errorf("upload without Redis: %d %v", code, m)
	}
	if code, _ := getJSON(t, srv.URL+"/tasks/topics/x/result"); code != 503 {
		t.Errorf("result without Redis: %d", code)
	}
}

func TestProgressStreamLostJob(t *testing.T) {
	e := newEnv(t, api.Config{LostCheckInterval: 100 * time.Millisecond})
	ctx := context.Background()
	// A record that says the job runs, but no queue holds the job (Redis
	// lost it): the stream does not show PROCESSING for ever.
	e.store.Create(ctx, "lost1", tasks.TypeTopics)
	e.store.Start(ctx, "lost1", tasks.TypeTopics)
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(cctx, "GET", e.srv.URL+"/tasks/topics/lost1/progress", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	ev := readEvents(t, resp.Body, 1000)
	last := ev[len(ev)-1]
	if last["state"] != "FAILURE" || !strings.Contains(fmt.Sprint(last["error"]), "lost from the queue") {
		t.Errorf("last event %v", last)
	}
	// A job that is in its queue is left alone.
	body, ct := csvForm(t, smallCSV, nil)
	_, m := post(t, e.srv.URL+"/topics/csv/", ct, body)
	id := m["task_id"].(string)
	defer e.insp.DeleteTask(e.q.Jobs, id)
	req, _ = http.NewRequestWithContext(cctx, "GET", e.srv.URL+"/tasks/topics/"+id+"/progress", nil)
	resp2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	for _, ev := range readEvents(t, resp2.Body, 8) { // 400 ms: several checks
		if ev["state"] != "PENDING" {
			t.Fatalf("queued job: event %v", ev)
		}
	}
}

// TestWaitingRefreshesLeaveRedisToOthers fills the refresh slots with
// requests that no worker answers: /readyz and uploads still go through a
// small Redis pool, and one refresh more is refused with a 503.
func TestWaitingRefreshesLeaveRedisToOthers(t *testing.T) {
	const n = 40
	main := redisClient(t)
	// Commands that find no free connection in 5 s fail.
	small := redis.NewClient(&redis.Options{Addr: main.Options().Addr, DB: testDB, PoolSize: 4, PoolTimeout: 5 * time.Second})
	t.Cleanup(func() { small.Close() })
	replies, err := store.ConnectReplies(fmt.Sprintf("redis://%s/%d", main.Options().Addr, testDB), "", n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { replies.Close() })
	e := newEnvOn(t, api.Config{RefreshTimeout: 2 * time.Minute, MaxRefreshWaits: n}, small, replies)
	ctx := context.Background()
	e.store.Create(ctx, "r1", tasks.TypeTopics)
	e.store.Succeed(ctx, store.Run{ID: "r1"}, []byte(`{}`), nil, "")

	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	for range n {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(rctx, "POST", e.srv.URL+"/bourdieu/refresh/r1", strings.NewReader(`{"bourdieu_query": {}, "topic_param": {}}`))
			req.Header.Set("Content-Type", "application/json")
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	deadline := time.Now().Add(30 * time.Second)
	for e.refreshTasks(t) < n { // each is queued once it holds its slot
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d refreshes queued", e.refreshTasks(t), n)
		}
		time.Sleep(20 * time.Millisecond)
	}

	if code, m := getJSON(t, e.srv.URL+"/readyz"); code != 200 {
		t.Errorf("readyz while %d refreshes wait: %d %v", n, code, m)
	}
	body, ct := csvForm(t, smallCSV, nil)
	if code, m := post(t, e.srv.URL+"/topics/csv/", ct, body); code != 200 || m["task_id"] == nil {
		t.Errorf("upload while %d refreshes wait: %d %v", n, code, m)
	} else {
		defer e.insp.DeleteTask(e.q.Jobs, m["task_id"].(string))
	}
	code, m := post(t, e.srv.URL+"/bourdieu/refresh/r1", "application/json", strings.NewReader(`{"bourdieu_query": {}, "topic_param": {}}`))
	if code != http.StatusServiceUnavailable || !strings.Contains(fmt.Sprint(m["message"]), "too many Bourdieu refreshes") {
		t.Errorf("refresh %d: %d %v, want a 503 saying there are too many", n+1, code, m)
	}
}

// answerRefresh plays a worker: it answers the next refresh queued with rep.
func (e *env) answerRefresh(t *testing.T, rep tasks.RefreshReply) {
	t.Helper()
	b, _ := json.Marshal(rep)
	go func() {
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			infos, err := e.insp.ListPendingTasks(e.q.Refresh)
			if err != nil || len(infos) == 0 {
				continue
			}
			var p tasks.RefreshPayload
			if json.Unmarshal(infos[0].Payload, &p) != nil {
				return
			}
			e.insp.DeleteTask(e.q.Refresh, infos[0].ID)
			e.store.Reply(context.Background(), p.ReplyID, b)
			return
		}
	}()
}

func TestRefreshWorkerErrors(t *testing.T) {
	e := newEnv(t, api.Config{RefreshTimeout: time.Minute})
	ctx := context.Background()
	e.store.Create(ctx, "r1", tasks.TypeTopics)
	e.store.Succeed(ctx, store.Run{ID: "r1"}, []byte(`{}`), nil, "")
	for _, tc := range []struct {
		desc     string
		rep      tasks.RefreshReply
		code     int
		want     string
		dontWant string
	}{
		{"embedder mismatch", tasks.RefreshReply{Code: tasks.ReplyConflict, Message: "this topic map was embedded with builtin and this worker embeds with onnx:m"},
			http.StatusConflict, "embedded with builtin and this worker embeds with onnx:m", ""},
		{"internal", tasks.RefreshReply{Code: tasks.ReplyInternal, Message: "internal error: store: pipeline state r1: secret detail"},
			http.StatusInternalServerError, "internal error", "secret detail"},
		{"unknown code", tasks.RefreshReply{Code: "new", Message: "detail from a newer worker"},
			http.StatusInternalServerError, "internal error", "detail"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			e.answerRefresh(t, tc.rep)
			code, m := post(t, e.srv.URL+"/bourdieu/refresh/r1", "application/json", strings.NewReader(`{"bourdieu_query": {}, "topic_param": {}}`))
			msg := fmt.Sprint(m["message"])
			if code != tc.code || m["status_code"] != float64(10000+tc.code) || !strings.Contains(msg, tc.want) || (tc.dontWant != "" && strings.Contains(msg, tc.dontWant)) {
				t.Errorf("%d %v, want %d with %q", code, m, tc.code, tc.want)
			}
			if tc.dontWant != "" && !strings.Contains(e.logs.String(), tc.rep.Message) {
				t.Errorf("the log lacks the worker's message %q", tc.rep.Message)
			}
		})
	}
}
