package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	apispec "github.com/bunkatopics/bunka-go/api"
	"github.com/bunkatopics/bunka-go/internal/api"
	"github.com/bunkatopics/bunka-go/internal/auth"
	"github.com/bunkatopics/bunka-go/internal/projects"
	"github.com/bunkatopics/bunka-go/internal/projects/postgres"
	"github.com/bunkatopics/bunka-go/internal/projects/sqlite"
	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/testenv"
)

// stores opens each implementation of the accounts store, fresh.
var stores = []struct {
	name string
	open func(t *testing.T) projects.Store
}{
	{"sqlite", func(t *testing.T) projects.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "bunka.db"), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}},
	{"postgres", func(t *testing.T) projects.Store {
		s, err := postgres.Open(context.Background(), testenv.PostgresSchema(t), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}},
}

// authEnv is an API with auth on, two users and their credentials.
type authEnv struct {
	*env
	auth                     *auth.Service
	owner, other             projects.User
	ownerKey, otherKey, dead string // dead: a revoked key of the owner
	ownerBasic, otherBasic   string
	ownerKeyID, spareKeyID   string
}

func basicHeader(user, pass string) string {
	r, _ := http.NewRequest("GET", "/", nil)
	r.SetBasicAuth(user, pass)
	return r.Header.Get("Authorization")
}

func newAuthEnv(t *testing.T, ps projects.Store, cfg api.Config) *authEnv {
	t.Helper()
	ctx := context.Background()
	a := auth.New(ps, auth.Config{Enabled: true, KeyRate: 1000, KeyBurst: 1000})
	cfg.Auth, cfg.Projects = a, ps
	e := &authEnv{env: newEnv(t, cfg), auth: a}
	var err error
	if e.owner, err = a.AddUser(ctx, "owner@example.com", "owner-password"); err != nil {
		t.Fatal(err)
	}
	if e.other, err = a.AddUser(ctx, "other@example.com", "other-password"); err != nil {
		t.Fatal(err)
	}
	k, secret, err := a.CreateKey(ctx, e.owner.ID, "main")
	if err != nil {
		t.Fatal(err)
	}
	e.ownerKey, e.ownerKeyID = "Bearer "+secret, k.ID
	if _, secret, err = a.CreateKey(ctx, e.other.ID, "main"); err != nil {
		t.Fatal(err)
	}
	e.otherKey = "Bearer " + secret
	dead, secret, err := a.CreateKey(ctx, e.owner.ID, "old")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.RevokeKey(ctx, e.owner.ID, dead.ID); err != nil {
		t.Fatal(err)
	}
	e.dead = "Bearer " + secret
	spare, _, err := a.CreateKey(ctx, e.owner.ID, "spare")
	if err != nil {
		t.Fatal(err)
	}
	e.spareKeyID = spare.ID
	e.ownerBasic = basicHeader("owner@example.com", "owner-password")
	e.otherBasic = basicHeader("other@example.com", "other-password")
	return e
}

// do sends a request with the Authorization header authz ("" for none).
func (e *authEnv) do(t *testing.T, method, path, authz, ctype string, body io.Reader) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// testResult and testState are a finished job's result and pipeline state
// as the API sees them (the state is opaque to it but for the embedder's
// name at its head).
const testResult = `{"docs":[{"doc_id":"d1","content":"a b c","topic_id":"bt-0","x":0,"y":0}],"topics":[],"bourdieu_response":null,"terms":[]}`

var testState = append([]byte("BST1\x07"), "builtin"...)

