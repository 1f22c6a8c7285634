// Package sqltest gives the SQL adapters' tests their databases: a fresh
// SQLite file, PostgreSQL schema or MySQL database per call, dropped when
// the test ends, so parallel tests and parallel runs never collide.
//
// PostgreSQL and MySQL need a server. Their DSNs come from
// USERKIT_POSTGRES_DSN and USERKIT_MYSQL_DSN; when a variable is unset the
// test is skipped with a message naming it, unless USERKIT_REQUIRE_DB=1,
// which turns the skip into a failure (CI sets it so that nothing is
// silently skipped).
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, sqltest.Postgres)
//	}
//
// It is a test helper: only tests import it.
package sqltest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/userkit/userkit/internal/sqlcount"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/mysql"
	"github.com/userkit/userkit/storage/postgres"
	"github.com/userkit/userkit/storage/sqlite"
	"github.com/userkit/userkit/storage/sqlstore"
)

// The environment variables the SQL tests read.
const (
	PostgresEnv = "USERKIT_POSTGRES_DSN"
	MySQLEnv    = "USERKIT_MYSQL_DSN"
	RequireEnv  = "USERKIT_REQUIRE_DB"
)

// poolSize bounds each test database's connections: many parallel
// subtests, each with its own pool, must stay under the servers'
// max_connections (100 on PostgreSQL, 151 on MariaDB by default).
const poolSize = 4

// DSN returns the value of the environment variable env. When it is unset
// the test is skipped, or fails when USERKIT_REQUIRE_DB=1.
func DSN(t testing.TB, env string) string {
	t.Helper()
	dsn := os.Getenv(env)
	if dsn != "" {
		return dsn
	}
	msg := env + " is not set; set it to a database this test may create schemas in (see .ci/run)"
	if os.Getenv(RequireEnv) == "1" {
		t.Fatal(msg + " (" + RequireEnv + "=1 makes a missing database a failure)")
	}
	t.Skip(msg)
	return ""
}

// Target is one SQL database kind for tests that run against all of them.
type Target struct {
	Name string
	// DB returns a fresh, empty database (not migrated), closed and
	// dropped when the test ends.
	DB func(t testing.TB) *sql.DB
	// New makes a store over such a database.
	New func(db *sql.DB) *sqlstore.Store
	// CountedDB is DB through the statement counter of package
	// internal/sqlcount.
	CountedDB func(t testing.TB) (*sql.DB, *sqlcount.Counter)
}

// The targets, one per adapter.
var (
	SQLiteTarget   = Target{"sqlite", SQLiteDB, sqlite.New, countedSQLite}
	PostgresTarget = Target{"postgres", PostgresDB, postgres.New, countedPostgres}
	MySQLTarget    = Target{"mysql", MySQLDB, mysql.New, countedMySQL}
)

// CountedStore returns a migrated store of target on a fresh database
// whose statements are counted (see internal/sqlcount), with the counter
// reset after the migration. The pool is the adapter's (ConfigurePool),
// bounded as the other test databases are.
func (tg Target) CountedStore(t testing.TB) (*sqlstore.Store, *sqlcount.Counter) {
	t.Helper()
	db, c := tg.CountedDB(t)
	s := tg.New(db)
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("%s: Migrate: %v", tg.Name, err)
	}
	c.Reset()
	return s, c
}

func counted(t testing.TB, name string, db *sql.DB, c *sqlcount.Counter, configure func(*sql.DB)) (*sql.DB, *sqlcount.Counter) {
	t.Helper()
	configure(db)
	db.SetMaxOpenConns(poolSize)
	t.Cleanup(func() { db.Close() })
	// One connection first, as sqlite.Open does: it creates the file.
	if err := db.Ping(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	c.Reset()
	return db, c
}

func countedSQLite(t testing.TB) (*sql.DB, *sqlcount.Counter) {
	t.Helper()
	db, c, err := sqlcount.Open("sqlite", sqlitePath(t)+"?"+sqlite.DSNParams)
	if err != nil {
		t.Fatalf("sqlite: %v", err)
	}
	return counted(t, "sqlite", db, c, sqlite.ConfigurePool)
}

func countedPostgres(t testing.TB) (*sql.DB, *sqlcount.Counter) {
	t.Helper()
	db, c, err := sqlcount.Open("pgx", PostgresDSN(t))
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	return counted(t, "postgres", db, c, postgres.ConfigurePool)
}

func countedMySQL(t testing.TB) (*sql.DB, *sqlcount.Counter) {
	t.Helper()
	conn, err := mysql.Connector(MySQLDSN(t))
	if err != nil {
		t.Fatalf("mysql: %v", err)
	}
	db, c := sqlcount.OpenDB(conn)
	return counted(t, "mysql", db, c, mysql.ConfigurePool)
}

// Targets lists SQLite, PostgreSQL and MySQL.
var Targets = []Target{SQLiteTarget, PostgresTarget, MySQLTarget}

// Store returns a migrated store of target on a fresh database.
func (tg Target) Store(t testing.TB) *sqlstore.Store {
	t.Helper()
	s := tg.New(tg.DB(t))
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("%s: Migrate: %v", tg.Name, err)
	}
	return s
}

