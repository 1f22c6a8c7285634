// Package sqlite is the SQLite storage adapter of userkit, on the pure-Go
// driver modernc.org/sqlite (no cgo): the embedded default for a single
// binary with nothing to set up.
//
//	db, err := sqlite.Open("/var/lib/app/userkit.db")
//	if err != nil { ... }
//	defer db.Close()
//	store := sqlite.New(db)
//	if err := store.Migrate(ctx); err != nil { ... }
//	users := users.New(store, authz, nil)
//
// Open sets, for every pooled connection, WAL journaling, foreign keys,
// a 5 s busy timeout, synchronous=FULL (a committed transaction survives a
// crash or power loss) and BEGIN IMMEDIATE transactions (DSNParams). A host
// that opens the database itself must set the same; Migrate refuses a
// connection without foreign keys.
//
// Schema: STRICT tables; UUIDs as 16-byte BLOBs, times as fixed-width UTC
// text, text in SQLite's BINARY (byte) collation. Users, partners and teams
// are keyed by their Num (AUTOINCREMENT, never reused) with a unique index
// on the UUID, which keyset paging walks.
//
// Search: a case-insensitive substring test with instr() over lower-cased
// columns. It is exact (no pattern characters, and embedded NULs count)
// but it reads every user row that the other filters leave: fine for tens
// of thousands of users, tens of milliseconds or more beyond. SQLite's
// FTS5 trigram tokenizer could index it; this adapter does not use it yet.
//
// Locking: SQLite has one writer at a time. Transactions take the write
// lock when they begin, and concurrent writers wait up to the busy timeout.
// Migrate runs inside one BEGIN IMMEDIATE transaction, so a second process
// migrating at the same time waits and then finds the work done.
package sqlite
