// Package dbopen opens a userkit store from one connection string, the
// -db value that examples/server and cmd/userkit share:
//
//	sqlite:<file>                         the embedded default
//	memory:                               nothing kept after exit
//	postgres://user@host:5432/db?…        PostgreSQL (also postgresql://)
//	mysql://user:pass@host:3306/db        MySQL or MariaDB
package dbopen

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/storage/mysql"
	"github.com/userkit/userkit/storage/postgres"
	"github.com/userkit/userkit/storage/sqlite"
)

// Open opens the store named by dsn, checks the database answers and
// applies migrations. The returned func closes the database.
//
//	sqlite:<file>                         the embedded default
//	memory:                               nothing kept after exit
//	postgres://user@host:5432/db?…        PostgreSQL (also postgresql://)
//	mysql://user:pass@host:3306/db        MySQL or MariaDB
func Open(ctx context.Context, dsn string) (storage.Store, func(), error) {
	scheme, rest, _ := strings.Cut(dsn, ":")
	var (
		db  *sql.DB
		err error
		mk  func(*sql.DB) *sqlite.Store // all three adapters share one Store type
	)
	switch scheme {
	case "memory":
		return memory.New(), func() {}, nil
	case "sqlite":
		path := strings.TrimPrefix(rest, "//")
		if path == "" {
			return nil, nil, fmt.Errorf("database %q: want sqlite:<file>", dsn)
		}
		db, err = sqlite.Open(path)
		mk = sqlite.New
	case "postgres", "postgresql":
		db, err = postgres.Open(dsn)
		mk = postgres.New
	case "mysql":
		var native string
		if native, err = MySQLDSN(dsn); err == nil {
			db, err = mysql.Open(native)
		}
		mk = mysql.New
	default:
		return nil, nil, fmt.Errorf("database %q: want sqlite:<file>, memory:, postgres://… or mysql://…", Redact(dsn))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", Redact(dsn), err)
	}
	closeDB := func() { _ = db.Close() }
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		closeDB()
		return nil, nil, fmt.Errorf("database %s is unreachable: %w", Redact(dsn), err)
	}
	store := mk(db)
	if err := store.Migrate(ctx); err != nil {
		closeDB()
		return nil, nil, fmt.Errorf("migrate %s: %w", Redact(dsn), err)
	}
	return store, closeDB, nil
}

// MySQLDSN turns mysql://user:pass@host:port/db?params into the driver's
// user:pass@tcp(host:port)/db?params form.
func MySQLDSN(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" || strings.Trim(u.Path, "/") == "" {
		return "", fmt.Errorf("want mysql://user[:password]@host[:port]/database")
	}
	host := u.Host
	if u.Port() == "" {
		host += ":3306"
	}
	var b strings.Builder
	if u.User != nil {
		b.WriteString(u.User.Username())
		if pw, ok := u.User.Password(); ok {
			b.WriteString(":" + pw)
		}
		b.WriteString("@")
	}
	fmt.Fprintf(&b, "tcp(%s)/%s", host, strings.Trim(u.Path, "/"))
	if u.RawQuery != "" {
		b.WriteString("?" + u.RawQuery)
	}
	return b.String(), nil
}

// Redact hides a password in a URL-style DSN so that it is never printed.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
