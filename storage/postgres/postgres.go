package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"io/fs"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/userkit/userkit/storage/sqlstore"
)

// Store is the PostgreSQL store: the shared SQL implementation in the
// PostgreSQL dialect.
type Store = sqlstore.Store

// New returns a store over db (driver "pgx"). Call Migrate once before use.
func New(db *sql.DB) *Store {
	return sqlstore.New(db, Dialect)
}

// Open opens a pool with the pgx driver, for example
// Open("postgres://app@localhost:5432/app?sslmode=disable"). The host owns
// the returned *sql.DB and closes it. Use a search_path parameter to keep
// userkit's tables in their own schema. The pool is set by ConfigurePool.
func Open(dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	ConfigurePool(db)
	return db, nil
}

// The pool ConfigurePool sets.
const (
	// PoolSize connections at most, all kept idle: each new connection is
	// a new server backend (a fork, authentication, catalog caches), so a
	// pool that closes idle connections under load and reopens them pays
	// that per request. 16 stays well under the server's default
	// max_connections (100) for a few instances.
	PoolSize = 16
	// ConnMaxIdleTime closes connections that a quiet period left unused.
	ConnMaxIdleTime = 5 * time.Minute
	// ConnMaxLifetime renews connections now and then, so that a pool
	// follows a failover or a changed DNS name and backends do not grow
	// for ever.
	ConnMaxLifetime = time.Hour
)

// ConfigurePool sets db's pool for PostgreSQL: PoolSize open and idle
// connections, ConnMaxIdleTime and ConnMaxLifetime. Open calls it; a host
// that opens the *sql.DB itself may call it or set its own values.
func ConfigurePool(db *sql.DB) {
	db.SetMaxOpenConns(PoolSize)
	db.SetMaxIdleConns(PoolSize)
	db.SetConnMaxIdleTime(ConnMaxIdleTime)
	db.SetConnMaxLifetime(ConnMaxLifetime)
}

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the embedded migration files, for hosts that run
// their own migration tool. The optional trigram indexes are not in them:
// Migrate creates those (see AfterMigrate in Dialect).
func Migrations() fs.FS { return sqlstore.Embedded(migrations) }

// Dialect is the PostgreSQL dialect of sqlstore.
var Dialect = &sqlstore.Dialect{
	Name:                 "postgres",
	RowLock:              " FOR UPDATE",
	NumberedPlaceholders: true,
	Returning:            true,
	Time:                 func(t time.Time) any { return t },
	Upsert:               upsert,
	// LIKE with an escape character over the lower-cased columns: what the
	// pg_trgm GIN indexes serve.
	Contains:     func(col string) string { return col + " LIKE ? ESCAPE '!'" },
	ContainsArg:  sqlstore.EscapeLike,
	StrictText:   true,
	PlanPerQuery: pgx.QueryExecModeExec,
	SearchIndex:  searchIndex,
	Classify:     classify,
	Migrations:   Migrations(),
	Lock:         lock,
	TxPerFile:    true,
	AfterMigrate: trigramIndexes,
}

func upsert(keyCols, updateCols []string) string {
	set := make([]string, len(updateCols))
	for i, c := range updateCols {
		set[i] = c + " = excluded." + c
	}
	return "ON CONFLICT (" + strings.Join(keyCols, ", ") + ") DO UPDATE SET " + strings.Join(set, ", ")
}

// classify is the one place PostgreSQL error codes are read.
func classify(err error) sqlstore.Class {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return sqlstore.Class{}
	}
	switch pe.Code {
	case "23505": // unique_violation
		return sqlstore.Class{Kind: sqlstore.Unique, Constraint: pe.ConstraintName,
			Primary: strings.HasSuffix(pe.ConstraintName, "_pkey")}
	case "23503": // foreign_key_violation
		return sqlstore.Class{Kind: sqlstore.ForeignKey}
	case "40001", "40P01": // serialization_failure, deadlock_detected
		return sqlstore.Class{Kind: sqlstore.Retry}
	case "22021", // character_not_in_repertoire: NUL in text, invalid UTF-8
		"22P05", // untranslatable_character
		"22001", // string_data_right_truncation
		"54000": // program_limit_exceeded: a value too large for an index
		return sqlstore.Class{Kind: sqlstore.BadInput}
	}
	return sqlstore.Class{}
}

// lockKey names Migrate's advisory lock per schema, so that stores in
// different schemas of one database migrate independently.
const lockKey = "hashtext('userkit.migrate.' || current_schema())"

// lock takes a session advisory lock on conn; a concurrent Migrate blocks
// on it and then finds the versions recorded. The lock goes with the
// connection if the process dies.
func lock(ctx context.Context, conn *sql.Conn) (func(failed bool) error, error) {
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock("+lockKey+")"); err != nil {
		return nil, err
	}
	return func(bool) error {
		_, err := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock("+lockKey+")")
		return err
	}, nil
}

