package logctx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/logctx"
)

func TestHandlerAddsContextAttrs(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(logctx.Handler(slog.NewJSONHandler(&buf, nil))).With("component", "test")
	ctx := logctx.With(context.Background(), "task_id", "t1")
	ctx = logctx.With(ctx, slog.Int("attempt", 2))
	log.InfoContext(ctx, "hello", "n", 1)
	log.Info("no context")
	dec := json.NewDecoder(&buf)
	var first, second map[string]any
	if err := dec.Decode(&first); err != nil {
		t.Fatal(err)
	}
	if err := dec.Decode(&second); err != nil {
		t.Fatal(err)
	}
	if first["task_id"] != "t1" || first["attempt"] != 2.0 || first["n"] != 1.0 || first["component"] != "test" {
		t.Errorf("line with context: %v", first)
	}
	if _, ok := second["task_id"]; ok || second["component"] != "test" {
		t.Errorf("line without context: %v", second)
	}
}

func ExampleWith() {
	log := slog.New(logctx.Handler(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})))
	ctx := logctx.With(context.Background(), "task_id", "42")
	log.WarnContext(ctx, "bourdieu map left out")
	// Output: level=WARN msg="bourdieu map left out" task_id=42
}
