package api

import (
	"log/slog"
	"net/http"
)

// BodyLimit refuses request bodies over max bytes with a 413 and a clear
// message: at once when Content-Length says so, else when the handler
// reads past the limit.
func BodyLimit(max int64, log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > max {
				w.Header().Set("Connection", "close")
				writeError(w, r, log, &http.MaxBytesError{Limit: max})
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, max)
			next.ServeHTTP(w, r)
		})
	}
}
