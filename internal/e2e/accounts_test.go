package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bunkatopics/bunka-go/internal/auth"
	"github.com/bunkatopics/bunka-go/internal/config"
	"github.com/bunkatopics/bunka-go/internal/service"
	"github.com/bunkatopics/bunka-go/internal/testenv"
	"github.com/bunkatopics/bunka-go/internal/worker"
)

const accountsDB = 12 // TestAccountsAndProjects

// startProcesses starts the API and a worker as the binaries do, and
// returns the API's URL and a function that stops both.
func startProcesses(t *testing.T, cfg config.Config) (string, func()) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	m, err := service.Open(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	a, err := m.API()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	w := worker.New(m.Redis, m.Store, mustEngine(t, log), worker.ConfigFrom(m.Config, m.Logger))
	go func() { done <- w.Run(ctx) }()
	return srv.URL, func() {
		a.CloseStreams()
		srv.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker: %v", err)
		}
		if err := m.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	}
}

// call sends a request with the Authorization header authz and decodes a
// JSON answer into out (when not nil).
func call(t *testing.T, method, url, authz, body string, out any) int {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, url, err)
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %.200q: %v", method, url, resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode
}

// picture GETs a map.{format} URL and returns its status, content type
// and body.
func picture(t *testing.T, url, authz string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", url, err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// TestAccountsAndProjects: with BUNKA_AUTH=on and DATABASE_URL, a user
// and a key made as `bunka users add` and `bunka keys create` make them,
// an upload with HTTP Basic followed on its progress stream, a saved
// project that opens and refreshes after Redis lost everything and the
// processes restarted, a share link and a revoked key.
func TestAccountsAndProjects(t *testing.T) {
	t.Parallel()
	prefix := runPrefix("accounts")
	t.Cleanup(func() { cleanup(accountsDB, prefix) })
	cfg := config.Config{
		RedisURL:         fmt.Sprintf("redis://%s/%d", testenv.RedisAddr(), accountsDB),
		KeyPrefix:        prefix,
		ProgressInterval: 200 * time.Millisecond,
		LogFormat:        "text",
		ShutdownTimeout:  2 * time.Second,
		Auth:             true,
		DatabaseURL:      testenv.PostgresSchema(t),
	}
	ctx := context.Background()

	// The first user and key, as the command line makes them.
	ps, err := service.OpenProjects(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := auth.New(ps, auth.Config{})
	ann, err := a.AddUser(ctx, "ann@example.com", "ann's passphrase")
	if err != nil {
		t.Fatal(err)
	}
	key, secret, err := a.CreateKey(ctx, ann.ID, "laptop")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddUser(ctx, "bob@example.com", "bob's passphrase"); err != nil {
		t.Fatal(err)
	}
	ps.Close()
	bearer := "Bearer " + secret
	r, _ := http.NewRequest("GET", "/", nil)
	r.SetBasicAuth("ann@example.com", "ann's passphrase")
	annBasic := r.Header.Get("Authorization")
	r.SetBasicAuth("bob@example.com", "bob's passphrase")
	bobBasic := r.Header.Get("Authorization")

	url, stop := startProcesses(t, cfg)
	stopped := false
	defer func() {
		if !stopped {
			stop()
		}
	}()

	// Upload with Basic, as the browser does after its password prompt.
	body, ct := frontendForm(firstRows(dataFile(t, "tweets_463.csv"), 200), topicsFields("3", "china", "america", "obama", "hillary", "0.1"))
	req, _ := http.NewRequest("POST", url+"/topics/csv/", body)
	req.Header.Set("Content-Type", ct)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 401 {
		t.Fatalf("upload without credentials: %v %v", resp, err)
	}
	body, ct = frontendForm(firstRows(dataFile(t, "tweets_463.csv"), 200), topicsFields("3", "china", "america", "obama", "hillary", "0.1"))
	req, _ = http.NewRequest("POST", url+"/topics/csv/", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", annBasic)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var task struct {
		TaskID string `json:"task_id"`
	}
	err = json.NewDecoder(resp.Body).Decode(&task)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("upload with Basic: %d %v", resp.StatusCode, err)
	}

	// The progress stream, with the same credentials (EventSource sends them).
	sctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	req, _ = http.NewRequestWithContext(sctx, "GET", url+"/tasks/topics/"+task.TaskID+"/progress", nil)
	req.Header.Set("Authorization", annBasic)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	stream, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(stream), `"state":"SUCCESS"`) {
		t.Fatalf("progress: %d %.300s", resp.StatusCode, stream)
	}
	if code := call(t, "GET", url+"/tasks/topics/"+task.TaskID+"/result", bobBasic, "", nil); code != 404 {
		t.Errorf("another user's result: %d, want 404", code)
	}

	// Save it.
	var p struct {
		ID       string `json:"id"`
		DocCount int    `json:"doc_count"`
		FileName string `json:"file_name"`
		Embedder string `json:"embedder"`
	}
	if code := call(t, "POST", url+"/projects/", bearer, `{"task_id": "`+task.TaskID+`", "name": "tweets"}`, &p); code != 201 {
		t.Fatalf("save: %d", code)
	}
	if p.DocCount != 200 || p.FileName != "data.csv" || p.Embedder == "" {
		t.Errorf("saved project %+v", p)
	}
	var before map[string]any
	if code := call(t, "GET", url+"/projects/"+p.ID+"/map", bearer, "", &before); code != 200 {
		t.Fatalf("map: %d", code)
	}

	// Redis loses everything; every process restarts.
	stop()
	stopped = true
	cleanup(accountsDB, prefix)
	url, stop = startProcesses(t, cfg)
	stopped = false
	if code := call(t, "GET", url+"/tasks/topics/"+task.TaskID+"/result", bearer, "", nil); code != 404 {
		t.Fatalf("the task's result after the flush: %d, want 404", code)
	}

	// Reopen, refresh.
	var after map[string]any
	if code := call(t, "GET", url+"/projects/"+p.ID+"/map", bearer, "", &after); code != 200 {
		t.Fatalf("map after restart: %d", code)
	}
	if len(after["docs"].([]any)) != 200 || len(after["topics"].([]any)) != len(before["topics"].([]any)) {
		t.Errorf("map after restart: %d docs, %d topics", len(after["docs"].([]any)), len(after["topics"].([]any)))
	}
	// The saved map drawn, as a task's map.{format}.
	if code, ctype, b := picture(t, url+"/projects/"+p.ID+"/map.svg", bearer); code != 200 || ctype != "image/svg+xml" || xml.Unmarshal(b, new(struct{ XMLName xml.Name })) != nil {
		t.Errorf("project map.svg after restart: %d %s %.100q", code, ctype, b)
	}
	if code, _, _ := picture(t, url+"/projects/"+p.ID+"/map.svg", bobBasic); code != 404 {
		t.Errorf("another user's project map.svg: %d, want 404", code)
	}
	var list struct {
		Projects []struct{ ID string } `json:"projects"`
	}
	if code := call(t, "GET", url+"/projects/", annBasic, "", &list); code != 200 || len(list.Projects) != 1 || list.Projects[0].ID != p.ID {
		t.Errorf("list: %d %+v", code, list)
	}
	if code := call(t, "GET", url+"/projects/"+p.ID, bobBasic, "", nil); code != 404 {
		t.Errorf("another user's project: %d, want 404", code)
	}
	var bourdieu map[string]any
	code := call(t, "POST", url+"/projects/"+p.ID+"/bourdieu/refresh", bearer,
		`{"bourdieu_query": {"x_left_words": ["china"], "x_right_words": ["america"], "y_top_words": ["obama"], "y_bottom_words": ["hillary"], "radius_size": 0.5}, "topic_param": {"n_clusters": 3}}`, &bourdieu)
	if code != 200 || bourdieu["query"] == nil {
		t.Fatalf("refresh after restart: %d %.200v", code, bourdieu)
	}
	for _, bad := range []string{`{`, `{"bourdieu_query": 3, "topic_param": {}}`} {
		if code := call(t, "POST", url+"/projects/"+p.ID+"/bourdieu/refresh", bearer, bad, nil); code != 422 {
			t.Errorf("refresh with %s: %d, want 422", bad, code)
		}
	}

	// Search, with the project's embedder.
	var found struct {
		Results []struct {
			Content string  `json:"content"`
			Score   float64 `json:"score"`
			TopicID *string `json:"topic_id"`
		} `json:"results"`
	}
	if code := call(t, "GET", url+"/projects/"+p.ID+"/search?q=china&k=5", bearer, "", &found); code != 200 || len(found.Results) != 5 {
		t.Fatalf("search: %d, %d results", code, len(found.Results))
	}
	for i, h := range found.Results {
		if i > 0 && h.Score > found.Results[i-1].Score {
			t.Errorf("result %d scores %g, more than the one before (%g)", i, h.Score, found.Results[i-1].Score)
		}
	}
	if !strings.Contains(strings.ToLower(found.Results[0].Content), "china") {
		t.Errorf("best result for china: %.100q", found.Results[0].Content)
	}
	for _, q := range []string{"", "?q=", "?q=china&k=0", "?q=china&k=x"} {
		if code := call(t, "GET", url+"/projects/"+p.ID+"/search"+q, bearer, "", nil); code != 422 {
			t.Errorf("search %q: %d, want 422", q, code)
		}
	}

	// Share, open without an account, revoke.
	var share struct{ Path string }
	if code := call(t, "POST", url+"/projects/"+p.ID+"/share", bearer, "", &share); code != 201 {
		t.Fatalf("share: %d", code)
	}
	var shared map[string]any
	if code := call(t, "GET", url+share.Path, "", "", &shared); code != 200 || len(shared["docs"].([]any)) != 200 {
		t.Errorf("shared map: %d", code)
	}
	code, ctype, b := picture(t, url+share.Path+".png?width=400&height=300", "")
	if code != 200 || ctype != "image/png" {
		t.Errorf("shared map.png: %d %s", code, ctype)
	} else if img, err := png.Decode(bytes.NewReader(b)); err != nil || img.Bounds().Dx() != 400 || img.Bounds().Dy() != 300 {
		t.Errorf("shared map.png: %v, want a 400x300 PNG (%v)", err, img)
	}
	if code := call(t, "DELETE", url+"/projects/"+p.ID+"/share", bearer, "", nil); code != 204 {
		t.Errorf("unshare: %d", code)
	}
	if code := call(t, "GET", url+share.Path, "", "", nil); code != 404 {
		t.Errorf("revoked share link: %d, want 404", code)
	}
	if code, _, _ := picture(t, url+share.Path+".svg", ""); code != 404 {
		t.Errorf("revoked share link's map.svg: %d, want 404", code)
	}

	// Revoke the key.
	if code := call(t, "DELETE", url+"/auth/keys/"+key.ID, annBasic, "", nil); code != 204 {
		t.Errorf("revoke: %d", code)
	}
	if code := call(t, "GET", url+"/projects/"+p.ID, bearer, "", nil); code != 401 {
		t.Errorf("revoked key: %d, want 401", code)
	}
	if code := call(t, "DELETE", url+"/projects/"+p.ID, annBasic, "", nil); code != 204 {
		t.Errorf("delete: %d", code)
	}
	if code := call(t, "GET", url+"/projects/"+p.ID+"/map", annBasic, "", nil); code != 404 {
		t.Errorf("deleted project's map: %d, want 404", code)
	}
}
