package api

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/cors"
)

// RequestID returns the request id that chi's middleware.RequestID put in
// ctx: the client's X-Request-Id, or one made for the request.
func RequestID(ctx context.Context) string { return middleware.GetReqID(ctx) }

// commonHeaders sets the headers every response carries: the request id
// (X-Request-Id), and X-Content-Type-Options: nosniff, so that no browser
// runs a JSON or CSV answer as a script or a page.
func commonHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		if id := RequestID(r.Context()); id != "" {
			h.Set(middleware.RequestIDHeader, id)
		}
		next.ServeHTTP(w, r)
	})
}

// Logger writes one slog line per request (method, path, status, duration,
// response size, request id) through chi's middleware.RequestLogger, and the
// panics that chi's middleware.Recoverer catches, with their stack.
func Logger(log *slog.Logger) func(http.Handler) http.Handler {
	return middleware.RequestLogger(logFormatter{log})
}

type logFormatter struct{ log *slog.Logger }

func (f logFormatter) NewLogEntry(r *http.Request) middleware.LogEntry {
	return logEntry{log: f.log, r: r}
}

type logEntry struct {
	log *slog.Logger
	r   *http.Request
}

func (e logEntry) Write(status, bytes int, _ http.Header, elapsed time.Duration, _ any) {
	if status == 0 {
		status = http.StatusOK
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	e.log.LogAttrs(e.r.Context(), level, "request",
		slog.String("method", e.r.Method),
		slog.String("path", LogPath(e.r)),
		slog.Int("status", status),
		slog.String("duration", elapsed.Round(time.Microsecond).String()),
		slog.Int("bytes", bytes),
		slog.String("request_id", RequestID(e.r.Context())),
	)
}

func (e logEntry) Panic(v any, stack []byte) {
	e.log.ErrorContext(e.r.Context(), "panic", "method", e.r.Method, "path", LogPath(e.r),
		"request_id", RequestID(e.r.Context()), "panic", v, "stack", string(stack))
}

// CORS answers cross-origin requests (github.com/go-chi/cors). Every
// origin may read the API without credentials (Access-Control-Allow-Origin:
// *) unless origins are listed; listed origins, exact ones such as
// https://bunka.example, are echoed back with credentials
// (Access-Control-Allow-Credentials: true) and, when "*" is listed too,
// every other origin keeps the credential-less access. "*" never goes
// with credentials, and the "null" origin (sandboxed frames, file: pages)
// is never given them: it is dropped from the list.
func CORS(origins []string) func(http.Handler) http.Handler {
	public := len(origins) == 0
	var listed []string
	for _, o := range origins {
		switch o = strings.ToLower(strings.TrimSpace(o)); o {
		case "*":
			public = true
		case "", "null":
		default:
			listed = append(listed, o)
		}
	}
	if len(listed) == 0 {
		public = true
	}
	base := cors.Options{
		AllowedMethods: []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"},
		AllowedHeaders: []string{"*"},
		ExposedHeaders: []string{middleware.RequestIDHeader},
		MaxAge:         600,
	}
	isListed := func(origin string) bool { return slices.Contains(listed, strings.ToLower(origin)) }
	withCredentials := base
	withCredentials.AllowCredentials = true
	withCredentials.AllowOriginFunc = func(_ *http.Request, origin string) bool { return isListed(origin) }
	open := base
	open.AllowedOrigins = []string{"*"}
	return func(next http.Handler) http.Handler {
		private := cors.New(withCredentials).Handler(next)
		if !public {
			return private
		}
		anyone := cors.New(open).Handler(next)
		if len(listed) == 0 {
			return anyone
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isListed(r.Header.Get("Origin")) {
				private.ServeHTTP(w, r)
				return
			}
			anyone.ServeHTTP(w, r)
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
