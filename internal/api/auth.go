package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/bunkatopics/bunka-go/internal/auth"
	"github.com/bunkatopics/bunka-go/internal/projects"
	"github.com/bunkatopics/bunka-go/internal/store"
)

// authOn reports whether callers must identify themselves.
func (s *Server) authOn() bool { return s.cfg.Auth != nil && s.cfg.Auth.Enabled() }

// authFailed writes an authentication failure for the middleware.
func (s *Server) authFailed(w http.ResponseWriter, r *http.Request, err error) {
	writeError(w, r, s.log, s.authError(r.Context(), err))
}

// authError turns an internal/auth error into the client's.
func (s *Server) authError(ctx context.Context, err error) error {
	var te *auth.ThrottledError
	var rl *auth.RateLimitError
	switch {
	case errors.Is(err, auth.ErrNoCredentials):
		return &Error{Code: EUNAUTHORIZED, Message: "credentials required: an API key (Authorization: Bearer), HTTP Basic or a session cookie from POST /auth/login"}
	case errors.Is(err, auth.ErrBadCredentials):
		return &Error{Code: EUNAUTHORIZED, Message: "wrong credentials"}
	case errors.As(err, &rl):
		return &Error{Code: ETOOMANY, Message: "too many requests for this key; slow down", RetryAfter: rl.RetryAfter}
	case errors.As(err, &te):
		return &Error{Code: ETOOMANY, Message: "too many failed logins; try again later", RetryAfter: te.RetryAfter}
	}
	s.log.ErrorContext(ctx, "accounts database unavailable", "error", err, "request_id", RequestID(ctx))
	return &Error{Code: EUNAVAILABLE, Message: "the accounts database is unavailable, try again later"}
}

// caller returns the request's caller, or a 401.
func (s *Server) caller(ctx context.Context) (auth.Caller, error) {
	c, ok := auth.FromContext(ctx)
	if !ok {
		return auth.Caller{}, s.authError(ctx, auth.ErrNoCredentials)
	}
	return c, nil
}

// claim records the caller as the owner of the new task id, within the
// per-user job limit (auth on only).
func (s *Server) claim(ctx context.Context, id string) error {
	if !s.authOn() {
		return nil
	}
	c, err := s.caller(ctx)
	if err != nil {
		return err
	}
	err = s.store.Claim(ctx, id, c.Owner(), s.cfg.UserMaxJobs)
	if errors.Is(err, store.ErrTooManyJobs) {
		return Errorf(ETOOMANY, "you have %d jobs queued or running, the most allowed (BUNKA_USER_MAX_JOBS); wait for one to finish", s.cfg.UserMaxJobs)
	}
	if err != nil {
		return s.unavailable(ctx, err)
	}
	return nil
}

// checkOwner returns errNotFound unless the caller owns task id (auth on):
// another user's task looks exactly like a missing one.
func (s *Server) checkOwner(ctx context.Context, id string) error {
	if !s.authOn() {
		return nil
	}
	c, ok := auth.FromContext(ctx)
	if !ok {
		return errNotFound
	}
	o, err := s.store.Owner(ctx, id)
	switch {
	case isNotFound(err):
		return errNotFound
	case err != nil:
		return s.unavailable(ctx, err)
	case o != c.Owner():
		return errNotFound
	}
	return nil
}

// me is a user as the client sees it.
type me struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	KeyID string `json:"key_id,omitempty"`
}

// credentials is the body of POST /auth/login and /auth/signup.
func credentials(r *http.Request) (email, password string, err error) {
	o, err := decodeBody(r)
	if err != nil {
		return "", "", err
	}
	var e errs
	email = required(o, &e, "email")
	password = required(o, &e, "password")
	return email, password, e.err()
}

// login is POST /auth/login {"email", "password"}: a session cookie.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	email, password, err := credentials(r)
	if err != nil {
		return err
	}
	u, token, expires, err := s.cfg.Auth.Login(r.Context(), email, password, auth.ClientAddr(r))
	if err != nil {
		return s.authError(r.Context(), err)
	}
	http.SetCookie(w, &http.Cookie{Name: auth.SessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(r)})
	writeJSON(w, http.StatusOK, me{ID: u.ID, Email: u.Email})
	return nil
}