// saveProject saves task id as the owner and returns the project's id.
func (e *authEnv) saveProject(t *testing.T, id string) string {
	t.Helper()
	resp, b := e.do(t, "POST", "/projects/", e.ownerKey, "application/json",
		strings.NewReader(`{"task_id": "`+id+`", "name": "my map"}`))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /projects/: %d %s", resp.StatusCode, b)
	}
	var p struct {
		ID       string `json:"id"`
		DocCount int    `json:"doc_count"`
		Embedder string `json:"embedder"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	if p.DocCount != 1 || p.Embedder != "builtin" {
		t.Errorf("saved project %s", b)
	}
	return p.ID
}

// finishedTask queues a topics job as the owner and marks it done.
func (e *authEnv) finishedTask(t *testing.T) string {
	t.Helper()
	resp, b := e.do(t, "POST", "/topics/", e.ownerKey, "application/json",
		strings.NewReader(`{"full_docs": ["a b c", "d e f"], "topic_param": {"n_clusters": 2}}`))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /topics/ as the owner: %d %s", resp.StatusCode, b)
	}
	var id struct {
		TaskID string `json:"task_id"`
	}
	if err := json.Unmarshal(b, &id); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Succeed(context.Background(), store.Run{ID: id.TaskID}, []byte(testResult), testState, ""); err != nil {
		t.Fatal(err)
	}
	return id.TaskID
}

// TestAuthEveryRoute calls every route with no credentials, wrong ones, a
// revoked key, another user's and the owner's, on both account stores.
func TestAuthEveryRoute(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			e := newAuthEnv(t, st.open(t), api.Config{UserMaxJobs: 100, RefreshTimeout: 300 * time.Millisecond})
			id := e.finishedTask(t)
			pid, pid2 := e.saveProject(t, id), e.saveProject(t, id)
			resp, b := e.do(t, "POST", "/projects/"+pid+"/share", e.ownerKey, "", nil)
			var share struct{ Path string }
			if err := json.Unmarshal(b, &share); err != nil || resp.StatusCode != 201 {
				t.Fatalf("share: %d %s", resp.StatusCode, b)
			}
			const docs = `{"full_docs": ["a b c", "d e f"], "topic_param": {"n_clusters": 2}}`
			const bourdieu = `{"full_docs": ["a b c"], "query": {"x_left_words": ["a"], "x_right_words": ["b"], "y_top_words": ["c"], "y_bottom_words": ["d"]}, "topic_param": {}}`
			const refresh = `{"bourdieu_query": {"x_left_words": ["a"], "x_right_words": ["b"], "y_top_words": ["c"], "y_bottom_words": ["d"]}, "topic_param": {}}`
			csvBody := func() (io.Reader, string) { return csvForm(t, smallCSV, nil) }
			type row struct {
				method, route, path string
				body                func() (io.Reader, string)
				public              bool // no credentials needed
				other, owner        int  // status for another user, and for the owner
			}
			jsonBody := func(s string) func() (io.Reader, string) {
				return func() (io.Reader, string) { return strings.NewReader(s), "application/json" }
			}
			rows := []row{
				{"POST", "/topics/", "/topics/", jsonBody(docs), false, 200, 200},
				{"POST", "/topics/csv/", "/topics/csv/", csvBody, false, 200, 200},
				{"POST", "/bourdieu/", "/bourdieu/", jsonBody(bourdieu), false, 200, 200},
				{"POST", "/bourdieu/csv/", "/bourdieu/csv/", csvBody, false, 200, 200},
				// No worker runs: the owner's refresh waits and times out (504).
				{"POST", "/bourdieu/refresh/{task_id}", "/bourdieu/refresh/" + id, jsonBody(refresh), false, 404, 504},
				{"GET", "/tasks/{task_name}/{task_id}/progress", "/tasks/topics/" + id + "/progress", nil, false, 404, 200},
				{"GET", "/tasks/{task_name}/{task_id}/result", "/tasks/topics/" + id + "/result", nil, false, 404, 200},
				{"GET", "/tasks/{task_name}/{task_id}/map.{format}", "/tasks/topics/" + id + "/map.svg", nil, false, 404, 200},
				{"POST", "/projects/", "/projects/", jsonBody(`{"task_id": "` + id + `", "name": "again"}`), false, 404, 201},
				{"GET", "/projects/", "/projects/", nil, false, 200, 200},
				{"GET", "/projects/{id}", "/projects/" + pid, nil, false, 404, 200},
				{"PATCH", "/projects/{id}", "/projects/" + pid, jsonBody(`{"name": "renamed"}`), false, 404, 200},
				{"GET", "/projects/{id}/map", "/projects/" + pid + "/map", nil, false, 404, 200},
				{"GET", "/projects/{id}/map.{format}", "/projects/" + pid + "/map.svg", nil, false, 404, 200},
				{"POST", "/projects/{id}/bourdieu/refresh", "/projects/" + pid + "/bourdieu/refresh", jsonBody(refresh), false, 404, 504},
				{"GET", "/projects/{id}/search", "/projects/" + pid + "/search?q=words", nil, false, 404, 504},
				{"DELETE", "/projects/{id}/share", "/projects/" + pid2 + "/share", nil, false, 404, 204},
				{"POST", "/projects/{id}/share", "/projects/" + pid2 + "/share", nil, false, 404, 201},
				{"DELETE", "/projects/{id}", "/projects/" + pid2, nil, false, 404, 204},
				{"GET", "/shared/{token}/map", share.Path, nil, true, 200, 200},
				{"GET", "/shared/{token}/map.{format}", share.Path + ".png", nil, true, 200, 200},
				{"GET", "/auth/me", "/auth/me", nil, false, 200, 200},
				{"GET", "/auth/keys", "/auth/keys", nil, false, 200, 200},
				{"POST", "/auth/keys", "/auth/keys", jsonBody(`{"name": "ci"}`), false, 201, 201},
				{"DELETE", "/auth/keys/{id}", "/auth/keys/" + e.spareKeyID, nil, false, 404, 204},
				{"POST", "/auth/logout", "/auth/logout", nil, false, 204, 204},
				{"POST", "/auth/login", "/auth/login", jsonBody(`{"email": "owner@example.com", "password": "owner-password"}`), true, 200, 200},
				{"POST", "/auth/signup", "/auth/signup", jsonBody(`{"email": "new@example.com", "password": "new-password"}`), true, 404, 404},
				{"GET", "/healthz", "/healthz", nil, true, 200, 200},
				{"GET", "/readyz", "/readyz", nil, true, 200, 200},
			}
			// Every route of the router is in the table (aliases aside), and
			// every route of the table in api/openapi.yaml.
			seen := map[string]bool{}
			for _, r := range rows {
				seen[r.method+" "+r.route] = true
				if !strings.Contains(string(apispec.OpenAPI), "\n  "+r.route+":\n") {
					t.Errorf("%s is not in api/openapi.yaml", r.route)
				}
			}
			err := chi.Walk(e.api.Handler().(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
				if strings.HasPrefix(route, "/docs") {
					return nil
				}
				r := route
				if !strings.HasSuffix(r, "/") && (r == "/topics" || r == "/topics/csv" || r == "/bourdieu" || r == "/bourdieu/csv") {
					r += "/"
				}
				r = strings.TrimSuffix(r, "/{task_id}/") + map[bool]string{true: "/{task_id}"}[strings.HasSuffix(route, "{task_id}/")]
				if !seen[method+" "+r] {
					t.Errorf("route %s %s is not in the table", method, route)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}

			for _, r := range rows {
				for _, c := range []struct {
					who, authz string
					want       int
				}{
					{"no credentials", "", 401},
					{"wrong credentials", "Bearer bk_wrong", 401},
					{"revoked key", e.dead, 401},
					{"another user", e.otherBasic, r.other},
					{"the owner", e.ownerKey, r.owner},
				} {
					want := c.want
					if r.public {
						want = r.owner
					}
					var body io.Reader
					var ctype string
					if r.body != nil {
						body, ctype = r.body()
					}
					resp, b := e.do(t, r.method, r.path, c.authz, ctype, body)
					if resp.StatusCode != want {
						t.Errorf("%s %s with %s: %d %s, want %d", r.method, r.path, c.who, resp.StatusCode, b, want)
					}
					if resp.StatusCode == 401 && resp.Header.Get("WWW-Authenticate") == "" {
						t.Errorf("%s %s with %s: 401 without WWW-Authenticate", r.method, r.path, c.who)
					}
					if resp.StatusCode == 404 && strings.HasPrefix(r.route, "/projects/{id}") {
						resp2, b2 := e.do(t, r.method, strings.Replace(strings.Replace(r.path, pid2, pid, 1), pid, "00000000-0000-0000-0000-000000000000", 1), c.authz, ctype, nil)
						if resp2.StatusCode != 404 || string(b2) != string(b) {
							t.Errorf("%s: another user's project gives %d %s, a missing one %d %s", r.route, resp.StatusCode, b, resp2.StatusCode, b2)
						}
					}
					if resp.StatusCode == 404 && strings.HasPrefix(r.route, "/tasks") {
						// Another user's task reads exactly as a missing one.
						resp2, b2 := e.do(t, r.method, strings.Replace(r.path, id, "00000000-0000-0000-0000-000000000000", 1), c.authz, "", nil)
						if resp2.StatusCode != 404 || string(b2) != string(b) {
							t.Errorf("%s: another user's task gives %d %s, a missing one %d %s", r.route, resp.StatusCode, b, resp2.StatusCode, b2)
						}
					}
				}
			}
			token := strings.TrimSuffix(strings.TrimPrefix(share.Path, "/shared/"), "/map")
			for _, secret := range []string{strings.TrimPrefix(e.ownerKey, "Bearer "), "owner-password", token} {
				if strings.Contains(e.logs.String(), secret) {
					t.Errorf("the secret %.6s... is in the logs", secret)
				}
			}
		})
	}
}

// TestUserMaxJobs: a user with BUNKA_USER_MAX_JOBS jobs unfinished gets a
// 429 that says why; another user is not held back.
func TestUserMaxJobs(t *testing.T) {
	e := newAuthEnv(t, stores[0].open(t), api.Config{UserMaxJobs: 2})
	const docs = `{"full_docs": ["a b c", "d e f"], "topic_param": {"n_clusters": 2}}`
	for i := range 2 {
		if resp, b := e.do(t, "POST", "/topics/", e.ownerKey, "application/json", strings.NewReader(docs)); resp.StatusCode != 200 {
			t.Fatalf("job %d: %d %s", i+1, resp.StatusCode, b)
		}
	}
	resp, b := e.do(t, "POST", "/topics/", e.ownerKey, "application/json", strings.NewReader(docs))
	if resp.StatusCode != 429 || !strings.Contains(string(b), "BUNKA_USER_MAX_JOBS") {
		t.Errorf("third job: %d %s, want 429 naming BUNKA_USER_MAX_JOBS", resp.StatusCode, b)
	}
	if resp, b := e.do(t, "POST", "/topics/", e.otherKey, "application/json", strings.NewReader(docs)); resp.StatusCode != 200 {
		t.Errorf("another user's job: %d %s", resp.StatusCode, b)
	}
}

// TestLoginSessionAndThrottle: the cookie of POST /auth/login opens the
// routes until logout; repeated failures get 429 with Retry-After.
func TestLoginSessionAndThrottle(t *testing.T) {
	e := newAuthEnv(t, stores[0].open(t), api.Config{})
	resp, b := e.do(t, "POST", "/auth/login", "", "application/json",
		strings.NewReader(`{"email": "Owner@Example.com", "password": "owner-password"}`))
	if resp.StatusCode != 200 {
		t.Fatalf("login: %d %s", resp.StatusCode, b)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == auth.SessionCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Expires.IsZero() {
		t.Fatalf("session cookie %+v", cookie)
	}
	withCookie := func(method, path string) int {
		req, _ := http.NewRequest(method, e.srv.URL+path, nil)
		req.AddCookie(cookie)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := withCookie("GET", "/auth/me"); s != 200 {
		t.Errorf("GET /auth/me with the cookie: %d", s)
	}
	if s := withCookie("POST", "/auth/logout"); s != 204 {
		t.Errorf("logout: %d", s)
	}
	if s := withCookie("GET", "/auth/me"); s != 401 {
		t.Errorf("GET /auth/me after logout: %d, want 401", s)
	}
	for _, body := range []string{`{`, `[]`, `{"email": 3, "password": "x"}`, `{"email": "owner@example.com"}`} {
		if resp, b := e.do(t, "POST", "/auth/login", "", "application/json", strings.NewReader(body)); resp.StatusCode != 422 {
			t.Errorf("login with %s: %d %s, want 422", body, resp.StatusCode, b)
		}
	}
	var last *http.Response
	for range 6 {
		last, _ = e.do(t, "POST", "/auth/login", "", "application/json",
			strings.NewReader(`{"email": "owner@example.com", "password": "wrong-password"}`))
	}
	if last.StatusCode != 429 || last.Header.Get("Retry-After") == "" {
		t.Errorf("6th failed login: %d, Retry-After %q; want 429 with Retry-After", last.StatusCode, last.Header.Get("Retry-After"))
	}
	if strings.Contains(e.logs.String(), "wrong-password") || strings.Contains(e.logs.String(), cookie.Value) {
		t.Error("a password or a session token is in the logs")
	}
}
