package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/userkit/userkit/kit"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/storage/sqlite"
	"github.com/userkit/userkit/users"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen address")
	dbPath := flag.String("db", "", "SQLite file to keep the data in (default: in memory)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, *addr, *dbPath); err != nil {
		fmt.Fprintln(os.Stderr, "mount:", err)
		os.Exit(1)
	}
}

// serve runs the host app until ctx ends.
func serve(ctx context.Context, addr, dbPath string) error {
	store, closeStore, err := openStore(ctx, dbPath)
	if err != nil {
		return err
	}
	defer closeStore()

	svc := kit.New(store, nil)
	if err := seed(ctx, svc); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: newApp(svc), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	printHelp(os.Stdout, "http://"+ln.Addr().String())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// openStore returns the memory store, or a migrated SQLite store when
// dbPath is set.
func openStore(ctx context.Context, dbPath string) (storage.Store, func(), error) {
	if dbPath == "" {
		return memory.New(), func() {}, nil
	}
	db, err := sqlite.Open(dbPath)
	if err != nil {
		return nil, nil, err
	}
	store := sqlite.New(db)
	if err := store.Migrate(ctx); err != nil {
		_ = db.Close()
		return nil, nil, fmt.Errorf("migrate %s: %w", dbPath, err)
	}
	return store, func() { _ = db.Close() }, nil
}

// The demo accounts. Ada may manage every user through /userkit/; Bob
// holds no grants, so userkit refuses him even though the host knows him.
const (
	adminEmail    = "ada@example.com"
	adminPassword = "Lovelace1843"
	userEmail     = "bob@example.com"
	userPassword  = "Bobsmith2024"
)

// seed creates the demo accounts unless an earlier run (with -db) did.
func seed(ctx context.Context, svc *kit.Kit) error {
	sys := permissions.WithPrincipal(ctx, permissions.System) // trusted set-up code
	for _, d := range []struct {
		email, first, last, password string
		admin                        bool
	}{
		{adminEmail, "Ada", "Lovelace", adminPassword, true},
		{userEmail, "Bob", "Smith", userPassword, false},
	} {
		_, err := svc.Users.GetByEmail(sys, d.email)
		if err == nil {
			continue
		}
		if userkit.KindOf(err) != userkit.NotFound {
			return err
		}
		u, err := svc.Users.Create(sys, users.CreateParams{
			Email: d.email, FirstName: d.first, LastName: d.last, Password: d.password,
		})
		if err != nil {
			return fmt.Errorf("seed %s: %w", d.email, err)
		}
		if d.admin {
			grant := permissions.GrantParams{Action: "users.*", Scope: permissions.All}
			if _, err := svc.Permissions.AddGrant(sys, u.ID, grant); err != nil {
				return fmt.Errorf("grant %s: %w", d.email, err)
			}
		}
	}
	return nil
}

func printHelp(w io.Writer, base string) {
	fmt.Fprintf(w, `host app on %[1]s
  host routes:  GET /   POST /login   POST /logout   GET /me
  userkit:      %[1]s/userkit/api/v1/users, /userkit/admin/v1/…, every API under /userkit/

try it (ada holds users.* on everything, bob holds no grants):
  curl -c jar -d email=%[2]s -d password=%[3]s %[1]s/login
  curl -b jar %[1]s/me
  curl -b jar %[1]s/userkit/api/v1/users        # 200 for ada
  curl -c jar -d email=%[4]s -d password=%[5]s %[1]s/login
  curl -b jar %[1]s/userkit/api/v1/users        # 403 for bob
  curl -b jar -c jar -X POST %[1]s/logout
`, base, adminEmail, adminPassword, userEmail, userPassword)
}
