package mysql_test

import (
	"context"
	"errors"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
	"github.com/userkit/userkit/storage/storagetest"
)

func TestConformance(t *testing.T) {
	sqltest.DSN(t, sqltest.MySQLEnv) // skip (or fail) once, not in every subtest
	storagetest.Run(t, sqltest.MySQL)
}

// TestInTxRetriesDeadlock: when fn fails with a deadlock (1213), InTx
// rolls back and runs fn again.
func TestInTxRetriesDeadlock(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	ctx := context.Background()
	s := sqltest.MySQL(t)
	var ids []uuid.UUID
	err := s.InTx(ctx, func(tx storage.Store) error {
		u := storage.UserRecord{ID: uuid.Must(uuid.NewV7()), Status: "active", Version: 1,
			EmailNorm: uuid.NewString(), LoginName: uuid.NewString()}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		ids = append(ids, u.ID)
		if len(ids) == 1 {
			return &gomysql.MySQLError{Number: 1213, Message: "simulated deadlock"}
		}
		return nil
	})
	is.NoErr(err)         // the second attempt commits
	is.Equal(len(ids), 2) // fn ran twice
	_, err = s.GetUser(ctx, ids[0])
	is.True(errors.Is(err, userkit.ErrNotFound)) // the failed attempt is rolled back
	_, err = s.GetUser(ctx, ids[1])
	is.NoErr(err) // the retry is kept
}
