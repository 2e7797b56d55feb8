package worker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bunkatopics/bunka-go/internal/logctx"
	"github.com/bunkatopics/bunka-go/internal/pipeline"
	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/tasks"
	"github.com/bunkatopics/bunka-go/internal/testenv"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
	"github.com/bunkatopics/bunka-go/internal/worker"
)

// A job whose record vanishes while it runs (Redis restarted without its
// data) writes its outcome into a whole record: kind, creation time and
// attempt, so that result and refresh still work.
func TestOutcomeOfVanishedRecord(t *testing.T) {
	var e *env
	e = start(t, &fake{topics: func(ctx context.Context, in pipeline.Input, progress pipeline.ProgressFunc) (*topicmap.TopicsResponse, *pipeline.State, error) {
		if err := e.rdb.Del(ctx, runPrefix(t)+"task:gone1").Err(); err != nil {
			return nil, nil, err
		}
		return okTopics(ctx, in, progress)
	}}, worker.Config{})
	e.submit(t, "gone1", "a", "b")
	st := e.wait(t, "gone1")
	if st.State != store.Success || st.Kind != tasks.TypeTopics || st.Attempt != 1 || st.Created.IsZero() {
		t.Errorf("record %+v, want SUCCESS, kind topics, attempt 1, a creation time", st)
	}
	if _, err := e.store.Result(context.Background(), "gone1"); err != nil {
		t.Errorf("result: %v", err)
	}
}

// The attempt in the job's log line is the record's, which counts every
// start (also those asynq does not count as retries, such as a job put back
// at shutdown).
func TestLogAttemptIsTheRecords(t *testing.T) {
	e := start(t, &fake{topics: okTopics}, worker.Config{})
	ctx := context.Background()
	if err := e.store.Create(ctx, "again1", tasks.TypeTopics); err != nil {
		t.Fatal(err)
	}
	// Two earlier runs, put back at shutdown.
	for range 2 {
		if _, err := e.store.Start(ctx, "again1", tasks.TypeTopics); err != nil {
			t.Fatal(err)
		}
	}
	task, err := tasks.NewTopicsTask("again1", tasks.TopicsPayload{Docs: []string{"a"}, Param: topicmap.DefaultTopicParam()}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.queue.EnqueueContext(ctx, task, asynq.Queue(e.q.Jobs)); err != nil {
		t.Fatal(err)
	}
	if st := e.wait(t, "again1"); st.Attempt != 3 {
		t.Fatalf("record attempt %d, want 3", st.Attempt)
	}
	// The line follows the stored outcome: wait for it.
	line, ok := e.logs.WaitFor(10*time.Second, `msg="job done"`, "task_id=again1 ")
	if !ok {
		t.Fatalf("no job done line for again1:\n%s", e.logs.String())
	}
	if !strings.Contains(line, " attempt=3 ") {
		t.Errorf("job log line %q, want attempt=3 as the record", line)
	}
}

// Every line the pipeline logs about a job carries its task_id, the
// "bourdieu map left out" warning included.
func TestPipelineLinesCarryTaskID(t *testing.T) {
	var buf testenv.Logs
	plog := slog.New(logctx.Handler(slog.NewJSONHandler(&buf, nil)))
	e := start(t, pipeline.New(pipeline.Config{Logger: plog}), worker.Config{})
	var docs []string
	for i := range 30 {
		docs = append(docs, fmt.Sprintf("The army won the battle of the war number %d in the valley.", i),
			fmt.Sprintf("The treaty brought peace to the garden of the city number %d.", i))
	}
	q := topicmap.DefaultBourdieuQuery()
	q.XLeftWords = []string{"zzyzx"}
	param := topicmap.DefaultTopicParam()
	param.NClusters = 2
	param.Language = "auto" // a "language detected" line too
	ctx := context.Background()
	if err := e.store.Create(ctx, "ids1", tasks.TypeTopics); err != nil {
		t.Fatal(err)
	}
	task, err := tasks.NewTopicsTask("ids1", tasks.TopicsPayload{Docs: docs, Param: param, Bourdieu: &q}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.queue.EnqueueContext(ctx, task, asynq.Queue(e.q.Jobs)); err != nil {
		t.Fatal(err)
	}
	if st := e.wait(t, "ids1"); st.State != store.Success {
		t.Fatalf("record %+v", st)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	leftOut := false
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		if m["task_id"] != "ids1" || m["attempt"] != 1.0 {
			t.Errorf("pipeline line without the job's task_id and attempt: %s", l)
		}
		leftOut = leftOut || strings.Contains(m["msg"].(string), "bourdieu map left out")
	}
	if !leftOut {
		t.Errorf("no \"bourdieu map left out\" line among:\n%s", buf.String())
	}
}
