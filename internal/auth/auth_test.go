package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bunkatopics/bunka-go/internal/auth"
	"github.com/bunkatopics/bunka-go/internal/projects/sqlite"
)

func TestPasswordHash(t *testing.T) {
	h, err := auth.HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not an argon2id PHC string", h)
	}
	h2, _ := auth.HashPassword("correct horse")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, tc := range []struct {
		desc, hash, pw string
		want           bool
	}{
		{"right", h, "correct horse", true},
		{"wrong", h, "correct horsf", false},
		{"empty", h, "", false},
		{"not a hash", "plain", "plain", false},
		{"truncated", h[:len(h)-10], "correct horse", false},
	} {
		if got := auth.CheckPassword(tc.hash, tc.pw); got != tc.want {
			t.Errorf("%s: CheckPassword = %v, want %v", tc.desc, got, tc.want)
		}
	}
	if _, err := auth.HashPassword("short"); !errors.Is(err, auth.ErrWeakPassword) {
		t.Errorf("HashPassword(short) error %v, want ErrWeakPassword", err)
	}
}

// clock is a settable clock for the throttle and the sessions.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newService(t *testing.T, cfg auth.Config) *auth.Service {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "bunka.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return auth.New(st, cfg)
}

func request(header, cookie string) *http.Request {
	r := httptest.NewRequest("GET", "/x", nil)
	r.RemoteAddr = "192.0.2.1:1234"
	if header != "" {
		r.Header.Set("Authorization", header)
	}
	if cookie != "" {
		r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie})
	}
	return r
}

func basic(user, pass string) string {
	r := httptest.NewRequest("GET", "/", nil)
	r.SetBasicAuth(user, pass)
	return r.Header.Get("Authorization")
}

func TestIdentify(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Now()}
	s := newService(t, auth.Config{Enabled: true, Now: clk.now})
	u, err := s.AddUser(ctx, " Ann@Example.com ", "password-1")
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "ann@example.com" {
		t.Errorf("email stored as %q", u.Email)
	}
	other, err := s.AddUser(ctx, "bob@example.com", "password-2")
	if err != nil {
		t.Fatal(err)
	}
	k, secret, err := s.CreateKey(ctx, u.ID, "laptop")
	if err != nil {
		t.Fatal(err)
	}
	revoked, revokedSecret, err := s.CreateKey(ctx, u.ID, "old")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeKey(ctx, u.ID, revoked.ID); err != nil {
		t.Fatal(err)
	}
	_, token, _, err := s.Login(ctx, "ann@example.com", "password-1", "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		desc           string
		header, cookie string
		wantUser       int64
		wantKey        string
		wantErr        error
	}{
		{"none", "", "", 0, "", auth.ErrNoCredentials},
		{"bearer key", "Bearer " + secret, "", u.ID, k.ID, nil},
		{"bearer wrong key", "Bearer bk_nope", "", 0, "", auth.ErrBadCredentials},
		{"bearer revoked key", "Bearer " + revokedSecret, "", 0, "", auth.ErrBadCredentials},
		{"basic password", basic("ann@example.com", "password-1"), "", u.ID, "", nil},
		{"basic other user", basic("bob@example.com", "password-2"), "", other.ID, "", nil},
		{"basic wrong password", basic("ann@example.com", "password-2"), "", 0, "", auth.ErrBadCredentials},
		{"basic key, any name", basic("whoever", secret), "", u.ID, k.ID, nil},
		{"basic revoked key", basic("ann@example.com", revokedSecret), "", 0, "", auth.ErrBadCredentials},
		{"malformed basic", "Basic !!!", "", 0, "", auth.ErrBadCredentials},
		{"other scheme", "Digest x", "", 0, "", auth.ErrBadCredentials},
		{"session", "", token, u.ID, "", nil},
		{"wrong session", "", "bs_nope", 0, "", auth.ErrBadCredentials},
	} {
		c, err := s.Identify(request(tc.header, tc.cookie))
		if !errors.Is(err, tc.wantErr) || c.User.ID != tc.wantUser || c.KeyID != tc.wantKey {
			t.Errorf("%s: Identify = user %d key %q, %v; want user %d key %q, %v",
				tc.desc, c.User.ID, c.KeyID, err, tc.wantUser, tc.wantKey, tc.wantErr)
		}
	}

	// A disabled user's key, password and session stop working.
	if err := s.SetDisabled(ctx, "ann@example.com", true); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"Bearer " + secret, basic("ann@example.com", "password-1")} {
		if _, err := s.Identify(request(h, "")); !errors.Is(err, auth.ErrBadCredentials) {
			t.Errorf("disabled user: Identify error %v, want ErrBadCredentials", err)
		}
	}
	if _, err := s.Identify(request("", token)); !errors.Is(err, auth.ErrBadCredentials) {
		t.Errorf("disabled user's session: error %v, want ErrBadCredentials", err)
	}

	// Sessions expire.
	_, token, _, err = s.Login(ctx, "bob@example.com", "password-2", "192.0.2.2")
	if err != nil {
		t.Fatal(err)
	}
	clk.add(s.SessionTTL() + time.Second)
	if _, err := s.Identify(request("", token)); !errors.Is(err, auth.ErrBadCredentials) {
		t.Errorf("expired session: error %v, want ErrBadCredentials", err)
	}
}

