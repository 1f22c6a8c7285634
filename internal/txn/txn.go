package txn

import (
	"context"
	"errors"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// MaxAttempts bounds how often Update runs a transaction.
const MaxAttempts = 20

// Update runs fn in one transaction of store. When retry is set (the caller
// gave no expected version) and the transaction fails with
// PreconditionFailed, which a store's compare-and-set reports when another
// writer got in first, fn runs again on fresh data, at most MaxAttempts
// times in all. When retry is not set, a PreconditionFailed is the caller's
// answer: the version it named is stale.
func Update(ctx context.Context, store storage.Store, retry bool, fn func(tx storage.Store) error) error {
	for attempt := 1; ; attempt++ {
		err := store.InTx(ctx, fn)
		if retry && errors.Is(err, userkit.ErrPreconditionFailed) && attempt < MaxAttempts {
			continue
		}
		return err
	}
}
