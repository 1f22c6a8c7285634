// Package sqlstore is the storage.Store that the SQL adapters share: every
// query is written once here over database/sql, and a Dialect value carries
// what differs between SQLite, PostgreSQL and MySQL. Hosts use the adapter
// packages (storage/sqlite, storage/postgres, storage/mysql), which build
// the dialect and embed the migrations; this package is what they wrap.
//
//	db, err := sqlite.Open("userkit.db")      // or postgres.Open, mysql.Open; the host owns db
//	store := sqlite.New(db)                   // a *sqlstore.Store
//	if err := store.Migrate(ctx); err != nil { ... }
//
// What it does the same way everywhere:
//
//   - Every value is a bind parameter; query text is built only from
//     constants of this package. Queries use "?" and are rebound to "$n"
//     for PostgreSQL.
//   - Driver errors become userkit errors in one place per driver
//     (Dialect.Classify, mapped in wrap): unique violations are Conflict
//     with the Go field that clashed, foreign-key violations NotFound,
//     values the database cannot hold Invalid, the rest Internal.
//   - Updates are compare-and-set on version; a miss is told apart as
//     NotFound or PreconditionFailed with one more lookup.
//   - Lists page by keyset on the primary key (or offset for numbered
//     pages), fetch Limit+1 rows to know whether more follow, and count
//     only when PageRequest.Total is set.
//   - Search is a case-insensitive substring test over stored lower-cased
//     columns (first_name_norm, last_name_norm, email_norm), never a
//     collation, with '%', '_' and '\' taken literally.
//   - InTx runs fn in one database transaction; InTx on a transaction's
//     store joins it. Serialization failures and deadlocks (as the dialect
//     classifies them) run the whole transaction again, at most 5 times in
//     all.
//   - Migrate applies the dialect's embedded, numbered migration files one
//     statement at a time (no multi-statement execution), records them in
//     schema_migrations, and holds a lock while it does, so concurrent
//     calls are safe and repeated calls are no-ops.
//
// What each dialect does for search and locking:
//
//	            search at scale                            Migrate lock            InTx retries
//	postgres    pg_trgm GIN index per column when the       pg_advisory_lock        40001, 40P01
//	            extension can be created (else a scan);     (per schema)
//	            filtered user lists are planned per query
//	            (pgx exec mode), so the planner sees the
//	            term and uses the indexes
//	sqlite      FTS5 trigram table users_fts (migration     BEGIN IMMEDIATE         (single writer)
//	            0002, kept by triggers) lists the matches
//	            of a term of 3+ characters when there are
//	            at most 2,000; shorter terms and more
//	            common ones use the instr() scan in id order
//	mysql       LIKE '%x%' on VARBINARY: a full scan         GET_LOCK (per database) 1213 deadlock
//
// Partner and portal filters are "u.id IN (SELECT user_id ...)", which
// every planner can drive from the membership index. Totals cost in
// proportion to the matches (PostgreSQL rechecks each match's row), so a
// term that matches a large share of users is slow to count; see
// BENCHMARKS.md. A partner's users without a search term take their total
// from partners.member_count instead, which the store moves by increments
// in the transaction of every membership it writes; a bulk load that
// writes partner_members around the store calls RecountMembers after it.
//
// Package sqltest holds the helpers the adapters' tests use to get a fresh
// database per test.
package sqlstore
