package worker_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/bunkatopics/bunka-go/internal/device"
	"github.com/bunkatopics/bunka-go/internal/pipeline"
	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/tasks"
	"github.com/bunkatopics/bunka-go/internal/testenv"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
	"github.com/bunkatopics/bunka-go/internal/worker"
)

// These tests run the real worker (two asynq servers) on the real Redis
// (database 14) with an in-memory Modeler.

const testDB = 14

// runPrefix returns a key prefix (and so queues) of this run and test
// alone: other runs of this package may share the database.
func runPrefix(t *testing.T) string {
	return fmt.Sprintf("workertest-%d-%s:", os.Getpid(), t.Name())
}

// cleanup removes the keys of prefix and of its queues.
func cleanup(rdb *redis.Client, prefix string) {
	ctx := context.Background()
	q := tasks.QueuesFor(prefix)
	for _, p := range []string{prefix + "*", "asynq:{" + q.Jobs + "}*", "asynq:{" + q.Refresh + "}*"} {
		iter := rdb.Scan(ctx, 0, p, 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	}
}

// fake is an in-memory Modeler whose behaviour each test sets.
type fake struct {
	topics  func(ctx context.Context, in pipeline.Input, progress pipeline.ProgressFunc) (*topicmap.TopicsResponse, *pipeline.State, error)
	refresh func(ctx context.Context, prev *topicmap.TopicsResponse, st *pipeline.State, q topicmap.BourdieuQuery) (*topicmap.BourdieuResponse, error)
}

var _ worker.Modeler = (*fake)(nil)

func (f *fake) Topics(ctx context.Context, in pipeline.Input, progress pipeline.ProgressFunc) (*topicmap.TopicsResponse, *pipeline.State, error) {
	return f.topics(ctx, in, progress)
}

func (f *fake) Bourdieu(ctx context.Context, in pipeline.Input, progress pipeline.ProgressFunc) (*topicmap.BourdieuResponse, error) {
	res, _, err := f.topics(ctx, in, progress)
	if err != nil {
		return nil, err
	}
	return &topicmap.BourdieuResponse{Docs: res.Docs, Topics: res.Topics, Query: *in.Bourdieu}, nil
}

func (f *fake) Refresh(ctx context.Context, prev *topicmap.TopicsResponse, st *pipeline.State, q topicmap.BourdieuQuery, _ topicmap.TopicParam) (*topicmap.BourdieuResponse, error) {
	return f.refresh(ctx, prev, st, q)
}

// okTopics echoes the documents, reporting two stages.
func okTopics(ctx context.Context, in pipeline.Input, progress pipeline.ProgressFunc) (*topicmap.TopicsResponse, *pipeline.State, error) {
	progress("embedding", 10)
	progress("projection", 60)
	res := &topicmap.TopicsResponse{Topics: []topicmap.Topic{}, Terms: []topicmap.Term{}}
	st := &pipeline.State{Embedder: "fake", Space: []byte{1, 2}}
	for i, t := range in.Texts {
		res.Docs = append(res.Docs, topicmap.Document{DocID: fmt.Sprint(i), Content: t, Embedding: []float32{1, 2}})
		st.Embeddings = append(st.Embeddings, []float32{float32(i), 1})
	}
	return res, st, nil
}

type env struct {
	q     tasks.Queues
	rdb   *redis.Client
	store *store.Store
	queue *asynq.Client
	logs  *testenv.Logs
}

// start runs a worker over m until the test ends.
func start(t *testing.T, m worker.Modeler, cfg worker.Config) *env {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(), DB: testDB})
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis: %v", err)
	}
	prefix := runPrefix(t)
	st := store.New(rdb, prefix, time.Hour)
	logs := &testenv.Logs{}
	cfg.Logger = slog.New(slog.NewTextHandler(io.MultiWriter(logs, t.Output()), nil))
	cfg.PollInterval = 50 * time.Millisecond
	cfg.Queues = tasks.QueuesFor(prefix)
	w := worker.New(rdb, st, m, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		cleanup(rdb, prefix)
		rdb.Close()
	})
	return &env{q: cfg.Queues, rdb: rdb, store: st, queue: asynq.NewClientFromRedisClient(rdb), logs: logs}
}

