package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bunkatopics/bunka-go/internal/api"
	"github.com/bunkatopics/bunka-go/internal/store"
	"github.com/bunkatopics/bunka-go/internal/tasks"
	"github.com/bunkatopics/bunka-go/internal/testenv"
)

// largeResult returns a topics result JSON of about size bytes, of words
// drawn at random so that it compresses about as much as a real one.
func largeResult(size int) []byte {
	words := strings.Fields("topic map document embedding cluster term centroid hull language " +
		"war peace men women army treaty city garden valley battle report oil gas food rent banks farms")
	r := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	b.WriteString(`{"docs":[`)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"doc_id":"%d","content":"`, i)
		for range 40 {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, `","x":%.6f,"y":%.6f,"topic_id":"bt-%d"}`, r.Float64(), r.Float64(), r.IntN(10))
	}
	b.WriteString(`],"topics":[],"bourdieu_response":null,"terms":[]}`)
	return b.Bytes()
}

// A dozen clients read a large result at once, half through /result and
// half through progress streams, over a Redis client whose read timeout
// is short next to a read of the whole value: all get it whole, and every
// stream ends in SUCCESS.
func TestLargeResultManyReaders(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(), DB: testDB, ReadTimeout: 300 * time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	e := newEnvOn(t, api.Config{}, rdb, nil)
	ctx := context.Background()
	want := largeResult(30 << 20)
	if err := e.store.Create(ctx, "big", tasks.TypeTopics); err != nil {
		t.Fatal(err)
	}
	run, err := e.store.Start(ctx, "big", tasks.TypeTopics)
	if err != nil {
		t.Fatal(err)
	}
	// The worker's side writes through a client of default timeouts.
	worker := store.New(redisClient(t), fmt.Sprintf("apitest-%d-%s:", os.Getpid(), t.Name()), time.Hour)
	if err := worker.Succeed(ctx, run, want, nil, "a warning"); err != nil {
		t.Fatal(err)
	}
	const readers = 12
	var wg sync.WaitGroup
	errs := make(chan error, readers)
	for i := range readers {
		wg.Go(func() {
			if i%2 == 0 {
				errs <- readResult(e.srv.URL+"/tasks/topics/big/result", want)
			} else {
				errs <- readStream(e.srv.URL+"/tasks/topics/big/progress", want, "a warning")
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	// Stored compressed.
	n, err := rdb.StrLen(ctx, fmt.Sprintf("apitest-%d-%s:result:big", os.Getpid(), t.Name())).Result()
	if err != nil || n == 0 || n > int64(len(want))/2 {
		t.Errorf("stored result of %d bytes (%v) for %d of JSON; want it compressed", n, err, len(want))
	}
}

func readResult(url string, want []byte) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("result: %w", err)
	}
	if resp.StatusCode != 200 || !bytes.Equal(got, want) {
		return fmt.Errorf("result: status %d, %d bytes, want 200 and the %d bytes stored", resp.StatusCode, len(got), len(want))
	}
	return nil
}

func readStream(url string, want []byte, warning string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	br := bufio.NewReaderSize(resp.Body, 1<<16)
	for {
		line, err := br.ReadBytes('\n')
		if err != nil {
			return fmt.Errorf("stream ended without SUCCESS: %w", err)
		}
		data, ok := bytes.CutPrefix(line, []byte("data: "))
		if !ok {
			continue
		}
		var ev struct {
			State   string          `json:"state"`
			Result  json.RawMessage `json:"result"`
			Warning string          `json:"warning"`
		}
		if err := json.Unmarshal(data, &ev); err != nil {
			return fmt.Errorf("stream: bad event: %w", err)
		}
		if ev.State == "SUCCESS" {
			if !bytes.Equal(ev.Result, want) || ev.Warning != warning {
				return fmt.Errorf("stream: SUCCESS with %d bytes of result and warning %q", len(ev.Result), ev.Warning)
			}
			return nil
		}
		if ev.State == "FAILURE" {
			return fmt.Errorf("stream: FAILURE %s", data)
		}
	}
}

// A result stored before compression (plain JSON) is still read.
func TestPlainResultStillRead(t *testing.T) {
	e := newEnv(t, api.Config{})
	ctx := context.Background()
	if err := e.store.Create(ctx, "old", tasks.TypeTopics); err != nil {
		t.Fatal(err)
	}
	run, _ := e.store.Start(ctx, "old", tasks.TypeTopics)
	if err := e.store.Succeed(ctx, run, []byte(`{}`), nil, ""); err != nil {
		t.Fatal(err)
	}
	plain := []byte(`{"docs":[],"topics":[],"bourdieu_response":null,"terms":[]}`)
	if err := e.rdb.Set(ctx, fmt.Sprintf("apitest-%d-%s:result:old", os.Getpid(), t.Name()), plain, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if err := readResult(e.srv.URL+"/tasks/topics/old/result", plain); err != nil {
		t.Error(err)
	}
	if err := readStream(e.srv.URL+"/tasks/topics/old/progress", plain, ""); err != nil {
		t.Error(err)
	}
	if b, err := e.store.Result(ctx, "old"); err != nil || !bytes.Equal(b, plain) {
		t.Errorf("store.Result: %q, %v", b, err)
	}
}
