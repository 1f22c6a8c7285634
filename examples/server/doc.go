// Command server is userkit's one-command server: every API mounted on the
// embedded default store (a SQLite file), with no set-up.
//
//	go run ./examples/server -demo
//
// It applies migrations at start, makes sure a bootstrap service account
// holding every grant exists (its key is printed once when generated, or
// taken from -admin-key), keeps the user-token signing secret in the
// database unless -secret is given, logs one line per request with
// log/slog (method, path, status, duration, request id; never headers or
// bodies), answers GET /healthz, and shuts down gracefully on SIGINT or
// SIGTERM. Each flag has an environment fallback:
//
//	-addr       USERKIT_ADDR       listen address (127.0.0.1:8080)
//	-db         USERKIT_DB         sqlite:<file> (sqlite:userkit.db), memory:, postgres://…, mysql://…
//	-admin-key  USERKIT_ADMIN_KEY  bootstrap key, sk: + 43 characters
//	-secret     USERKIT_SECRET     user-token signing secret, 32+ characters
//	-demo       USERKIT_DEMO=1     load the README's demo data
//	-redis      USERKIT_REDIS_URL  redis://host:6379/0: rate limits shared by every instance
//	-otel       USERKIT_OTEL       stdout: export request spans and metrics as JSON to stdout
//
// -otel is the one place of the module that uses the OpenTelemetry SDK
// (and its stdout exporters); the library speaks only the OpenTelemetry
// API, and the server hands the providers to kit.Options.
//
//	-redis-prefix USERKIT_REDIS_PREFIX  prefix of the limit's keys in Redis (userkit:)
//	-rate-limit USERKIT_RATE_LIMIT Whaly requests a minute per credential (500), per process or, with -redis, for all
//
// Several processes may start together on one database: the signing
// secret, the bootstrap account and key and the demo data are created in
// one transaction under a start-up lock, so each exists once (TestFleet
// checks it on PostgreSQL and MariaDB).
//
// A bad flag or an unreachable database is a one-line error and exit
// status 1.
package main