// SQLite returns a migrated SQLite store on a fresh file; it has the
// signature storagetest.Run wants.
func SQLite(t *testing.T) storage.Store { return SQLiteTarget.Store(t) }

// Postgres returns a migrated PostgreSQL store in a fresh schema.
func Postgres(t *testing.T) storage.Store { return PostgresTarget.Store(t) }

// MySQL returns a migrated MySQL store in a fresh database.
func MySQL(t *testing.T) storage.Store { return MySQLTarget.Store(t) }

// SQLiteDB opens a new database file in a temporary directory.
func SQLiteDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sqlite.Open(sqlitePath(t))
	if err != nil {
		t.Fatalf("sqlite: %v", err)
	}
	db.SetMaxOpenConns(poolSize)
	t.Cleanup(func() { db.Close() })
	return db
}

// randomName returns a schema or database name no other run will pick.
func randomName() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return "uk_" + hex.EncodeToString(b)
}

// admins holds one small admin pool per server DSN, shared by the tests of
// a package, for creating and dropping schemas.
var admins sync.Map // dsn -> *sql.DB

func admin(t testing.TB, driver, dsn string, open func() (*sql.DB, error)) *sql.DB {
	t.Helper()
	if db, ok := admins.Load(driver + dsn); ok {
		return db.(*sql.DB)
	}
	db, err := open()
	if err != nil {
		t.Fatalf("%s: %v", driver, err)
	}
	db.SetMaxOpenConns(2)
	if actual, loaded := admins.LoadOrStore(driver+dsn, db); loaded {
		db.Close()
		return actual.(*sql.DB)
	}
	return db
}

func sqlitePath(t testing.TB) string { return filepath.Join(t.TempDir(), "userkit.db") }

// PostgresDB creates a schema in the USERKIT_POSTGRES_DSN database and
// returns a pool whose search_path is that schema.
func PostgresDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := postgres.Open(PostgresDSN(t))
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	db.SetMaxOpenConns(poolSize)
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresDSN creates a schema in the USERKIT_POSTGRES_DSN database,
// dropped when the test ends, and returns a DSN whose search_path is that
// schema.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := DSN(t, PostgresEnv)
	adm := admin(t, "postgres", dsn, func() (*sql.DB, error) { return postgres.Open(dsn) })
	ctx := context.Background()
	// pg_trgm is per database; creating it once in public, outside the test
	// schemas, keeps it from being dropped with one of them. A clash with a
	// concurrent test doing the same is harmless, and a server without the
	// extension leaves the store on its fallback.
	_, _ = adm.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
	schema := randomName()
	if _, err := adm.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("postgres: create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := adm.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("postgres: drop schema %s: %v", schema, err)
		}
	})
	return withSearchPath(dsn, schema)
}

// withSearchPath adds search_path to a URL or keyword/value DSN; pgx sends
// unknown settings to the server as run-time parameters.
func withSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return dsn + " search_path=" + schema
}

// MySQLDB creates a database on the USERKIT_MYSQL_DSN server and returns a
// pool on it, opened like mysql.Open does.
func MySQLDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := mysql.Open(MySQLDSN(t))
	if err != nil {
		t.Fatalf("mysql: %v", err)
	}
	db.SetMaxOpenConns(poolSize)
	db.SetConnMaxIdleTime(time.Minute)
	t.Cleanup(func() { db.Close() })
	return db
}

// MySQLDSN creates a database on the USERKIT_MYSQL_DSN server, dropped
// when the test ends, and returns the DSN of that database.
func MySQLDSN(t testing.TB) string {
	t.Helper()
	dsn := DSN(t, MySQLEnv)
	adm := admin(t, "mysql", dsn, func() (*sql.DB, error) { return mysql.Open(dsn) })
	ctx := context.Background()
	name := randomName()
	if _, err := adm.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		t.Fatalf("mysql: create database: %v", err)
	}
	cfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("mysql: %v", err)
	}
	cfg.DBName = name
	t.Cleanup(func() {
		if _, err := adm.ExecContext(ctx, "DROP DATABASE "+name); err != nil {
			t.Errorf("mysql: drop database %s: %v", name, err)
		}
	})
	return cfg.FormatDSN()
}
