// Package auth says who is calling: users (email and an argon2id password
// hash), their API keys, login sessions, and the HTTP middleware that puts
// the caller in the request context. internal/api asks it "who is this?"
// (FromContext) and never reads credentials itself.
//
// Credentials accepted on a request, first match wins:
//
//	Authorization: Bearer <API key>
//	Authorization: Basic <email:password> or <any name:API key>
//	Cookie: bunka_session=<token>            (from POST /auth/login)
//
// Secrets (keys, session tokens) are 256 random bits; the store keeps
// their SHA-256 digests only, and passwords as argon2id hashes. Failed
// password checks are throttled per account and per client address.
// Nothing secret is ever logged.
package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/bunkatopics/bunka-go/internal/projects"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "bunka_session"

// Errors callers branch on.
var (
	ErrNoCredentials  = errors.New("auth: no credentials")
	ErrBadCredentials = errors.New("auth: wrong credentials")
	ErrBadEmail       = errors.New("auth: not an email address")
)

// ThrottledError says that a client or an account failed too often and
// must wait RetryAfter.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("auth: too many failed logins; retry after %s", e.RetryAfter.Round(time.Second))
}

// Config tunes a Service; the zero value of each field means its default.
type Config struct {
	Enabled          bool          // BUNKA_AUTH=on: credentials required
	Signup           bool          // BUNKA_SIGNUP: POST /auth/signup open to anyone
	SessionTTL       time.Duration // lifetime of a login session; default 7 days
	MaxLoginFailures int           // failures per account or address before a wait; default 5
	LoginWindow      time.Duration // the window they are counted over and the wait; default 15m
	KeyRate          float64       // requests per second per API key or user; default 10
	KeyBurst         int           // burst of KeyRate; default 40
	Now              func() time.Time
	Logger           *slog.Logger
}

func (c *Config) fill() {
	if c.SessionTTL <= 0 {
		c.SessionTTL = 7 * 24 * time.Hour
	}
	if c.MaxLoginFailures <= 0 {
		c.MaxLoginFailures = 5
	}
	if c.LoginWindow <= 0 {
		c.LoginWindow = 15 * time.Minute
	}
	if c.KeyRate <= 0 {
		c.KeyRate = 10
	}
	if c.KeyBurst <= 0 {
		c.KeyBurst = 40
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Service authenticates callers and manages users, keys and sessions.
type Service struct {
	store    projects.Store
	cfg      Config
	throttle *throttle
	limits   *limiter
}

// New returns a Service over st.
func New(st projects.Store, cfg Config) *Service {
	cfg.fill()
	return &Service{store: st, cfg: cfg,
		throttle: newThrottle(cfg.MaxLoginFailures, cfg.LoginWindow, cfg.Now),
		limits:   newLimiter(cfg.KeyRate, cfg.KeyBurst)}
}

// Enabled reports whether credentials are required.
func (s *Service) Enabled() bool { return s.cfg.Enabled }

// SignupOpen reports whether anyone may create an account.
func (s *Service) SignupOpen() bool { return s.cfg.Signup }

// SessionTTL is the lifetime of a login session.
func (s *Service) SessionTTL() time.Duration { return s.cfg.SessionTTL }

// Caller is who makes a request.
type Caller struct {
	User  projects.User
	KeyID string // the API key used, if any
}

// Owner is the caller's identity as task records keep it.
func (c Caller) Owner() string { return strconv.FormatInt(c.User.ID, 10) }

type ctxKey struct{}

// NewContext returns ctx carrying c.
func NewContext(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, ctxKey{}, c)
}

// FromContext returns the caller that the middleware identified, if any.
func FromContext(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(ctxKey{}).(Caller)
	return c, ok
}

// NormalizeEmail trims and lower-cases an email address and checks its form.
func NormalizeEmail(email string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || a.Name != "" {
		return "", ErrBadEmail
	}
	return e, nil
}

// AddUser creates a user with password.
func (s *Service) AddUser(ctx context.Context, email, password string) (projects.User, error) {
	e, err := NormalizeEmail(email)
	if err != nil {
		return projects.User{}, err
	}
	h, err := HashPassword(password)
	if err != nil {
		return projects.User{}, err
	}
	return s.store.CreateUser(ctx, e, h)
}

// UserByEmail returns the user with email.
func (s *Service) UserByEmail(ctx context.Context, email string) (projects.User, error) {
	e, err := NormalizeEmail(email)
	if err != nil {
		return projects.User{}, err
	}
	return s.store.UserByEmail(ctx, e)
}

// Users lists every user.
func (s *Service) Users(ctx context.Context) ([]projects.User, error) { return s.store.Users(ctx) }

// SetPassword changes a user's password.
func (s *Service) SetPassword(ctx context.Context, email, password string) error {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return err
	}
	h, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.store.SetPassword(ctx, u.ID, h)
}

// SetDisabled disables (ending their sessions) or enables a user.
func (s *Service) SetDisabled(ctx context.Context, email string, disabled bool) error {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return err
	}
	return s.store.SetDisabled(ctx, u.ID, disabled)
}

