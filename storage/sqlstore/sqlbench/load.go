package sqlbench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/userkit/userkit/storage/postgres"
	"github.com/userkit/userkit/storage/sqlite"
	"github.com/userkit/userkit/storage/sqlstore"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
)

// Schema is the PostgreSQL schema the data set lives in, in the
// USERKIT_POSTGRES_DSN database.
const Schema = "uk_bench_1m"

// SQLitePath is the SQLite file the data set lives in.
func SQLitePath() string { return filepath.Join(os.TempDir(), "userkit-bench-1m.db") }

// Env is a store over the loaded data set.
type Env struct {
	Store *sqlstore.Store
	// Load is how long loading took in this process; 0 when an earlier
	// run's data set was reused.
	Load time.Duration
}

// cache keeps one Env per database for the life of the test binary, so
// every benchmark (and each b.N round) shares it.
var cache sync.Map // name -> *onceEnv

type onceEnv struct {
	once sync.Once
	env  Env
	err  error
}

func cached(name string, open func() (Env, error)) (Env, error) {
	v, _ := cache.LoadOrStore(name, &onceEnv{})
	o := v.(*onceEnv)
	o.once.Do(func() { o.env, o.err = open() })
	return o.env, o.err
}

// Postgres returns the store over schema Schema, loading the data set
// first unless it is there already. It skips b when USERKIT_POSTGRES_DSN
// is unset. Only benchmarks call it, so plain "go test" loads nothing.
func Postgres(b *testing.B) Env {
	b.Helper()
	dsn := os.Getenv(sqltest.PostgresEnv)
	if dsn == "" {
		b.Skip(sqltest.PostgresEnv + " is not set; set it to a PostgreSQL database to run the 1M-user benchmarks")
	}
	env, err := cached("postgres", func() (Env, error) { return openPostgres(dsn) })
	if err != nil {
		b.Fatal(err)
	}
	return env
}

// SQLite returns the store over SQLitePath, loading the data set first
// unless it is there already.
func SQLite(b *testing.B) Env {
	b.Helper()
	env, err := cached("sqlite", openSQLite)
	if err != nil {
		b.Fatal(err)
	}
	return env
}

func openPostgres(dsn string) (Env, error) {
	ctx := context.Background()
	adm, err := postgres.Open(dsn)
	if err != nil {
		return Env{}, err
	}
	defer adm.Close()
	// pg_trgm lives in public, as in the tests, so the trigram indexes do
	// not depend on this schema.
	_, _ = adm.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
	if _, err := adm.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+Schema); err != nil {
		return Env{}, err
	}
	// Index builds after the bulk load get more memory than the default.
	db, err := postgres.Open(withParams(dsn, "search_path="+Schema+",public", "maintenance_work_mem=512MB"))
	if err != nil {
		return Env{}, err
	}
	s := postgres.New(db)
	if err := s.Migrate(ctx); err != nil {
		db.Close()
		return Env{}, err
	}
	env, err := ensure(ctx, s, func() error {
		if _, err := db.ExecContext(ctx, "TRUNCATE users, partners, portals, service_accounts, grants, events CASCADE"); err != nil {
			return err
		}
		// GIN indexes build far faster in one go than row by row: drop the
		// trigram indexes and let Migrate create them again after the load.
		for _, col := range []string{"first_name_norm", "last_name_norm", "email_norm"} {
			if _, err := db.ExecContext(ctx, "DROP INDEX IF EXISTS users_"+col+"_trgm_idx"); err != nil {
				return err
			}
		}
		if err := copyPostgres(ctx, db); err != nil {
			return err
		}
		for _, t := range []string{"users", "partners"} {
			if _, err := db.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('"+t+"', 'num'), (SELECT max(num) FROM "+t+"))"); err != nil {
				return err
			}
		}
		if err := s.Migrate(ctx); err != nil {
			return err
		}
		if err := s.RecountMembers(ctx); err != nil { // the COPY went around the store
			return err
		}
		_, err := db.ExecContext(ctx, "VACUUM ANALYZE users, partners, portals, partner_members, portal_members")
		return err
	})
	if err != nil {
		db.Close()
	}
	return env, err
}

// withParams adds run-time parameters to a URL DSN (pgx sends unknown
// settings to the server).
func withParams(dsn string, params ...string) string {
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " " + strings.Join(params, " ")
	}
	for _, p := range params {
		dsn += sep + strings.Replace(p, ",", "%2C", -1)
		sep = "&"
	}
	return dsn
}

// copyPostgres loads every table with COPY through pgx's CopyFrom on the
// pool's underlying connection.
func copyPostgres(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		for _, t := range tables() {
			n, err := pc.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromFunc(rowSource(t, func(v any) any { return v })))
			if err != nil {
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
			if int(n) != t.rows {
				return fmt.Errorf("copy %s: %d rows, want %d", t.name, n, t.rows)
			}
		}
		return nil
	})
}

