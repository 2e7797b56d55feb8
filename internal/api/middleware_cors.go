package api

import (
	"net/http"
	"slices"
	"strings"
)

// CORS answers cross-origin requests. With no origins, or "*", every origin
// is allowed, with credentials, as the original's CORSMiddleware(
// allow_origins=["*"], allow_credentials=True, allow_methods=["*"],
// allow_headers=["*"]) does; otherwise only the listed ones.
func CORS(origins []string) func(http.Handler) http.Handler {
	all := len(origins) == 0 || slices.Contains(origins, "*")
	allowed := func(o string) bool { return all || slices.Contains(origins, o) }
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			if origin == "" {
				next.ServeHTTP(w, r)
				return
			}
			h := w.Header()
			h.Add("Vary", "Origin")
			if !allowed(origin) {
				if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
					w.WriteHeader(http.StatusForbidden)
					return
				}
				next.ServeHTTP(w, r)
				return
			}
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				h.Set("Access-Control-Allow-Methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT")
				if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
					h.Set("Access-Control-Allow-Headers", req)
				}
				h.Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusOK)
				return
			}
			h.Set("Access-Control-Expose-Headers", strings.Join([]string{"X-Request-Id"}, ", "))
			next.ServeHTTP(w, r)
		})
	}
}
