package store_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/testenv"
)

// go-redis's own messages come out as JSON lines of the service's logger.
func TestRedisLogsThroughSlog(t *testing.T) {
	var buf testenv.Logs
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
