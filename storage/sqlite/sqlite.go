package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/userkit/userkit/storage/sqlstore"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Store is the SQLite store: the shared SQL implementation in the SQLite
// dialect.
type Store = sqlstore.Store

// New returns a store over db, which must come from Open or be opened with
// the settings of DSNParams (Migrate refuses a connection without foreign
// keys). Call Migrate once before use.
func New(db *sql.DB) *Store {
	return sqlstore.New(db, Dialect)
}

// DSNParams are the connection settings Open applies to every pooled
// connection: write-ahead logging so readers do not block the writer,
// foreign keys (off by default in SQLite and needed for the cascades), a
// busy timeout so that concurrent writers wait instead of failing,
// synchronous=FULL so that a committed transaction survives power loss,
// BEGIN IMMEDIATE transactions so that a transaction takes the write
// lock up front instead of failing to upgrade a read lock later, and
// fresh planner statistics: "PRAGMA optimize(0x10002)" with
// analysis_limit(400) when the connection opens, which runs a bounded
// ANALYZE on the tables whose statistics are missing or out of date (a few
// milliseconds, and nothing when they are current). Migrate and
// CreateUsers run "PRAGMA optimize" again after they change the data.
//
// Reads map the first GiB of the file (mmap_size): a page is then read
// from the operating system's cache in place, where each pooled connection
// would otherwise copy it into its own page cache with a read call, and a
// point read at 100,000 users took about a quarter less CPU (issue 9). The
// mapping is read-only (SQLite still writes with write calls), so it adds
// no way to corrupt the file; the cost is that a disk I/O error on a mapped
// page stops the process instead of failing the statement.
const DSNParams = "_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)&_pragma=synchronous(FULL)&_txlock=immediate" +
	"&_pragma=analysis_limit(400)&_pragma=optimize(0x10002)&_pragma=mmap_size(1073741824)"

// PoolSize is the number of connections ConfigurePool keeps open and idle.
// WAL lets that many readers run at once while writers take turns.
const PoolSize = 16

// ConfigurePool sets db's pool for SQLite: at most PoolSize connections,
// all of them kept idle and never closed for age or idleness. Opening a
// SQLite connection re-reads the schema and the planner statistics, so a
// pool that closes idle connections (database/sql keeps 2 by default) and
// reopens them under load spends much of its time there. Open calls it; a
// host that opens the *sql.DB itself may call it or set its own values.
func ConfigurePool(db *sql.DB) {
	db.SetMaxOpenConns(PoolSize)
	db.SetMaxIdleConns(PoolSize)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
}

// Open opens (creating if needed) the SQLite database file at path with
// DSNParams and the pool of ConfigurePool. The host owns the returned
// *sql.DB and closes it.
func Open(path string) (*sql.DB, error) {
	if strings.ContainsAny(path, "?#") || path == "" || strings.HasPrefix(path, ":memory:") {
		return nil, fmt.Errorf("sqlite: Open wants a file path without '?' or '#', got %q", path)
	}
	db, err := sql.Open("sqlite", path+"?"+DSNParams)
	if err != nil {
		return nil, err
	}
	// One connection first: it creates the file and switches it to WAL.
	// Connections that open together on a new file would race to switch
	// it, and the loser gets SQLITE_BUSY without waiting.
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	ConfigurePool(db)
	return db, nil
}

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the embedded migration files, for hosts that run
// their own migration tool.
func Migrations() fs.FS { return sqlstore.Embedded(migrations) }

// Dialect is the SQLite dialect of sqlstore.
var Dialect = &sqlstore.Dialect{
	Name:       "sqlite",
	Returning:  true,
	BinaryUUID: true,
	Time:       sqlstore.TimeText,
	Upsert:     upsert,
	// instr is an exact, case-sensitive substring test over the lower-cased
	// columns: no pattern characters at all, and it counts embedded NULs,
	// where LIKE stops at the first one.
	Contains:    func(col string) string { return "instr(" + col + ", ?) > 0" },
	ContainsArg: func(s string) string { return s },
	SearchIndex: searchIndex,
	Optimize:    "PRAGMA optimize",
	Classify:    classify,
	Migrations:  Migrations(),
	Lock:        lock,
}

// upsert is SQLite's INSERT ... ON CONFLICT (3.24+).
func upsert(keyCols, updateCols []string) string {
	set := make([]string, len(updateCols))
	for i, c := range updateCols {
		set[i] = c + " = excluded." + c
	}
	return "ON CONFLICT (" + strings.Join(keyCols, ", ") + ") DO UPDATE SET " + strings.Join(set, ", ")
}

