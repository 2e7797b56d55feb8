package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bunkatopics/bunka-go/internal/testenv"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// fakeOpenAI is an HTTP server speaking the chat-completions API. The
// behaviour for a request is chosen by the first keyword of its prompt.
type fakeOpenAI struct {
	t     *testing.T
	mu    sync.Mutex
	calls map[string]int
	heads []http.Header
	body  []map[string]any
}

func (f *fakeOpenAI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/chat/completions" || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	var req struct {
		Model    string `json:"model"`
		Messages []struct {
			Role, Content string
		} `json:"messages"`
	}
	data, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(data, &req); err != nil || len(req.Messages) != 2 {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	prompt := req.Messages[1].Content
	// The first keyword: the line after "keywords:".
	kw := strings.SplitN(prompt, "keywords:\n", 2)[1]
	kw = kw[:strings.IndexAny(kw, ",\n")]
	f.mu.Lock()
	f.calls[kw]++
	n := f.calls[kw]
	f.heads = append(f.heads, r.Header.Clone())
	var m map[string]any
	json.Unmarshal(data, &m)
	f.body = append(f.body, m)
	f.mu.Unlock()

	answer := func(s string) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"x","object":"chat.completion","created":1,"model":%q,"choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}]}`, req.Model, s)
	}
	apiError := func(code int) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"error":{"message":"status %d","type":"test","code":null}}`, code)
	}
	switch kw {
	case "food":
		answer("Food and Cooking")
	case "space":
		answer("  Topic Name: \"Space Travel\".\n")
	case "rate":
		if n == 1 {
			apiError(http.StatusTooManyRequests)
			return
		}
		answer("Rate Limits")
	case "proxy":
		if n == 1 {
			http.Error(w, "<html>502 Bad Gateway</html>", http.StatusBadGateway)
			return
		}
		answer("Proxy Name")
	case "broken":
		apiError(http.StatusInternalServerError)
	case "hang":
		<-r.Context().Done()
	case "garbage":
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"choices": [ this is not json`)
	case "empty":
		answer(`""`)
	case "denied":
		apiError(http.StatusUnauthorized)
	default:
		answer("Default Name")
	}
}

