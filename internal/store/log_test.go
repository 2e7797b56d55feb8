package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bunkatopics/bunka-go/internal/store"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// go-redis's own messages come out as JSON lines of the service's logger.
func TestRedisLogsThroughSlog(t *testing.T) {
	var buf lockedBuffer
	store.SetRedisLogger(slog.New(slog.NewJSONHandler(&buf, nil)))
	t.Cleanup(func() { store.SetRedisLogger(slog.Default()) })
	_, rdb := newStore(t, time.Hour)
	// go-redis warns about a TTL under its 1 ms resolution.
	if err := rdb.Set(context.Background(), "storetest-log-"+t.Name(), "x", time.Microsecond).Err(); err != nil {
		t.Fatal(err)
	}
	out := strings.TrimSpace(buf.String())
	if out == "" {
		t.Fatal("go-redis logged nothing through slog")
	}
	for _, line := range strings.Split(out, "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		if m["component"] != "redis" || m["level"] != "WARN" || !strings.Contains(m["msg"].(string), "truncating to 1ms") {
			t.Errorf("line %v", m)
		}
	}
}
