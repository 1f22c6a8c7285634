package txn_test

import (
	"context"
	"errors"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/txn"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
)

func TestUpdateRetriesOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	store := memory.New()
	stale := userkit.Errorf(userkit.PreconditionFailed, "stale")

	runs := 0
	err := txn.Update(context.Background(), store, true, nil, func(storage.Store) error {
		runs++
		if runs < 3 {
			return stale // lost the race twice
		}
		return nil
	})
	is.NoErr(err)     // the third run lands
	is.Equal(runs, 3) // after two retries

	runs = 0
	err = txn.Update(context.Background(), store, false, nil, func(storage.Store) error { runs++; return stale })
	is.True(errors.Is(err, userkit.ErrPreconditionFailed)) // a named version that is stale is the caller's answer
	is.Equal(runs, 1)                                      // with no retry

	runs = 0
	err = txn.Update(context.Background(), store, true, nil, func(storage.Store) error { runs++; return stale })
	is.True(errors.Is(err, userkit.ErrPreconditionFailed)) // gives up eventually
	is.Equal(runs, txn.MaxAttempts)                        // after MaxAttempts runs

	runs = 0
	err = txn.Update(context.Background(), store, true, nil, func(storage.Store) error { runs++; return userkit.ErrNotFound })
	is.True(errors.Is(err, userkit.ErrNotFound)) // other errors end it at once
	is.Equal(runs, 1)
}
