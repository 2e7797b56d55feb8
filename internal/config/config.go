// Package config holds the settings of the bunka service (API and worker)
// in one documented struct. The zero value of every field means its default;
// FromEnv fills a Config from environment variables, and the Default methods
// give the value in force.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults.
const (
	DefaultRedisAddr          = "127.0.0.1:6379"
	DefaultAPIAddr            = ":8000"
	DefaultMaxDocs            = 10000
	DefaultMaxBodyBytes       = 100 << 20 // 100 MB, as nginx's client_max_body_size 100M
	DefaultResultTTL          = 24 * time.Hour
	DefaultJobTimeout         = 2 * time.Hour
	DefaultRefreshTimeout     = 5 * time.Minute
	DefaultMaxRefreshWaits    = 64
	DefaultConcurrency        = 1 // one job at a time, like Celery's solo pool
	DefaultRefreshConcurrency = 2
	DefaultKeyPrefix          = "bunka:"
	DefaultShutdownTimeout    = 30 * time.Second
	DefaultDataDir            = "./bunka-data"
	DefaultUserMaxJobs        = 3
	DefaultSessionTTL         = 7 * 24 * time.Hour
	DefaultKeyRate            = 10 // requests per second per API key or user
	DefaultProgressInterval   = time.Second
	DefaultStreamGiveUp       = 5 * time.Minute
	DefaultReadTimeout        = 10 * time.Minute // a 100 MB body at 170 KB/s
	DefaultWorkerMetricsAddr  = ":9101"          // the worker's /metrics
)

