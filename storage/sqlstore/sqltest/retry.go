package sqltest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// InTxRetries checks that when fn fails with the driver error retryable
// (a serialization failure or deadlock), s.InTx rolls the attempt back and
// runs fn again, keeping only the second attempt.
func InTxRetries(t *testing.T, s storage.Store, retryable error) {
	t.Helper()
	is := is.New(t)
	ctx := context.Background()
	var ids []uuid.UUID
	err := s.InTx(ctx, func(tx storage.Store) error {
		u := storage.UserRecord{ID: uuid.Must(uuid.NewV7()), Status: "active", Version: 1,
			EmailNorm: uuid.NewString(), LoginName: uuid.NewString()}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		ids = append(ids, u.ID)
		if len(ids) == 1 {
			return retryable
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
