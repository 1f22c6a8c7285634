package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/userkit/userkit/storage"
)

// dataset is one loaded database: n users of the generated data set.
type dataset struct {
	engine string // "sqlite" or "postgres"
	n      int
	db     *sql.DB
	store  storage.Store
	load   time.Duration
}

func itoa(i int) string     { return strconv.Itoa(i) }
func lower(s string) string { return strings.ToLower(s) }
func join(c []string) string {
	return strings.Join(c, ", ")
}

// loadSQLite creates dir/users-<n>.db with the library's migrations and
// fills it with multi-row INSERTs (1,000 rows each, a few transactions).
// It does not run ANALYZE: SQLite's planner statistics are whatever the
// adapter itself maintains.
func loadSQLite(ctx context.Context, dir string, n int) (*dataset, error) {
	path := filepath.Join(dir, fmt.Sprintf("users-%d.db", n))
	for _, suf := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suf)
	}
	start := time.Now()
	db, s, err := openSQLiteStore(ctx, path)
	if err != nil {
		return nil, err
	}
	for _, t := range tables(n) {
		if err := insertRows(ctx, db, t, sqliteValue, "?", 1000); err != nil {
			db.Close()
			return nil, err
		}
	}
	if err := recountMembers(ctx, s); err != nil {
		db.Close()
		return nil, err
	}
	return &dataset{engine: "sqlite", n: n, db: db, store: s, load: time.Since(start)}, nil
}

// insertRows writes t with multi-row INSERTs of batch rows, 200,000 rows
// per transaction.
func insertRows(ctx context.Context, db *sql.DB, t table, conv func(any) any, ph string, batch int) error {
	row := "(" + strings.TrimSuffix(strings.Repeat(ph+", ", len(t.cols)), ", ") + ")"
	head := "INSERT INTO " + t.name + " (" + join(t.cols) + ") VALUES "
	for done := 0; done < t.rows; {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for end := min(done+200_000, t.rows); done < end; {
			k := min(batch, end-done)
			args := make([]any, 0, k*len(t.cols))
			for i := done; i < done+k; i++ {
				for _, v := range t.row(i) {
					args = append(args, conv(v))
				}
			}
			q := head + strings.TrimSuffix(strings.Repeat(row+", ", k), ", ")
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				tx.Rollback() //nolint:errcheck // the insert error is the one to report
				return fmt.Errorf("insert %s: %w", t.name, err)
			}
			done += k
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// pgAdmin manages the dedicated databases of this run in the server of
// USERKIT_POSTGRES_DSN: bench_<pid>_<n>, dropped when the run ends.
type pgAdmin struct {
	dsn     string
	db      *sql.DB
	created []string
}

func newPGAdmin(ctx context.Context, dsn string) (*pgAdmin, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return &pgAdmin{dsn: dsn, db: db}, nil
}

func (a *pgAdmin) dsnFor(name string) (string, error) {
	u, err := url.Parse(a.dsn)
	if err != nil || u.Scheme == "" {
		return "", fmt.Errorf("USERKIT_POSTGRES_DSN must be a postgres:// URL")
	}
	u.Path = "/" + name
	return u.String(), nil
}

func (a *pgAdmin) create(ctx context.Context, name string) (string, error) {
	if _, err := a.db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name); err != nil {
		return "", err
	}
	if _, err := a.db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	a.created = append(a.created, name)
	return a.dsnFor(name)
}

// close drops every database this run created.
func (a *pgAdmin) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, name := range a.created {
		if _, err := a.db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "bench: drop database %s: %v\n", name, err)
		}
	}
	a.db.Close()
}

// loadPostgres creates database bench_<pid>_<n>, applies the migrations,
// drops the trigram indexes, COPYs the data in, lets Migrate rebuild the
// indexes and runs VACUUM ANALYZE (what autovacuum would do shortly after
// a bulk load anyway).
func loadPostgres(ctx context.Context, a *pgAdmin, n int) (*dataset, error) {
	start := time.Now()
	dsn, err := a.create(ctx, fmt.Sprintf("bench_%d_%d", os.Getpid(), n))
	if err != nil {
		return nil, err
	}
	db, s, err := openPostgresStore(ctx, dsn)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*dataset, error) { db.Close(); return nil, err }
	for _, col := range []string{"first_name_norm", "last_name_norm", "email_norm"} {
		if _, err := db.ExecContext(ctx, "DROP INDEX IF EXISTS users_"+col+"_trgm_idx"); err != nil {
			return fail(err)
		}
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return fail(err)
	}
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		for _, t := range tables(n) {
			i := 0
			src := pgx.CopyFromFunc(func() ([]any, error) {
				if i == t.rows {
					return nil, nil
				}
				i++
				return t.row(i - 1), nil
			})
			if _, err := pc.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, src); err != nil {
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
		}
		return nil
	})
	conn.Close()
	if err != nil {
		return fail(err)
	}
	for _, t := range []string{"users", "partners"} {
		if _, err := db.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('"+t+"', 'num'), (SELECT max(num) FROM "+t+"))"); err != nil {
			return fail(err)
		}
	}
	if err := migrate(ctx, s); err != nil {
		return fail(err)
	}
	if err := recountMembers(ctx, s); err != nil {
		return fail(err)
	}
	if _, err := db.ExecContext(ctx, "VACUUM ANALYZE users, partners, portals, partner_members, portal_members"); err != nil {
		return fail(err)
	}
	return &dataset{engine: "postgres", n: n, db: db, store: s, load: time.Since(start)}, nil
}
