package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// TestTopicsCleanTopics runs "bunka topics --clean-topics" against a test
// server speaking the OpenAI chat-completions API and checks that the
// topics carry the names the server gave.
func TestTopicsCleanTopics(t *testing.T) {
	csv := filepath.Join("..", "..", "..", "shared", "data", "tweets_463.csv")
	if _, err := os.Stat(csv); err != nil {
		t.Skipf("data set not present: %v", err)
	}
	var (
		mu    sync.Mutex
		given []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer x" {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		body, _ := io.ReadAll(r.Body)
		if !bytes.Contains(body, []byte("keywords")) {
			http.Error(w, "no keywords", http.StatusBadRequest)
			return
		}
		mu.Lock()
		name := fmt.Sprintf("Theme %d", len(given)+1)
		given = append(given, name)
		mu.Unlock()
		// Prefixed, quoted and with a period, as models answer.
		fmt.Fprintf(w, `{"id":"1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}]}`,
			"Topic Name: \""+name+"\".")
	}))
	defer srv.Close()
	t.Setenv("OPEN_AI_KEY", "x")
	t.Setenv("OPENAI_API_KEY", "")
	t.Setenv("OPENAI_BASE_URL", srv.URL+"/v1")

	var stdout, stderr bytes.Buffer
	err := topicsCmd(context.Background(), []string{"--csv", csv, "--column", "text", "--clean-topics", "--n-clusters", "5"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	var res topicmap.TopicsResponse
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tp := range res.Topics {
		got = append(got, tp.Name)
	}
	mu.Lock()
	defer mu.Unlock()
	sort.Strings(got)
	sort.Strings(given)
	if len(got) != 5 || strings.Join(got, ",") != strings.Join(given, ",") {
		t.Errorf("topic names %q, server gave %q\n%s", got, given, stderr.String())
	}
}
