package sqlstore_test

import (
	"context"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
)

// TestStatisticsFollowSingleCreates: users created one at a time, in
// transactions or not, refresh SQLite's planner statistics every 1,000,
// so that a table that grows through sign-ups on a long-lived pool gets
// them (the connections' own refresh runs only when they open).
func TestStatisticsFollowSingleCreates(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	ctx := context.Background()
	for _, inTx := range []bool{false, true} {
		s := sqltest.SQLiteTarget.Store(t)
		analyzed := func() bool {
			var n int
			is.NoErr(s.DB().QueryRowContext(ctx, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'users'").Scan(&n))
			return n > 0
		}
		recs := benchRecs(0, 1000)
		is.NoErr(s.InTx(ctx, func(tx storage.Store) error {
			for _, r := range recs[:999] {
				if err := tx.CreateUser(ctx, r); err != nil {
					return err
				}
			}
			return nil
		}))
		is.True(!analyzed()) // 999 users: no statistics yet
		if inTx {
			is.NoErr(s.InTx(ctx, func(tx storage.Store) error { return tx.CreateUser(ctx, recs[999]) }))
		} else {
			is.NoErr(s.CreateUser(ctx, recs[999]))
		}
		is.True(analyzed()) // the 1,000th refreshes them, after the commit when in a transaction
	}
}
