package service

import (
	"fmt"
	"net/http"

	"github.com/hibiken/asynqmon"
	"github.com/redis/go-redis/v9"
)

// monitorPath is where the asynq web UI is mounted on the API.
const monitorPath = "/monitor"

// monitor returns the asynq web UI (asynqmon) over rdb, for /monitor/.
// Task payloads (every document of a job) are shown by size only.
func monitor(rdb *redis.Client, readOnly bool) http.Handler {
	return asynqmon.New(asynqmon.Options{
		RootPath:     monitorPath,
		RedisConnOpt: sharedRedis{rdb},
		ReadOnly:     readOnly,
		PayloadFormatter: asynqmon.PayloadFormatterFunc(func(_ string, p []byte) string {
			return fmt.Sprintf("(%d bytes, not shown)", len(p))
		}),
	})
	// Its Close would close rdb, which Main.Close closes last: never called.
}

// sharedRedis hands an open client to asynqmon (an asynq.RedisConnOpt), so
// that the UI uses the process's connection pool and its settings (URL,
// TLS) rather than a second pool.
type sharedRedis struct{ c *redis.Client }

func (s sharedRedis) MakeRedisClient() any { return s.c }
