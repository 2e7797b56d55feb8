package api

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// statusWriter records the status and size of a response. It keeps
// Flush and the rest reachable through Unwrap (http.ResponseController).
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Logger writes one line per request: method, path, status, duration,
// response size and request id.
func Logger(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			sw := &statusWriter{ResponseWriter: w}
			defer func() {
				status := sw.status
				if status == 0 {
					status = http.StatusOK
				}
				level := slog.LevelInfo
				if status >= 500 {
					level = slog.LevelError
				}
				log.LogAttrs(r.Context(), level, "request",
					slog.String("method", r.Method),
					slog.String("path", LogPath(r)),
					slog.Int("status", status),
					slog.String("duration", time.Since(start).Round(time.Microsecond).String()),
					slog.Int64("bytes", sw.bytes),
					slog.String("request_id", RequestID(r.Context())),
				)
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

// LogPath is r's path as logs show it: a share link's token, a secret, is
// replaced by {token}.
func LogPath(r *http.Request) string {
	p := r.URL.Path
	if rest, ok := strings.CutPrefix(p, "/shared/"); ok {
		_, tail, _ := strings.Cut(rest, "/")
		return "/shared/{token}/" + tail
	}
	return p
}
