package config_test

import (
	"bufio"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bunkatopics/bunka-go/internal/config"
)

func env(m map[string]string) config.Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestZeroValueMeansDefaults(t *testing.T) {
	c, err := config.FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.RedisConfigured() {
		t.Error("Redis configured with an empty environment")
	}
	for _, tc := range []struct {
		desc      string
		got, want any
	}{
		{"api addr", c.APIAddrOrDefault(), ":8000"},
		{"max docs", c.MaxDocsOrDefault(), 10000},
		{"max body", c.MaxBodyBytesOrDefault(), int64(100 << 20)},
		{"result ttl", c.ResultTTLOrDefault(), 24 * time.Hour},
		{"concurrency", c.ConcurrencyOrDefault(), 1},
		{"refresh concurrency", c.RefreshConcurrencyOrDefault(), 2},
		{"key prefix", c.KeyPrefixOrDefault(), "bunka:"},
		{"job timeout", c.JobTimeoutOrDefault(), 2 * time.Hour},
		{"read timeout", c.ReadTimeoutOrDefault(), 10 * time.Minute},
		{"log level", c.LogLevel, slog.LevelInfo},
		{"worker metrics addr", c.WorkerMetricsAddrOrDefault(), ":9101"},
		{"monitor", c.MonitorOn(), false},
	} {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.desc, tc.got, tc.want)
		}
	}
}

