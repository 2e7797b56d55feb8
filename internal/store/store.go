// Package store keeps the service's task records in Redis: each task's state
// and progress, its client-facing JSON result and the pipeline state that a
// Bourdieu refresh needs (as bytes: storage knows data, not the computation
// that made it), all kept for a retention time (24 h by default).
//
// Keys, under a configurable prefix (default "bunka:"):
//
//	task:{id}    hash   kind, state, progress, stage, error, attempt, created, started, finished (RFC 3339)
//	result:{id}  string the result JSON, as the client receives it, zstd-compressed (result.go)
//	pstate:{id}  string the pipeline state, as the worker encoded it (opaque here)
//	input:{id}   string a job's documents, from the API to the worker, zstd-compressed JSON (input.go)
//	reply:{id}   list   the answer to a refresh, pushed once by the worker
//
// Results, states and inputs larger than 1 MiB are stored in parts under
// versioned keys, {key}:v:{version}:{i}, with a pointer under the key
// (parts.go).
//
// Only the API creates task records; a task id without one is unknown.
package store

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/singleflight"

	"github.com/bunkatopics/bunka-go/internal/config"
)

// State is a task's state, with Celery's names, as the client reads them.
type State string

// Task states.
const (
	Pending    State = "PENDING"    // queued, no worker has taken it yet
	Started    State = "STARTED"    // a worker took it
	Processing State = "PROCESSING" // the pipeline reports progress
	Success    State = "SUCCESS"    // the result is stored
	Failure    State = "FAILURE"    // Error says why
)

// Done reports whether s is final.
func (s State) Done() bool { return s == Success || s == Failure }

// Errors callers branch on.
var (
	ErrNotFound = errors.New("store: not found")
	ErrTimeout  = errors.New("store: timed out")
	ErrExists   = errors.New("store: task already exists")
)

// Status is a task's record.
type Status struct {
	ID       string
	Kind     string // tasks.TypeTopics or tasks.TypeBourdieu
	State    State
	Progress float64 // 0..100
	Stage    string  // the pipeline stage in progress
	Error    string  // FAILURE's message
	Warning  string  // SUCCESS's warning: what the job left out, and why
	Attempt  int     // how many times a worker started it
	Created  time.Time
	Started  time.Time
	Finished time.Time
}

// Store reads and writes task records. It is safe for concurrent use.
type Store struct {
	rdb    redis.UniversalClient
	waits  redis.UniversalClient // WaitReply's client: rdb unless WithReplyClient
	flight *singleflight.Group   // one read at a time per result (result.go)
	prefix string
	ttl    time.Duration
	// partSize bounds each part of a large value (parts.go); 0:
	// DefaultPartSize.
	partSize int
}

// New returns a Store on rdb whose keys start with prefix and live for ttl
// (0: config.DefaultResultTTL).
func New(rdb redis.UniversalClient, prefix string, ttl time.Duration) *Store {
	if ttl <= 0 {
		ttl = config.DefaultResultTTL
	}
	return &Store{rdb: rdb, waits: rdb, flight: new(singleflight.Group), prefix: prefix, ttl: ttl}
}

// WithReplyClient returns a Store like s whose WaitReply blocks on c. Each
// waiting refresh holds one of its client's connections for as long as it
// waits: on a client of their own (ConnectReplies), waits cannot take the
// connections that task records and the queue need.
func (s *Store) WithReplyClient(c redis.UniversalClient) *Store {
	s2 := *s
	s2.waits = c
	return &s2
}

// Connect returns a Redis client for a redis:// or rediss:// URL, or else
// for addr (host:port).
func Connect(url, addr string) (*redis.Client, error) {
	opt, err := options(url, addr)
	if err != nil {
		return nil, err
	}
	return redis.NewClient(opt), nil
}

// ConnectReplies returns a Redis client as Connect does, for
// WithReplyClient, with a pool of n connections: one for each refresh that
// may wait at once.
func ConnectReplies(url, addr string, n int) (*redis.Client, error) {
	opt, err := options(url, addr)
	if err != nil {
		return nil, err
	}
	opt.PoolSize = n
	opt.MaxIdleConns = min(n, 8)
	return redis.NewClient(opt), nil
}

