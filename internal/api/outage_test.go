package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bunkatopics/bunka-go/internal/api"
	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/tasks"
	"github.com/bunkatopics/bunka-go/internal/testenv"
)

// proxy is a TCP proxy in front of the real Redis that a test cuts (every
// connection closed, new ones refused at once) and restores.
type proxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	down  bool
	conns map[net.Conn]bool
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.setDown(true) })
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns[c], p.conns[up] = true, true
		p.mu.Unlock()
		go func() { io.Copy(up, c); up.Close(); c.Close() }()
		go func() { io.Copy(c, up); up.Close(); c.Close() }()
	}
}

// setDown cuts (true) or restores (false) the way to Redis.
func (p *proxy) setDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
	if down {
		for c := range p.conns {
			c.Close()
		}
		clear(p.conns)
	}
}

// sseReader reads a progress stream: its data events and comment lines.
type sseReader struct {
	t  *testing.T
	sc *bufio.Scanner
}

// next returns the next data event, or nil at the end of the stream, and
// how many comment lines came before it.
func (r *sseReader) next() (map[string]any, int) {
	comments := 0
	for r.sc.Scan() {
		line := r.sc.Text()
		switch {
		case strings.HasPrefix(line, ":"):
			comments++
		case strings.HasPrefix(line, "data: "):
			var m map[string]any
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &m); err != nil {
				r.t.Fatalf("bad event %q: %v", line, err)
			}
			return m, comments
		}
	}
	return nil, comments
}

// A Redis outage during a stream is no failure: the stream keeps the
// connection alive with comment lines, keeps the last progress, and goes on
// to SUCCESS when Redis is back; it never sends FAILURE.
func TestProgressStreamSurvivesRedisOutage(t *testing.T) {
	p := newProxy(t, testenv.RedisAddr())
	rdb := redis.NewClient(&redis.Options{Addr: p.addr(), DB: testDB, MaxRetries: -1,
		DialTimeout: 200 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	e := newEnvOn(t, api.Config{ProgressInterval: 20 * time.Millisecond}, rdb, nil)
	// The worker's side writes straight to Redis, not through the proxy.
	worker := store.New(redisClient(t), fmt.Sprintf("apitest-%d-%s:", os.Getpid(), t.Name()), time.Hour)
	ctx := context.Background()
	if err := worker.Create(ctx, "o1", tasks.TypeTopics); err != nil {
		t.Fatal(err)
	}
	run, err := worker.Start(ctx, "o1", tasks.TypeTopics)
	if err != nil {
		t.Fatal(err)
	}
	worker.Progress(ctx, "o1", "embedding", 40)

	client := &http.Client{Timeout: time.Minute} // a guard; the stream ends long before
	resp, err := client.Get(e.srv.URL + "/tasks/topics/o1/progress")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := &sseReader{t: t, sc: bufio.NewScanner(resp.Body)}
	r.sc.Buffer(nil, 1<<20)
	for {
		ev, _ := r.next()
		if ev == nil {
			t.Fatal("the stream ended before the progress came")
		}
		if ev["progress"] == 40.0 {
			break
		}
	}

	p.setDown(true)
	// Wait for the stream to notice: comment lines come instead of events.
	seen := 0
	for seen < 3 {
		line := ""
		if r.sc.Scan() {
			line = r.sc.Text()
		} else {
			t.Fatalf("the stream ended during the outage: %v", r.sc.Err())
		}
		if strings.HasPrefix(line, "data: ") && strings.Contains(line, "FAILURE") {
			t.Fatalf("FAILURE sent during an outage: %s", line)
		}
		if strings.HasPrefix(line, ":") {
			seen++
		}
	}
	// The job finishes meanwhile.
	if err := worker.Succeed(ctx, run, []byte(`{"docs":[],"topics":[],"bourdieu_response":null,"terms":[]}`), nil, ""); err != nil {
		t.Fatal(err)
	}
	p.setDown(false)
	for {
		ev, _ := r.next()
		if ev == nil {
			t.Fatal("the stream ended without a final state")
		}
		switch ev["state"] {
		case "FAILURE":
			t.Fatalf("FAILURE after the outage: %v", ev)
		case "SUCCESS":
			if _, ok := ev["result"].(map[string]any); !ok {
				t.Errorf("SUCCESS without its result: %v", ev)
			}
			if strings.Contains(e.logs.String(), "level=ERROR") {
				t.Errorf("ERROR lines:\n%s", e.logs.String())
			}
			return
		default:
			if pr, _ := ev["progress"].(float64); pr < 40 {
				t.Errorf("progress went back to %v after the outage", pr)
			}
		}
	}
}

// A stream that cannot read the task state for StreamGiveUp closes
// without a final state, for the client's EventSource to reconnect.
func TestProgressStreamGivesUp(t *testing.T) {
	p := newProxy(t, testenv.RedisAddr())
	rdb := redis.NewClient(&redis.Options{Addr: p.addr(), DB: testDB, MaxRetries: -1,
		DialTimeout: 200 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	e := newEnvOn(t, api.Config{ProgressInterval: 20 * time.Millisecond, StreamGiveUp: 300 * time.Millisecond}, rdb, nil)
	ctx := context.Background()
	if err := e.store.Create(ctx, "g1", tasks.TypeTopics); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: time.Minute}
	resp, err := client.Get(e.srv.URL + "/tasks/topics/g1/progress")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := &sseReader{t: t, sc: bufio.NewScanner(resp.Body)}
	if ev, _ := r.next(); ev == nil || ev["state"] != "PENDING" {
		t.Fatalf("first event %v", ev)
	}
	p.setDown(true)
	defer p.setDown(false)
	for {
		ev, comments := r.next()
		if ev == nil {
			if comments == 0 {
				t.Error("no comment line kept the connection alive")
			}
			return // closed without a final state
		}
		if ev["state"] != "PENDING" {
			t.Fatalf("event %v during the outage", ev)
		}
	}
}