func TestFromEnv(t *testing.T) {
	c, err := config.FromEnv(env(map[string]string{
		"REDIS_URL": "rediss://:secret@redis.example:6380/2", "BUNKA_API_ADDR": "127.0.0.1:9000",
		"BUNKA_MAX_DOCS": "500", "BUNKA_MAX_BODY_BYTES": "5MB", "BUNKA_RESULT_TTL": "1h",
		"BUNKA_JOB_TIMEOUT": "10m", "BUNKA_WORKER_CONCURRENCY": "3", "BUNKA_LOG_LEVEL": "debug",
		"BUNKA_LOG_FORMAT": "TEXT", "BUNKA_CORS_ORIGINS": "https://a.example, https://b.example",
		"BUNKA_WORKER_METRICS_ADDR": "127.0.0.1:9101", "BUNKA_MONITOR": "ReadOnly",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := config.Config{
		RedisURL: "rediss://:secret@redis.example:6380/2", APIAddr: "127.0.0.1:9000", MaxDocs: 500,
		MaxBodyBytes: 5 << 20, ResultTTL: time.Hour, JobTimeout: 10 * time.Minute, Concurrency: 3,
		LogLevel: slog.LevelDebug, LogFormat: "text", CORSOrigins: []string{"https://a.example", "https://b.example"},
		WorkerMetricsAddr: "127.0.0.1:9101", Monitor: "readonly",
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
}

func TestFromEnvErrors(t *testing.T) {
	for _, tc := range []struct{ desc, key, value string }{
		{"url scheme", "REDIS_URL", "http://x"},
		{"docs", "BUNKA_MAX_DOCS", "many"},
		{"negative", "BUNKA_WORKER_CONCURRENCY", "-1"},
		{"duration", "BUNKA_RESULT_TTL", "1 day"},
		{"size", "BUNKA_MAX_BODY_BYTES", "lots"},
		{"size overflow", "BUNKA_MAX_BODY_BYTES", "99999999999GB"},
		{"level", "BUNKA_LOG_LEVEL", "loud"},
		{"format", "BUNKA_LOG_FORMAT", "xml"},
		{"monitor", "BUNKA_MONITOR", "yes"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			_, err := config.FromEnv(env(map[string]string{tc.key: tc.value}))
			if err == nil || !strings.Contains(err.Error(), tc.key) {
				t.Errorf("error %v, want one naming %s", err, tc.key)
			}
		})
	}
}

// TestEnvModel reads .env.model: every variable it lists is accepted and
// its value is the default.
func TestEnvModel(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", ".env.model"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	vars := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("bad line %q", line)
		}
		vars[k] = v
	}
	for _, k := range []string{"OPEN_AI_KEY", "REDIS_URL", "REDIS_ADDR", "BUNKA_API_ADDR", "BUNKA_MAX_DOCS",
		"BUNKA_MAX_BODY_BYTES", "BUNKA_RESULT_TTL", "BUNKA_JOB_TIMEOUT", "BUNKA_WORKER_CONCURRENCY",
		"BUNKA_LOG_LEVEL", "BUNKA_LOG_FORMAT", "BUNKA_CORS_ORIGINS", "BUNKA_MAX_REFRESH_WAITS", "BUNKA_READ_TIMEOUT", "BUNKA_WORKER_METRICS_ADDR", "BUNKA_MONITOR", "API_IMAGE_NAME", "WORKER_CONTAINER_NAME"} {
		if _, ok := vars[k]; !ok {
			t.Errorf(".env.model lacks %s", k)
		}
	}
	c, err := config.FromEnv(env(vars))
	if err != nil {
		t.Fatal(err)
	}
	def, _ := config.FromEnv(env(nil))
	if c.APIAddrOrDefault() != def.APIAddrOrDefault() || c.MaxDocsOrDefault() != def.MaxDocsOrDefault() ||
		c.MaxBodyBytesOrDefault() != def.MaxBodyBytesOrDefault() || c.ResultTTLOrDefault() != def.ResultTTLOrDefault() ||
		c.JobTimeoutOrDefault() != def.JobTimeoutOrDefault() || c.ConcurrencyOrDefault() != def.ConcurrencyOrDefault() ||
		c.KeyPrefixOrDefault() != def.KeyPrefixOrDefault() || c.RefreshTimeoutOrDefault() != def.RefreshTimeoutOrDefault() ||
		c.MaxRefreshWaitsOrDefault() != def.MaxRefreshWaitsOrDefault() || c.ReadTimeoutOrDefault() != def.ReadTimeoutOrDefault() ||
		c.ShutdownTimeoutOrDefault() != def.ShutdownTimeoutOrDefault() || c.WorkerMetricsAddrOrDefault() != def.WorkerMetricsAddrOrDefault() ||
		c.MonitorOn() != def.MonitorOn() || c.LogLevel != def.LogLevel || c.RedisConfigured() {
		t.Errorf(".env.model's values are not the defaults: %+v", c)
	}
}

func TestParseBytes(t *testing.T) {
	for _, tc := range []struct {
		desc, in string
		want     int64
		err      string // in the error; "" for none
	}{
		{"plain", "1048576", 1 << 20, ""},
		{"MB", "100MB", 100 << 20, ""},
		{"M", "100M", 100 << 20, ""},
		{"KiB", "512KiB", 512 << 10, ""},
		{"lower case", "1gb", 1 << 30, ""},
		{"largest", "8589934591GB", 8589934591 << 30, ""},
		{"largest plain", "9223372036854775807", math.MaxInt64, ""},
		{"overflow by the unit", "99999999999GB", 0, "too large"},
		{"just over by the unit", "8589934592GB", 0, "too large"},
		{"overflow of the number", "99999999999999999999", 0, "too large"},
		{"overflow of the number with a unit", "99999999999999999999KB", 0, "too large"},
		{"very negative", "-99999999999999999999", 0, "positive"},
		{"zero", "0MB", 0, "positive"},
		{"negative", "-1", 0, "positive"},
		{"no number", "MB", 0, "positive"},
	} {
		got, err := config.ParseBytes(tc.in)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("%s: ParseBytes(%q) = %d, %v; want %d", tc.desc, tc.in, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: ParseBytes(%q) = %d, %v; want an error containing %q", tc.desc, tc.in, got, err, tc.err)
		}
	}
}

func TestAccountsFromEnv(t *testing.T) {
	env := map[string]string{"BUNKA_AUTH": "on", "BUNKA_SIGNUP": "off", "BUNKA_USER_MAX_JOBS": "5",
		"BUNKA_KEY_RATE": "2", "BUNKA_SESSION_TTL": "1h", "DATABASE_URL": "postgres://u@db:5432/bunka", "BUNKA_DATA_DIR": "/data"}
	c, err := config.FromEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	if !c.Auth || c.Signup || c.UserMaxJobsOrDefault() != 5 || c.KeyRateOrDefault() != 2 || c.SessionTTLOrDefault() != time.Hour ||
		c.DatabaseURL != "postgres://u@db:5432/bunka" || c.DataDirOrDefault() != "/data" {
		t.Errorf("FromEnv = %+v", c)
	}
	var zero config.Config
	if zero.Auth || zero.UserMaxJobsOrDefault() != 3 || zero.DataDirOrDefault() != "./bunka-data" {
		t.Errorf("zero Config: auth %v, max jobs %d, data dir %q", zero.Auth, zero.UserMaxJobsOrDefault(), zero.DataDirOrDefault())
	}
	for k, v := range map[string]string{"BUNKA_AUTH": "maybe", "DATABASE_URL": "mysql://x"} {
		if _, err := config.FromEnv(func(key string) (string, bool) { return v, key == k }); err == nil {
			t.Errorf("%s=%s accepted", k, v)
		}
	}
}

// Raising BUNKA_MAX_DOCS raises the default body limit and read timeout
// with it (BodyBytesPerDoc per document, at the same transfer rate), unless
// they are set.
func TestLimitsFollowMaxDocs(t *testing.T) {
	for _, tc := range []struct {
		desc     string
		env      map[string]string
		wantBody int64
		wantRead time.Duration
	}{
		{"default", nil, 100 << 20, 10 * time.Minute},
		{"100,000 docs", map[string]string{"BUNKA_MAX_DOCS": "100000"}, 100 << 20, 10 * time.Minute},
		{"1,000,000 docs", map[string]string{"BUNKA_MAX_DOCS": "1000000"}, 1_000_000_000, 95*time.Minute + 22*time.Second}, // 1e9 B at 100 MiB per 10 min
		{"body set", map[string]string{"BUNKA_MAX_DOCS": "1000000", "BUNKA_MAX_BODY_BYTES": "200MB"}, 200 << 20, 20 * time.Minute},
		{"both set", map[string]string{"BUNKA_MAX_DOCS": "1000000", "BUNKA_MAX_BODY_BYTES": "2GB", "BUNKA_READ_TIMEOUT": "1h"},
			2 << 30, time.Hour},
	} {
		c, err := config.FromEnv(func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		if got := c.MaxBodyBytesOrDefault(); got != tc.wantBody {
			t.Errorf("%s: body limit %d, want %d", tc.desc, got, tc.wantBody)
		}
		if got := c.ReadTimeoutOrDefault().Round(time.Second); got != tc.wantRead {
			t.Errorf("%s: read timeout %v, want %v", tc.desc, got, tc.wantRead)
		}
	}
}
