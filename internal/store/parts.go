package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Large values (results, pipeline states, job inputs) are stored in parts.
// A Redis string holds at most 512 MB, and one command moving hundreds of
// megabytes holds Redis and the connection's deadlines for as long; a
// million documents' result is several hundred megabytes even compressed.
//
// A value of up to inlineMax bytes (and the part size) is stored under its
// key as it is. A larger one is written as parts of at most the store's part size under
// versioned keys, {key}:v:{version}:{i}, and then the key itself is set to a
// small pointer naming the version, the part size and the total length (in
// the same transaction as the task's SUCCESS). A reader reads the pointer,
// then the parts it names: a rewrite of the value (a job run again) writes
// new parts under a new version before it switches the pointer, so that a
// reader never mixes old and new parts, and the old parts are left to
// expire after a grace period long enough for the readers that started
// before the switch (partGrace). Parts live for the key's retention time
// plus that grace, so they go at most a grace period after their pointer;
// Delete removes them with it.

// DefaultPartSize is the largest part of a stored value unless
// WithPartSize says otherwise: well under Redis's 512 MB limit, and small
// enough that writing one part fits in a command's deadline.
const DefaultPartSize = 64 << 20

// inlineMax is the largest value stored under its key as it is: one read
// (resultChunk) fetches it whole, so no rewrite can interleave with it.
const inlineMax = resultChunk

// pointerMagic starts a pointer to parts; neither JSON, a zstd frame nor
// an encoded pipeline state starts with a zero byte. The last byte is the
// format version.
var pointerMagic = []byte{0, 'B', 'K', 'P', 1}

// pointer is a decoded pointer value.
type pointer struct {
	version  string
	total    int64 // bytes in all
	partSize int64 // bytes in each part but the last
}

func (p pointer) parts() int {
	if p.total == 0 {
		return 0
	}
	return int((p.total + p.partSize - 1) / p.partSize)
}

func (p pointer) partKey(key string, i int) string {
	return key + ":v:" + p.version + ":" + strconv.Itoa(i)
}

func (p pointer) partKeys(key string) []string {
	keys := make([]string, p.parts())
	for i := range keys {
		keys[i] = p.partKey(key, i)
	}
	return keys
}

func (p pointer) marshal() []byte {
	b := append([]byte(nil), pointerMagic...)
	b = binary.AppendUvarint(b, uint64(p.total))
	b = binary.AppendUvarint(b, uint64(p.partSize))
	return append(b, p.version...)
}

// parsePointer decodes b when it is a pointer.
func parsePointer(b []byte) (pointer, bool) {
	if !bytes.HasPrefix(b, pointerMagic) {
		return pointer{}, false
	}
	r := b[len(pointerMagic):]
	total, n := binary.Uvarint(r)
	if n <= 0 {
		return pointer{}, false
	}
	r = r[n:]
	size, n := binary.Uvarint(r)
	if n <= 0 || size == 0 {
		return pointer{}, false
	}
	return pointer{version: string(r[n:]), total: int64(total), partSize: int64(size)}, true
}

// WithPartSize returns a Store like s whose large values are written in
// parts of at most n bytes (n <= 0: DefaultPartSize). Readers read what
// the pointer says, whatever part size wrote it. Tests use a tiny one.
func (s *Store) WithPartSize(n int) *Store {
	s2 := *s
	s2.partSize = n
	return &s2
}

func (s *Store) partSizeOrDefault() int {
	if s.partSize > 0 {
		return s.partSize
	}
	return DefaultPartSize
}

// readDeadline is how long reading a value of n bytes may take: 5 s plus
// 1 s per MiB (resultReadRate).
func readDeadline(n int64) time.Duration {
	return 5*time.Second + time.Duration(n/resultReadRate+1)*time.Second
}

// partGrace is how long the parts of a value of n bytes outlive the
// pointer that named them: longer than a reader that read the pointer may
// take to read them.
func partGrace(n int64) time.Duration { return 2*readDeadline(n) + 10*time.Second }

// staged is a value ready to be put under its key: the value itself, or a
// pointer to parts already written.
type staged struct {
	key   string
	value []byte   // what the key is set to
	parts []string // the part keys written, in order
	grace time.Duration
}

// stage writes the parts of a value larger than inlineMax and returns what
// to set its key to. The parts expire ttl + grace from now; the caller sets
// the key (commit) in its transaction, or drops the parts (discard) when
// that fails.
func (s *Store) stage(ctx context.Context, key string, value []byte) (staged, error) {
	if len(value) <= min(inlineMax, s.partSizeOrDefault()) {
		return staged{key: key, value: value}, nil
	}
	p := pointer{
		version:  strconv.FormatUint(rand.Uint64(), 36),
		total:    int64(len(value)),
		partSize: int64(s.partSizeOrDefault()),
	}
	st := staged{key: key, value: p.marshal(), parts: p.partKeys(key), grace: partGrace(p.total)}
	for i, pk := range st.parts {
		part := value[int64(i)*p.partSize : min(int64(i+1)*p.partSize, p.total)]
		wctx, cancel := context.WithTimeout(ctx, readDeadline(int64(len(part))))
		err := s.rdb.Set(wctx, pk, part, s.ttl+st.grace).Err()
		cancel()
		if err != nil {
			s.discard(ctx, st)
			return staged{}, fmt.Errorf("store: write %s part %d of %d: %w", key, i+1, len(st.parts), err)
		}
	}
	return st, nil
}

// commit queues in pipe the setting of st's key (returning its old value)
// and the renewal of its parts' lifetime. Run retire with the command it
// returns once pipe has run.
func (s *Store) commit(ctx context.Context, pipe redis.Pipeliner, st staged) *redis.StatusCmd {
	old := pipe.SetArgs(ctx, st.key, st.value, redis.SetArgs{TTL: s.ttl, Get: true})
	for _, pk := range st.parts {
		pipe.PExpire(ctx, pk, s.ttl+st.grace)
	}
	return old
}

