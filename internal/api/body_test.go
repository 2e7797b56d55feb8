package api_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bunkatopics/bunka-go/internal/api"
	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/tasks"
)

// abortBody sends a request that announces length bytes of body, sends
// part of it, then closes its side of the connection; it returns the
// status the server answered with.
func abortBody(t *testing.T, base, path, ctype, part string, length int) int {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Minute)) // a guard: the server answers at once
	if _, err := fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s",
		path, u.Host, ctype, length, part); err != nil {
		t.Fatal(err)
	}
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s: no answer: %v", path, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// A client that aborts its body is no server error: no 500, no ERROR line,
// one INFO line that says what happened.
func TestAbortedBodies(t *testing.T) {
	e := newEnv(t, api.Config{})
	ctx := context.Background()
	e.store.Create(ctx, "done", tasks.TypeTopics)
	e.store.Succeed(ctx, store.Run{ID: "done"}, []byte(`{"docs":[],"topics":[],"bourdieu_response":{"docs":[],"topics":[],"query":{"x_left_words":[],"x_right_words":[],"y_top_words":[],"y_bottom_words":[],"radius_size":0}},"terms":[]}`), nil, "")
	form, ct := csvForm(t, smallCSV, nil)
	formPart, err := io.ReadAll(form)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, ctype, part string }{
		{"/topics/", "application/json", `{"full_docs": ["one", "tw`},
		{"/bourdieu/", "application/json", `{"full_docs": [`},
		{"/topics/csv/", ct, string(formPart[:len(formPart)/2])},
		{"/bourdieu/csv/", ct, string(formPart[:len(formPart)/3])},
		{"/bourdieu/refresh/done", "application/json", `{"bourdieu_query": {`},
	} {
		if code := abortBody(t, e.srv.URL, tc.path, tc.ctype, tc.part, len(tc.part)+1000); code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tc.path, code)
		}
	}
	e.srv.Close() // waits for the handlers and their log lines
	logs := e.logs.String()
	if strings.Contains(logs, "level=ERROR") {
		t.Errorf("an aborted body logged an ERROR line:\n%s", logs)
	}
	if n := strings.Count(logs, `level=INFO msg="request body not read"`); n != 5 {
		t.Errorf("%d INFO lines about the aborted bodies, want 5:\n%s", n, logs)
	}
}
