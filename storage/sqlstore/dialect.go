package sqlstore

import (
	"context"
	"database/sql"
	"io/fs"
	"strconv"
	"strings"
	"time"
)

// Dialect is what differs between the databases. Each adapter package
// (sqlite, postgres, mysql) builds one; the queries in this package are
// written once, with "?" placeholders, and adapted through it.
type Dialect struct {
	// Name is a short name for messages, such as "postgres".
	Name string

	// NumberedPlaceholders rewrites "?" to "$1", "$2", ... (PostgreSQL).
	NumberedPlaceholders bool

	// Returning is true when INSERT ... RETURNING gives the store-assigned
	// Num (PostgreSQL, SQLite); otherwise Result.LastInsertId does (MySQL).
	Returning bool

	// BinaryUUID binds UUIDs as their 16 bytes (MySQL BINARY(16), SQLite
	// BLOB) instead of the text form a native uuid column takes. Both sort
	// in byte order, which is the order of keyset paging.
	BinaryUUID bool

	// Time encodes a time for a bind parameter. Times are read back through
	// a scanner that accepts time.Time, text and integers (see timeCol).
	Time func(time.Time) any

	// WallClockUTC says the driver hands back stored times as a zone-less
	// wall clock that is UTC (MySQL DATETIME), whatever location it
	// attaches; the fields are read as UTC. Otherwise a time.Time from the
	// driver is an instant (PostgreSQL timestamptz).
	WallClockUTC bool

	// Upsert returns the tail of an INSERT that replaces updateCols when a
	// row with the same keyCols exists, such as
	// "ON CONFLICT (k) DO UPDATE SET c = excluded.c".
	Upsert func(keyCols, updateCols []string) string

	// Contains returns a condition that is true when column col contains
	// the plain text bound to its single "?" placeholder, and ContainsArg
	// turns the (lower-cased) search text into that argument. Together they
	// make '%', '_' and backslashes ordinary characters.
	Contains    func(col string) string
	ContainsArg func(s string) string

	// SearchIndex, when set, narrows a user search with an index: it gets
	// the lower-cased search text and returns a condition over "u" with
	// its arguments, or "" to leave the search to the Contains scan (the
	// index cannot serve the text, or the scan is the faster plan). It may
	// read the database through q, the store's connection or transaction.
	// The Contains test is applied as well, so the index only has to find
	// every match, and results stay exact. SQLite uses an index of email
	// addresses for terms shaped like one and its FTS5 trigram table for
	// the rest; PostgreSQL its trigram indexes for terms with an '@'.
	SearchIndex func(ctx context.Context, q Querier, s string) (cond string, args []any, err error)

	// PlanPerQuery, when set, is passed as the first argument of the
	// filtered user list queries (search, status, partner, portal) so that
	// the driver has the database plan each one for its actual arguments
	// (pgx.QueryExecModeExec: an unnamed statement, a custom plan). A
	// cached generic plan knows neither how selective a search term is nor
	// that "LIKE $1 ESCAPE '!'" can use the trigram indexes, and at a
	// million users it walks the primary key filtering rows instead.
	PlanPerQuery any

	// RowLock is appended to a SELECT to lock the rows it reads until the
	// transaction ends (" FOR UPDATE"), or "" where transactions already
	// run one at a time (SQLite's BEGIN IMMEDIATE).
	RowLock string

	// StrictText is true when text must be valid UTF-8 without U+0000
	// (PostgreSQL). Storing other text is an Invalid error; looking it up
	// or searching for it finds nothing, as it cannot have been stored.
	StrictText bool

	// Classify says what a driver error means: the one place per driver
	// where its error codes are read.
	Classify func(err error) Class

	// Migrations holds the numbered migration files ("0001_init.sql", ...)
	// at its root. See Migrate for the format.
	Migrations fs.FS

	// Lock serialises Migrate across processes, on conn. It returns the
	// function that releases the lock; that function gets whether the
	// migration failed (SQLite commits or rolls back its lock transaction).
	Lock func(ctx context.Context, conn *sql.Conn) (unlock func(failed bool) error, err error)

	// TxPerFile runs each migration file in its own transaction
	// (PostgreSQL). MySQL commits DDL implicitly, and SQLite's lock is
	// itself the transaction, so they run files directly on the locked
	// connection.
	TxPerFile bool

	// Optimize, when set, is the statement that refreshes the planner's
	// statistics ("PRAGMA optimize" on SQLite); see Store.Optimize.
	Optimize string

	// AfterMigrate, when set, runs after the files under the same lock, on
	// every Migrate call; PostgreSQL uses it for optional indexes that need
	// an extension.
	AfterMigrate func(ctx context.Context, conn *sql.Conn) error
}

// ClassKind is what a driver error means to the store.
type ClassKind int

// The classes of driver errors.
const (
	// Other is any error not listed below: it becomes Internal.
	Other ClassKind = iota
	// Unique is a unique or primary key violation: Conflict.
	Unique
	// ForeignKey is a reference to a missing parent: NotFound.
	ForeignKey
	// Retry is a serialization failure or deadlock: InTx runs fn again.
	Retry
	// BadInput is a value the database cannot hold (NUL in text, invalid
	// UTF-8, over-long values): Invalid.
	BadInput
)

// Class is a classified driver error.
type Class struct {
	Kind ClassKind
	// Primary is set when a Unique violation is of the primary key.
	Primary bool
	// Constraint names the violated unique constraint or index
	// ("users_email_norm_key", "PRIMARY") when the driver reports it.
	Constraint string
	// Columns lists the violated unique columns when the driver reports
	// them instead of a name (SQLite: "users.email_norm").
	Columns []string
}

// rebind rewrites "?" placeholders to "$n" when the dialect numbers them.
// Queries in this package never hold "?" inside literals.
func (d *Dialect) rebind(query string) string {
	if !d.NumberedPlaceholders || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// LikeEscape is the escape character of the LIKE patterns built by
// EscapeLike. It is '!' rather than '\' because MySQL reads backslashes in
// string literals as escapes of their own.
const LikeEscape = '!'

// EscapeLike makes s a LIKE pattern matching s anywhere, with '%', '_' and
// the escape character taken literally. Use it with "LIKE ? ESCAPE '!'".
func EscapeLike(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('%')
	// Bytes, not runes: the special characters are ASCII, and invalid
	// UTF-8 must pass through unchanged.
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '%' || c == '_' || c == LikeEscape {
			b.WriteByte(LikeEscape)
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('%')
	return b.String()
}