func options(url, addr string) (*redis.Options, error) {
	if url == "" {
		return &redis.Options{Addr: addr}, nil
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("store: REDIS_URL: %w", err)
	}
	if opt.TLSConfig != nil && opt.TLSConfig.MinVersion == 0 {
		opt.TLSConfig.MinVersion = tls.VersionTLS12
	}
	return opt, nil
}

func (s *Store) taskKey(id string) string   { return s.prefix + "task:" + id }
func (s *Store) resultKey(id string) string { return s.prefix + "result:" + id }
func (s *Store) stateKey(id string) string  { return s.prefix + "pstate:" + id }
func (s *Store) replyKey(id string) string  { return s.prefix + "reply:" + id }
func (s *Store) inputKey(id string) string  { return s.prefix + "input:" + id }

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// Create records a new PENDING task. It fails with ErrExists if id is taken.
func (s *Store) Create(ctx context.Context, id, kind string) error {
	key := s.taskKey(id)
	ok, err := s.rdb.HSetNX(ctx, key, "kind", kind).Result()
	if err != nil {
		return fmt.Errorf("store: create %s: %w", id, err)
	}
	if !ok {
		return ErrExists
	}
	pipe := s.rdb.TxPipeline()
	pipe.HSet(ctx, key, "state", string(Pending), "progress", "0", "attempt", "0", "created", now())
	pipe.Expire(ctx, key, s.ttl)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("store: create %s: %w", id, err)
	}
	return nil
}

// Delete removes a task's record, result, state and input, with all their
// parts (used when enqueueing fails).
func (s *Store) Delete(ctx context.Context, id string) error {
	keys, err := s.withParts(ctx, s.resultKey(id), s.stateKey(id), s.inputKey(id))
	if err == nil {
		err = s.rdb.Del(ctx, append(keys, s.taskKey(id))...).Err()
	}
	if err != nil {
		return fmt.Errorf("store: delete %s: %w", id, err)
	}
	return nil
}

// update sets fields of a task that is not finished yet; it leaves a
// finished one unchanged. KEYS[1] task key; ARGV[1] ttl in ms; ARGV[2]
// 1 to count an attempt; then field, value pairs.
var update = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'state')
if st == 'SUCCESS' or st == 'FAILURE' then return 0 end
if ARGV[2] == '1' then redis.call('HINCRBY', KEYS[1], 'attempt', 1) end
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i+1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`)

func (s *Store) update(ctx context.Context, id string, attempt bool, fields ...string) error {
	args := make([]any, 0, 2+len(fields))
	a := "0"
	if attempt {
		a = "1"
	}
	args = append(args, s.ttl.Milliseconds(), a)
	for _, f := range fields {
		args = append(args, f)
	}
	if err := update.Run(ctx, s.rdb, []string{s.taskKey(id)}, args...).Err(); err != nil {
		return fmt.Errorf("store: update %s: %w", id, err)
	}
	return nil
}

// Run is one run of a task by a worker: what the worker writes with its
// outcome, so that a record that vanished meanwhile (Redis restarted
// without its data) is written again whole, and refresh and result still
// work.
type Run struct {
	ID      string
	Kind    string    // tasks.TypeTopics or tasks.TypeBourdieu
	Attempt int       // the record's attempt count for this run
	Created time.Time // the record's creation time
}

// Run returns the run that st describes.
func (st Status) Run() Run {
	return Run{ID: st.ID, Kind: st.Kind, Attempt: st.Attempt, Created: st.Created}
}

// start counts an attempt of a task that is not finished yet and marks it
// STARTED, creating its record whole if it vanished; it returns the
// record's attempt and creation time. KEYS[1] task key; ARGV: ttl in ms,
// kind, now.
var start = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'state')
if st ~= 'SUCCESS' and st ~= 'FAILURE' then
  redis.call('HINCRBY', KEYS[1], 'attempt', 1)
  redis.call('HSET', KEYS[1], 'kind', ARGV[2], 'state', 'STARTED', 'progress', '0', 'stage', '', 'started', ARGV[3])
  redis.call('HSETNX', KEYS[1], 'created', ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return {redis.call('HGET', KEYS[1], 'attempt') or '0', redis.call('HGET', KEYS[1], 'created') or ''}
`)