// Config is the whole service's configuration. Each field names the
// environment variable that sets it.
type Config struct {
	// RedisURL (REDIS_URL) is a redis:// or rediss:// (TLS) URL such as
	// redis://:password@host:6379/0. It wins over RedisAddr.
	RedisURL string
	// RedisAddr (REDIS_ADDR) is host:port; default 127.0.0.1:6379.
	RedisAddr string

	// APIAddr (BUNKA_API_ADDR) is where the API listens; default :8000.
	APIAddr string
	// MaxDocs (BUNKA_MAX_DOCS) is the most documents one job accepts; default 10000.
	MaxDocs int
	// MaxBodyBytes (BUNKA_MAX_BODY_BYTES) bounds request bodies; default
	// 100 MB, or BodyBytesPerDoc per document of MaxDocs when that is more
	// (1 GB for 1,000,000 documents).
	// Accepts plain bytes or a suffix: 100MB, 512KiB, 1GB.
	MaxBodyBytes int64
	// PartBytes (BUNKA_STORE_PART_BYTES) is the largest part of a value
	// stored in Redis in parts (results, states, job inputs above 1 MiB);
	// default 64 MiB (store.DefaultPartSize). Redis strings hold at most
	// 512 MB. Accepts the suffixes of MaxBodyBytes.
	PartBytes int64
	// CORSOrigins (BUNKA_CORS_ORIGINS) is a comma-separated list of origins
	// allowed with credentials; empty or "*" lets every origin read without
	// credentials (Access-Control-Allow-Origin: *). See api.CORS.
	CORSOrigins []string
	// RefreshTimeout (BUNKA_REFRESH_TIMEOUT) is how long the API waits for a
	// worker to compute a Bourdieu refresh; default 5m.
	RefreshTimeout time.Duration
	// MaxRefreshWaits (BUNKA_MAX_REFRESH_WAITS) is how many refresh requests
	// may wait for a worker at once; more get a 503. Each holds a connection
	// of the API's reply pool while it waits; default 64.
	MaxRefreshWaits int
	// ReadTimeout (BUNKA_READ_TIMEOUT) bounds the time a client may take to
	// send a whole request, body included, so that slow clients cannot hold
	// connections open; default 10m, enough for a 100 MB upload at 170 KB/s.
	// Answers that take longer (progress streams, refreshes) are not cut by it.
	ReadTimeout time.Duration
	// StreamGiveUp (BUNKA_STREAM_GIVEUP) is how long a progress stream waits
	// for a task state that Redis cannot give (down, slow, or the record
	// lost), sending SSE comments to keep the connection, before it closes
	// without a final state so that the client reconnects; default 5m.
	StreamGiveUp time.Duration
	// ProgressInterval (BUNKA_PROGRESS_INTERVAL) is the period of the progress
	// stream's events; default 1s.
	ProgressInterval time.Duration

	// ResultTTL (BUNKA_RESULT_TTL) is how long task states and results stay
	// in Redis; default 24h.
	ResultTTL time.Duration
	// KeyPrefix (BUNKA_KEY_PREFIX) prefixes the service's own Redis keys
	// and names its queues ("bunka:" -> bunka_jobs, bunka_refresh), so that
	// deployments sharing a Redis database stay apart; default "bunka:".
	KeyPrefix string

	// JobTimeout (BUNKA_JOB_TIMEOUT) bounds one topics or bourdieu job; default 2h.
	JobTimeout time.Duration
	// Concurrency (BUNKA_WORKER_CONCURRENCY) is how many jobs a worker runs at
	// once; default 1.
	Concurrency int
	// RefreshConcurrency (BUNKA_REFRESH_CONCURRENCY) is how many refreshes a
	// worker computes at once, beside its jobs; default 2.
	RefreshConcurrency int
	// ShutdownTimeout (BUNKA_SHUTDOWN_TIMEOUT) is the grace period on SIGTERM;
	// a job still running then is put back in the queue; default 30s.
	ShutdownTimeout time.Duration

	// WorkerMetricsAddr (BUNKA_WORKER_METRICS_ADDR) is where bunkaworker
	// serves Prometheus metrics at /metrics; default :9101, "off" for none.
	// The API serves its own on its listener, and `bunka serve` both there.
	WorkerMetricsAddr string
	// Monitor (BUNKA_MONITOR) mounts the asynq web UI (asynqmon) under
	// /monitor/ on the API: "off" (the default), "on", or "readonly" (it
	// shows the queues but cannot delete, run or archive tasks). It has no
	// credentials of its own: never expose it beyond the operators' network.
	Monitor string

	// LogLevel (BUNKA_LOG_LEVEL) is debug, info, warn or error; default info.
	LogLevel slog.Level
	// LogFormat (BUNKA_LOG_FORMAT) is json or text; default json.
	LogFormat string

	// DatabaseURL (DATABASE_URL) is the PostgreSQL database of accounts and
	// saved projects (postgres://user:password@host:5432/db). Unset: an
	// SQLite file in DataDir.
	DatabaseURL string
	// DataDir (BUNKA_DATA_DIR) holds the SQLite file when DatabaseURL is
	// unset; default ./bunka-data.
	DataDir string
	// Auth (BUNKA_AUTH=on|off) requires credentials on every route but
	// /healthz, /readyz, /docs and share links; default off, as the original.
	Auth bool
	// Signup (BUNKA_SIGNUP=on|off) lets anyone create an account through
	// POST /auth/signup; default off.
	Signup bool
	// UserMaxJobs (BUNKA_USER_MAX_JOBS) is how many jobs one user may have
	// queued or running with auth on; default 3.
	UserMaxJobs int
	// KeyRate (BUNKA_KEY_RATE) is the request rate allowed per API key (or
	// per user signed in otherwise), per second; default 10, bursts of 4x.
	KeyRate int
	// SessionTTL (BUNKA_SESSION_TTL) is the lifetime of a login session;
	// default 7 days (168h).
	SessionTTL time.Duration

	// The model settings (embedder, device, LLM namer: BUNKA_EMBEDDER,
	// BUNKA_DEVICE, OPEN_AI_KEY, ...) are not here: internal/embedchoice and
	// internal/llm define them, and internal/engine reads them from the
	// environment.
}

// RedisConfigured reports whether REDIS_URL or REDIS_ADDR was given.
func (c Config) RedisConfigured() bool { return c.RedisURL != "" || c.RedisAddr != "" }

// RedisAddrOrDefault returns RedisAddr or its default.
func (c Config) RedisAddrOrDefault() string { return or(c.RedisAddr, DefaultRedisAddr) }

// APIAddrOrDefault returns APIAddr or its default.
func (c Config) APIAddrOrDefault() string { return or(c.APIAddr, DefaultAPIAddr) }

// MaxDocsOrDefault returns MaxDocs or its default.
func (c Config) MaxDocsOrDefault() int { return or(c.MaxDocs, DefaultMaxDocs) }

// BodyBytesPerDoc is the body allowed per document by default when
// BUNKA_MAX_DOCS is raised past 100 MB's worth: twice the 530 bytes of an
// average Debian package description, the CSV's quoting included.
const BodyBytesPerDoc = 1000

// MaxBodyBytesOrDefault returns MaxBodyBytes or its default, which follows
// MaxDocs past 100,000 documents (BodyBytesPerDoc each).
func (c Config) MaxBodyBytesOrDefault() int64 {
	return or(c.MaxBodyBytes, max(DefaultMaxBodyBytes, int64(c.MaxDocsOrDefault())*BodyBytesPerDoc))
}