// rowSource feeds t's rows one at a time, each value converted by conv.
func rowSource(t table, conv func(any) any) func() ([]any, error) {
	i := 0
	return func() ([]any, error) {
		if i == t.rows {
			return nil, nil
		}
		row := t.row(i)
		for k, v := range row {
			row[k] = conv(v)
		}
		i++
		return row, nil
	}
}

func openSQLite() (Env, error) {
	ctx := context.Background()
	db, err := sqlite.Open(SQLitePath())
	if err != nil {
		return Env{}, err
	}
	s := sqlite.New(db)
	if err := s.Migrate(ctx); err != nil {
		db.Close()
		return Env{}, err
	}
	env, err := ensure(ctx, s, func() error {
		for _, t := range []string{"events", "grants", "service_accounts", "portal_members", "partner_members", "users", "portals", "partners"} {
			if _, err := db.ExecContext(ctx, "DELETE FROM "+t); err != nil {
				return err
			}
		}
		if err := insertSQLite(ctx, db); err != nil {
			return err
		}
		if err := s.RecountMembers(ctx); err != nil { // the INSERTs went around the store
			return err
		}
		_, err := db.ExecContext(ctx, "ANALYZE")
		return err
	})
	if err != nil {
		db.Close()
	}
	return env, err
}

// sqliteBatch is how many rows one INSERT carries: 1,000 users are 29,000
// parameters, under SQLite's limit of 32,766.
const sqliteBatch = 1000

// sqliteTxRows is how many rows one transaction commits.
const sqliteTxRows = 200_000

// insertSQLite loads every table with multi-row INSERTs, a few
// transactions per table. The FTS5 triggers index users as they go in.
func insertSQLite(ctx context.Context, db *sql.DB) error {
	conv := func(v any) any {
		switch v := v.(type) {
		case uuid.UUID:
			return v[:]
		case time.Time:
			return sqlstore.TimeText(v)
		}
		return v
	}
	for _, t := range tables() {
		row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(t.cols)), ", ") + ")"
		head := "INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES "
		next := rowSource(t, conv)
		for done := 0; done < t.rows; {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			for end := min(done+sqliteTxRows, t.rows); done < end; {
				n := min(sqliteBatch, end-done)
				args := make([]any, 0, n*len(t.cols))
				for range n {
					r, _ := next()
					args = append(args, r...)
				}
				q := head + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
				if _, err := tx.ExecContext(ctx, q, args...); err != nil {
					tx.Rollback() //nolint:errcheck // the insert error is the one to report
					return fmt.Errorf("insert %s: %w", t.name, err)
				}
				done += n
			}
			if err := tx.Commit(); err != nil {
				return err
			}
		}
	}
	return nil
}

// ensure returns an Env over s, running load first unless the data set is
// complete: the users table holds the Users loaded rows and the settings
// table records this version of the data set (written last, so an
// interrupted load is redone). Either way it then removes what earlier
// benchmark runs added (created users, audit events, service accounts),
// so every run sees the same data.
func ensure(ctx context.Context, s *sqlstore.Store, load func() error) (Env, error) {
	db := s.DB()
	var env Env
	if !loaded(ctx, s) {
		start := time.Now()
		if err := load(); err != nil {
			return env, fmt.Errorf("sqlbench: load %s: %w", s.Dialect().Name, err)
		}
		if err := s.PutSetting(ctx, settingName, version); err != nil {
			return env, err
		}
		env.Load = time.Since(start)
		if !loaded(ctx, s) {
			return env, errors.New("sqlbench: the data set is incomplete after loading")
		}
	}
	if _, err := db.ExecContext(ctx, rebind(s, "DELETE FROM users WHERE num > ?"), Users); err != nil {
		return env, err
	}
	for _, t := range []string{"events", "grants", "service_accounts"} {
		if _, err := db.ExecContext(ctx, "DELETE FROM "+t); err != nil {
			return env, err
		}
	}
	env.Store = s
	return env, nil
}

func loaded(ctx context.Context, s *sqlstore.Store) bool {
	v, err := s.GetSetting(ctx, settingName)
	if err != nil || v != version {
		return false
	}
	var n int
	err = s.DB().QueryRowContext(ctx, rebind(s, "SELECT count(*) FROM users WHERE num <= ?"), Users).Scan(&n)
	return err == nil && n == Users
}

func rebind(s *sqlstore.Store, q string) string {
	if s.Dialect().NumberedPlaceholders {
		return strings.Replace(q, "?", "$1", 1)
	}
	return q
}
