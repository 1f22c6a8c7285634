package main

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/ratelimit"
)

// redisLimiter connects to the Redis at url (redis://[:password@]host:port/db)
// and returns a limiter of perMinute requests a minute per key, shared
// through it by every instance given the same URL and key prefix. An unreachable Redis at start is an error; later, each request
// the limiter cannot decide is answered 503 and logged by the API (never
// a silent per-process limit). The client's timeouts bound how long a
// request waits on Redis.
func redisLimiter(ctx context.Context, url, prefix string, perMinute int) (ratelimit.Limiter, func(), error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, nil, fmt.Errorf("-redis %s: want redis://[:password@]host:port/db", redactDSN(url))
	}
	opt.DialTimeout = time.Second
	opt.ReadTimeout = 500 * time.Millisecond
	opt.WriteTimeout = 500 * time.Millisecond
	client := redis.NewClient(opt)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		_ = client.Close()
		return nil, nil, fmt.Errorf("redis %s is unreachable: %w", redactDSN(url), err)
	}
	return ratelimit.NewRedis(client, perMinute, &ratelimit.Options{Prefix: prefix}), func() { _ = client.Close() }, nil
}

// useRateLimiter puts the shared limiter into the API options.
func useRateLimiter(opts *httpapi.Options, l ratelimit.Limiter) error {
	opts.RateLimiter = l
	return nil
}
