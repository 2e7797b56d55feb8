// Package tasks names the background tasks of the service and defines their
// payloads, so that the API (which enqueues them) and the worker (which runs
// them) agree on one definition.
//
// Topics and bourdieu jobs go to the jobs queue, which a worker serves one
// at a time by default; refreshes go to the refresh queue, served by a
// second server in the worker process so that a long job does not delay
// them. The constructors put tasks in the default queues; callers with
// other Queues pass asynq.Queue when they enqueue.
package tasks

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bunkatopics/bunka-go/internal/config"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// Task type names. They are also the task_name of the progress and result
// routes (/tasks/{task_name}/{task_id}/...), except refresh.
const (
	TypeTopics   = "topics"
	TypeBourdieu = "bourdieu"
	TypeRefresh  = "refresh"
)

// Default queue names (those of the default key prefix "bunka:").
const (
	QueueJobs    = "bunka_jobs"
	QueueRefresh = "bunka_refresh"
)

// Queues names the two queues of one deployment.
type Queues struct {
	Jobs    string // topics and bourdieu jobs
	Refresh string // Bourdieu refreshes
}

// QueuesFor derives the queue names from a deployment's key prefix, so
// that deployments (or test runs) sharing a Redis database stay apart:
// "bunka:" gives bunka_jobs and bunka_refresh.
func QueuesFor(prefix string) Queues {
	p := strings.TrimRight(prefix, ":")
	if p == "" {
		p = "bunka"
	}
	return Queues{Jobs: p + "_jobs", Refresh: p + "_refresh"}
}

// MaxRetry is how often a job is run again after its worker died (its asynq
// lease expired) or it failed for a transient reason (Redis unreachable).
// Failures caused by the job itself are not retried.
const MaxRetry = 3

// TopicsPayload is a topics job: the documents, the topic parameters and,
// when the Bourdieu map is asked for too, its query.
type TopicsPayload struct {
	Docs     []string                `json:"docs"`
	Param    topicmap.TopicParam     `json:"topic_param"`
	Bourdieu *topicmap.BourdieuQuery `json:"bourdieu_query,omitempty"`
	// DocsStored says that the documents are in the store (store.Input
	// of the task id), not in Docs: the API puts them there, so that the
	// queue's message stays small whatever the number of documents.
	DocsStored bool `json:"docs_stored,omitempty"`
}

// BourdieuPayload is a (deprecated, as in the original) Bourdieu-only job.
type BourdieuPayload struct {
	Docs       []string               `json:"docs"`
	Query      topicmap.BourdieuQuery `json:"query"`
	Param      topicmap.TopicParam    `json:"topic_param"`
	DocsStored bool                   `json:"docs_stored,omitempty"` // as TopicsPayload's
}

// RefreshPayload asks for the Bourdieu map of the finished topics job
// TaskID under a new query. The worker sends its answer to ReplyID.
type RefreshPayload struct {
	TaskID  string                 `json:"task_id"`
	ReplyID string                 `json:"reply_id"`
	Query   topicmap.BourdieuQuery `json:"bourdieu_query"`
	Param   topicmap.TopicParam    `json:"topic_param"`
}

// TimeoutMargin is added to a job's timeout to make asynq's own deadline
// for it: the worker stops the job first and reports the timeout, while
// asynq's deadline only catches a job that ignores its context.
const TimeoutMargin = time.Minute

// jobOptions are the options of the long jobs: their own queue, a bounded
// number of runs, and the task id (which is also the client's task_id).
func jobOptions(id string, timeout time.Duration) []asynq.Option {
	if timeout <= 0 {
		timeout = config.DefaultJobTimeout
	}
	return []asynq.Option{asynq.TaskID(id), asynq.Queue(QueueJobs), asynq.MaxRetry(MaxRetry),
		asynq.Timeout(timeout + TimeoutMargin)}
}

// NewTopicsTask returns the topics job id for p. timeout bounds one run of
// it (0: config.DefaultJobTimeout); it should be the worker's job timeout.
func NewTopicsTask(id string, p TopicsPayload, timeout time.Duration) (*asynq.Task, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("tasks: topics payload: %w", err)
	}
	return asynq.NewTask(TypeTopics, b, jobOptions(id, timeout)...), nil
}

// NewBourdieuTask returns the bourdieu job id for p.
func NewBourdieuTask(id string, p BourdieuPayload, timeout time.Duration) (*asynq.Task, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("tasks: bourdieu payload: %w", err)
	}
	return asynq.NewTask(TypeBourdieu, b, jobOptions(id, timeout)...), nil
}

// NewRefreshTask returns a refresh of p. It is not retried: the caller
// waits for it with a deadline and can ask again; after timeout it is
// dropped.
func NewRefreshTask(p RefreshPayload, timeout time.Duration) (*asynq.Task, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("tasks: refresh payload: %w", err)
	}
	opts := []asynq.Option{asynq.TaskID(p.ReplyID), asynq.Queue(QueueRefresh), asynq.MaxRetry(0)}
	if timeout > 0 {
		opts = append(opts, asynq.Timeout(timeout), asynq.Deadline(time.Now().Add(timeout)))
	}
	return asynq.NewTask(TypeRefresh, b, opts...), nil
}

// Decode unmarshals a task payload into dst.
func Decode(t *asynq.Task, dst any) error {
	if err := json.Unmarshal(t.Payload(), dst); err != nil {
		return fmt.Errorf("tasks: decode %s payload: %w", t.Type(), err)
	}
	return nil
}

// Refresh reply codes.
const (
	ReplyOK       = "ok"
	ReplyInvalid  = "invalid"   // the query or parameters are unusable
	ReplyNotFound = "not_found" // no successful topics result under TaskID
	ReplyConflict = "conflict"  // the map was embedded by another embedder than the worker's
	ReplyInternal = "internal"
)

// RefreshReply is the worker's answer to a refresh: a code, a message for
// the client when it is not ReplyOK, and the BourdieuResponse JSON when it is.
type RefreshReply struct {
	Code    string          `json:"code"`
	Message string          `json:"message,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
}

// TypeSearch is a semantic search over a finished topics job, served on
// the refresh queue.
const TypeSearch = "search"

// SearchPayload asks for the K documents of the finished topics job TaskID
// nearest to Query (embedded by the job's embedder; Language picks it as
// for the job). The worker answers a RefreshReply to ReplyID whose Result
// is a JSON list of pipeline.SearchHit.
type SearchPayload struct {
	TaskID   string `json:"task_id"`
	ReplyID  string `json:"reply_id"`
	Query    string `json:"query"`
	Language string `json:"language,omitempty"`
	K        int    `json:"k"`
}

// NewSearchTask returns a search, dropped after timeout as a refresh is.
func NewSearchTask(p SearchPayload, timeout time.Duration) (*asynq.Task, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("tasks: search payload: %w", err)
	}
	opts := []asynq.Option{asynq.TaskID(p.ReplyID), asynq.Queue(QueueRefresh), asynq.MaxRetry(0)}
	if timeout > 0 {
		opts = append(opts, asynq.Timeout(timeout), asynq.Deadline(time.Now().Add(timeout)))
	}
	return asynq.NewTask(TypeSearch, b, opts...), nil
}
