package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/ratelimit"
)

// config is the server's configuration: each flag falls back to an
// environment variable, then to a default that needs no set-up.
type config struct {
	Addr     string
	DB       string
	AdminKey string
	Secret   string
	Demo     bool
	Console  bool
	Redis    string
	OTel     string
	// RedisPrefix is put before every rate-limit key in Redis; instances
	// sharing a limit use the same one.
	RedisPrefix string
	// RateLimit is the Whaly API's limit per credential, in requests a
	// minute: per process, or shared through Redis with -redis.
	RateLimit int
}

// parseConfig reads flags from args with environment fallbacks from getenv.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", envOr(getenv, "USERKIT_ADDR", "127.0.0.1:8080"), "listen address (env USERKIT_ADDR)")
	fs.StringVar(&c.DB, "db", envOr(getenv, "USERKIT_DB", "sqlite:userkit.db"),
		"database: sqlite:<file>, memory:, postgres://…, mysql://… (env USERKIT_DB)")
	fs.StringVar(&c.AdminKey, "admin-key", getenv("USERKIT_ADMIN_KEY"),
		"bootstrap service-account key (sk:…) holding every grant; generated and printed once when unset (env USERKIT_ADMIN_KEY)")
	fs.StringVar(&c.Secret, "secret", getenv("USERKIT_SECRET"),
		"signing secret for user API tokens; generated and kept in the database when unset (env USERKIT_SECRET)")
	fs.StringVar(&c.Redis, "redis", getenv("USERKIT_REDIS_URL"),
		"Redis URL (redis://host:6379/0) through which every instance shares the rate limits; unset, each process limits on its own (env USERKIT_REDIS_URL)")
	fs.StringVar(&c.OTel, "otel", getenv("USERKIT_OTEL"),
		"OpenTelemetry exporter of the request spans and metrics: \"stdout\" writes them to standard output as JSON; unset, none (env USERKIT_OTEL)")
	fs.StringVar(&c.RedisPrefix, "redis-prefix", envOr(getenv, "USERKIT_REDIS_PREFIX", ratelimit.DefaultPrefix),
		"prefix of the rate-limit keys in Redis; instances that share a limit use the same one (env USERKIT_REDIS_PREFIX)")
	rateLimit := envOr(getenv, "USERKIT_RATE_LIMIT", strconv.Itoa(httpapi.DefaultRateLimit))
	fs.StringVar(&rateLimit, "rate-limit", rateLimit,
		"Whaly API requests a minute per credential: per process, or for all instances together with -redis (env USERKIT_RATE_LIMIT)")
	fs.BoolVar(&c.Demo, "demo", envOr(getenv, "USERKIT_DEMO", "") == "1", "load a demo partner, portal and resources (env USERKIT_DEMO=1)")
	fs.BoolVar(&c.Console, "console", envOr(getenv, "USERKIT_CONSOLE", "1") != "0", "serve the admin console at /console/ (env USERKIT_CONSOLE=0 turns it off)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(rateLimit))
	if err != nil || n <= 0 {
		return c, fmt.Errorf("-rate-limit %q: want a positive number of requests a minute", rateLimit)
	}
	c.RateLimit = n
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.AdminKey != "" && (!strings.HasPrefix(c.AdminKey, "sk:") || len(c.AdminKey) < 3+32) {
		return c, errors.New("-admin-key must start with \"sk:\" and hold at least 32 more characters")
	}
	if c.OTel != "" && c.OTel != "stdout" {
		return c, fmt.Errorf("-otel %q: the exporters are: stdout", c.OTel)
	}
	if c.Secret != "" && len(c.Secret) < 32 {
		return c, errors.New("-secret must be at least 32 characters")
	}
	return c, nil
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