// exec runs pipe and returns its first error but redis.Nil (SET ... GET's
// answer for a key that had no value).
func exec(ctx context.Context, pipe redis.Pipeliner) error {
	cmds, err := pipe.Exec(ctx)
	if err == nil || errors.Is(err, redis.Nil) && len(cmds) > 0 {
		for _, c := range cmds {
			if e := c.Err(); e != nil && !errors.Is(e, redis.Nil) {
				return e
			}
		}
		return nil
	}
	return err
}

// retire lets the parts of a value that st replaced expire after their
// grace period, so that readers that started on them can finish. old is
// commit's command, after its pipeline ran.
func (s *Store) retire(ctx context.Context, st staged, old *redis.StatusCmd) {
	b, err := old.Bytes()
	if err != nil {
		return // no old value, or it was not read: its parts expire with their TTL
	}
	p, ok := parsePointer(b)
	if !ok || p.version == "" || bytes.Equal(b, st.value) {
		return
	}
	grace := partGrace(p.total)
	pipe := s.rdb.Pipeline()
	for _, pk := range p.partKeys(st.key) {
		pipe.PExpire(ctx, pk, grace)
	}
	pipe.Exec(ctx) // best effort: they expire with their TTL otherwise
}

// discard removes the parts of a value that was not committed.
func (s *Store) discard(ctx context.Context, st staged) {
	if len(st.parts) > 0 {
		s.rdb.Del(context.WithoutCancel(ctx), st.parts...)
	}
}

// withParts returns keys (of string values) and the part keys their
// pointers name, for a Delete.
func (s *Store) withParts(ctx context.Context, keys ...string) ([]string, error) {
	all := append([]string(nil), keys...)
	for _, k := range keys {
		b, err := s.rdb.GetRange(ctx, k, 0, int64(len(pointerMagic)+2*binary.MaxVarintLen64+64)).Bytes()
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, err
		}
		if p, ok := parsePointer(b); ok {
			all = append(all, p.partKeys(k)...)
		}
	}
	return all, nil
}

// readValue reads the value stored under key, whole or in parts: the
// parts, in order, without copying them into one slice. It returns
// ErrNotFound when there is none.
func (s *Store) readValue(ctx context.Context, key string) ([][]byte, error) {
	// A value vanishes (deleted, or expired) or its parts expire: read the
	// pointer again, once, before reporting what happened.
	var err error
	for range 2 {
		var parts [][]byte
		parts, err = s.readValueOnce(ctx, key)
		if !errors.Is(err, errChanged) {
			return parts, err
		}
	}
	return nil, err
}

func (s *Store) readValueOnce(ctx context.Context, key string) ([][]byte, error) {
	first, err := s.readString(ctx, key, 0)
	if err != nil {
		return nil, err
	}
	if first == nil {
		return nil, ErrNotFound
	}
	p, ok := parsePointer(first)
	if !ok {
		return [][]byte{first}, nil // stored whole
	}
	ctx, cancel := context.WithTimeout(ctx, readDeadline(p.total))
	defer cancel()
	parts := make([][]byte, p.parts())
	for i := range parts {
		size := min(p.partSize, p.total-int64(i)*p.partSize)
		b, err := s.readString(ctx, p.partKey(key, i), size)
		if err != nil {
			return nil, err
		}
		if int64(len(b)) != size {
			return nil, fmt.Errorf("store: %s part %d: %w", key, i, errChanged)
		}
		parts[i] = b
	}
	return parts, nil
}

// readString reads a string in chunks of resultChunk, so that no single
// read of a large value outlasts the connection's read timeout; size is its
// length when known (a part), else 0 (it is asked for). It returns nil for
// a missing or empty key.
func (s *Store) readString(ctx context.Context, key string, size int64) ([]byte, error) {
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	first, err := s.rdb.GetRange(cctx, key, 0, resultChunk-1).Bytes()
	if err != nil {
		return nil, fmt.Errorf("store: read %s: %w", key, err)
	}
	if len(first) == 0 {
		return nil, nil // GETRANGE of a missing key is empty
	}
	if len(first) < resultChunk {
		return first, nil
	}
	n := size
	if n == 0 {
		if n, err = s.rdb.StrLen(cctx, key).Result(); err != nil {
			return nil, fmt.Errorf("store: read %s: %w", key, err)
		}
		var c context.CancelFunc
		ctx, c = context.WithTimeout(ctx, readDeadline(n))
		defer c()
	}
	b := make([]byte, 0, max(n, int64(len(first))))
	b = append(b, first...)
	for int64(len(b)) < n {
		end := min(int64(len(b))+resultChunk, n) - 1
		part, err := s.rdb.GetRange(ctx, key, int64(len(b)), end).Bytes()
		if err != nil {
			return nil, fmt.Errorf("store: read %s: %w", key, err)
		}
		if len(part) == 0 {
			return nil, fmt.Errorf("store: read %s: %w", key, errChanged)
		}
		b = append(b, part...)
	}
	return b, nil
}

// partsReader reads the parts one after the other, without joining them.
func partsReader(parts [][]byte) io.Reader {
	readers := make([]io.Reader, len(parts))
	for i, p := range parts {
		readers[i] = bytes.NewReader(p)
	}
	return io.MultiReader(readers...)
}

// joinParts returns the parts as one slice (the part itself when there is
// one).
func joinParts(parts [][]byte) []byte {
	if len(parts) == 1 {
		return parts[0]
	}
	return bytes.Join(parts, nil)
}
