package ratelimit

import (
	"time"

	"github.com/userkit/userkit"
)

// Options tune a limiter. The zero value (or nil) means defaults.
type Options struct {
	// Clock is the time source of NewLocal (tests set it); nil is
	// time.Now. NewRedis uses the Redis server's clock, so that every
	// instance sharing the limit agrees on the time.
	Clock userkit.Clock
	// MaxKeys bounds NewLocal's memory: beyond it, full buckets and then
	// the least recently used one are forgotten. Zero is DefaultMaxKeys.
	MaxKeys int
	// Prefix is put before every key NewRedis stores, so that several
	// limits (or several hosts) can share one Redis database. Zero is
	// DefaultPrefix. Instances that must share a limit use the same prefix.
	Prefix string
	// RetryAfter is the Retry-After that NewRedis suggests when Redis
	// cannot be reached. Zero is one second.
	RetryAfter time.Duration
}

// Defaults of Options.
const (
	DefaultMaxKeys = 10_000
	DefaultPrefix  = "userkit:"
)

func (o *Options) orDefaults() Options {
	var v Options
	if o != nil {
		v = *o
	}
	if v.MaxKeys <= 0 {
		v.MaxKeys = DefaultMaxKeys
	}
	if v.Prefix == "" {
		v.Prefix = DefaultPrefix
	}
	if v.RetryAfter <= 0 {
		v.RetryAfter = time.Second
	}
	return v
}

func checkRate(perMinute int) {
	if perMinute <= 0 {
		panic("ratelimit: perMinute must be positive")
	}
}
