package store

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// A job's documents travel from the API to the worker beside its queue
// message, not in it: asynq keeps a message in a Redis hash field and reads
// it whole in its Lua scripts (dequeue, inspection), so that a message of
// tens of megabytes holds Redis for seconds at a time and one of a million
// documents would not fit. The API stores them with PutInput before it
// queues the job; the worker reads them with Input, and Succeed and Fail
// drop them.

// PutInput stores a job's documents (zstd-compressed JSON, in parts when
// large) for the worker, for as long as task records live.
func (s *Store) PutInput(ctx context.Context, id string, docs []string) error {
	w := NewResultWriter()
	if err := encodeStrings(w, docs); err != nil {
		return fmt.Errorf("store: put input %s: %w", id, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("store: put input %s: %w", id, err)
	}
	st, err := s.stage(ctx, s.inputKey(id), w.Bytes())
	if err != nil {
		return fmt.Errorf("store: put input %s: %w", id, err)
	}
	pipe := s.rdb.TxPipeline()
	s.commit(ctx, pipe, st)
	if err := exec(ctx, pipe); err != nil {
		s.discard(ctx, st)
		return fmt.Errorf("store: put input %s: %w", id, err)
	}
	return nil
}

// Input returns a job's documents that PutInput stored, or ErrNotFound.
func (s *Store) Input(ctx context.Context, id string) ([]string, error) {
	parts, err := s.readValue(ctx, s.inputKey(id))
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("store: input %s: %w", id, err)
	}
	d, err := zstd.NewReader(partsReader(parts), zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, fmt.Errorf("store: input %s: %w", id, err)
	}
	defer d.Close()
	docs, err := decodeStrings(d)
	if err != nil {
		return nil, fmt.Errorf("store: input %s: %w", id, err)
	}
	return docs, nil
}

// encodeStrings writes docs as a JSON array one element at a time
// (json.Encoder would hold the whole array's JSON first).
func encodeStrings(w io.Writer, docs []string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteByte('[')
	for i, d := range docs {
		if i > 0 {
			bw.WriteByte(',')
		}
		b, err := json.Marshal(d)
		if err != nil {
			return err
		}
		bw.Write(b)
	}
	bw.WriteByte(']')
	return bw.Flush()
}

// decodeStrings decodes a JSON array of strings one element at a time:
// json.Decoder.Decode of the whole array would first buffer all of its
// JSON (half a gigabyte for a million documents) beside the strings.
func decodeStrings(r io.Reader) ([]string, error) {
	dec := json.NewDecoder(r)
	if t, err := dec.Token(); err != nil {
		return nil, err
	} else if t != json.Delim('[') {
		return nil, fmt.Errorf("want a JSON array, got %v", t)
	}
	docs := []string{}
	for dec.More() {
		var s string
		if err := dec.Decode(&s); err != nil {
			return nil, err
		}
		docs = append(docs, s)
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return docs, nil
}

// inputKeys returns the keys of a job's input: its key and the parts it
// points at. Succeed and Fail delete them with the outcome, in the same
// transaction (a Redis error reading the pointer leaves the parts to
// expire).
func (s *Store) inputKeys(ctx context.Context, id string) []string {
	keys, err := s.withParts(ctx, s.inputKey(id))
	if err != nil {
		return []string{s.inputKey(id)}
	}
	return keys
}
