package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/all"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/permissions"
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
	k := kit.New(store, nil)
	svc := k.HTTP()

	secret, err := tokenSecret(ctx, store, cfg.Secret)
	if err != nil {
		return fmt.Errorf("token secret: %w", err)
	}
	newKey, err := bootstrapAdmin(ctx, store, k.Permissions, cfg.AdminKey)
	if err != nil {
		return fmt.Errorf("bootstrap admin key: %w", err)
	}
	if cfg.Demo {
		if err := loadDemo(ctx, store, svc); err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
	}

	mux := http.NewServeMux()
	all.Mount(mux, svc, &httpapi.Options{Logger: log, TokenSecret: secret})
	mux.HandleFunc("GET /healthz", health(store))
	if cfg.Console {
		mountConsole(mux, k, log)
	}
	srv := &http.Server{
		Handler:           httpapi.WithRequestID(logRequests(log, mux)),
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
	if cfg.Console {
		fmt.Fprintf(stdout, "admin console: http://%s%s/ (sign in with the admin key)\n", ln.Addr().String(), consolePrefix)
	}

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

const (
	secretSetting    = "token_secret"
	bootstrapSetting = "bootstrap_service_account"
)

// tokenSecret returns the signing secret of user API tokens: the configured
// one, or one generated on the first start and kept in the store, so that
// tokens survive restarts.
func tokenSecret(ctx context.Context, store storage.Store, configured string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	s, err := store.GetSetting(ctx, secretSetting)
	if err == nil {
		return []byte(s), nil
	}
	if !errors.Is(err, userkit.ErrNotFound) {
		return nil, err
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	s = hex.EncodeToString(b[:])
	if err := store.PutSetting(ctx, secretSetting, s); err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// bootstrapAdmin makes sure a service account holding every grant exists
// and can be reached with a key. A configured key is registered (hashed)
// on first use; with none configured, a key is generated when the account
// has no usable key yet and returned so it can be printed once.
func bootstrapAdmin(ctx context.Context, store storage.Store, authz *permissions.Service, configured string) (newKey string, err error) {
	sys := permissions.WithPrincipal(ctx, permissions.System)
	var saID uuid.UUID
	id, err := store.GetSetting(ctx, bootstrapSetting)
	switch {
	case err == nil:
		if saID, err = uuid.Parse(id); err != nil {
			return "", fmt.Errorf("setting %s holds %q, not a UUID", bootstrapSetting, id)
		}
	case errors.Is(err, userkit.ErrNotFound):
		sa, err := authz.CreateServiceAccount(sys, permissions.ServiceAccountParams{
			Name:   "bootstrap admin",
			Grants: []permissions.GrantParams{{Action: "*", Scope: permissions.All}},
		})
		if err != nil {
			return "", err
		}
		saID = sa.ID
		if err := store.PutSetting(ctx, bootstrapSetting, saID.String()); err != nil {
			return "", err
		}
	default:
		return "", err
	}

	if configured != "" {
		if p, err := authz.ResolveKey(ctx, configured); err == nil && p.ID == saID {
			return "", nil
		}
		_, err := authz.ImportKey(sys, saID, configured, permissions.KeyParams{})
		return "", err
	}
	keys, err := authz.ListKeys(sys, saID)
	if err != nil {
		return "", err
	}
	for _, k := range keys {
		if k.RevokedAt == nil && (k.ExpiresAt == nil || k.ExpiresAt.After(time.Now())) {
			return "", nil // the key printed on an earlier start still works
		}
	}
	_, secret, err := authz.CreateKey(sys, saID, permissions.KeyParams{})
	return secret, err
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

func printBanner(w io.Writer, addr string, cfg config, newKey string) {
	fmt.Fprintf(w, "userkit listening on http://%s (database %s)\n", addr, redactDSN(cfg.DB))
	fmt.Fprintln(w, "mounted APIs:")
	for _, line := range []string{
		"  solvexia  /api/v1/users",
		"  venuzle   /api/internal/v1/partners/{partner_id}/users",
		"  whaly     /v1/partner-portals/{portalId}/users",
		"  tyk       /portal-api/users, /portal-api/organisations",
		"  admin     /admin/v1/...",
		"  health    /healthz",
	} {
		fmt.Fprintln(w, line)
	}
	if newKey != "" {
		fmt.Fprintf(w, "admin key (shown once; it is stored hashed, keep it): %s\n", newKey)
	}
	if cfg.Demo {
		fmt.Fprintln(w, "demo data loaded: partner 1 \"Acme\", portal \""+demoPortalTechName+"\", resources p-2343 and mt-4323")
	}
}
