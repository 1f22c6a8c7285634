package main

// LIBRARY CALLS (stores). Everything this harness asks of userkit's
// storage packages is here, so that the lead can adapt it after merging
// (pool settings, prepared statements, a bulk-insert capability).

import (
	"context"
	"database/sql"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/storage/postgres"
	"github.com/userkit/userkit/storage/sqlite"
	"github.com/userkit/userkit/storage/sqlstore"
)

// openSQLiteStore opens a SQLite file the way a host would (the adapter's
// Open, today's default pool) and applies the migrations.
func openSQLiteStore(ctx context.Context, path string) (*sql.DB, storage.Store, error) {
	db, err := sqlite.Open(path)
	if err != nil {
		return nil, nil, err
	}
	s := sqlite.New(db)
	if err := s.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, s, nil
}

// openPostgresStore opens a PostgreSQL database with the adapter's Open
// and applies the migrations.
func openPostgresStore(ctx context.Context, dsn string) (*sql.DB, storage.Store, error) {
	db, err := postgres.Open(dsn)
	if err != nil {
		return nil, nil, err
	}
	s := postgres.New(db)
	if err := s.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, s, nil
}

// migrate runs the store's migrations again (after a bulk load, the
// PostgreSQL adapter rebuilds the trigram indexes the loader dropped).
func migrate(ctx context.Context, s storage.Store) error {
	return s.(*sqlstore.Store).Migrate(ctx)
}

// recountMembers sets the partners' member counts after a bulk load:
// the store keeps them with every membership it writes, and the loaders
// write partner_members around it (multi-row INSERTs, COPY), as a host's
// own bulk load would.
func recountMembers(ctx context.Context, s storage.Store) error {
	return s.(*sqlstore.Store).RecountMembers(ctx)
}

func newMemoryStore() storage.Store { return memory.New() }

// sqliteValue converts a loader value to what the SQLite adapter stores:
// UUIDs as 16-byte blobs, times as the adapter's text layout.
func sqliteValue(v any) any {
	switch v := v.(type) {
	case uuid.UUID:
		return v[:]
	case time.Time:
		return sqlstore.TimeText(v)
	}
	return v
}

// The tables the loader fills, with the columns of today's schema
// (storage/*/migrations). A column added later with a default needs no
// change here; a NOT NULL column without one does.
type table struct {
	name string
	cols []string
	rows int
	row  func(i int) []any
}

var userCols = []string{"id", "num", "email", "email_norm", "first_name", "first_name_norm", "last_name", "last_name_norm",
	"login_name", "status", "role", "provider", "locale", "timezone", "city", "country", "department",
	"phone_land", "phone_mobile", "date_of_birth", "must_reset_password", "password_hash", "failed_logins",
	"last_login_at", "token_version", "api_token_created_at", "created_at", "updated_at", "version"}

func userRow(i int, num int64, id uuid.UUID, mail, login string, t time.Time) []any {
	first, last := firstName(i), lastName(i)
	return []any{id, num, mail, lower(mail), first, lower(first), last, lower(last),
		login, status(i), "user", "password", "en", "UTC", "", "", "",
		"", "", nil, false, passwordHash, int64(0),
		nil, int64(0), nil, t, t, int64(1)}
}

func tables(n int) []table {
	at := base.Add(-time.Hour)
	return []table{
		{"partners", []string{"id", "num", "name", "created_at", "updated_at", "version"}, dataPartners,
			func(j int) []any {
				return []any{partnerID(j), int64(j + 1), "Partner " + itoa(j), at, at, int64(1)}
			}},
		{"portals", []string{"id", "partner_id", "name", "technical_name", "default_locale", "created_at", "updated_at", "version"}, dataPortals,
			func(j int) []any {
				return []any{portalID(j), partnerID(j % dataPartners), "Portal " + itoa(j), "portal" + itoa(j), "en", at, at, int64(1)}
			}},
		{"users", userCols, n, func(i int) []any {
			return userRow(i, int64(i+1), userID(i), email(i), loginName(i), created(i))
		}},
		{"partner_members", []string{"partner_id", "user_id", "created_at"}, n,
			func(i int) []any { return []any{partnerID(i % dataPartners), userID(i), created(i)} }},
		{"portal_members", []string{"id", "portal_id", "user_id", "locale", "last_login_at", "created_at", "updated_at", "version"}, n,
			func(i int) []any {
				return []any{portalMemberID(i), portalID(i % dataPortals), userID(i), "en", nil, created(i), created(i), int64(1)}
			}},
	}
}

// bareGetUserSQL is the reference point read: the users row by id, every
// column the store reads (placeholder style per engine).
func bareGetUserSQL(numbered bool) string {
	q := "SELECT " + join(userCols) + " FROM users WHERE id = ?"
	if numbered {
		q = "SELECT " + join(userCols) + " FROM users WHERE id = $1"
	}
	return q
}

// sqliteID is how the SQLite adapter binds a UUID.
func sqliteID(id uuid.UUID) any { return id[:] }