// CreateKey makes an API key for userID and returns it with its secret,
// which is shown this once and never stored.
func (s *Service) CreateKey(ctx context.Context, userID int64, name string) (projects.Key, string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return projects.Key{}, "", errors.New("auth: a key needs a name")
	}
	secret := newSecret(keyPrefix)
	k, err := s.store.CreateKey(ctx, projects.Key{ID: newID(), UserID: userID, Name: name, Hash: Digest(secret)})
	if err != nil {
		return projects.Key{}, "", err
	}
	return k, secret, nil
}

// Keys lists a user's keys.
func (s *Service) Keys(ctx context.Context, userID int64) ([]projects.Key, error) {
	return s.store.Keys(ctx, userID)
}

// RevokeKey revokes one of a user's keys.
func (s *Service) RevokeKey(ctx context.Context, userID int64, id string) error {
	return s.store.RevokeKey(ctx, userID, id)
}

// checkPassword returns the enabled user with email and password, after
// the throttle let the attempt through; failures count against the
// account and the client address.
func (s *Service) checkPassword(ctx context.Context, email, password, addr string) (projects.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	keys := []string{"account:" + email, "addr:" + addr}
	if wait := s.throttle.wait(keys...); wait > 0 {
		return projects.User{}, &ThrottledError{RetryAfter: wait}
	}
	u, err := s.store.UserByEmail(ctx, email)
	switch {
	case errors.Is(err, projects.ErrNotFound):
		CheckPassword(dummyHash, password) // as long as for a known user
	case err != nil:
		return projects.User{}, err
	case CheckPassword(u.PasswordHash, password) && !u.Disabled:
		s.throttle.reset(keys[0])
		return u, nil
	}
	s.throttle.fail(keys...)
	s.cfg.Logger.WarnContext(ctx, "login failed", "client", addr)
	return projects.User{}, ErrBadCredentials
}

// Login checks email and password and opens a session; the token is the
// cookie's value.
func (s *Service) Login(ctx context.Context, email, password, addr string) (projects.User, string, time.Time, error) {
	u, err := s.checkPassword(ctx, email, password, addr)
	if err != nil {
		return projects.User{}, "", time.Time{}, err
	}
	token := newSecret(sessionPrefix)
	now := s.cfg.Now()
	expires := now.Add(s.cfg.SessionTTL)
	if err := s.store.CreateSession(ctx, projects.Session{Hash: Digest(token), UserID: u.ID, Created: now, Expires: expires}); err != nil {
		return projects.User{}, "", time.Time{}, err
	}
	if _, err := s.store.DeleteExpiredSessions(ctx, now); err != nil {
		s.cfg.Logger.WarnContext(ctx, "expired sessions not removed", "error", err)
	}
	return u, token, expires, nil
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.store.DeleteSession(ctx, Digest(token))
}

// byKey returns the caller that holds the API key secret.
func (s *Service) byKey(ctx context.Context, secret string) (Caller, error) {
	if !strings.HasPrefix(secret, keyPrefix) {
		return Caller{}, ErrBadCredentials
	}
	d := Digest(secret)
	k, err := s.store.KeyByHash(ctx, d)
	switch {
	case errors.Is(err, projects.ErrNotFound):
		return Caller{}, ErrBadCredentials
	case err != nil:
		return Caller{}, err
	}
	if subtle.ConstantTimeCompare(k.Hash, d) != 1 || !k.Revoked.IsZero() {
		return Caller{}, ErrBadCredentials
	}
	u, err := s.enabledUser(ctx, k.UserID)
	if err != nil {
		return Caller{}, err
	}
	if now := s.cfg.Now(); now.Sub(k.LastUsed) > time.Minute { // one write a minute at most
		if err := s.store.TouchKey(ctx, k.ID, now); err != nil {
			s.cfg.Logger.WarnContext(ctx, "key use not recorded", "key_id", k.ID, "error", err)
		}
	}
	return Caller{User: u, KeyID: k.ID}, nil
}

// bySession returns the caller of a session token.
func (s *Service) bySession(ctx context.Context, token string) (Caller, error) {
	se, err := s.store.SessionByHash(ctx, Digest(token), s.cfg.Now())
	switch {
	case errors.Is(err, projects.ErrNotFound):
		return Caller{}, ErrBadCredentials
	case err != nil:
		return Caller{}, err
	}
	u, err := s.enabledUser(ctx, se.UserID)
	if err != nil {
		return Caller{}, err
	}
	return Caller{User: u}, nil
}

func (s *Service) enabledUser(ctx context.Context, id int64) (projects.User, error) {
	u, err := s.store.User(ctx, id)
	switch {
	case errors.Is(err, projects.ErrNotFound):
		return projects.User{}, ErrBadCredentials
	case err != nil:
		return projects.User{}, err
	case u.Disabled:
		return projects.User{}, ErrBadCredentials
	}
	return u, nil
}