// submit records and enqueues a topics job the way the API does.
func (e *env) submit(t *testing.T, id string, docs ...string) {
	t.Helper()
	ctx := context.Background()
	if err := e.store.Create(ctx, id, tasks.TypeTopics); err != nil {
		t.Fatal(err)
	}
	task, err := tasks.NewTopicsTask(id, tasks.TopicsPayload{Docs: docs, Param: topicmap.DefaultTopicParam()}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.queue.EnqueueContext(ctx, task, asynq.Queue(e.q.Jobs)); err != nil {
		t.Fatal(err)
	}
}

// wait returns the task's record once it is final.
func (e *env) wait(t *testing.T, id string) store.Status {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, err := e.store.Status(context.Background(), id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			// A test that deletes the record while the job runs
			// (TestOutcomeOfVanishedRecord) waits for the outcome to
			// write it again.
		case err != nil:
			t.Fatal(err)
		case st.State.Done():
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %s still %s (%v)", id, st.State, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// retried reports asynq's retry count of a task it still holds, or -1.
func retried(e *env, id string) int {
	info, err := asynq.NewInspectorFromRedisClient(e.rdb).GetTaskInfo(e.q.Jobs, id)
	if err != nil {
		return -1
	}
	return info.Retried
}

func TestJobSuccess(t *testing.T) {
	var seen []float64
	var mu sync.Mutex
	e := start(t, &fake{topics: func(ctx context.Context, in pipeline.Input, progress pipeline.ProgressFunc) (*topicmap.TopicsResponse, *pipeline.State, error) {
		return okTopics(ctx, in, func(s string, p float64) { mu.Lock(); seen = append(seen, p); mu.Unlock(); progress(s, p) })
	}}, worker.Config{})
	e.submit(t, "ok1", "a", "b", "c")
	st := e.wait(t, "ok1")
	if st.State != store.Success || st.Progress != 100 || st.Attempt != 1 || st.Started.IsZero() || st.Finished.IsZero() {
		t.Fatalf("status %+v", st)
	}
	b, err := e.store.Result(context.Background(), "ok1")
	if err != nil {
		t.Fatal(err)
	}
	var res topicmap.TopicsResponse
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Docs) != 3 || res.Docs[1].Content != "b" || res.Docs[0].Embedding != nil {
		t.Errorf("result docs %+v (embeddings must be left out)", res.Docs)
	}
	b, err = e.store.PipelineState(context.Background(), "ok1")
	if err != nil {
		t.Fatal(err)
	}
	var ps pipeline.State
	if err := ps.UnmarshalBinary(b); err != nil || ps.Embedder != "fake" || len(ps.Embeddings) != 3 || ps.Embeddings[2][0] != 2 {
		t.Errorf("pipeline state %+v, %v", ps, err)
	}
	logs := e.logs.String()
	for _, want := range []string{"msg=\"job done\"", "task_id=ok1", "type=topics", "docs=3", "outcome=success", "stages.embedding=", "stages.projection="} {
		if !strings.Contains(logs, want) {
			t.Errorf("job log line lacks %q:\n%s", want, logs)
		}
	}
}

func TestJobFailures(t *testing.T) {
	for _, tc := range []struct {
		desc   string
		topics func(ctx context.Context, in pipeline.Input, progress pipeline.ProgressFunc) (*topicmap.TopicsResponse, *pipeline.State, error)
		cfg    worker.Config
		want   string
	}{
		{"invalid input", func(context.Context, pipeline.Input, pipeline.ProgressFunc) (*topicmap.TopicsResponse, *pipeline.State, error) {
			return nil, nil, fmt.Errorf("pipeline: n_clusters 9 > 3 documents: %w", pipeline.ErrInvalidInput)
		}, worker.Config{}, "n_clusters 9 > 3 documents"},
		{"pipeline error", func(context.Context, pipeline.Input, pipeline.ProgressFunc) (*topicmap.TopicsResponse, *pipeline.State, error) {
			return nil, nil, errors.New("umap: diverged")
		}, worker.Config{}, "internal error"},
		{"panic", func(context.Context, pipeline.Input, pipeline.ProgressFunc) (*topicmap.TopicsResponse, *pipeline.State, error) {
			var m map[string]int
			m["x"]++
			return nil, nil, nil
		}, worker.Config{}, "internal error"},
		{"timeout", func(ctx context.Context, _ pipeline.Input, progress pipeline.ProgressFunc) (*topicmap.TopicsResponse, *pipeline.State, error) {
			progress("embedding", 5)
			<-ctx.Done()
			return nil, nil, ctx.Err()
		}, worker.Config{JobTimeout: 200 * time.Millisecond}, "the job took longer than 200ms and was stopped"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			e := start(t, &fake{topics: tc.topics}, tc.cfg)
			e.submit(t, "f1", "a", "b", "c")
			st := e.wait(t, "f1")
			if st.State != store.Failure || st.Error != tc.want {
				t.Errorf("status %s %q, want FAILURE %q", st.State, st.Error, tc.want)
			}
			// Not retried: asynq is done with it after one run, and keeps
			// no copy of its payload.
			deadline := time.Now().Add(10 * time.Second)
			for retried(e, "f1") != -1 {
				if time.Now().After(deadline) {
					t.Fatal("the failed task is still in asynq")
				}
				time.Sleep(20 * time.Millisecond)
			}
			if st, _ := e.store.Status(context.Background(), "f1"); st.Attempt != 1 {
				t.Errorf("attempt %d, want 1", st.Attempt)
			}
			if logs := e.logs.String(); !strings.Contains(logs, "outcome=failure") {
				t.Errorf("no failure log line:\n%s", logs)
			}
		})
	}
}

func TestRefreshNotBlockedByLongJob(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	e := start(t, &fake{
		topics: func(ctx context.Context, in pipeline.Input, progress pipeline.ProgressFunc) (*topicmap.TopicsResponse, *pipeline.State, error) {
			if in.Texts[0] == "slow" {
				started <- struct{}{}
				select {
				case <-release:
				case <-ctx.Done():
					return nil, nil, ctx.Err()
				}
			}
			return okTopics(ctx, in, progress)
		},
		refresh: func(ctx context.Context, prev *topicmap.TopicsResponse, st *pipeline.State, q topicmap.BourdieuQuery) (*topicmap.BourdieuResponse, error) {
			if len(q.XLeftWords) == 0 {
				return nil, fmt.Errorf("empty axis: %w", pipeline.ErrInvalidInput)
			}
			if len(prev.Docs) != len(st.Embeddings) {
				return nil, errors.New("state does not match the result")
			}
			return &topicmap.BourdieuResponse{Docs: prev.Docs, Topics: prev.Topics, Query: q}, nil
		},
	}, worker.Config{})
	e.submit(t, "done1", "a", "b")
	e.wait(t, "done1")
	// A long job occupies the (only) job slot.
	e.submit(t, "slow1", "slow")
	<-started
	defer close(release)

	ask := func(taskID string, q topicmap.BourdieuQuery) tasks.RefreshReply {
		t.Helper()
		p := tasks.RefreshPayload{TaskID: taskID, ReplyID: "r-" + taskID + fmt.Sprint(len(q.XLeftWords)), Query: q}
		task, err := tasks.NewRefreshTask(p, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.queue.Enqueue(task, asynq.Queue(e.q.Refresh)); err != nil {
			t.Fatal(err)
		}
		b, err := e.store.WaitReply(context.Background(), p.ReplyID, 10*time.Second)
		if err != nil {
			t.Fatalf("refresh of %s: %v (blocked by the long job?)", taskID, err)
		}
		var rep tasks.RefreshReply
		if err := json.Unmarshal(b, &rep); err != nil {
			t.Fatalf("reply %q: %v", b, err)
		}
		return rep
	}
	q := topicmap.DefaultBourdieuQuery()
	rep := ask("done1", q)
	var br topicmap.BourdieuResponse
	if rep.Code != tasks.ReplyOK || json.Unmarshal(rep.Result, &br) != nil || len(br.Docs) != 2 || br.Query.XRightWords[0] != "peace" {
		t.Errorf("reply %+v", rep)
	}
	if rep := ask("unknown", q); rep.Code != tasks.ReplyNotFound {
		t.Errorf("unknown task: reply %+v", rep)
	}
	q.XLeftWords = nil
	if rep := ask("done1", q); rep.Code != tasks.ReplyInvalid || !strings.Contains(rep.Message, "empty axis") {
		t.Errorf("invalid query: reply %+v", rep)
	}
	if st, _ := e.store.Status(context.Background(), "slow1"); st.State.Done() {
		t.Errorf("the long job finished early: %+v", st)
	}
}

func TestShutdownRequeuesRunningJob(t *testing.T) {
	// A worker stopped mid-job puts it back in the queue; a second worker
	// runs it to the end.
	block := make(chan struct{})
	first := &fake{topics: func(ctx context.Context, in pipeline.Input, progress pipeline.ProgressFunc) (*topicmap.TopicsResponse, *pipeline.State, error) {
		progress("embedding", 20)
		select {
		case <-block:
		case <-ctx.Done():
		}
		return nil, nil, ctx.Err()
	}}
	defer close(block)
	rdb := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(), DB: testDB})
	defer rdb.Close()
	prefix := runPrefix(t)
	defer cleanup(rdb, prefix)
	st := store.New(rdb, prefix, time.Hour)
	logs := &testenv.Logs{}
	log := slog.New(slog.NewTextHandler(io.MultiWriter(logs, t.Output()), nil))
	cfg := worker.Config{Logger: log, PollInterval: 50 * time.Millisecond, ShutdownTimeout: 200 * time.Millisecond,
		Queues: tasks.QueuesFor(prefix)}
	w1 := worker.New(rdb, st, first, cfg)
	ctx1, stop1 := context.WithCancel(context.Background())
	done1 := make(chan error, 1)
	go func() { done1 <- w1.Run(ctx1) }()

	e := &env{q: cfg.Queues, rdb: rdb, store: st, queue: asynq.NewClientFromRedisClient(rdb)}
	e.submit(t, "r1", "a", "b")
	deadline := time.Now().Add(10 * time.Second)
	for {
		s, _ := st.Status(context.Background(), "r1")
		if s.State == store.Processing {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job not started: %+v", s)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop1()
	<-done1
	if s, _ := st.Status(context.Background(), "r1"); s.State.Done() {
		t.Fatalf("stopped job ended as %s %q, want it requeued", s.State, s.Error)
	}
	w2 := worker.New(rdb, st, &fake{topics: okTopics}, cfg)
	ctx2, stop2 := context.WithCancel(context.Background())
	done2 := make(chan error, 1)
	go func() { done2 <- w2.Run(ctx2) }()
	defer func() { stop2(); <-done2 }()
	s := e.wait(t, "r1")
	if s.State != store.Success || s.Attempt != 2 {
		t.Errorf("status %+v, want SUCCESS on the second attempt", s)
	}
}

func TestRefreshEmbedderMismatch(t *testing.T) {
	p := pipeline.New(pipeline.Config{})
	e := start(t, &fake{
		topics: okTopics, // its state says embedder "fake"
		refresh: func(ctx context.Context, prev *topicmap.TopicsResponse, st *pipeline.State, q topicmap.BourdieuQuery) (*topicmap.BourdieuResponse, error) {
			return p.Refresh(ctx, prev, st, q, topicmap.TopicParam{}) // the builtin embedder
		},
	}, worker.Config{})
	e.submit(t, "m1", "first text", "second text")
	e.wait(t, "m1")
	rp := tasks.RefreshPayload{TaskID: "m1", ReplyID: "r-m1", Query: topicmap.DefaultBourdieuQuery()}
	task, _ := tasks.NewRefreshTask(rp, 10*time.Second)
	if _, err := e.queue.Enqueue(task, asynq.Queue(e.q.Refresh)); err != nil {
		t.Fatal(err)
	}
	b, err := e.store.WaitReply(context.Background(), rp.ReplyID, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var rep tasks.RefreshReply
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("reply %q: %v", b, err)
	}
	if rep.Code != tasks.ReplyConflict || !strings.Contains(rep.Message, "embedded with fake and this worker embeds with builtin") ||
		!strings.Contains(rep.Message, "same embedder") {
		t.Errorf("reply %+v, want a conflict naming both embedders", rep)
	}
}

// TestRefreshPastDeadlineNotArchived checks that a refresh still running
// at its deadline ends before asynq's own, so that asynq drops its task
// rather than archive it.
func TestRefreshPastDeadlineNotArchived(t *testing.T) {
	e := start(t, &fake{
		topics: okTopics,
		refresh: func(ctx context.Context, prev *topicmap.TopicsResponse, st *pipeline.State, q topicmap.BourdieuQuery) (*topicmap.BourdieuResponse, error) {
			<-ctx.Done() // a refresh that takes too long
			return nil, ctx.Err()
		},
	}, worker.Config{})
	e.submit(t, "d1", "a", "b")
	e.wait(t, "d1")
	rp := tasks.RefreshPayload{TaskID: "d1", ReplyID: "r-d1", Query: topicmap.DefaultBourdieuQuery()}
	task, _ := tasks.NewRefreshTask(rp, 3*time.Second)
	if _, err := e.queue.Enqueue(task, asynq.Queue(e.q.Refresh)); err != nil {
		t.Fatal(err)
	}
	b, err := e.store.WaitReply(context.Background(), rp.ReplyID, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var rep tasks.RefreshReply
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("reply %q: %v", b, err)
	}
	if rep.Code != tasks.ReplyInternal {
		t.Errorf("reply %+v", rep)
	}
	insp := asynq.NewInspectorFromRedisClient(e.rdb)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		info, err := insp.GetTaskInfo(e.q.Refresh, rp.ReplyID)
		if errors.Is(err, asynq.ErrTaskNotFound) || errors.Is(err, asynq.ErrQueueNotFound) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if info.State == asynq.TaskStateArchived {
			t.Fatalf("the refresh task was archived (%s)", info.LastErr)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the refresh task stayed, %s", info.State)
		}
	}
}

// noRefresh is the real pipeline, counting the calls of Refresh.
type noRefresh struct {
	*pipeline.Pipeline
	refreshes atomic.Int32
}

func (n *noRefresh) Refresh(ctx context.Context, prev *topicmap.TopicsResponse, st *pipeline.State, q topicmap.BourdieuQuery, param topicmap.TopicParam) (*topicmap.BourdieuResponse, error) {
	n.refreshes.Add(1)
	return n.Pipeline.Refresh(ctx, prev, st, q, param)
}

// TestBourdieuLeftOutWarns checks that a topics job whose Bourdieu axes the
// real pipeline cannot place succeeds with its topic map, an empty
// bourdieu_response with the query and a warning naming the word, which
// the pipeline gave with the result (no second computation through Refresh).
func TestBourdieuLeftOutWarns(t *testing.T) {
	model := &noRefresh{Pipeline: pipeline.New(pipeline.Config{})}
	e := start(t, model, worker.Config{})
	var docs []string
	for i := 0; i < 30; i++ {
		docs = append(docs, fmt.Sprintf("The army won the battle of the war number %d in the valley.", i),
			fmt.Sprintf("The treaty brought peace to the garden of the city number %d.", i))
	}
	q := topicmap.DefaultBourdieuQuery()
	q.XLeftWords = []string{"zzyzx"}
	param := topicmap.DefaultTopicParam()
	param.NClusters = 2
	ctx := context.Background()
	if err := e.store.Create(ctx, "bw1", tasks.TypeTopics); err != nil {
		t.Fatal(err)
	}
	task, err := tasks.NewTopicsTask("bw1", tasks.TopicsPayload{Docs: docs, Param: param, Bourdieu: &q}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.queue.EnqueueContext(ctx, task, asynq.Queue(e.q.Jobs)); err != nil {
		t.Fatal(err)
	}
	st := e.wait(t, "bw1")
	if st.State != store.Success || !strings.Contains(st.Warning, "Bourdieu map was left out") || !strings.Contains(st.Warning, "zzyzx") {
		t.Fatalf("status %+v, want SUCCESS with a warning naming the word", st)
	}
	if n := model.refreshes.Load(); n != 0 {
		t.Errorf("the worker called Refresh %d times to learn why the map was left out", n)
	}
	b, err := e.store.Result(ctx, "bw1")
	if err != nil {
		t.Fatal(err)
	}
	var res topicmap.TopicsResponse
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if br := res.BourdieuResponse; br == nil || br.Docs == nil || len(br.Docs) != 0 || br.Topics == nil || len(br.Topics) != 0 ||
		len(br.Query.XLeftWords) != 1 || br.Query.XLeftWords[0] != "zzyzx" || len(res.Docs) != len(docs) || len(res.Topics) == 0 {
		t.Errorf("result: bourdieu %+v, %d docs, %d topics; want an empty map with the query", res.BourdieuResponse, len(res.Docs), len(res.Topics))
	}
}

// TestNoBourdieuNotNull checks that a topics job that asked for no Bourdieu
// map (process_bourdieu=false) returns an empty map, never null: the
// original frontend's Bourdieu view fails on null.
func TestNoBourdieuNotNull(t *testing.T) {
	e := start(t, pipeline.New(pipeline.Config{}), worker.Config{})
	var docs []string
	for i := 0; i < 30; i++ {
		docs = append(docs, fmt.Sprintf("The army won the battle of the war number %d in the valley.", i),
			fmt.Sprintf("The treaty brought peace to the garden of the city number %d.", i))
	}
	e.submit(t, "nb1", docs...)
	if st := e.wait(t, "nb1"); st.State != store.Success || st.Warning != "" {
		t.Fatalf("status %+v, want SUCCESS without a warning", st)
	}
	b, err := e.store.Result(context.Background(), "nb1")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		BourdieuResponse map[string]json.RawMessage `json:"bourdieu_response"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	br := res.BourdieuResponse
	if br == nil || string(br["docs"]) != "[]" || string(br["topics"]) != "[]" {
		t.Fatalf("bourdieu_response %s, want empty docs and topics", b[:min(len(b), 200)])
	}
	var q map[string]json.RawMessage
	if err := json.Unmarshal(br["query"], &q); err != nil {
		t.Fatalf("query %s: %v", br["query"], err)
	}
	for _, k := range []string{"x_left_words", "x_right_words", "y_top_words", "y_bottom_words"} {
		if string(q[k]) != "[]" {
			t.Errorf("query.%s = %s, want []", k, q[k])
		}
	}
	if string(q["radius_size"]) != "0" {
		t.Errorf("query.radius_size = %s, want 0", q["radius_size"])
	}
}

// onDevices is a fake Modeler that says where its stages compute.
type onDevices struct {
	*fake
	devs pipeline.Devices
}

func (o onDevices) Devices() pipeline.Devices { return o.devs }

// TestJobLogNamesDevices checks that each job's log line, done or failed,
// names the device of every stage of a Modeler that reports them.
func TestJobLogNamesDevices(t *testing.T) {
	m := onDevices{
		fake: &fake{topics: func(ctx context.Context, in pipeline.Input, progress pipeline.ProgressFunc) (*topicmap.TopicsResponse, *pipeline.State, error) {
			if in.Texts[0] == "fail" {
				return nil, nil, fmt.Errorf("pipeline: bad: %w", pipeline.ErrInvalidInput)
			}
			return okTopics(ctx, in, progress)
		}},
		devs: pipeline.Devices{Embedding: device.CUDA, KNN: device.CUDA, Layout: device.CUDA}, // clustering: "" is the CPU
	}
	e := start(t, m, worker.Config{})
	e.submit(t, "dev-ok", "a", "b", "c")
	e.submit(t, "dev-fail", "fail", "b", "c")
	for _, tc := range []struct{ msg, id string }{{`msg="job done"`, "dev-ok"}, {`msg="job failed"`, "dev-fail"}} {
		e.wait(t, tc.id)
		// The line follows the stored outcome: wait for it too.
		line, ok := e.logs.WaitFor(10*time.Second, tc.msg, "task_id="+tc.id+" ")
		if !ok {
			t.Fatalf("no %s line for %s:\n%s", tc.msg, tc.id, e.logs.String())
		}
		for _, want := range []string{"devices.embedding=cuda", "devices.knn=cuda", "devices.layout=cuda", "devices.clustering=cpu"} {
			if !strings.Contains(line, want) {
				t.Errorf("%s line lacks %q: %s", tc.msg, want, line)
			}
		}
	}
}