// trigramIndexes makes substring search on users fast at scale: a GIN
// index with pg_trgm's gin_trgm_ops on each searched column lets
// "col LIKE '%x%'" use a bitmap index scan instead of reading every row.
// It tries to create the extension (pg_trgm is a trusted extension, so a
// user with CREATE on the database may), and when the extension is not
// there, it leaves search on its working fallback, a sequential scan. It
// runs on every Migrate, so installing pg_trgm later and restarting adds
// the indexes.
func trigramIndexes(ctx context.Context, conn *sql.Conn) error {
	// Failure is expected without the privilege or the contrib package.
	_, _ = conn.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS pg_trgm")
	var schema string
	err := conn.QueryRowContext(ctx, "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'").Scan(&schema)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	// The operator class is qualified with the extension's schema, which
	// need not be on the search_path.
	opclass := quoteIdent(schema) + ".gin_trgm_ops"
	for _, col := range []string{"first_name_norm", "last_name_norm", "email_norm"} {
		if _, err := conn.ExecContext(ctx, "CREATE INDEX IF NOT EXISTS users_"+col+"_trgm_idx ON users USING gin ("+col+" "+opclass+")"); err != nil {
			return err
		}
	}
	return nil
}

// quoteIdent quotes a catalog name as an SQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// maxIndexed is how many users searchIndex hands on as a list of ids; with
// more, the search keeps its plain plan.
const maxIndexed = 2000

// searchIndex narrows a search for a term with an '@' (a whole or partial
// email address) by the address's local part: with six characters or
// more before the '@', its candidates are a range of the email tail index
// (tailQuery); with fewer, as follows. pg_trgm's GIN index cannot
// weigh trigrams: "email_norm LIKE '%user1@example.com%'" reads the
// posting list of every trigram of the term, and those of the domain
// ("exa", "com", ...) hold nearly every user. The local part's trigrams
// are rare, so the users whose email holds the local part, or whose first
// or last name holds the whole term, are found through the three trigram
// indexes first (at most maxIndexed+1 of them, planned for the actual
// patterns), and the search then reads just those by primary key. Every
// match is among them, and the store's exact test still applies, so the
// result is the same. Of the local part, only its most distinctive five
// characters are asked for (see core): "user12345" shares "use", "ser"
// with every "user…" address, "12345" does not.
func searchIndex(ctx context.Context, q sqlstore.Querier, term string) (string, []any, error) {
	at := strings.IndexByte(term, '@')
	if at < 0 || utf8.RuneCountInString(term[:at]) < 3 {
		return "", nil, nil
	}
	query := "SELECT id::text FROM users WHERE email_norm LIKE $1 ESCAPE '!' " +
		"OR first_name_norm LIKE $2 ESCAPE '!' OR last_name_norm LIKE $2 ESCAPE '!' LIMIT $3"
	args := []any{pgx.QueryExecModeExec, sqlstore.EscapeLike(core(term[:at])), sqlstore.EscapeLike(term), maxIndexed + 1}
	if rs := []rune(term[:at]); len(rs) >= tailRunes {
		from := string(rs[len(rs)-tailRunes:]) + term[at:]
		if to, ok := sqlstore.PrefixEnd(from); ok {
			query, args = tailQuery, []any{pgx.QueryExecModeExec, from, to, maxIndexed + 1}
		}
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return "", nil, err
	}
	defer rows.Close()
	ids := make([]string, 0, 8)
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return "", nil, err
	}
	if len(ids) > maxIndexed {
		return "", nil, nil
	}
	return "u.id = ANY(CAST(? AS uuid[]))", []any{"{" + strings.Join(ids, ",") + "}"}, nil
}

// tailRunes is how many characters before an address's '@' the key of
// users_email_tail_idx keeps (migration 0045); emailTail is that key and
// atOutside the predicate of users_search_at_idx, written as in the
// migration so that the planner matches them to the indexes.
const (
	tailRunes = 6
	emailTail = "substr(email_norm, greatest(strpos(email_norm, '@') - 6, 1))"
	atOutside = "strpos(first_name_norm, '@') > 0 OR strpos(last_name_norm, '@') > 0 OR " +
		"strpos(substr(email_norm, strpos(email_norm, '@') + 1), '@') > 0"
)

// tailQuery lists the candidates of a term with at least tailRunes
// characters before its '@': an address with one '@' that holds the term
// has the term's '@' as its own, so its last tailRunes characters before
// the '@' and what follows start with the term's, a range [$1, $2) of
// users_email_tail_idx (by bytes: the column is COLLATE "C"); the users
// whose name holds an '@' or whose address holds two come from
// users_search_at_idx; at most $3 of them. They are read first rather
// than by a subquery of the page's query as on SQLite: PostgreSQL has no
// statistics for the partial index's predicate (it guesses most users),
// and with the subquery the page took 11.6 ms at 100,000 users
// (BenchmarkGrowth), against 1.2 ms with the candidates read first.
const tailQuery = "SELECT id::text FROM (SELECT id FROM users WHERE " + emailTail + " >= $1 AND " + emailTail + " < $2 " +
	"UNION ALL SELECT id FROM users WHERE " + atOutside + ") t LIMIT $3"

// core returns the window of at most five runes of s whose characters are
// the rarest in names and addresses: digits, then letters outside ASCII,
// then ASCII letters, then punctuation; the last of equal windows (nearest
// the '@', where numbers usually are).
func core(s string) string {
	rs := []rune(s)
	const width = 5
	if len(rs) <= width {
		return s
	}
	weight := func(r rune) int {
		switch {
		case r >= '0' && r <= '9':
			return 4
		case r > 0x7f:
			return 3
		case r >= 'a' && r <= 'z':
			return 2
		}
		return 0
	}
	best, bestScore := 0, -1
	for i := 0; i+width <= len(rs); i++ {
		score := 0
		for _, r := range rs[i : i+width] {
			score += weight(r)
		}
		if score >= bestScore {
			best, bestScore = i, score
		}
	}
	return string(rs[best : best+width])
}
