package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// Recoverer turns a panicking handler into a 500 "internal error" response
// and a log line with the stack.
func Recoverer(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", LogPath(r),
						"request_id", RequestID(r.Context()), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
					writeJSON(w, http.StatusInternalServerError,
						errorBody{StatusCode: 10500, Message: "internal error"})
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}
