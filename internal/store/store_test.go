package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/testenv"
)

// The store's tests use the real Redis, database 12, under a prefix of
// their own.

// storePrefix is the key prefix of the store newStore makes for t.
func storePrefix(t *testing.T) string {
	return fmt.Sprintf("storetest-%d-%s:", os.Getpid(), t.Name())
}

func newStore(t *testing.T, ttl time.Duration) (*store.Store, *redis.Client) {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(), DB: 12})
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis: %v", err)
	}
	prefix := storePrefix(t)
	t.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
		rdb.Close()
	})
	return store.New(rdb, prefix, ttl), rdb
}

func TestLifecycle(t *testing.T) {
	s, _ := newStore(t, time.Hour)
	ctx := context.Background()
	if _, err := s.Status(ctx, "a"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown task: %v", err)
	}
	if err := s.Create(ctx, "a", "topics"); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, "a", "topics"); !errors.Is(err, store.ErrExists) {
		t.Errorf("second Create: %v", err)
	}
	st, _ := s.Status(ctx, "a")
	if st.State != store.Pending || st.Kind != "topics" || st.Created.IsZero() || st.Attempt != 0 {
		t.Errorf("created: %+v", st)
	}
	s.Start(ctx, "a", "topics")
	s.Progress(ctx, "a", "embedding", 12.345)
	st, _ = s.Status(ctx, "a")
	if st.State != store.Processing || st.Stage != "embedding" || st.Progress != 12.35 || st.Attempt != 1 || st.Started.IsZero() {
		t.Errorf("processing: %+v", st)
	}
	if _, err := s.Result(ctx, "a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("result before success: %v", err)
	}
	ps := []byte{'B', 'K', 'S', 1, 0, 0xff}
	if err := s.Succeed(ctx, store.Run{ID: "a"}, []byte(`{"docs":[]}`), ps, "the Bourdieu map was left out"); err != nil {
		t.Fatal(err)
	}
	st, _ = s.Status(ctx, "a")
	if st.State != store.Success || st.Progress != 100 || st.Finished.IsZero() || st.Warning != "the Bourdieu map was left out" {
		t.Errorf("success: %+v", st)
	}
	// A late progress report (a stale worker) leaves a finished task alone.
	s.Progress(ctx, "a", "terms", 50)
	s.Start(ctx, "a", "topics")
	if st, _ := s.Status(ctx, "a"); st.State != store.Success {
		t.Errorf("finished task changed to %s", st.State)
	}
	b, err := s.Result(ctx, "a")
	if err != nil || string(b) != `{"docs":[]}` {
		t.Errorf("result %q, %v", b, err)
	}
	got, err := s.PipelineState(ctx, "a")
	if err != nil || !bytes.Equal(got, ps) {
		t.Errorf("pipeline state %v, %v; want %v", got, err, ps)
	}
	s.Create(ctx, "b", "bourdieu")
	s.Fail(ctx, store.Run{ID: "b"}, "bad input")
	if st, _ := s.Status(ctx, "b"); st.State != store.Failure || st.Error != "bad input" {
		t.Errorf("failure: %+v", st)
	}
}

func TestRetention(t *testing.T) {
	s, rdb := newStore(t, 90*time.Minute)
	ctx := context.Background()
	s.Create(ctx, "a", "topics")
	s.Succeed(ctx, store.Run{ID: "a"}, []byte(`{}`), []byte{}, "")
	keys, _ := rdb.Keys(ctx, "storetest-*"+t.Name()+":*").Result()
	if len(keys) != 3 {
		t.Fatalf("keys %v, want task, result and state", keys)
	}
	for _, k := range keys {
		ttl := rdb.TTL(ctx, k).Val()
		if ttl <= 89*time.Minute || ttl > 90*time.Minute {
			t.Errorf("%s: TTL %s, want 90m", k, ttl)
		}
	}
}

