package auth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// throttle counts failed logins per key (an account, a client address) in
// fixed windows: after max failures in a window, attempts wait for its end.
type throttle struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	m      map[string]*failures
}

type failures struct {
	n     int
	start time.Time
}

// maxThrottleEntries bounds the map; past it, expired entries are dropped.
const maxThrottleEntries = 100000

func newThrottle(max int, window time.Duration, now func() time.Time) *throttle {
	return &throttle{max: max, window: window, now: now, m: make(map[string]*failures)}
}

// wait returns how long the longest-blocked of keys must still wait (0: none).
func (t *throttle) wait(keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var w time.Duration
	for _, k := range keys {
		f := t.m[k]
		if f == nil || f.n < t.max {
			continue
		}
		if left := f.start.Add(t.window).Sub(now); left > w {
			w = left
		}
	}
	return w
}

// fail counts a failure against each key.
func (t *throttle) fail(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.m) >= maxThrottleEntries {
		for k, f := range t.m {
			if now.Sub(f.start) >= t.window {
				delete(t.m, k)
			}
		}
	}
	for _, k := range keys {
		f := t.m[k]
		if f == nil || now.Sub(f.start) >= t.window {
			f = &failures{start: now}
			t.m[k] = f
		}
		f.n++
	}
}

// reset forgets key's failures (after a success).
func (t *throttle) reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, key)
}

// limiter is a token-bucket rate limit per caller (an API key, or a user
// signed in otherwise).
type limiter struct {
	mu    sync.Mutex
	rate  rate.Limit
	burst int
	m     map[string]*rate.Limiter
}

func newLimiter(r float64, burst int) *limiter {
	return &limiter{rate: rate.Limit(r), burst: burst, m: make(map[string]*rate.Limiter)}
}

// allow reports whether key may make a request now, and otherwise how long
// it should wait.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	lim := l.m[key]
	if lim == nil {
		if len(l.m) >= maxThrottleEntries {
			clear(l.m)
		}
		lim = rate.NewLimiter(l.rate, l.burst)
		l.m[key] = lim
	}
	l.mu.Unlock()
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}