// classify is the one place SQLite error codes are read. The driver turns
// on extended result codes, so constraint kinds are told apart by code.
func classify(err error) sqlstore.Class {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return sqlstore.Class{}
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE:
		return sqlstore.Class{Kind: sqlstore.Unique, Columns: uniqueColumns(se.Error())}
	case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return sqlstore.Class{Kind: sqlstore.Unique, Primary: true, Columns: uniqueColumns(se.Error())}
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return sqlstore.Class{Kind: sqlstore.ForeignKey}
	case sqlite3.SQLITE_BUSY_SNAPSHOT:
		return sqlstore.Class{Kind: sqlstore.Retry}
	case sqlite3.SQLITE_TOOBIG:
		return sqlstore.Class{Kind: sqlstore.BadInput}
	}
	return sqlstore.Class{}
}

// uniqueColumns reads "t.a, t.b" out of
// "... UNIQUE constraint failed: t.a, t.b (2067)".
func uniqueColumns(msg string) []string {
	const marker = "constraint failed: "
	i := strings.LastIndex(msg, marker)
	if i < 0 {
		return nil
	}
	cols := msg[i+len(marker):]
	if j := strings.LastIndex(cols, " ("); j >= 0 {
		cols = cols[:j]
	}
	return strings.Split(cols, ", ")
}

// lock takes SQLite's write lock for the whole migration with BEGIN
// IMMEDIATE; a second Migrate waits (busy timeout, then this loop) and
// then finds the versions recorded. Migrate first checks that the
// connection enforces foreign keys, which the cascades rely on.
func lock(ctx context.Context, conn *sql.Conn) (func(failed bool) error, error) {
	var fk int
	if err := conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return nil, err
	}
	if fk != 1 {
		return nil, errors.New("sqlite: foreign keys are off; open the database with sqlite.Open or add _pragma=foreign_keys(1) to the DSN")
	}
	deadline := time.Now().Add(time.Minute)
	for {
		_, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE")
		if err == nil {
			break
		}
		var se *sqlite.Error
		if !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return func(failed bool) error {
		if failed {
			_, err := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
			return err
		}
		_, err := conn.ExecContext(context.WithoutCancel(ctx), "COMMIT")
		return err
	}, nil
}

// maxIndexed is how many matches searchIndex hands on as a list. A term
// with more matches than that is common enough that walking users in id
// order fills a page within a few thousand rows, while the list (and the
// sort it needs) would grow with the matches.
const maxIndexed = 2000

// searchIndex narrows a user search with the FTS5 trigram table users_fts
// (migration 0002). The term goes in as an FTS5 string, in double quotes
// with inner quotes doubled, so its text is one phrase and never query
// syntax. It asks the index for at most maxIndexed+1 rows: when there are
// no more than maxIndexed, the search reads just those rows (their nums go
// in as one JSON array parameter, so FTS5 is not asked twice); when there
// are more, it leaves the term to the instr() scan in id order. The index
// cannot serve terms shorter than three characters (no trigram), nor text
// with NUL or invalid UTF-8 (FTS5 reads its query as C text), so those
// keep the scan too. A term shaped like an email address goes to the
// email tail index instead (tailCond), which finds the same candidates
// more cheaply.
func searchIndex(ctx context.Context, q sqlstore.Querier, term string) (string, []any, error) {
	if utf8.RuneCountInString(term) < 3 || !utf8.ValidString(term) || strings.IndexByte(term, 0) >= 0 {
		return "", nil, nil
	}
	if cond, args, ok := tailCond(term); ok {
		return cond, args, nil
	}
	nums, err := ftsMatch(ctx, q, distinctive(term))
	if err != nil {
		return "", nil, err
	}
	if len(nums) > maxIndexed {
		// The distinctive trigrams were not rare enough: the whole
		// phrase narrows further.
		if nums, err = ftsMatch(ctx, q, ftsString(term)); err != nil {
			return "", nil, err
		}
	}
	if len(nums) > maxIndexed {
		return "", nil, nil
	}
	list, err := json.Marshal(nums)
	if err != nil {
		return "", nil, err
	}
	return "u.num IN (SELECT value FROM json_each(?))", []any{string(list)}, nil
}

// tailBytes is how many bytes before an address's '@' the key of
// users_email_tail_idx keeps (migration 0045); emailTail is that key and
// atOutside the condition of users_search_at_idx, written as in the
// migration so that SQLite matches them to the indexes.
const (
	tailBytes = 6
	emailTail = "substr(CAST(email_norm AS BLOB), max(instr(CAST(email_norm AS BLOB), x'40') - 6, 1))"
	atOutside = "instr(first_name_norm, '@') > 0 OR instr(last_name_norm, '@') > 0 OR " +
		"instr(substr(CAST(email_norm AS BLOB), instr(CAST(email_norm AS BLOB), x'40') + 1), x'40') > 0"
)

