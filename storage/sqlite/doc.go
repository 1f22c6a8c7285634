// Package sqlite is the SQLite storage adapter of userkit, on the pure-Go
// driver modernc.org/sqlite (no cgo): the embedded default for a single
// binary with nothing to set up.
//
//	db, err := sqlite.Open("/var/lib/app/userkit.db")
//	if err != nil { ... }
//	defer db.Close()
//	store := sqlite.New(db)
//	if err := store.Migrate(ctx); err != nil { ... }
//	k := kit.New(store, nil) // every service over the database
//
// Open sets, for every pooled connection, WAL journaling, foreign keys,
// a 5 s busy timeout, synchronous=FULL (a committed transaction survives a
// crash or power loss) and BEGIN IMMEDIATE transactions (DSNParams). A host
// that opens the database itself must set the same; Migrate refuses a
// connection without foreign keys.
//
// Pool: Open keeps 16 connections and never closes an idle one
// (ConfigurePool). A new SQLite connection re-reads the schema and the
// planner statistics, which costs more than most queries; with database/sql's
// default of 2 idle connections, a server under 8 concurrent requests spends
// nearly half its CPU reopening them. A host that opens the *sql.DB itself
// keeps its own settings and should call ConfigurePool or do the same.
// Statements are prepared once per connection and reused.
//
// Planner statistics: SQLite plans from the statistics ANALYZE stores, and
// without them a list or an email lookup may pick a poor index. The store
// keeps them fresh itself: every connection runs "PRAGMA optimize(0x10002)"
// under analysis_limit(400) when it opens (DSNParams), and Migrate and
// CreateUsers run "PRAGMA optimize" after changing the data. Each is a
// bounded ANALYZE of only the tables whose size changed a lot, and a no-op
// otherwise.
//
// Schema: STRICT tables; UUIDs as 16-byte BLOBs, times as fixed-width UTC
// text, text in SQLite's BINARY (byte) collation. Users, partners and teams
// are keyed by their Num (AUTOINCREMENT, never reused) with a unique index
// on the UUID, which keyset paging walks.
//
// Search: a case-insensitive substring test with instr() over lower-cased
// columns, exact (no pattern characters, and embedded NULs count). A term
// of three or more characters first asks the FTS5 trigram table users_fts
// (migration 0002; triggers keep it in step with users) for its matching
// rows: up to 2,000 of them are read directly, so a rare last name at a
// million users costs a few milliseconds; a more common term is left to the
// instr() scan in id order, which fills a page within a few thousand rows.
// The term reaches FTS5 as a quoted string, so its syntax is plain text.
// Shorter terms scan. Counting the matches of a very common term still
// reads every user (about 0.3 s at a million); see BENCHMARKS.md.
//
// Locking: SQLite has one writer at a time. Transactions take the write
// lock when they begin, and concurrent writers wait up to the busy timeout.
// Migrate runs inside one BEGIN IMMEDIATE transaction, so a second process
// migrating at the same time waits and then finds the work done.
package sqlite