// Start marks a task STARTED at progress 0 by a worker (again, after a
// worker died) and returns the run, with the record's attempt count.
func (s *Store) Start(ctx context.Context, id, kind string) (Run, error) {
	res, err := start.Run(ctx, s.rdb, []string{s.taskKey(id)}, s.ttl.Milliseconds(), kind, now()).StringSlice()
	if err != nil || len(res) != 2 {
		return Run{}, fmt.Errorf("store: start %s: %w", id, err)
	}
	r := Run{ID: id, Kind: kind}
	r.Attempt, _ = strconv.Atoi(res[0])
	r.Created, _ = time.Parse(time.RFC3339Nano, res[1])
	return r, nil
}

// complete returns the field, value pairs that make a record written by
// run whole (set only where missing).
func (r Run) complete() []any {
	created := r.Created
	if created.IsZero() {
		created = time.Now()
	}
	f := []any{"created", created.UTC().Format(time.RFC3339Nano), "attempt", strconv.Itoa(max(r.Attempt, 1))}
	if r.Kind != "" {
		f = append(f, "kind", r.Kind)
	}
	return f
}

// Progress records that stage is running and percent is done.
func (s *Store) Progress(ctx context.Context, id, stage string, percent float64) error {
	return s.update(ctx, id, false, "state", string(Processing), "stage", stage,
		"progress", strconv.FormatFloat(percent, 'f', 2, 64))
}

// Succeed stores a task's result JSON and, when state is not nil, its
// encoded pipeline state, and marks it SUCCESS, with a warning for the
// client when the job did less than it was asked ("" when it did all). The
// job's input is dropped: it is not needed any more.
func (s *Store) Succeed(ctx context.Context, run Run, result, state []byte, warning string) error {
	return s.SucceedCompressed(ctx, run, compress(result), state, warning)
}

// SucceedCompressed is Succeed for a result already compressed as the
// store keeps it (by a ResultWriter): the worker encodes a large result
// straight into its compressed form.
func (s *Store) SucceedCompressed(ctx context.Context, run Run, result, state []byte, warning string) error {
	id := run.ID
	res, err := s.stage(ctx, s.resultKey(id), result)
	if err != nil {
		return fmt.Errorf("store: succeed %s: %w", id, err)
	}
	var pst staged
	if state != nil {
		if pst, err = s.stage(ctx, s.stateKey(id), state); err != nil {
			s.discard(ctx, res)
			return fmt.Errorf("store: succeed %s: %w", id, err)
		}
	}
	input := s.inputKeys(ctx, id)
	pipe := s.rdb.TxPipeline()
	oldRes := s.commit(ctx, pipe, res)
	var oldSt *redis.StatusCmd
	if state != nil {
		oldSt = s.commit(ctx, pipe, pst)
	}
	key := s.taskKey(id)
	pipe.HSet(ctx, key, "state", string(Success), "progress", "100", "stage", "", "error", "", "warning", warning, "finished", now())
	c := run.complete()
	for i := 0; i < len(c); i += 2 {
		pipe.HSetNX(ctx, key, c[i].(string), c[i+1])
	}
	pipe.Expire(ctx, key, s.ttl)
	pipe.Del(ctx, input...)
	if err := exec(ctx, pipe); err != nil {
		// The parts are left to expire: the transaction may have run
		// with its answer lost.
		return fmt.Errorf("store: succeed %s: %w", id, err)
	}
	s.retire(ctx, res, oldRes)
	if state != nil {
		s.retire(ctx, pst, oldSt)
	}
	return nil
}