func TestReply(t *testing.T) {
	s, _ := newStore(t, time.Hour)
	ctx := context.Background()
	sent := make(chan error, 1)
	go func() {
		time.Sleep(50 * time.Millisecond) // answer after the wait began, most often
		sent <- s.Reply(ctx, "r1", []byte("answer"))
	}()
	b, err := s.WaitReply(ctx, "r1", 10*time.Second)
	if err != nil || string(b) != "answer" {
		t.Errorf("WaitReply = %q, %v", b, err)
	}
	if err := <-sent; err != nil {
		t.Errorf("Reply: %v", err)
	}
	if _, err := s.WaitReply(ctx, "r2", 100*time.Millisecond); !errors.Is(err, store.ErrTimeout) {
		t.Errorf("no reply: %v, want ErrTimeout", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.WaitReply(cctx, "r3", 10*time.Second); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestFailLeavesFinishedTask(t *testing.T) {
	s, _ := newStore(t, time.Hour)
	ctx := context.Background()
	s.Create(ctx, "a", "topics")
	s.Start(ctx, "a", "topics")
	if err := s.Succeed(ctx, store.Run{ID: "a"}, []byte(`{}`), nil, ""); err != nil {
		t.Fatal(err)
	}
	// A re-run of the finished job (its asynq task delivered again) fails.
	if err := s.Fail(ctx, store.Run{ID: "a"}, "late failure"); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Status(ctx, "a"); st.State != store.Success || st.Error != "" {
		t.Errorf("after a late Fail: %+v, want SUCCESS without error", st)
	}
	s.Create(ctx, "b", "topics")
	s.Fail(ctx, store.Run{ID: "b"}, "first")
	s.Fail(ctx, store.Run{ID: "b"}, "second")
	if st, _ := s.Status(ctx, "b"); st.State != store.Failure || st.Error != "first" {
		t.Errorf("failed twice: %+v, want the first message", st)
	}
}

// TestWaitsOnTheirOwnClient checks that waiting refreshes hold connections
// of the reply client only: the store's own small pool still serves.
func TestWaitsOnTheirOwnClient(t *testing.T) {
	_, rdb := newStore(t, time.Hour)
	// With the waits on this pool, a command would wait for a connection
	// longer than its PoolTimeout.
	small := redis.NewClient(&redis.Options{Addr: rdb.Options().Addr, DB: 12, PoolSize: 2, PoolTimeout: 5 * time.Second})
	defer small.Close()
	const n = 20
	replies, err := store.ConnectReplies(fmt.Sprintf("redis://%s/12", rdb.Options().Addr), "", n)
	if err != nil {
		t.Fatal(err)
	}
	defer replies.Close()
	prefix := fmt.Sprintf("storetest-%d-%s:", os.Getpid(), t.Name())
	s := store.New(small, prefix, time.Hour).WithReplyClient(replies)
	ctx := context.Background()
	var wg sync.WaitGroup
	errc := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			b, err := s.WaitReply(ctx, fmt.Sprint("w", i), time.Minute)
			if err == nil && string(b) != fmt.Sprint("answer ", i) {
				err = fmt.Errorf("reply %d: %q", i, b)
			}
			errc <- err
		})
	}
	// Wait until every waiter holds its connection of the reply pool.
	for deadline := time.Now().Add(30 * time.Second); ; {
		ps := replies.PoolStats()
		if int(ps.TotalConns)-int(ps.IdleConns) >= n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30s, %d of %d waiters hold a connection", int(ps.TotalConns)-int(ps.IdleConns), n)
		}
		runtime.Gosched()
	}
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for range 10 { // more commands than the small pool has connections
		if err := s.Ping(pctx); err != nil {
			t.Fatalf("ping while %d refreshes wait: %v", n, err)
		}
		if err := s.Create(pctx, fmt.Sprint("t", time.Now().UnixNano()), "topics"); err != nil {
			t.Fatalf("create while %d refreshes wait: %v", n, err)
		}
	}
	for i := range n {
		if err := s.Reply(ctx, fmt.Sprint("w", i), []byte(fmt.Sprint("answer ", i))); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestClaim(t *testing.T) {
	s, _ := newStore(t, 0)
	ctx := context.Background()
	for _, id := range []string{"j1", "j2", "j3"} {
		if err := s.Create(ctx, id, "topics"); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"j1", "j2"} {
		if err := s.Claim(ctx, id, "7", 2); err != nil {
			t.Fatalf("Claim(%s): %v", id, err)
		}
	}
	if err := s.Claim(ctx, "j3", "7", 2); !errors.Is(err, store.ErrTooManyJobs) {
		t.Fatalf("third Claim with max 2: error %v, want ErrTooManyJobs", err)
	}
	if err := s.Claim(ctx, "j3", "8", 2); err != nil {
		t.Fatalf("another owner's Claim: %v", err)
	}
	if o, err := s.Owner(ctx, "j1"); err != nil || o != "7" {
		t.Errorf("Owner(j1) = %q, %v; want 7", o, err)
	}
	if _, err := s.Owner(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Owner(nope) error %v, want ErrNotFound", err)
	}
	// A finished job no longer counts.
	run, err := s.Start(ctx, "j1", "topics")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Fail(ctx, run, "boom"); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, "j4", "topics"); err != nil {
		t.Fatal(err)
	}
	if err := s.Claim(ctx, "j4", "7", 2); err != nil {
		t.Errorf("Claim after a job finished: %v", err)
	}
}

