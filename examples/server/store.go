package main

import (
	"context"

	"github.com/userkit/userkit/internal/dbopen"
	"github.com/userkit/userkit/storage"
)

// openStore opens the store named by dsn, checks the database answers and
// applies migrations (see internal/dbopen, shared with cmd/userkit). The
// returned func closes the database.
func openStore(ctx context.Context, dsn string) (storage.Store, func(), error) {
	return dbopen.Open(ctx, dsn)
}

func mysqlDSN(dsn string) (string, error) { return dbopen.MySQLDSN(dsn) }

func redactDSN(dsn string) string { return dbopen.Redact(dsn) }