// secure reports whether the client reached us over TLS (directly or
// through a proxy that says so).
func secure(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

// signup is POST /auth/signup {"email", "password"}, when BUNKA_SIGNUP is on.
func (s *Server) signup(w http.ResponseWriter, r *http.Request) error {
	if !s.cfg.Auth.SignupOpen() {
		return &Error{Code: ENOTFOUND, Message: "sign-up is closed; ask an administrator for an account"}
	}
	email, password, err := credentials(r)
	if err != nil {
		return err
	}
	u, err := s.cfg.Auth.AddUser(r.Context(), email, password)
	switch {
	case errors.Is(err, auth.ErrBadEmail), errors.Is(err, auth.ErrWeakPassword):
		return &Error{Code: EINVALID, Message: err.Error()}
	case errors.Is(err, projects.ErrExists):
		return &Error{Code: EINVALID, Message: "an account with this email exists"}
	case err != nil:
		return s.authError(r.Context(), err)
	}
	writeJSON(w, http.StatusCreated, me{ID: u.ID, Email: u.Email})
	return nil
}

// authResource handles /auth routes that need a caller.
type authResource struct{ s *Server }

// Routes returns the /auth routes behind the middleware.
func (rs authResource) Routes() chi.Router {
	r := chi.NewRouter()
	r.Get("/me", rs.s.handle(rs.me))
	r.Post("/logout", rs.s.handle(rs.logout))
	r.Get("/keys", rs.s.handle(rs.keys))
	r.Post("/keys", rs.s.handle(rs.createKey))
	r.Delete("/keys/{id}", rs.s.handle(rs.revokeKey))
	return r
}

func (rs authResource) me(w http.ResponseWriter, r *http.Request) error {
	c, err := rs.s.caller(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, me{ID: c.User.ID, Email: c.User.Email, KeyID: c.KeyID})
	return nil
}

// logout is POST /auth/logout: ends the session of the cookie, if any.
func (rs authResource) logout(w http.ResponseWriter, r *http.Request) error {
	if _, err := rs.s.caller(r.Context()); err != nil {
		return err
	}
	if c, err := r.Cookie(auth.SessionCookie); err == nil && c.Value != "" {
		if err := rs.s.cfg.Auth.Logout(r.Context(), c.Value); err != nil {
			return rs.s.authError(r.Context(), err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: auth.SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(r)})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// keyJSON is an API key as the client sees it; Key only when created.
type keyJSON struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Key      string     `json:"key,omitempty"`
	Created  time.Time  `json:"created"`
	LastUsed *time.Time `json:"last_used"`
	Revoked  *time.Time `json:"revoked"`
}

func toKeyJSON(k projects.Key, secret string) keyJSON {
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	return keyJSON{ID: k.ID, Name: k.Name, Key: secret, Created: k.Created, LastUsed: opt(k.LastUsed), Revoked: opt(k.Revoked)}
}

func (rs authResource) keys(w http.ResponseWriter, r *http.Request) error {
	c, err := rs.s.caller(r.Context())
	if err != nil {
		return err
	}
	ks, err := rs.s.cfg.Auth.Keys(r.Context(), c.User.ID)
	if err != nil {
		return rs.s.authError(r.Context(), err)
	}
	out := make([]keyJSON, 0, len(ks))
	for _, k := range ks {
		out = append(out, toKeyJSON(k, ""))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// createKey is POST /auth/keys {"name"}: the key, shown this once.
func (rs authResource) createKey(w http.ResponseWriter, r *http.Request) error {
	c, err := rs.s.caller(r.Context())
	if err != nil {
		return err
	}
	o, err := decodeBody(r)
	if err != nil {
		return err
	}
	var e errs
	name := required(o, &e, "name")
	if err := e.err(); err != nil {
		return err
	}
	if len(name) == 0 || len(name) > 200 {
		return Errorf(EINVALID, "name: want 1 to 200 characters")
	}
	k, secret, err := rs.s.cfg.Auth.CreateKey(r.Context(), c.User.ID, name)
	if err != nil {
		return rs.s.authError(r.Context(), err)
	}
	writeJSON(w, http.StatusCreated, toKeyJSON(k, secret))
	return nil
}

// revokeKey is DELETE /auth/keys/{id}.
func (rs authResource) revokeKey(w http.ResponseWriter, r *http.Request) error {
	c, err := rs.s.caller(r.Context())
	if err != nil {
		return err
	}
	err = rs.s.cfg.Auth.RevokeKey(r.Context(), c.User.ID, chi.URLParam(r, "id"))
	if errors.Is(err, projects.ErrNotFound) {
		return &Error{Code: ENOTFOUND, Message: "no such key"}
	}
	if err != nil {
		return rs.s.authError(r.Context(), err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// required reads the string field name of o, which must be there.
func required(o object, e *errs, name string) string {
	var v string
	if _, ok := o[name]; !ok {
		e.add(name, "required")
		return ""
	}
	o.str(e, "", name, &v)
	return v
}
