package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/all"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/storage"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, nil)
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "userkit server:", err)
		os.Exit(1)
	}
}

// run starts the server and serves until ctx ends, then shuts down
// gracefully. ready, when set, is called with the listening address once
// the server accepts connections (tests use it).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, ready func(addr string)) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))

	store, closeStore, err := openStore(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer closeStore()
	ko := &kit.Options{Logger: log}
	stopTelemetry, err := telemetry(cfg.OTel, stdout, ko)
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := stopTelemetry(ctx); err != nil {
			log.Warn("telemetry shutdown", slog.String("error", err.Error()))
		}
	}()
	k := kit.New(store, ko)

	secret, newKey, err := startUp(ctx, store, cfg)
	if err != nil {
		return err
	}
	opts := k.HTTPOptions(&httpapi.Options{TokenSecret: secret, RateLimit: cfg.RateLimit})
	if cfg.Redis != "" {
		limiter, closeRedis, err := redisLimiter(ctx, cfg.Redis, cfg.RedisPrefix, cfg.RateLimit)
		if err != nil {
			return err
		}
		defer closeRedis()
		if err := useRateLimiter(opts, limiter); err != nil {
			return err
		}
	}

	mux := http.NewServeMux()
	all.Mount(mux, k.HTTP(), opts)
	mux.HandleFunc("GET /healthz", health(store))
	if cfg.Console {
		mountConsole(mux, k, log)
	}
	srv := &http.Server{
		Handler:           httpapi.WithRequestID(logRequests(log, withDeadline(requestDeadline, mux))),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	printBanner(stdout, ln.Addr().String(), cfg, newKey)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// health answers GET /healthz: 200 when the store answers, 503 otherwise.
func health(store storage.Store) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if _, err := store.GetSetting(r.Context(), bootstrapSetting); err != nil && !errors.Is(err, userkit.ErrNotFound) {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, `{"status":"unavailable"}`+"\n")
			return
		}
		_, _ = io.WriteString(w, `{"status":"ok"}`+"\n")
	}
}

func printBanner(out io.Writer, addr string, cfg config, newKey string) {
	// One write, so that a reader (a log collector, a test) never sees the
	// listening line without the key line that belongs with it.
	var w strings.Builder
	fmt.Fprintf(&w, "userkit listening on http://%s (database %s)\n", addr, redactDSN(cfg.DB))
	fmt.Fprintln(&w, "mounted APIs:")
	for _, line := range []string{
		"  solvexia  /api/v1/users",
		"  venuzle   /api/internal/v1/partners/{partner_id}/users",
		"  whaly     /v1/partner-portals/{portalId}/users",
		"  tyk       /portal-api/users, /portal-api/organisations",
		"  admin     /admin/v1/...",
		"  health    /healthz",
	} {
		fmt.Fprintln(&w, line)
	}
	if newKey != "" {
		fmt.Fprintf(&w, "admin key (shown once; it is stored hashed, keep it): %s\n", newKey)
	}
	if cfg.Console {
		fmt.Fprintf(&w, "admin console: http://%s%s/ (sign in with the admin key)\n", addr, consolePrefix)
	}
	if cfg.Demo {
		fmt.Fprintln(&w, "demo data loaded: partner 1 \"Acme\", portal \""+demoPortalTechName+"\", resources p-2343 and mt-4323")
	}
	_, _ = io.WriteString(out, w.String())
}
