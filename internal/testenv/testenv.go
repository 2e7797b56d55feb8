// Package testenv tells tests where their outside resources are: the shared
// corpora under ../shared/data and the Redis server to use; and it holds the
// one log-capturing helper that tests share. Only tests import it.
package testenv

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// InCI reports whether the tests run under CI (CI set to a non-empty value),
// where a missing resource is a failure rather than a reason to skip.
func InCI() bool { return os.Getenv("CI") != "" }

// RedisAddr is the Redis server that tests use: BUNKA_TEST_REDIS_ADDR, or
// 127.0.0.1:6379.
func RedisAddr() string {
	if a := os.Getenv("BUNKA_TEST_REDIS_ADDR"); a != "" {
		return a
	}
	return "127.0.0.1:6379"
}

// DataDir is the folder of the shared corpora: BUNKA_DATA, or ../shared/data
// beside the module root (the folder that holds go.mod).
func DataDir(tb testing.TB) string {
	tb.Helper()
	if d := os.Getenv("BUNKA_DATA"); d != "" {
		return d
	}
	root, err := moduleRoot()
	if err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	return filepath.Join(filepath.Dir(root), "shared", "data")
}

// DataFile is the path of one shared corpus, such as "debian_en_10k.csv".
// When the file is missing the test is skipped with a message that says
// where it was looked for, or fails under CI.
func DataFile(tb testing.TB, name string) string {
	tb.Helper()
	p := filepath.Join(DataDir(tb), name)
	if _, err := os.Stat(p); err != nil {
		if InCI() {
			tb.Fatalf("testenv: test data %s is missing under CI: %v", name, err)
		}
		tb.Skipf("testenv: no test data %s (set BUNKA_DATA to the folder that holds it): %v", name, err)
	}
	return p
}

// moduleRoot walks up from the working directory to the folder with go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Logs is a log destination that a test reads while other goroutines
// (handlers, workers) write to it.
type Logs struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // closed by the next Write; nil when nobody waits
}

// Write appends p and wakes WaitFor.
func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.changed != nil {
		close(l.changed)
		l.changed = nil
	}
	return l.b.Write(p)
}

// WaitFor returns the first line written that holds every one of parts,
// waiting up to timeout for another goroutine to write it; ok is false
// when none did.
func (l *Logs) WaitFor(timeout time.Duration, parts ...string) (line string, ok bool) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		l.mu.Lock()
		line, ok = firstLine(l.b.String(), parts)
		if l.changed == nil {
			l.changed = make(chan struct{})
		}
		changed := l.changed
		l.mu.Unlock()
		if ok {
			return line, true
		}
		select {
		case <-changed:
		case <-timer.C:
			return "", false
		}
	}
}

// firstLine is the first line of s that holds every one of parts.
func firstLine(s string, parts []string) (string, bool) {
lines:
	for l := range strings.Lines(s) {
		for _, p := range parts {
			if !strings.Contains(l, p) {
				continue lines
			}
		}
		return strings.TrimSuffix(l, "\n"), true
	}
	return "", false
}

// String returns what was written so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Logger returns a text slog.Logger that writes to the returned Logs and to
// the test's output.
func Logger(tb testing.TB) (*slog.Logger, *Logs) {
	logs := &Logs{}
	return slog.New(slog.NewTextHandler(io.MultiWriter(logs, tb.Output()), nil)), logs
}