// tailCond narrows a term with an '@' and at least tailBytes bytes
// before it (a whole email address, typically) with the email tail
// index, which FTS5 could only do by reading the posting lists of the
// term's trigrams (most of the cost of such a search). An address with
// one '@' that holds the term has the term's '@' as its own, so its last
// tailBytes bytes before the '@' and what follows start with the term's:
// a range of the index. The users whose name holds an '@' or whose
// address holds two are added from their partial index. The candidates
// are the addresses that share the end of the local part and the domain,
// a handful, so they are listed by a subquery of the page's own query
// rather than read first (one statement fewer). ok is false when the term
// has no such shape.
func tailCond(term string) (cond string, args []any, ok bool) {
	at := strings.IndexByte(term, '@')
	if at < tailBytes {
		return "", nil, false
	}
	from := []byte(term[at-tailBytes:])
	to, ok := bytesEnd(from)
	if !ok {
		return "", nil, false
	}
	return "u.num IN (" + tailQuery + ")", []any{from, to}, true
}

// tailQuery lists the users whose email tail key is in [?, ?), then those
// of users_search_at_idx. INDEXED BY holds the plan to the two indexes
// (without statistics SQLite would rather scan a covering index than
// trust the partial one to be small), and makes the query fail rather
// than scan should they not match the migration.
const tailQuery = "SELECT num FROM users INDEXED BY users_email_tail_idx WHERE " + emailTail + " >= ? AND " + emailTail + " < ? " +
	"UNION ALL SELECT num FROM users INDEXED BY users_search_at_idx WHERE " + atOutside

// bytesEnd returns the least byte string greater than every string that
// starts with b (b with its last byte below 0xff incremented and what
// follows dropped); ok is false when b is all 0xff, which no valid UTF-8
// holds.
func bytesEnd(b []byte) (end []byte, ok bool) {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			end = append(append([]byte(nil), b[:i]...), b[i]+1)
			return end, true
		}
	}
	return nil, false
}

// ftsMatch returns the rowids of at most maxIndexed+1 rows that match the
// FTS5 query.
func ftsMatch(ctx context.Context, q sqlstore.Querier, query string) ([]int64, error) {
	rows, err := q.QueryContext(ctx, "SELECT rowid FROM users_fts WHERE users_fts MATCH ? LIMIT ?", query, maxIndexed+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	nums := make([]int64, 0, 64)
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		nums = append(nums, n)
	}
	return nums, rows.Err()
}

// maxTrigrams is how many of a term's trigrams distinctive keeps.
const maxTrigrams = 3

// distinctive returns an FTS5 query for the rows that hold a few of the
// term's most distinctive trigrams ("t1" AND "t2" AND "t3"), or the whole
// term as one phrase when it has no more trigrams than that. Every row
// holding the term in one of its columns holds each of its trigrams, so
// the query finds every match (and some rows that are not; the store's
// exact substring test drops those). A phrase query must read the
// posting list of every trigram of the term, and an email address's
// domain ("exa", "mpl", ".co", "com") is in nearly every row: reading
// those made a whole-email search cost as much as the table. FTS5 keeps
// no per-term statistics that are cheap to read, so the choice is by the
// characters: digits are the rarest in names and addresses, then letters,
// then punctuation ('.', '@', '-', '_'), which every address has; a
// trigram in an address's domain (after the '@') is common by nature.
func distinctive(term string) string {
	rs := []rune(term)
	if len(rs)-2 <= maxTrigrams {
		return ftsString(term)
	}
	at := len(rs)
	for i, r := range rs {
		if r == '@' {
			at = i
			break
		}
	}
	type tri struct {
		s     string
		score int
		pos   int
	}
	seen := map[string]bool{}
	var tris []tri
	for i := 0; i+3 <= len(rs); i++ {
		s := string(rs[i : i+3])
		if seen[s] {
			continue
		}
		seen[s] = true
		score := 0
		for _, r := range rs[i : i+3] {
			switch {
			case r >= '0' && r <= '9':
				score += 4
			case r > 0x7f:
				score += 3 // outside ASCII: rare in most data
			case r >= 'a' && r <= 'z':
				score += 2
			}
		}
		if i+2 >= at { // touches the domain, or the '@' itself
			score -= 4
		}
		tris = append(tris, tri{s, score, i})
	}
	// Highest score first; among equals, the ones furthest apart (by
	// position, alternating from the ends) so that the picks overlap
	// least.
	sort.SliceStable(tris, func(a, b int) bool { return tris[a].score > tris[b].score })
	var parts []string
	used := []int{}
	for _, t := range tris {
		if len(parts) == maxTrigrams {
			break
		}
		overlaps := false
		for _, p := range used {
			if t.pos > p-3 && t.pos < p+3 {
				overlaps = true
			}
		}
		if overlaps {
			continue
		}
		used = append(used, t.pos)
		parts = append(parts, ftsString(t.s))
	}
	if len(parts) == 0 {
		return ftsString(term)
	}
	return strings.Join(parts, " AND ")
}

// ftsString quotes s as an FTS5 string: plain text, whatever it holds.
func ftsString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