func startFake(t *testing.T) (*fakeOpenAI, string) {
	f := &fakeOpenAI{t: t, calls: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL + "/v1"
}

func topic(id, name string, docs ...string) topicmap.Topic {
	return topicmap.Topic{TopicID: id, Name: name, TopDocContent: docs}
}

func TestNameTopics(t *testing.T) {
	f, url := startFake(t)
	var logs testenv.Logs
	n := New(Options{
		APIKey: "sk-test", OrgID: "org-test", BaseURL: url, Model: "test-model",
		Timeout: 200 * time.Millisecond, Retries: 2, Backoff: time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	topics := []topicmap.Topic{
		topic("bt-0", "food | cooking | recipe"),
		topic("bt-1", "space | rocket"),
		topic("bt-2", "rate | limit"),
		topic("bt-3", "broken | server"),
		topic("bt-4", "hang | forever"),
		topic("bt-5", "garbage | json"),
		topic("bt-6", "empty | answer"),
		topic("bt-7", "denied | key"),
		topic("bt-8", ""),
		topic("bt-9", "proxy | gateway"),
	}
	got, err := n.NameTopics(context.Background(), topics, "french")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"bt-0": "Food and Cooking", "bt-1": "Space Travel", "bt-2": "Rate Limits", "bt-9": "Proxy Name"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	wantCalls := map[string]int{"food": 1, "space": 1, "rate": 2, "broken": 3, "hang": 3, "garbage": 1, "empty": 1, "denied": 1, "proxy": 2}
	if diff := cmp.Diff(wantCalls, f.calls); diff != "" {
		t.Errorf("calls per topic (-want +got):\n%s", diff)
	}
	for _, h := range f.heads {
		if h.Get("Authorization") != "Bearer sk-test" || h.Get("OpenAI-Organization") != "org-test" {
			t.Errorf("headers %v", h)
			break
		}
	}
	if m := f.body[0]["model"]; m != "test-model" {
		t.Errorf("model = %v", m)
	}
	log := logs.String()
	for _, id := range []string{"bt-3", "bt-4", "bt-5", "bt-6", "bt-7", "bt-8"} {
		if !strings.Contains(log, "topic="+id) {
			t.Errorf("log says nothing about %s:\n%s", id, log)
		}
	}
	for _, s := range []string{"status code: 500", "no answer in 200ms", "empty answer", "status code: 401"} {
		if !strings.Contains(log, s) {
			t.Errorf("log lacks %q:\n%s", s, log)
		}
	}
}

func TestPromptContent(t *testing.T) {
	f, url := startFake(t)
	n := New(Options{APIKey: "k", BaseURL: url, UseDocs: true, Context: "tweets", Logger: slog.New(slog.DiscardHandler)})
	terms := "food | a | b | c | d | e | f | g | h | i | j | k"
	if _, err := n.NameTopics(context.Background(), []topicmap.Topic{topic("bt-0", terms, "doc one", "doc two", "doc three", "doc four")}, ""); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	msgs := f.body[0]["messages"].([]any)
	user := msgs[1].(map[string]any)["content"].(string)
	for _, s := range []string{"I have data about tweets", "food, a, b, c, d, e, f, g, h, i\n", "doc one \ndoc two \ndoc three\n", "3 words maximum", "nothing else in english", "Topic Name:"} {
		if !strings.Contains(user, s) {
			t.Errorf("prompt lacks %q:\n%s", s, user)
		}
	}
	if strings.Contains(user, ", j") || strings.Contains(user, "doc four") {
		t.Errorf("prompt has more than 10 terms or 3 documents:\n%s", user)
	}
	if sys := msgs[0].(map[string]any)["content"].(string); !strings.Contains(sys, "Topic Modeling") {
		t.Errorf("system prompt = %q", sys)
	}
}

func TestNoKey(t *testing.T) {
	f, url := startFake(t)
	var logs testenv.Logs
	n := New(Options{BaseURL: url, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	got, err := n.NameTopics(context.Background(), []topicmap.Topic{topic("bt-0", "food")}, "english")
	f.mu.Lock()
	defer f.mu.Unlock()
	if err != nil || len(got) != 0 || len(f.calls) != 0 || n.Enabled() {
		t.Errorf("got %v, %v, %d calls", got, err, len(f.calls))
	}
	if !strings.Contains(logs.String(), "no API key") {
		t.Errorf("log: %s", logs.String())
	}
}

func TestCanceled(t *testing.T) {
	_, url := startFake(t)
	n := New(Options{APIKey: "k", BaseURL: url, Timeout: time.Minute, Logger: slog.New(slog.DiscardHandler)})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := n.NameTopics(ctx, []topicmap.Topic{topic("bt-0", "hang")}, "english"); err == nil {
		t.Error("no error after the context ended")
	}
}

// TestTotalTimeout: an endpoint that never answers holds NameTopics for
// Options.TotalTimeout, not for the per-request timeout times the tries;
// the topics named before keep their LLM names, the others their term
// names, and the log lists them.
func TestTotalTimeout(t *testing.T) {
	f, url := startFake(t)
	var logs testenv.Logs
	n := New(Options{
		APIKey: "k", BaseURL: url, Concurrency: 1,
		Timeout: time.Minute, Retries: 3, Backoff: time.Second, TotalTimeout: 300 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	topics := []topicmap.Topic{
		topic("bt-0", "food | cooking"),
		topic("bt-1", "hang | forever"),
		topic("bt-2", "space | rocket"),
		topic("bt-3", "hang | again"),
	}
	// Without the limit, the hanging request would be retried for minutes
	// and the later topics named: the checks below would fail.
	got, err := n.NameTopics(context.Background(), topics, "english")
	if err != nil {
		t.Fatalf("err = %v; the time limit is no error", err)
	}
	if diff := cmp.Diff(map[string]string{"bt-0": "Food and Cooking"}, got); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	f.mu.Lock()
	if f.calls["space"] != 0 || f.calls["hang"] != 1 {
		t.Errorf("calls = %v; want one hanging request and none after the limit", f.calls)
	}
	f.mu.Unlock()
	log := logs.String()
	for _, s := range []string{"time limit for naming reached", "total_timeout=300ms", "unnamed=\"[bt-1 bt-2 bt-3]\""} {
		if !strings.Contains(log, s) {
			t.Errorf("log lacks %q:\n%s", s, log)
		}
	}

	// A context that ends first is still an error.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := n.NameTopics(ctx, topics[1:2], "english"); err == nil {
		t.Error("no error after the context ended")
	}
}

func TestTotalTimeoutFromEnv(t *testing.T) {
	for _, tc := range []struct {
		desc, env string
		want      time.Duration
		warn      bool
	}{
		{"unset", "", DefaultTotalTimeout, false},
		{"duration", "90s", 90 * time.Second, false},
		{"minutes", "2m", 2 * time.Minute, false},
		{"seconds", "45", 45 * time.Second, false},
		{"none", "-1", -time.Second, false},
		{"bad", "soon", DefaultTotalTimeout, true},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			env := map[string]string{"BUNKA_LLM_TIMEOUT": tc.env}
			o := OptionsFromEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
			var logs testenv.Logs
			o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			n := New(o)
			if n.opts.TotalTimeout != tc.want {
				t.Errorf("TotalTimeout = %v, want %v", n.opts.TotalTimeout, tc.want)
			}
			if warned := strings.Contains(logs.String(), "BUNKA_LLM_TIMEOUT"); warned != tc.warn {
				t.Errorf("warning logged = %v, want %v: %s", warned, tc.warn, logs.String())
			}
		})
	}
}

func TestCleanName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Food and Cooking", "Food and Cooking"},
		{" Topic Name: Space Travel.", "Space Travel"},
		{"topic name: \"Space Travel.\"", "Space Travel"},
		{"\"Space Travel\".", "Space Travel"},
		{"“Climate Change”", "Climate Change"},
		{"**Sports News**\nThis topic is about sports.", "Sports News"},
		{"'Music'", "Music"},
		{"U.S. Politics.", "U.S. Politics"},
		{"  \"\" ", ""},
		{"", ""},
	} {
		if got := CleanName(tc.in); got != tc.want {
			t.Errorf("CleanName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestOptionsFromEnv(t *testing.T) {
	t.Setenv("OPEN_AI_KEY", "")
	t.Setenv("OPENAI_API_KEY", "sk-2")
	t.Setenv("OPEN_AI_ORG_ID", "org")
	t.Setenv("OPENAI_BASE_URL", "http://x/v1")
	t.Setenv("BUNKA_LLM_MODEL", "")
	t.Setenv("BUNKA_LLM_CONTEXT", "tweets")
	t.Setenv("BUNKA_LLM_USE_DOCS", "true")
	o := OptionsFromEnv(nil)
	if o.APIKey != "sk-2" || o.OrgID != "org" || o.BaseURL != "http://x/v1" || o.withDefaults().Model != DefaultModel || o.Context != "tweets" || !o.UseDocs {
		t.Errorf("%+v", o)
	}
	t.Setenv("OPEN_AI_KEY", "sk-1")
	if OptionsFromEnv(nil).APIKey != "sk-1" {
		t.Error("OPEN_AI_KEY does not win")
	}
}