// A worker that writes the outcome of a task whose record vanished (Redis
// restarted without its data) writes the record whole: kind, creation time
// and attempt, beside the state.
func TestOutcomeRestoresVanishedRecord(t *testing.T) {
	s, rdb := newStore(t, time.Hour)
	ctx := context.Background()
	for _, tc := range []struct {
		desc    string
		outcome func(run store.Run) error
		want    store.State
	}{
		{"success", func(run store.Run) error { return s.Succeed(ctx, run, []byte(`{}`), []byte{1}, "") }, store.Success},
		{"failure", func(run store.Run) error { return s.Fail(ctx, run, "bad input") }, store.Failure},
	} {
		id := "vanished-" + tc.desc
		if err := s.Create(ctx, id, "topics"); err != nil {
			t.Fatal(err)
		}
		run, err := s.Start(ctx, id, "topics")
		if err != nil {
			t.Fatal(err)
		}
		if run.Attempt != 1 || run.Created.IsZero() {
			t.Errorf("%s: Start returned %+v, want attempt 1 and the creation time", tc.desc, run)
		}
		keys, _ := rdb.Keys(ctx, "storetest-*"+t.Name()+":task:"+id).Result()
		if len(keys) != 1 {
			t.Fatalf("%s: task keys %v", tc.desc, keys)
		}
		rdb.Del(ctx, keys[0]) // the restart that lost it
		if err := tc.outcome(run); err != nil {
			t.Fatal(err)
		}
		st, err := s.Status(ctx, id)
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		if st.State != tc.want || st.Kind != "topics" || st.Attempt != 1 || !st.Created.Equal(run.Created) || st.Finished.IsZero() {
			t.Errorf("%s: record %+v, want %s, kind topics, attempt 1, created %v", tc.desc, st, tc.want, run.Created)
		}
		if ttl := rdb.TTL(ctx, keys[0]).Val(); ttl <= 0 {
			t.Errorf("%s: restored record without a TTL (%v)", tc.desc, ttl)
		}
	}
	// Start of a vanished record writes it whole too.
	run, err := s.Start(ctx, "never-created", "bourdieu")
	if err != nil || run.Attempt != 1 || run.Created.IsZero() {
		t.Fatalf("Start of a vanished record: %+v, %v", run, err)
	}
	if st, _ := s.Status(ctx, "never-created"); st.Kind != "bourdieu" || st.Created.IsZero() || st.Attempt != 1 {
		t.Errorf("record %+v", st)
	}
}