func TestLoginThrottle(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Now()}
	s := newService(t, auth.Config{Enabled: true, Now: clk.now, MaxLoginFailures: 3, LoginWindow: time.Minute})
	if _, err := s.AddUser(ctx, "ann@example.com", "password-1"); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, _, _, err := s.Login(ctx, "ann@example.com", "wrong-pass", "192.0.2.1"); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("failure %d: error %v", i+1, err)
		}
	}
	// The account is blocked, even from another address and with the right password.
	_, _, _, err := s.Login(ctx, "ann@example.com", "password-1", "192.0.2.9")
	var te *auth.ThrottledError
	if !errors.As(err, &te) || te.RetryAfter <= 0 || te.RetryAfter > time.Minute {
		t.Fatalf("after 3 failures: error %v, want a ThrottledError within a minute", err)
	}
	// So is the address, for another account.
	if _, _, _, err := s.Login(ctx, "bob@example.com", "x-password", "192.0.2.1"); !errors.As(err, &te) {
		t.Errorf("blocked address: error %v, want a ThrottledError", err)
	}
	clk.add(time.Minute)
	if _, _, _, err := s.Login(ctx, "ann@example.com", "password-1", "192.0.2.9"); err != nil {
		t.Errorf("after the window: %v", err)
	}
}

func TestMiddleware(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Now()}
	s := newService(t, auth.Config{Enabled: true, Now: clk.now, KeyRate: 1, KeyBurst: 2})
	u, err := s.AddUser(ctx, "ann@example.com", "password-1")
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := s.CreateKey(ctx, u.ID, "k")
	if err != nil {
		t.Fatal(err)
	}
	var failed []error
	h := s.Middleware(func(w http.ResponseWriter, r *http.Request, err error) {
		failed = append(failed, err)
		w.WriteHeader(http.StatusUnauthorized)
	})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := auth.FromContext(r.Context())
		if !ok || c.User.ID != u.ID {
			t.Errorf("handler reached with caller %+v, %v", c, ok)
		}
	}))
	for i := range 2 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, request("Bearer "+secret, ""))
		if w.Code != http.StatusOK {
			t.Errorf("request %d within the burst: status %d", i+1, w.Code)
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, request("Bearer "+secret, ""))
	var rl *auth.RateLimitError
	if len(failed) != 1 || !errors.As(failed[0], &rl) || rl.RetryAfter <= 0 {
		t.Errorf("third request at once: failures %v, want one RateLimitError", failed)
	}
	clk.add(time.Second)
	failed = nil
	h.ServeHTTP(httptest.NewRecorder(), request("Bearer "+secret, ""))
	h.ServeHTTP(httptest.NewRecorder(), request("", ""))
	if len(failed) != 1 || !errors.Is(failed[0], auth.ErrNoCredentials) {
		t.Errorf("after a second, then without credentials: failures %v, want [ErrNoCredentials]", failed)
	}
}
