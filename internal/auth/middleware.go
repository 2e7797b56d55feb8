package auth

import (
	"net"
	"net/http"
	"strings"
)

// ErrorWriter writes an authentication failure: ErrNoCredentials,
// ErrBadCredentials, a *ThrottledError or a *RateLimitError (the
// caller's too many requests), or a store failure.
type ErrorWriter func(w http.ResponseWriter, r *http.Request, err error)

// RateLimitError says that a caller sent requests faster than its limit.
type RateLimitError struct{ ThrottledError }

func (e *RateLimitError) Error() string { return "auth: request rate limit reached" }

// Identify returns the caller of r from its credentials.
func (s *Service) Identify(r *http.Request) (Caller, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, cred, _ := strings.Cut(h, " ")
		cred = strings.TrimSpace(cred)
		switch strings.ToLower(scheme) {
		case "bearer":
			return s.byKey(ctx, cred)
		case "basic":
			user, pass, ok := r.BasicAuth()
			if !ok {
				return Caller{}, ErrBadCredentials
			}
			if strings.HasPrefix(pass, keyPrefix) {
				return s.byKey(ctx, pass) // any user name with an API key
			}
			u, err := s.checkPassword(ctx, user, pass, ClientAddr(r))
			if err != nil {
				return Caller{}, err
			}
			return Caller{User: u}, nil
		}
		return Caller{}, ErrBadCredentials
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		return s.bySession(ctx, c.Value)
	}
	return Caller{}, ErrNoCredentials
}

// Middleware puts the caller in the request context. With auth enabled a
// request without valid credentials, or over its caller's rate limit, goes
// to fail instead of next; with auth disabled every request passes, with
// a caller only when it sent valid credentials.
func (s *Service) Middleware(fail ErrorWriter) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, err := s.Identify(r)
			if err != nil {
				if !s.cfg.Enabled && err == ErrNoCredentials {
					next.ServeHTTP(w, r)
					return
				}
				fail(w, r, err)
				return
			}
			if err := s.limit(c); err != nil {
				fail(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(NewContext(r.Context(), c)))
		})
	}
}

// limit applies the per-caller request rate limit.
func (s *Service) limit(c Caller) error {
	key := "user:" + c.Owner()
	if c.KeyID != "" {
		key = "key:" + c.KeyID
	}
	if ok, wait := s.limits.allow(key, s.cfg.Now()); !ok {
		return &RateLimitError{ThrottledError{RetryAfter: wait}}
	}
	return nil
}

// ClientAddr is the client's address as the server sees it: the remote
// host of the connection (behind a proxy, the proxy's, which then shares
// one per-address login throttle; the per-account one still applies).
func ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
