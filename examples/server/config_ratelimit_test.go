package main

import (
	"io"
	"testing"

	"github.com/matryer/is"
)

func TestRateLimitConfig(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

	c, err := parseConfig(nil, env(nil), io.Discard)
	is.NoErr(err)
	is.Equal(c.RateLimit, 500)          // the documented Whaly limit by default
	is.Equal(c.RedisPrefix, "userkit:") // ratelimit.DefaultPrefix

	c, err = parseConfig(nil, env(map[string]string{"USERKIT_RATE_LIMIT": "20", "USERKIT_REDIS_PREFIX": "run1:"}), io.Discard)
	is.NoErr(err)
	is.Equal(c.RateLimit, 20) // from the environment
	is.Equal(c.RedisPrefix, "run1:")

	c, err = parseConfig([]string{"-rate-limit", "10"}, env(map[string]string{"USERKIT_RATE_LIMIT": "20"}), io.Discard)
	is.NoErr(err)
	is.Equal(c.RateLimit, 10) // the flag wins

	for _, bad := range []string{"0", "-1", "ten", "1.5"} {
		_, err := parseConfig([]string{"-rate-limit", bad}, env(nil), io.Discard)
		is.True(err != nil) // a limit must be a positive whole number
	}
}
