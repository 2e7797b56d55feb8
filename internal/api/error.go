package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Error codes. Each maps to one HTTP status in codeStatus.
const (
	EINVALID      = "invalid"      // the request is malformed or its data unusable
	ENOTFOUND     = "not_found"    // unknown task, or no result yet
	ETOOLARGE     = "too_large"    // the body is over the size limit
	ETIMEOUT      = "timeout"      // a worker did not answer in time
	ECONFLICT     = "conflict"     // the deployment cannot serve this task (workers disagree on the embedder)
	EUNAVAILABLE  = "unavailable"  // Redis is unreachable
	EINTERNAL     = "internal"     // a bug or an unexpected failure
	EABORTED      = "aborted"      // the client aborted its request body
	ESLOW         = "slow"         // the request body did not arrive within the read timeout
	EUNAUTHORIZED = "unauthorized" // no credentials, or wrong ones (auth on)
	ETOOMANY      = "too_many"     // over a limit: login failures, request rate, jobs per user
)

var codeStatus = map[string]int{
	EINVALID:      http.StatusUnprocessableEntity,
	ENOTFOUND:     http.StatusNotFound,
	ETOOLARGE:     http.StatusRequestEntityTooLarge,
	ETIMEOUT:      http.StatusGatewayTimeout,
	ECONFLICT:     http.StatusConflict,
	EUNAVAILABLE:  http.StatusServiceUnavailable,
	EINTERNAL:     http.StatusInternalServerError,
	EABORTED:      http.StatusBadRequest,
	ESLOW:         http.StatusRequestTimeout,
	EUNAUTHORIZED: http.StatusUnauthorized,
	ETOOMANY:      http.StatusTooManyRequests,
}

// Error is an error the client may read: a code and a message.
type Error struct {
	Code       string
	Message    string
	RetryAfter time.Duration // sent as Retry-After (whole seconds) when > 0

	cause error // what happened, for the log; never shown to the client
}

func (e *Error) Error() string { return fmt.Sprintf("api: %s: %s", e.Code, e.Message) }

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// notFoundMessage is the original's body for unknown tasks and missing results.
const notFoundMessage = "No result available or task not in success state."

var errNotFound = &Error{Code: ENOTFOUND, Message: notFoundMessage}

// ErrorStatus returns the HTTP status for err.
func ErrorStatus(err error) int {
	var e *Error
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &e):
		if s, ok := codeStatus[e.Code]; ok {
			return s
		}
	case errors.As(err, &mb):
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// errorBody is the original's error body: {"status_code": 10422, "message": ..., "data": null}.
type errorBody struct {
	StatusCode int    `json:"status_code"`
	Message    string `json:"message"`
	Data       any    `json:"data"`
}

// writeError writes err to the client: an *Error's message as it is, an
// over-size body as a 413, anything else as "internal error" (and a full
// log line).
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var e *Error
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &e):
		if e.cause != nil {
			log.InfoContext(r.Context(), "request body not read", "method", r.Method, "path", LogPath(r),
				"request_id", RequestID(r.Context()), "error", e.cause)
		}
	case errors.As(err, &mb):
		e = Errorf(ETOOLARGE, "request body too large: the limit is %s", formatBytes(mb.Limit))
	default:
		log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", LogPath(r),
			"request_id", RequestID(r.Context()), "error", err)
		e = &Error{Code: EINTERNAL, Message: "internal error"}
	}
	status := ErrorStatus(e)
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
	}
	if e.Code == EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `Basic realm="bunka", charset="UTF-8"`)
	}
	if e.Code == ENOTFOUND {
		writeJSON(w, status, map[string]string{"message": e.Message})
		return
	}
	writeJSON(w, status, errorBody{StatusCode: 10000 + status, Message: e.Message})
}

// writeJSON writes v as a JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"message": "internal error"}`, http.StatusInternalServerError)
		return
	}
	writeRawJSON(w, status, b)
}

func writeRawJSON(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// formatBytes writes n as the largest whole unit (100 MB).
func formatBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
