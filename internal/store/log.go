package store

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/redis/go-redis/v9"
)

// SetRedisLogger sends go-redis's own messages (pool and connection
// trouble, mostly) to log as WARN lines with component=redis, instead of
// go-redis's plain-text lines on stderr. go-redis has one logger per
// process: the last call wins.
func SetRedisLogger(log *slog.Logger) {
	redis.SetLogger(redisLogger{log})
}

// redisLogger adapts a slog.Logger to go-redis's Printf logger.
type redisLogger struct{ l *slog.Logger }

func (r redisLogger) Printf(ctx context.Context, format string, v ...any) {
	r.l.WarnContext(ctx, strings.TrimSpace(fmt.Sprintf(format, v...)), "component", "redis")
}