// ReadTimeoutOrDefault returns ReadTimeout or its default: 10 minutes, or
// longer for a body limit above 100 MB, at the same 170 KB/s.
func (c Config) ReadTimeoutOrDefault() time.Duration {
	scaled := time.Duration(float64(DefaultReadTimeout) * float64(c.MaxBodyBytesOrDefault()) / DefaultMaxBodyBytes)
	return or(c.ReadTimeout, max(DefaultReadTimeout, scaled))
}

// ResultTTLOrDefault returns ResultTTL or its default.
func (c Config) ResultTTLOrDefault() time.Duration { return or(c.ResultTTL, DefaultResultTTL) }

// JobTimeoutOrDefault returns JobTimeout or its default.
func (c Config) JobTimeoutOrDefault() time.Duration { return or(c.JobTimeout, DefaultJobTimeout) }

// RefreshTimeoutOrDefault returns RefreshTimeout or its default.
func (c Config) RefreshTimeoutOrDefault() time.Duration {
	return or(c.RefreshTimeout, DefaultRefreshTimeout)
}

// MaxRefreshWaitsOrDefault returns MaxRefreshWaits or its default.
func (c Config) MaxRefreshWaitsOrDefault() int { return or(c.MaxRefreshWaits, DefaultMaxRefreshWaits) }

// ConcurrencyOrDefault returns Concurrency or its default.
func (c Config) ConcurrencyOrDefault() int { return or(c.Concurrency, DefaultConcurrency) }

// RefreshConcurrencyOrDefault returns RefreshConcurrency or its default.
func (c Config) RefreshConcurrencyOrDefault() int {
	return or(c.RefreshConcurrency, DefaultRefreshConcurrency)
}

// KeyPrefixOrDefault returns KeyPrefix or its default.
func (c Config) KeyPrefixOrDefault() string { return or(c.KeyPrefix, DefaultKeyPrefix) }

// StreamGiveUpOrDefault returns StreamGiveUp or its default.
func (c Config) StreamGiveUpOrDefault() time.Duration { return or(c.StreamGiveUp, DefaultStreamGiveUp) }

// ProgressIntervalOrDefault returns ProgressInterval or its default.
func (c Config) ProgressIntervalOrDefault() time.Duration {
	return or(c.ProgressInterval, DefaultProgressInterval)
}

// WorkerMetricsAddrOrDefault returns WorkerMetricsAddr or its default;
// "" when it is "off".
func (c Config) WorkerMetricsAddrOrDefault() string {
	if strings.EqualFold(c.WorkerMetricsAddr, "off") {
		return ""
	}
	return or(c.WorkerMetricsAddr, DefaultWorkerMetricsAddr)
}

// MonitorOn reports whether the asynq web UI is mounted (BUNKA_MONITOR on
// or readonly).
func (c Config) MonitorOn() bool { return c.Monitor == "on" || c.Monitor == "readonly" }

// ShutdownTimeoutOrDefault returns ShutdownTimeout or its default.
func (c Config) ShutdownTimeoutOrDefault() time.Duration {
	return or(c.ShutdownTimeout, DefaultShutdownTimeout)
}

// DataDirOrDefault returns DataDir or its default.
func (c Config) DataDirOrDefault() string { return or(c.DataDir, DefaultDataDir) }

// UserMaxJobsOrDefault returns UserMaxJobs or its default.
func (c Config) UserMaxJobsOrDefault() int { return or(c.UserMaxJobs, DefaultUserMaxJobs) }

// SessionTTLOrDefault returns SessionTTL or its default.
func (c Config) SessionTTLOrDefault() time.Duration { return or(c.SessionTTL, DefaultSessionTTL) }

// KeyRateOrDefault returns KeyRate or its default.
func (c Config) KeyRateOrDefault() int { return or(c.KeyRate, DefaultKeyRate) }

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Lookup is os.LookupEnv's signature.
type Lookup func(key string) (string, bool)

