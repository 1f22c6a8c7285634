package ratelimit

import (
	"context"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"github.com/userkit/userkit"
)

// Redis is a Limiter shared through Redis: every instance given a client
// of the same Redis database (and the same Options.Prefix) counts against
// one limit per key. It uses the generic cell rate algorithm of
// github.com/go-redis/redis_rate (one Lua script, atomic in Redis, timed
// by the Redis server's clock), so the limit is exact across instances:
// perMinute requests a minute per key, in bursts of up to perMinute.
//
// When Redis cannot be reached (or answers an error) Allow returns an
// error of kind userkit.Unavailable with a RetryAfter, and no decision.
// There is deliberately no fallback to a per-process limit: a fallback
// would silently multiply the limit by the number of instances. The HTTP
// layer answers such a request 503 with Retry-After and logs the error.
// Bound the wait with the client's DialTimeout and ReadTimeout (or the
// request context): Allow waits at most that long.
type Redis struct {
	lim       *redis_rate.Limiter
	limit     redis_rate.Limit
	perMinute int
	opts      Options
}

var _ Limiter = (*Redis)(nil)

// NewRedis returns a limiter allowing perMinute requests a minute per key,
// shared through the Redis database client points at. It panics when
// perMinute is not positive. The client stays the caller's to close.
func NewRedis(client *redis.Client, perMinute int, opts *Options) *Redis {
	checkRate(perMinute)
	return &Redis{
		lim:       redis_rate.NewLimiter(client),
		limit:     redis_rate.PerMinute(perMinute),
		perMinute: perMinute,
		opts:      opts.orDefaults(),
	}
}

// Allow implements Limiter. The error, when Redis cannot decide, is a
// *userkit.Error of kind Unavailable whose cause is the client's error.
func (l *Redis) Allow(ctx context.Context, key string) (Decision, error) {
	res, err := l.lim.Allow(ctx, l.opts.Prefix+key, l.limit)
	if err != nil {
		return Decision{}, &userkit.Error{
			Kind:       userkit.Unavailable,
			Message:    "rate limit store (Redis) is unavailable",
			RetryAfter: l.opts.RetryAfter,
			Err:        err,
		}
	}
	d := Decision{
		Allowed:    res.Allowed > 0,
		Limit:      l.perMinute,
		Remaining:  max(0, res.Remaining),
		ResetAfter: max(0, res.ResetAfter),
	}
	if !d.Allowed {
		d.RetryAfter = max(0, res.RetryAfter)
	}
	return d, nil
}
