package txn

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// MaxAttempts bounds how often Update and Retry run a transaction.
const MaxAttempts = 20

// Update runs fn, a read-modify-write of one record, in one transaction of
// store. When retry is set (the caller named no version it expects) a
// concurrent writer must never make the update fail:
//
//   - with lock set (a record the stores can lock: users, via
//     storage.UserStore.LockUser), lock runs first in the transaction and
//     holds the row until it ends, so concurrent writers queue and fn
//     always reads the current record; nothing is retried;
//   - without lock, a lost compare-and-set (PreconditionFailed) runs fn
//     again on fresh data, at most MaxAttempts times in all.
//
// When retry is not set a PreconditionFailed is the caller's answer: the
// version it named is stale.
func Update(ctx context.Context, store storage.Store, retry bool, lock func(tx storage.Store) error, fn func(tx storage.Store) error) error {
	if retry && lock != nil {
		return store.InTx(ctx, func(tx storage.Store) error {
			if err := lock(tx); err != nil {
				return err
			}
			return fn(tx)
		})
	}
	return Retry(ctx, store, func(err error) bool {
		return retry && errors.Is(err, userkit.ErrPreconditionFailed)
	}, fn)
}

// LockUser is the lock of Update for a user record.
func LockUser(ctx context.Context, id uuid.UUID) func(tx storage.Store) error {
	return func(tx storage.Store) error { return tx.LockUser(ctx, id) }
}

// Retry runs fn in one transaction of store, and again (at most
// MaxAttempts times in all) while again reports that its error is a lost
// race that a fresh run resolves: a generated login name taken by a
// concurrent insert, a user deleted or created while being attached. It is
// the services' one retry loop; compare-and-set races of unversioned
// updates go through Update.
func Retry(ctx context.Context, store storage.Store, again func(error) bool, fn func(tx storage.Store) error) error {
	for attempt := 1; ; attempt++ {
		err := store.InTx(ctx, fn)
		if err != nil && attempt < MaxAttempts && again(err) && ctx.Err() == nil {
			continue
		}
		return err
	}
}
