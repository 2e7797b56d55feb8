package api

import (
	"errors"
	"io"
	"net"
	"net/http"
)

// bodyReader remembers the first error that reading a request body met
// other than its end, so that a handler can tell a client that aborted or
// stalled its upload (or one over the size limit) from a malformed body.
type bodyReader struct {
	io.ReadCloser
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}

// watchBody replaces r.Body with a bodyReader and returns it.
func watchBody(r *http.Request) *bodyReader {
	b := &bodyReader{ReadCloser: r.Body}
	r.Body = b
	return b
}

// bodyError returns the client's error for a body that could not be read:
// err itself when it is over the size limit (a 413), a 408 when the server's
// body read timeout passed, else a 400 for a client that aborted its body
// (closed the connection or sent less than it announced). None is a 500:
// the fault is the client's connection, and the request log line says so
// at INFO.
func bodyError(err error) error {
	var mb *http.MaxBytesError
	var ne net.Error
	switch {
	case errors.As(err, &mb):
		return err
	case errors.As(err, &ne) && ne.Timeout():
		return &Error{Code: ESLOW, Message: "the request body was not received in time", cause: err}
	}
	return &Error{Code: EABORTED, Message: "the request body ended early: the client aborted it", cause: err}
}
