// Package postgres is the PostgreSQL storage adapter of userkit, on
// github.com/jackc/pgx/v5/stdlib (driver "pgx"). It also suits
// PostgreSQL-compatible engines: retries of serialization failures are
// built in.
//
//	db, err := postgres.Open("postgres://app@db:5432/app?sslmode=require&search_path=userkit")
//	if err != nil { ... }
//	defer db.Close()
//	store := postgres.New(db)
//	if err := store.Migrate(ctx); err != nil { ... }
//
// Pool: Open keeps up to 16 connections, all idle between requests (each
// new connection is a new server backend), closes them after 5 minutes
// unused and renews them after an hour (ConfigurePool, which a host with
// its own *sql.DB may call; the host's pool is otherwise left as it is).
// Statements are prepared once per connection and reused.
//
// Schema: native uuid and timestamptz; every text column is COLLATE "C",
// so equality is exact and order is byte order whatever the database's
// default collation; users.num, partners.num and teams.num are identity
// columns (unique and increasing; a rolled-back insert leaves a gap).
// Keep userkit in its own schema with search_path; Migrate's advisory lock
// is per schema.
//
// Search: Migrate tries CREATE EXTENSION IF NOT EXISTS pg_trgm (a trusted
// extension since PostgreSQL 13, so the database owner may) and, when the
// extension is there, creates a GIN gin_trgm_ops index on each of
// first_name_norm, last_name_norm and email_norm. A search is then a
// BitmapOr of three index scans. Without the extension, search still
// works, by a sequential scan; installing pg_trgm and running Migrate again
// adds the indexes. Searches shorter than three characters cannot use
// trigrams and scan. Filtered user lists (search, status, partner, portal)
// run in pgx's exec mode, an unnamed statement planned for its arguments:
// a cached generic plan cannot see that "LIKE $1 ESCAPE '!'" fits the
// trigram indexes, nor how rare the term is, and would walk the primary
// key instead (15 ms for a rare last name at a million users, a full scan
// for a term nobody has).
//
// Locking and retries: Migrate holds pg_advisory_lock for the current
// schema and runs each migration file in its own transaction. InTx runs at
// the server's default isolation and retries the whole transaction on
// serialization_failure (40001) and deadlock_detected (40P01).
//
// Text limits: PostgreSQL text cannot hold U+0000 or invalid UTF-8.
// Storing such text is an Invalid error; looking it up or searching for it
// finds nothing.
package postgres
