package e2e_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/tasks"
	"github.com/bunkatopics/bunka-go/internal/testenv"
	"github.com/bunkatopics/bunka-go/internal/worker"
)

// TestWorkerKilledMidJob starts the bunkaworker binary, kills it with
// SIGKILL in the middle of a job, and checks that a second worker runs the
// job again once asynq's lease on it has expired, and that the client's
// stream still ends in SUCCESS. It waits about a minute for the lease
// (asynq's fixed 30 s lease plus its 30 s clock-skew allowance).
func TestWorkerKilledMidJob(t *testing.T) {
	if testing.Short() {
		t.Skip("waits a minute for asynq's lease to expire")
	}
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build bunkaworker")
	}
	bin := filepath.Join(t.TempDir(), "bunkaworker")
	build := exec.Command(goTool, "build", "-o", bin, "./cmd/bunkaworker")
	build.Dir = repoRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	prefix := runPrefix("kill")
	s := startService(t, killDB, prefix, true, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	// Worker A: the real binary, as in production.
	var outA testenv.Logs
	a := exec.Command(bin)
	a.Env = append(os.Environ(), "REDIS_URL="+s.m.Config.RedisURL, "REDIS_ADDR=", "BUNKA_KEY_PREFIX="+prefix,
		"BUNKA_LOG_FORMAT=text", "BUNKA_WORKER_CONCURRENCY=1")
	a.Stdout, a.Stderr = &outA, &outA
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			a.Process.Kill()
			a.Wait()
		}
		if t.Failed() {
			t.Logf("worker A output:\n%s", outA.String())
		}
	}()

	body, ct := frontendForm(firstDebianRows(t, 800), topicsFields("6", "python", "perl", "library", "tool", "0.1"))
	code, m := postForm(t, s.url+"/topics/csv/", body, ct)
	if code != 200 {
		t.Fatalf("upload: %d %v", code, m)
	}
	id := m["task_id"].(string)

	// Kill A as soon as it works on the job.
	deadline := time.Now().Add(time.Minute)
	for {
		st, err := s.m.Store.Status(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if st.State == store.Started || st.State == store.Processing {
			break
		}
		if st.State.Done() || time.Now().After(deadline) {
			t.Fatalf("worker A did not start the job: %+v", st)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := a.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	a.Wait()
	killed = true
	killedAt := time.Now()
	st, _ := s.m.Store.Status(ctx, id)
	if st.State.Done() {
		t.Fatalf("the job ended (%s) before worker A was killed; nothing tested", st.State)
	}
	t.Logf("worker A killed at %s %.1f%%", st.State, st.Progress)
	if strings.Contains(outA.String(), `msg="job done"`) {
		t.Fatal("worker A finished the job before it was killed")
	}

	// A client follows the job meanwhile.
	type outcome struct {
		events []map[string]any
		err    error
	}
	streamed := make(chan outcome, 1)
	go func() {
		ev, err := follow(t, ctx, s.url+"/tasks/topics/"+id+"/progress")
		streamed <- outcome{ev, err}
	}()

	// Worker B, in this process, with asynq's lease checks every second.
	var outB testenv.Logs
	logB := slog.New(slog.NewTextHandler(&outB, nil))
	wb := worker.New(s.m.Redis, s.m.Store, mustEngine(t, logB), worker.Config{
		Logger: logB, Queues: tasks.QueuesFor(prefix), HealthCheckInterval: time.Second, PollInterval: 100 * time.Millisecond,
		RetryDelay: 100 * time.Millisecond, ShutdownTimeout: time.Second,
	})
	bctx, bstop := context.WithCancel(ctx)
	bdone := make(chan error, 1)
	go func() { bdone <- wb.Run(bctx) }()
	defer func() {
		bstop()
		<-bdone
		if t.Failed() {
			t.Logf("worker B output:\n%s", outB.String())
		}
	}()

	o := <-streamed
	if o.err != nil {
		t.Fatal(o.err)
	}
	final := checkEvents(t, o.events, "SUCCESS")
	t.Logf("job completed by worker B %s after the kill", time.Since(killedAt).Round(time.Second))
	res := final["result"].(map[string]any)
	if n := len(res["docs"].([]any)); n != 800 {
		t.Errorf("%d docs, want 800", n)
	}
	st, _ = s.m.Store.Status(ctx, id)
	if st.State != store.Success || st.Attempt != 2 {
		t.Errorf("record %+v, want SUCCESS at attempt 2", st)
	}
	if !strings.Contains(outB.String(), "attempt=2") || !strings.Contains(outB.String(), "outcome=success") {
		t.Errorf("worker B did not log the second attempt:\n%s", outB.String())
	}
}

// firstDebianRows returns the header and first n rows of debian_en_2k.csv
// (whose quoted texts hold no line breaks).
func firstDebianRows(t *testing.T, n int) []byte {
	t.Helper()
	b := dataFile(t, "debian_en_2k.csv")
	lines := bytes.SplitAfter(b, []byte("\n"))
	if len(lines) < n+1 {
		t.Fatalf("debian_en_2k.csv has %d lines", len(lines))
	}
	return bytes.Join(lines[:n+1], nil)
}
