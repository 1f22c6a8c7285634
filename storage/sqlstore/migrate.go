package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one embedded migration file.
type Migration struct {
	Version    int64    // the number the file name starts with
	Name       string   // the file name
	Statements []string // executed one at a time, in order
}

// StatementMarker separates statements in a migration file that needs ';'
// at the end of lines inside a statement (a trigger body). Files without it
// are split after every line that ends in ';'.
const StatementMarker = "-- +statement"

// Embedded returns the "migrations" directory of an adapter's embedded
// files, the form Dialect.Migrations takes.
func Embedded(fsys embed.FS) fs.FS {
	sub, err := fs.Sub(fsys, "migrations")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}

// Migrations reads the numbered *.sql files at the root of fsys, in version
// order. Each statement is executed on its own, so no driver needs
// multi-statement support.
func Migrations(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	var out []Migration
	seen := map[int64]string{}
	for _, name := range names {
		digits := name[:len(name)-len(strings.TrimLeft(name, "0123456789"))]
		v, err := strconv.ParseInt(digits, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with its version number", name)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", other, name, v)
		}
		seen[v] = name
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: path.Base(name), Statements: splitStatements(string(body))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

func splitStatements(body string) []string {
	var chunks []string
	if strings.Contains(body, StatementMarker) {
		chunks = strings.Split(body, StatementMarker)
	} else {
		var cur strings.Builder
		for _, line := range strings.SplitAfter(body, "\n") {
			cur.WriteString(line)
			if strings.HasSuffix(strings.TrimSpace(line), ";") {
				chunks = append(chunks, cur.String())
				cur.Reset()
			}
		}
		chunks = append(chunks, cur.String())
	}
	var out []string
	for _, c := range chunks {
		if stmt := trimStatement(c); stmt != "" {
			out = append(out, stmt)
		}
	}
	return out
}

// trimStatement drops comment-only lines, surrounding space and the final
// ';'. It returns "" for a chunk with no SQL in it.
func trimStatement(c string) string {
	var lines []string
	for _, line := range strings.Split(c, "\n") {
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		lines = append(lines, line)
	}
	return strings.TrimSuffix(strings.TrimSpace(strings.Join(lines, "\n")), ";")
}

// Migrate brings the schema up to date: it applies, in order, the dialect's
// migrations that schema_migrations does not list, and records each one.
// It is idempotent, and safe when several processes call it at once: the
// dialect's Lock serialises them (an advisory lock on PostgreSQL, GET_LOCK
// on MySQL, a BEGIN IMMEDIATE transaction on SQLite), so the later callers
// find the work done.
func (s *Store) Migrate(ctx context.Context) (err error) {
	if s.tx {
		return errors.New("sqlstore: Migrate cannot run inside InTx")
	}
	migs, err := Migrations(s.d.Migrations)
	if err != nil {
		return s.wrap(err, "read migrations", "")
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return s.wrap(err, "migrate", "")
	}
	defer conn.Close()
	unlock, err := s.d.Lock(ctx, conn)
	if err != nil {
		return s.wrap(err, "migrate: lock", "")
	}
	defer func() {
		if uerr := unlock(err != nil); uerr != nil && err == nil {
			err = s.wrap(uerr, "migrate: unlock", "")
		}
	}()
	if err := s.migrateLocked(ctx, conn, migs); err != nil {
		return err
	}
	if s.d.AfterMigrate != nil {
		if err := s.d.AfterMigrate(ctx, conn); err != nil {
			return s.wrap(err, "migrate", "")
		}
	}
	if s.d.Optimize != "" {
		if _, err := conn.ExecContext(ctx, s.d.Optimize); err != nil {
			return s.wrap(err, "migrate: optimize", "")
		}
	}
	return nil
}

func (s *Store) migrateLocked(ctx context.Context, conn *sql.Conn, migs []Migration) error {
	if _, err := conn.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL)"); err != nil {
		return s.wrap(err, "migrate: create schema_migrations", "")
	}
	applied := map[int64]bool{}
	rows, err := conn.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return s.wrap(err, "migrate: read schema_migrations", "")
	}
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return s.wrap(err, "migrate: read schema_migrations", "")
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s.wrap(err, "migrate: read schema_migrations", "")
	}

	for _, m := range migs {
		if applied[m.Version] {
			continue
		}
		if err := s.apply(ctx, conn, m); err != nil {
			return err
		}
	}
	return nil
}

// apply runs one migration and records it, in one transaction where the
// dialect has transactional DDL per file.
func (s *Store) apply(ctx context.Context, conn *sql.Conn, m Migration) error {
	var ex interface {
		ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	} = conn
	var tx *sql.Tx
	if s.d.TxPerFile {
		var err error
		if tx, err = conn.BeginTx(ctx, nil); err != nil {
			return s.wrap(err, "migrate: begin", "")
		}
		defer tx.Rollback() //nolint:errcheck // a no-op after Commit
		ex = tx
	}
	for i, stmt := range m.Statements {
		if _, err := ex.ExecContext(ctx, stmt); err != nil {
			return s.wrap(fmt.Errorf("migration %s, statement %d: %w", m.Name, i+1, err), "migrate", "")
		}
	}
	if _, err := ex.ExecContext(ctx, s.d.rebind("INSERT INTO schema_migrations (version, name) VALUES (?, ?)"), m.Version, m.Name); err != nil {
		return s.wrap(err, "migrate: record version", "")
	}
	if tx != nil {
		if err := tx.Commit(); err != nil {
			return s.wrap(err, "migrate: commit", "")
		}
	}
	return nil
}