// FromEnv reads the configuration from the environment through lookup
// (os.LookupEnv in main). Unset or empty variables keep their default.
func FromEnv(lookup Lookup) (Config, error) {
	var c Config
	var errs []string
	get := func(k string) string {
		v, _ := lookup(k)
		return strings.TrimSpace(v)
	}
	fail := func(k, v string, err error) {
		errs = append(errs, fmt.Sprintf("%s=%q: %v", k, v, err))
	}
	c.RedisURL = get("REDIS_URL")
	if c.RedisURL != "" {
		u, err := url.Parse(c.RedisURL)
		if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			fail("REDIS_URL", c.RedisURL, fmt.Errorf("want redis://[:password@]host:port[/db] or rediss://..."))
		}
	}
	c.RedisAddr = get("REDIS_ADDR")
	c.APIAddr = get("BUNKA_API_ADDR")
	c.KeyPrefix = get("BUNKA_KEY_PREFIX")
	intVar := func(k string, dst *int) {
		if v := get(k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				fail(k, v, fmt.Errorf("want a positive integer"))
				return
			}
			*dst = n
		}
	}
	durVar := func(k string, dst *time.Duration) {
		if v := get(k); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				fail(k, v, fmt.Errorf("want a positive duration such as 90s, 30m or 24h"))
				return
			}
			*dst = d
		}
	}
	intVar("BUNKA_MAX_DOCS", &c.MaxDocs)
	intVar("BUNKA_WORKER_CONCURRENCY", &c.Concurrency)
	intVar("BUNKA_REFRESH_CONCURRENCY", &c.RefreshConcurrency)
	intVar("BUNKA_MAX_REFRESH_WAITS", &c.MaxRefreshWaits)
	durVar("BUNKA_RESULT_TTL", &c.ResultTTL)
	durVar("BUNKA_JOB_TIMEOUT", &c.JobTimeout)
	durVar("BUNKA_REFRESH_TIMEOUT", &c.RefreshTimeout)
	durVar("BUNKA_PROGRESS_INTERVAL", &c.ProgressInterval)
	durVar("BUNKA_STREAM_GIVEUP", &c.StreamGiveUp)
	durVar("BUNKA_READ_TIMEOUT", &c.ReadTimeout)
	durVar("BUNKA_SHUTDOWN_TIMEOUT", &c.ShutdownTimeout)
	if v := get("BUNKA_MAX_BODY_BYTES"); v != "" {
		n, err := ParseBytes(v)
		if err != nil {
			fail("BUNKA_MAX_BODY_BYTES", v, err)
		}
		c.MaxBodyBytes = n
	}
	if v := get("BUNKA_STORE_PART_BYTES"); v != "" {
		n, err := ParseBytes(v)
		if err == nil && n > 512<<20 {
			err = fmt.Errorf("at most 512MB, Redis's largest string")
		}
		if err != nil {
			fail("BUNKA_STORE_PART_BYTES", v, err)
		}
		c.PartBytes = n
	}
	if v := get("BUNKA_CORS_ORIGINS"); v != "" {
		for _, o := range strings.Split(v, ",") {
			if o = strings.TrimSpace(o); o != "" {
				c.CORSOrigins = append(c.CORSOrigins, o)
			}
		}
	}
	c.DatabaseURL = get("DATABASE_URL")
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		fail("DATABASE_URL", "(hidden)", fmt.Errorf("want postgres://user:password@host:5432/db"))
	}
	c.DataDir = get("BUNKA_DATA_DIR")
	onOff := func(k string, dst *bool) {
		switch v := strings.ToLower(get(k)); v {
		case "":
		case "on", "true", "1", "yes":
			*dst = true
		case "off", "false", "0", "no":
			*dst = false
		default:
			fail(k, v, fmt.Errorf("want on or off"))
		}
	}
	onOff("BUNKA_AUTH", &c.Auth)
	onOff("BUNKA_SIGNUP", &c.Signup)
	intVar("BUNKA_USER_MAX_JOBS", &c.UserMaxJobs)
	intVar("BUNKA_KEY_RATE", &c.KeyRate)
	durVar("BUNKA_SESSION_TTL", &c.SessionTTL)
	if v := get("BUNKA_LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			fail("BUNKA_LOG_LEVEL", v, fmt.Errorf("want debug, info, warn or error"))
		}
	}
	c.WorkerMetricsAddr = get("BUNKA_WORKER_METRICS_ADDR")
	if v := strings.ToLower(get("BUNKA_MONITOR")); v != "" {
		if v != "on" && v != "off" && v != "readonly" {
			fail("BUNKA_MONITOR", v, fmt.Errorf("want on, off or readonly"))
		}
		c.Monitor = v
	}
	if v := strings.ToLower(get("BUNKA_LOG_FORMAT")); v != "" {
		if v != "json" && v != "text" {
			fail("BUNKA_LOG_FORMAT", v, fmt.Errorf("want json or text"))
		}
		c.LogFormat = v
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("config: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// ParseBytes reads a size such as 1048576, 100MB, 100M, 512KiB or 1GB
// (KB, MB, GB are powers of 1024, as nginx reads them).
func ParseBytes(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{
		{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10},
		{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10},
		{"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1},
	} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(s, "-") || err == nil && n > math.MaxInt64/mult {
		return 0, fmt.Errorf("size too large: at most %d bytes (8 EiB)", int64(math.MaxInt64))
	}
	if err != nil || n < 1 {
		return 0, fmt.Errorf("want a positive size such as 104857600 or 100MB")
	}
	return n * mult, nil
}
