package mysql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/userkit/userkit/storage/sqlstore"
)

// Store is the MySQL/MariaDB store: the shared SQL implementation in the
// MySQL dialect.
type Store = sqlstore.Store

// New returns a store over db (driver "mysql"). Call Migrate once before
// use. The store reads times correctly whatever the DSN's parseTime and loc,
// but Open's settings are the tested ones.
func New(db *sql.DB) *Store {
	return sqlstore.New(db, Dialect)
}

// sqlMode is the session sql_mode Open sets: strict, so that a value too
// long for its column is an error rather than silently cut.
const sqlMode = "'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"

// Open opens a pool for dsn (go-sql-driver format, for example
// "app:secret@tcp(127.0.0.1:3306)/app") with the settings the store is
// tested with: parseTime=true, loc=UTC, no multi-statements, utf8mb4 and a
// strict sql_mode, and the pool of ConfigurePool. The host owns the
// returned *sql.DB and closes it.
func Open(dsn string) (*sql.DB, error) {
	conn, err := Connector(dsn)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(conn)
	ConfigurePool(db)
	return db, nil
}

// Connector returns the driver connector Open uses for dsn, with the same
// settings, for a host or a test that wraps it (sql.OpenDB makes the
// pool; ConfigurePool sets it as Open does).
func Connector(dsn string) (driver.Connector, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.MultiStatements = false
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["sql_mode"] = sqlMode
	if cfg.Collation == "" {
		cfg.Collation = "utf8mb4_bin"
	}
	return mysql.NewConnector(cfg)
}

// The pool ConfigurePool sets.
const (
	// PoolSize connections at most, all kept idle, so that load does not
	// close and reopen them (a TCP connection and a handshake each).
	PoolSize = 16
	// ConnMaxIdleTime closes connections that a quiet period left unused.
	ConnMaxIdleTime = time.Minute
	// ConnMaxLifetime closes connections before the server (wait_timeout)
	// or a proxy in between drops them; the driver's documentation
	// recommends less than five minutes.
	ConnMaxLifetime = 4 * time.Minute
)

// ConfigurePool sets db's pool for MySQL and MariaDB: PoolSize open and
// idle connections, ConnMaxIdleTime and ConnMaxLifetime. Open calls it; a
// host that opens the *sql.DB itself may call it or set its own values.
func ConfigurePool(db *sql.DB) {
	db.SetMaxOpenConns(PoolSize)
	db.SetMaxIdleConns(PoolSize)
	db.SetConnMaxIdleTime(ConnMaxIdleTime)
	db.SetConnMaxLifetime(ConnMaxLifetime)
}

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the embedded migration files, for hosts that run
// their own migration tool.
func Migrations() fs.FS { return sqlstore.Embedded(migrations) }

// Dialect is the MySQL dialect of sqlstore.
var Dialect = &sqlstore.Dialect{
	Name:         "mysql",
	RowLock:      " FOR UPDATE",
	BinaryUUID:   true,
	Time:         sqlstore.TimeText,
	WallClockUTC: true,
	Upsert:       upsert,
	// LIKE on VARBINARY columns compares bytes; the escape character is
	// '!' because a backslash in a MySQL string literal is itself an escape.
	Contains:    func(col string) string { return col + " LIKE ? ESCAPE '!'" },
	ContainsArg: sqlstore.EscapeLike,
	Classify:    classify,
	Migrations:  Migrations(),
	Lock:        lock,
}

// upsert uses VALUES(col), which both MariaDB and MySQL 8 accept (MySQL 8
// prefers a row alias, which MariaDB does not have).
func upsert(_, updateCols []string) string {
	set := make([]string, len(updateCols))
	for i, c := range updateCols {
		set[i] = c + " = VALUES(" + c + ")"
	}
	return "ON DUPLICATE KEY UPDATE " + strings.Join(set, ", ")
}

// classify is the one place MySQL error numbers are read.
func classify(err error) sqlstore.Class {
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		return sqlstore.Class{}
	}
	switch me.Number {
	case 1062: // ER_DUP_ENTRY
		key := duplicateKey(me.Message)
		return sqlstore.Class{Kind: sqlstore.Unique, Constraint: key, Primary: key == "PRIMARY"}
	case 1452, 1216: // ER_NO_REFERENCED_ROW_2, ER_NO_REFERENCED_ROW
		return sqlstore.Class{Kind: sqlstore.ForeignKey}
	case 1213: // ER_LOCK_DEADLOCK
		return sqlstore.Class{Kind: sqlstore.Retry}
	case 1406, // ER_DATA_TOO_LONG
		1366: // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: invalid UTF-8 for utf8mb4
		return sqlstore.Class{Kind: sqlstore.BadInput}
	}
	return sqlstore.Class{}
}

// duplicateKey reads the key name out of "Duplicate entry '...' for key
// 'users_email_norm_key'" (MariaDB) or "... for key
// 'users.users_email_norm_key'" (MySQL 8). The entry may itself contain the
// phrase, so the last one counts.
func duplicateKey(msg string) string {
	const marker = "for key '"
	i := strings.LastIndex(msg, marker)
	if i < 0 {
		return ""
	}
	key := strings.TrimSuffix(msg[i+len(marker):], "'")
	if j := strings.LastIndexByte(key, '.'); j >= 0 {
		key = key[j+1:]
	}
	return key
}

// lockName is Migrate's GET_LOCK name, one per database; lock names are
// server-wide and at most 64 characters.
const lockName = "CONCAT('userkit.migrate.', MD5(DATABASE()))"

// lock takes a named lock on conn; a concurrent Migrate waits for it and
// then finds the versions recorded. The server releases it if the
// connection dies.
func lock(ctx context.Context, conn *sql.Conn) (func(failed bool) error, error) {
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK("+lockName+", 300)").Scan(&got); err != nil {
		return nil, err
	}
	if !got.Valid || got.Int64 != 1 {
		return nil, fmt.Errorf("mysql: timed out waiting for the migration lock")
	}
	return func(bool) error {
		var released sql.NullInt64
		return conn.QueryRowContext(context.WithoutCancel(ctx), "SELECT RELEASE_LOCK("+lockName+")").Scan(&released)
	}, nil
}