// Fail marks a task that is not finished yet FAILURE with a message for
// the client (its job failed, or was lost from the queue); it leaves a
// finished one unchanged (a SUCCESS stays one when a stale re-run of its
// job fails).
func (s *Store) Fail(ctx context.Context, run Run, msg string) error {
	args := []any{s.ttl.Milliseconds(), msg, now()}
	keys := append([]string{s.taskKey(run.ID)}, s.inputKeys(ctx, run.ID)...)
	if err := fail.Run(ctx, s.rdb, keys, append(args, run.complete()...)...).Err(); err != nil {
		return fmt.Errorf("store: fail %s: %w", run.ID, err)
	}
	return nil
}

// fail marks a task that is not finished yet FAILURE, completing its
// record where fields are missing, and drops its input. KEYS[1] task key,
// then the input's keys (inputKeys); ARGV: ttl in ms, message, now, then
// field, value pairs to set where missing.
var fail = redis.NewScript(`
if #KEYS > 1 then redis.call('DEL', unpack(KEYS, 2)) end
local st = redis.call('HGET', KEYS[1], 'state')
if st == 'SUCCESS' or st == 'FAILURE' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'FAILURE', 'error', ARGV[2], 'finished', ARGV[3])
for i = 4, #ARGV, 2 do redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i+1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`)

// Status returns a task's record, or ErrNotFound.
func (s *Store) Status(ctx context.Context, id string) (Status, error) {
	m, err := s.rdb.HGetAll(ctx, s.taskKey(id)).Result()
	if err != nil {
		return Status{}, fmt.Errorf("store: status %s: %w", id, err)
	}
	if len(m) == 0 || m["state"] == "" {
		return Status{}, ErrNotFound
	}
	st := Status{ID: id, Kind: m["kind"], State: State(m["state"]), Stage: m["stage"], Error: m["error"], Warning: m["warning"]}
	st.Progress, _ = strconv.ParseFloat(m["progress"], 64)
	st.Attempt, _ = strconv.Atoi(m["attempt"])
	st.Created, _ = time.Parse(time.RFC3339Nano, m["created"])
	st.Started, _ = time.Parse(time.RFC3339Nano, m["started"])
	st.Finished, _ = time.Parse(time.RFC3339Nano, m["finished"])
	return st, nil
}

// PipelineState returns a successful topics task's encoded pipeline state,
// or ErrNotFound.
func (s *Store) PipelineState(ctx context.Context, id string) ([]byte, error) {
	parts, err := s.readValue(ctx, s.stateKey(id))
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("store: pipeline state %s: %w", id, err)
	}
	return joinParts(parts), nil
}

// Reply sends the answer to the request id (a refresh); WaitReply receives it.
func (s *Store) Reply(ctx context.Context, id string, answer []byte) error {
	key := s.replyKey(id)
	pipe := s.rdb.TxPipeline()
	pipe.RPush(ctx, key, answer)
	pipe.Expire(ctx, key, 10*time.Minute)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("store: reply %s: %w", id, err)
	}
	return nil
}

// WaitReply waits up to timeout for the answer to request id. It returns
// ErrTimeout when none came, and ctx's error when ctx ends first. It holds
// a connection of its client (see WithReplyClient) while it waits.
func (s *Store) WaitReply(ctx context.Context, id string, timeout time.Duration) ([]byte, error) {
	key := s.replyKey(id)
	deadline := time.Now().Add(timeout)
	for {
		// Block in slices of a second (BLPOP's unit) so that a cancelled
		// ctx is noticed soon.
		if time.Until(deadline) <= 0 {
			return nil, ErrTimeout
		}
		const wait = time.Second
		res, err := s.waits.BLPop(ctx, wait, key).Result()
		switch {
		case err == nil:
			s.waits.Del(context.WithoutCancel(ctx), key)
			return []byte(res[1]), nil
		case errors.Is(err, redis.Nil):
			continue
		case ctx.Err() != nil:
			return nil, ctx.Err()
		default:
			return nil, fmt.Errorf("store: wait reply %s: %w", id, err)
		}
	}
}
