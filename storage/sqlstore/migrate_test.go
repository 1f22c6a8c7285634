package sqlstore_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlstore"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
)

// TestMigrateConcurrentAndIdempotent starts several Migrate calls at once
// on one empty database, as processes starting together would: every call
// succeeds, each migration is applied once, and a later call changes
// nothing.
func TestMigrateConcurrentAndIdempotent(t *testing.T) {
	t.Parallel()
	for _, tg := range sqltest.Targets {
		t.Run(tg.Name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			ctx := context.Background()
			db := tg.DB(t)
			const n = 3
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { errs[i] = tg.New(db).Migrate(ctx) })
			}
			wg.Wait()
			for _, err := range errs {
				is.NoErr(err) // every concurrent Migrate succeeds
			}

			migs, err := sqlstore.Migrations(tg.New(db).Dialect().Migrations)
			is.NoErr(err) // read migrations
			countVersions := func() int {
				var c int
				is.NoErr(db.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&c)) // count versions
				return c
			}
			is.Equal(countVersions(), len(migs)) // each migration recorded once

			s := tg.New(db)
			u := storage.UserRecord{ID: uuid.Must(uuid.NewV7()), Email: "a@example.com", EmailNorm: "a@example.com",
				LoginName: "a", Status: "active", Version: 1}
			is.NoErr(s.CreateUser(ctx, &u)) // the migrated schema works

			is.NoErr(s.Migrate(ctx))             // migrating again
			is.Equal(countVersions(), len(migs)) // records nothing new
			got, err := s.GetUser(ctx, u.ID)
			is.NoErr(err)                // and keeps the data
			is.Equal(got.Num, u.Num)     // unchanged
			is.Equal(got.Email, u.Email) // unchanged
		})
	}
}

// TestMigrateInTxRefused checks that Migrate is not run on a transaction's
// store, where it could not take its lock.
func TestMigrateInTxRefused(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := sqltest.SQLiteTarget.Store(t)
	err := s.InTx(context.Background(), func(tx storage.Store) error {
		return tx.(*sqlstore.Store).Migrate(context.Background())
	})
	is.True(err != nil) // Migrate inside InTx fails
}
