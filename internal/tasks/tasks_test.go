package tasks_test

import (
	"testing"
	"time"

	"github.com/bunkatopics/bunka-go/internal/tasks"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

func TestQueuesFor(t *testing.T) {
	for _, tc := range []struct {
		desc, prefix string
		want         tasks.Queues
	}{
		{"default", "bunka:", tasks.Queues{Jobs: tasks.QueueJobs, Refresh: tasks.QueueRefresh}},
		{"empty", "", tasks.Queues{Jobs: tasks.QueueJobs, Refresh: tasks.QueueRefresh}},
		{"other", "staging:", tasks.Queues{Jobs: "staging_jobs", Refresh: "staging_refresh"}},
	} {
		if got := tasks.QueuesFor(tc.prefix); got != tc.want {
			t.Errorf("%s: QueuesFor(%q) = %+v, want %+v", tc.desc, tc.prefix, got, tc.want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	q := topicmap.DefaultBourdieuQuery()
	in := tasks.TopicsPayload{Docs: []string{"a", "b"}, Param: topicmap.DefaultTopicParam(), Bourdieu: &q}
	task, err := tasks.NewTopicsTask("id1", in, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if task.Type() != tasks.TypeTopics {
		t.Errorf("type %q", task.Type())
	}
	var out tasks.TopicsPayload
	if err := tasks.Decode(task, &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Docs) != 2 || out.Param.NClusters != 10 || out.Bourdieu == nil || out.Bourdieu.XLeftWords[0] != "war" {
		t.Errorf("decoded %+v", out)
	}
	r, err := tasks.NewRefreshTask(tasks.RefreshPayload{TaskID: "id1", ReplyID: "r1", Query: q}, time.Second)
	if err != nil || r.Type() != tasks.TypeRefresh {
		t.Fatalf("refresh task %v, %v", r, err)
	}
}
