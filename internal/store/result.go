package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// Results are stored zstd-compressed (a topic map's JSON shrinks several
// times) and read back in chunks, so that no single Redis read of a large
// result outlasts the client's read timeout; readers of the same result at
// the same time share one read (singleflight), and each decompresses it as
// it streams to its client. Results stored before compression (plain JSON)
// are read as they are: a zstd frame starts with bytes that JSON cannot.

// resultChunk is how much of a stored result one Redis read fetches.
const resultChunk = 1 << 20

// resultReadRate is the slowest transfer from Redis that a result read
// allows for: its deadline is sized to the value, 5 s plus 1 s per MiB.
const resultReadRate = 1 << 20

var (
	encoder, _ = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	zstdMagic  = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// compress returns the stored form of a result.
func compress(result []byte) []byte {
	return encoder.EncodeAll(result, make([]byte, 0, len(result)/4))
}

// Result returns a successful task's result JSON, or ErrNotFound. Other
// packages (the worker's refresh, saved projects) read results with it;
// ResultReader streams one without holding its JSON whole.
func (s *Store) Result(ctx context.Context, id string) ([]byte, error) {
	r, err := s.ResultReader(ctx, id)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("store: result %s: %w", id, err)
	}
	return out, nil
}

// ResultReader returns a reader of a successful task's result JSON, or
// ErrNotFound. The caller must close it.
func (s *Store) ResultReader(ctx context.Context, id string) (io.ReadCloser, error) {
	parts, err := s.storedResult(ctx, id)
	if err != nil {
		return nil, err
	}
	stored := partsReader(parts)
	if !bytes.HasPrefix(parts[0], zstdMagic) {
		return io.NopCloser(stored), nil // stored before compression
	}
	d, err := zstd.NewReader(stored, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
	if err != nil {
		return nil, fmt.Errorf("store: result %s: %w", id, err)
	}
	return zstdReadCloser{d}, nil
}

type zstdReadCloser struct{ *zstd.Decoder }

func (z zstdReadCloser) Close() error { z.Decoder.Close(); return nil }

// storedResult returns the stored bytes of a result, in its parts, read
// once for all the callers that ask for it at the same time.
func (s *Store) storedResult(ctx context.Context, id string) ([][]byte, error) {
	ch := s.flight.DoChan(id, func() (any, error) {
		// Not the first caller's context: its client may leave while
		// others wait for the same read.
		return s.readValue(context.WithoutCancel(ctx), s.resultKey(id))
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.([][]byte), nil
	}
}

// errChanged reports a value that shrank or vanished while it was read.
var errChanged = errors.New("the value changed while it was read")

// ResultWriter compresses a result as it is written, in the form the store
// keeps (SucceedCompressed), so that a large result's JSON is never held
// whole.
type ResultWriter struct {
	buf bytes.Buffer
	z   *zstd.Encoder
}

// NewResultWriter returns an empty ResultWriter.
func NewResultWriter() *ResultWriter {
	w := new(ResultWriter)
	w.z, _ = zstd.NewWriter(&w.buf, zstd.WithEncoderConcurrency(1)) // fails only for bad options
	return w
}

// Write compresses p.
func (w *ResultWriter) Write(p []byte) (int, error) { return w.z.Write(p) }

// Close ends the compressed stream; Bytes is complete after it.
func (w *ResultWriter) Close() error { return w.z.Close() }

// Bytes returns the compressed result.
func (w *ResultWriter) Bytes() []byte { return w.buf.Bytes() }
