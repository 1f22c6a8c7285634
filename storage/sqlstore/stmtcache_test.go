package sqlstore_test

import (
	"context"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlstore"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
)

// A transaction holds its connection; with a pool of one, preparing a new
// statement on the pool from inside it would wait for ever. The store runs
// such statements unprepared and prepares them once the transaction ends.
func TestStmtCacheWithPoolOfOne(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	ctx := context.Background()
	s := sqltest.SQLiteTarget.Store(t)
	s.DB().SetMaxOpenConns(1)
	before := sqlstore.CachedStmts(s)
	ids := loadUsers(t, s, 3) // CreateUser only inside InTx
	afterTx := sqlstore.CachedStmts(s)
	is.True(afterTx > before) // the transaction's statements were prepared after it ended

	err := s.InTx(ctx, func(tx storage.Store) error {
		_, err := tx.GetUser(ctx, ids[0]) // not cached yet: runs unprepared
		return err
	})
	is.NoErr(err)
	u, err := s.GetUser(ctx, ids[1]) // cached now, used on the pool
	is.NoErr(err)
	is.Equal(u.ID, ids[1])
	err = s.InTx(ctx, func(tx storage.Store) error {
		_, err := tx.GetUser(ctx, ids[2]) // the cached statement, bound to the transaction
		return err
	})
	is.NoErr(err)
	is.Equal(sqlstore.CachedStmts(s), afterTx+1) // GetUser's one statement, prepared once
}
