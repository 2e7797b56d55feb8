package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// Task owners, with accounts on (internal/auth). Keys, under the prefix:
//
//	owner:{id}      string the owner of task id (a user id), as long as its record
//	userjobs:{who}  set    the ids of who's jobs that may still be queued or running

func (s *Store) ownerKey(id string) string     { return s.prefix + "owner:" + id }
func (s *Store) userJobsKey(who string) string { return s.prefix + "userjobs:" + who }

// ErrTooManyJobs is returned by Claim when the owner has max unfinished jobs.
var ErrTooManyJobs = errors.New("store: too many unfinished jobs")

// claim records ARGV[1] (a task id) as ARGV[2]'s job if ARGV[2] has fewer
// than ARGV[3] jobs not finished; ARGV[4] is the key prefix, ARGV[5] the
// ttl in ms. KEYS[1] the owner's job set, KEYS[2] the task's owner key.
// Finished or expired jobs leave the set as they are counted.
var claim = redis.NewScript(`
local n = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local st = redis.call('HGET', ARGV[4] .. 'task:' .. id, 'state')
  if not st or st == 'SUCCESS' or st == 'FAILURE' then
    redis.call('SREM', KEYS[1], id)
  else
    n = n + 1
  end
end
if n >= tonumber(ARGV[3]) then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[5])
return 1
`)

// Claim records owner as the owner of the task id (already created) and
// counts it among owner's unfinished jobs, unless owner has max of them
// already (ErrTooManyJobs). max <= 0 means no limit.
func (s *Store) Claim(ctx context.Context, id, owner string, max int) error {
	if max <= 0 {
		max = 1 << 30
	}
	n, err := claim.Run(ctx, s.rdb, []string{s.userJobsKey(owner), s.ownerKey(id)},
		id, owner, max, s.prefix, s.ttl.Milliseconds()).Int()
	if err != nil {
		return fmt.Errorf("store: claim %s: %w", id, err)
	}
	if n == 0 {
		return ErrTooManyJobs
	}
	return nil
}

// Owner returns the owner of task id, or ErrNotFound when it has none.
func (s *Store) Owner(ctx context.Context, id string) (string, error) {
	o, err := s.rdb.Get(ctx, s.ownerKey(id)).Result()
	if errors.Is(err, redis.Nil) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: owner %s: %w", id, err)
	}
	return o, nil
}

func (s *Store) metaKey(id string) string { return s.prefix + "meta:" + id }

// SetMeta keeps what the API knows of a job beyond its payload (its
// parameters, the uploaded file's name), as JSON, for as long as its record.
func (s *Store) SetMeta(ctx context.Context, id string, meta []byte) error {
	if err := s.rdb.Set(ctx, s.metaKey(id), meta, s.ttl).Err(); err != nil {
		return fmt.Errorf("store: meta %s: %w", id, err)
	}
	return nil
}

// Meta returns what SetMeta kept for id, or ErrNotFound.
func (s *Store) Meta(ctx context.Context, id string) ([]byte, error) {
	b, err := s.rdb.Get(ctx, s.metaKey(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: meta %s: %w", id, err)
	}
	return b, nil
}
