// Package mysql is the MySQL and MariaDB storage adapter of userkit, on
// github.com/go-sql-driver/mysql. It is tested on MariaDB 10.11 and written
// for MySQL 8 too.
//
//	db, err := mysql.Open("app:secret@tcp(db:3306)/app")
//	if err != nil { ... }
//	defer db.Close()
//	store := mysql.New(db)
//	if err := store.Migrate(ctx); err != nil { ... }
//
// Open sets parseTime=true, loc=UTC, a strict sql_mode and utf8mb4, and
// never multiStatements: migrations run one statement at a time.
//
// Pool: Open keeps up to 16 connections, all idle between requests, and
// renews each after 4 minutes (1 minute unused), before the server or a
// proxy drops it (ConfigurePool, which a host with its own *sql.DB may
// call; the host's pool is otherwise left as it is). The store prepares
// each statement once per connection and reuses it, so a query is one
// round trip instead of the driver's prepare, execute and close.
//
// Schema: UUIDs are BINARY(16), times DATETIME(6) in UTC. Every column that
// is compared, ordered or unique (email_norm, login_name, technical_name,
// names unique in a portal, resource IDs, status, ...) is VARBINARY, so
// equality is byte equality and order is byte order on both servers: no
// case- or accent-insensitive collation, no PAD SPACE. Display-only text is
// utf8mb4 TEXT. AUTO_INCREMENT assigns Num (unique and increasing; a failed
// insert may leave a gap).
//
// Search: LIKE '%x%' (escape character '!') over the lower-cased VARBINARY
// columns. No MySQL index serves an infix match, and FULLTEXT (words or
// ngrams) does not give substring semantics, so a search reads every user
// row that the other filters leave: fine for tens of thousands of users,
// slow at a million. Keyset paging, lookups and membership filters use
// indexes.
//
// Locking and retries: Migrate holds GET_LOCK for the database. DDL commits
// implicitly in MySQL, so each statement is idempotent (CREATE TABLE IF NOT
// EXISTS with its indexes inline) and an interrupted migration completes on
// the next run. InTx retries the whole transaction on a deadlock (1213).
package mysql
