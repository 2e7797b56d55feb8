package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bunkatopics/bunka-go/internal/store"
)

// The tests of values stored in parts (parts.go) use a tiny part size, so
// that a result of some kilobytes is split into dozens of parts.

const tinyPart = 512

// randomJSON returns a JSON string of about n bytes that zstd does not
// shrink much (random letters), different for each seed.
func randomJSON(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(r.IntN(26))
	}
	return []byte(`{"docs":"` + string(b) + `"}`)
}

// keysOf returns the store's keys under its test prefix that contain part.
func keysOf(t *testing.T, rdb *redis.Client, part string) []string {
	t.Helper()
	keys, err := rdb.Keys(context.Background(), "storetest-*"+t.Name()+":*"+part+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestPartsRoundTrip(t *testing.T) {
	s0, rdb := newStore(t, time.Hour)
	s := s0.WithPartSize(tinyPart)
	ctx := context.Background()
	result := randomJSON(20_000, 1)
	state := bytes.Repeat([]byte{'B', 'K', 'S', 1, 7}, 3000) // 15,000 bytes, uncompressed
	docs := []string{"first document", strings.Repeat("long ", 5000), "", "multi\nline \"quoted\" é <b>\u2028", "last"}
	if err := s.Create(ctx, "a", "topics"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutInput(ctx, "a", docs); err != nil {
		t.Fatal(err)
	}
	gotDocs, err := s.Input(ctx, "a")
	if err != nil || !slices.Equal(gotDocs, docs) {
		t.Fatalf("Input: %d docs, %v", len(gotDocs), err)
	}
	if err := s.Succeed(ctx, store.Run{ID: "a"}, result, state, ""); err != nil {
		t.Fatal(err)
	}
	got, err := s.Result(ctx, "a")
	if err != nil || !bytes.Equal(got, result) {
		t.Fatalf("Result: %d bytes, %v; want the %d bytes stored", len(got), err, len(result))
	}
	r, err := s.ResultReader(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	streamed, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(streamed, result) {
		t.Fatalf("ResultReader: %d bytes, %v", len(streamed), err)
	}
	gotState, err := s.PipelineState(ctx, "a")
	if err != nil || !bytes.Equal(gotState, state) {
		t.Fatalf("PipelineState: %d bytes, %v; want %d", len(gotState), err, len(state))
	}
	// The state is split into ceil(15000/512) parts; the result into at
	// least 20; each part at most the part size, living at least as long
	// as its pointer.
	stateParts := keysOf(t, rdb, "pstate:a:v:")
	if want := (len(state) + tinyPart - 1) / tinyPart; len(stateParts) != want {
		t.Errorf("%d state parts, want %d", len(stateParts), want)
	}
	resultParts := keysOf(t, rdb, "result:a:v:")
	if len(resultParts) < 20 {
		t.Errorf("%d result parts, want at least 20", len(resultParts))
	}
	for _, k := range append(stateParts, resultParts...) {
		if n := rdb.StrLen(ctx, k).Val(); n > tinyPart || n == 0 {
			t.Errorf("%s: %d bytes, want 1..%d", k, n, tinyPart)
		}
		if ttl := rdb.TTL(ctx, k).Val(); ttl < time.Hour-time.Minute || ttl > time.Hour+10*time.Minute {
			t.Errorf("%s: TTL %v, want the pointer's (1h) plus a grace period", k, ttl)
		}
	}
	// Succeed dropped the input, with its parts.
	if _, err := s.Input(ctx, "a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Input after Succeed: %v, want ErrNotFound", err)
	}
	if k := keysOf(t, rdb, "input:"); len(k) != 0 {
		t.Errorf("input keys left after Succeed: %v", k)
	}
	// Delete removes every part.
	if err := s.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if k := keysOf(t, rdb, ""); len(k) != 0 {
		t.Errorf("keys left after Delete: %v", k)
	}
	if _, err := s.Result(ctx, "a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Result after Delete: %v", err)
	}
}

// A value small enough is stored under its key alone; the default part
// size keeps a megabyte-sized result in one part.
func TestPartsOnlyWhenLarge(t *testing.T) {
	s, rdb := newStore(t, time.Hour)
	ctx := context.Background()
	small := []byte(`{"docs":[]}`)
	if err := s.Succeed(ctx, store.Run{ID: "small"}, small, []byte{1, 2, 3}, ""); err != nil {
		t.Fatal(err)
	}
	if k := keysOf(t, rdb, "v:"); len(k) != 0 {
		t.Errorf("parts of a small value: %v", k)
	}
	big := randomJSON(3<<20, 2)
	if err := s.Succeed(ctx, store.Run{ID: "big"}, big, nil, ""); err != nil {
		t.Fatal(err)
	}
	if k := keysOf(t, rdb, "result:big:v:"); len(k) != 1 {
		t.Errorf("a 3 MB result in %d parts, want 1 under DefaultPartSize", len(k))
	}
	if got, err := s.Result(ctx, "big"); err != nil || !bytes.Equal(got, big) {
		t.Errorf("Result: %d bytes, %v", len(got), err)
	}
}

// Readers that overlap rewrites of a result (a job run again) each get one
// whole version, old or new, never a mix of their parts; the old parts are
// left to expire soon after the switch.
func TestPartsRewriteNeverMixes(t *testing.T) {
	s0, rdb := newStore(t, time.Hour)
	ctx := context.Background()
	results := [][]byte{randomJSON(30_000, 10), randomJSON(30_000, 11), randomJSON(25_000, 12)}
	// Readers on their own Store values (no shared read), so that each one
	// reads the parts itself while the writer switches versions.
	writer := s0.WithPartSize(tinyPart)
	if err := writer.Succeed(ctx, store.Run{ID: "r"}, results[0], nil, ""); err != nil {
		t.Fatal(err)
	}
	const readers, rewrites = 4, 30
	var wg, ready sync.WaitGroup
	stop := make(chan struct{})
	errc := make(chan error, readers)
	during := make(chan int, readers) // each reader's reads after its first, which the rewrites overlap
	ready.Add(readers)
	for i := range readers {
		wg.Go(func() {
			rs := store.New(rdb, storePrefix(t), time.Hour)
			overlapped := 0
			defer func() { during <- overlapped }()
			for n := 0; ; n++ {
				select {
				case <-stop:
					errc <- nil
					return
				default:
				}
				got, err := rs.Result(ctx, "r")
				if n == 0 {
					ready.Done()
				} else {
					overlapped++
				}
				if err != nil {
					errc <- fmt.Errorf("reader %d, read %d: %w", i, n, err)
					return
				}
				if !bytes.Equal(got, results[0]) && !bytes.Equal(got, results[1]) && !bytes.Equal(got, results[2]) {
					errc <- fmt.Errorf("reader %d, read %d: %d bytes that are none of the versions written", i, n, len(got))
					return
				}
			}
		})
	}
	// The rewrites start once every reader has read once, so that the
	// reads after their first overlap them.
	ready.Wait()
	var werr error
	for i := 0; i < rewrites && werr == nil; i++ {
		werr = writer.Succeed(ctx, store.Run{ID: "r"}, results[(i+1)%len(results)], nil, "")
	}
	close(stop)
	wg.Wait()
	close(errc)
	close(during)
	if werr != nil {
		t.Fatal(werr)
	}
	for err := range errc {
		if err != nil {
			t.Error(err)
		}
	}
	total := 0
	for n := range during {
		total += n
	}
	if total == 0 {
		t.Error("no read overlapped the rewrites")
	}
	// The last version lives as long as the record; the versions it
	// replaced expire within their grace period.
	want := results[rewrites%len(results)]
	if got, err := writer.Result(ctx, "r"); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("after the rewrites: %d bytes, %v", len(got), err)
	}
	long := map[string]int{} // version: parts that live long
	for _, k := range keysOf(t, rdb, "result:r:v:") {
		if rdb.TTL(ctx, k).Val() > 30*time.Minute {
			f := strings.Split(k, ":")
			long[f[len(f)-2]]++
		}
	}
	if len(long) != 1 {
		t.Errorf("parts of %d versions live long (%v), want only the last version's", len(long), long)
	}
}

// A part that vanished (deleted by hand here; expired in life) is an error,
// never a result with a piece missing.
func TestPartsMissingPart(t *testing.T) {
	s0, rdb := newStore(t, time.Hour)
	s := s0.WithPartSize(tinyPart)
	ctx := context.Background()
	if err := s.Succeed(ctx, store.Run{ID: "m"}, randomJSON(10_000, 3), nil, ""); err != nil {
		t.Fatal(err)
	}
	parts := keysOf(t, rdb, "result:m:v:")
	if len(parts) < 3 {
		t.Fatalf("%d parts", len(parts))
	}
	rdb.Del(ctx, parts[len(parts)/2])
	if b, err := s.Result(ctx, "m"); err == nil || errors.Is(err, store.ErrNotFound) {
		t.Errorf("Result with a part missing: %d bytes, error %v; want an error other than not found", len(b), err)
	}
}

// A job that fails drops its input, parts included, with its FAILURE.
func TestFailDropsInput(t *testing.T) {
	s0, rdb := newStore(t, time.Hour)
	s := s0.WithPartSize(tinyPart)
	ctx := context.Background()
	if err := s.Create(ctx, "f", "topics"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutInput(ctx, "f", []string{string(randomJSON(5000, 7)), "second"}); err != nil {
		t.Fatal(err)
	}
	if k := keysOf(t, rdb, "input:f:v:"); len(k) < 2 {
		t.Fatalf("input in %d parts, want several", len(k))
	}
	if err := s.Fail(ctx, store.Run{ID: "f"}, "bad input"); err != nil {
		t.Fatal(err)
	}
	if k := keysOf(t, rdb, "input:"); len(k) != 0 {
		t.Errorf("input keys left after Fail: %v", k)
	}
	if st, err := s.Status(ctx, "f"); err != nil || st.State != store.Failure {
		t.Errorf("status %+v, %v", st, err)
	}
}
