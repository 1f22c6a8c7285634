package txn

import (
	"context"

	"github.com/userkit/userkit/storage"
)

// MaxAttempts bounds how often Retry runs a transaction.
const MaxAttempts = 20

// Update runs fn, a read-modify-write of the record of kind with the ID,
// in one transaction of store, after locking the record's row
// (storage.Store.Lock): a concurrent Update of the same record waits
// until this transaction ends, so fn reads the current record and its
// compare-and-set write cannot lose a race. An update whose caller named
// no version therefore never fails because another writer won, and is
// never retried; fn compares a version the caller named with what it
// reads, and a stale one is PreconditionFailed (the caller's answer). A
// missing locked record is NotFound before fn runs.
//
// The lock is the transaction's first statement, as storage.Store.Lock
// asks. When store is already a transaction (InTx joins it), the caller
// takes the same care: on MySQL a plain read made before the lock fixes
// the snapshot fn would read. A record whose update also writes records
// of other kinds locks one record that every writer of them takes first
// (a team's update locks its partner, as renaming a partner renames its
// default team).
func Update(ctx context.Context, store storage.Store, kind storage.RecordKind, id string, fn func(tx storage.Store) error) error {
	return store.InTx(ctx, func(tx storage.Store) error {
		if err := tx.Lock(ctx, kind, id); err != nil {
			return err
		}
		return fn(tx)
	})
}

// Retry runs fn in one transaction of store, and again (at most
// MaxAttempts times in all) while again reports that its error is a lost
// race that a fresh run resolves: a generated login name taken by a
// concurrent insert, a user deleted or created while being attached.
// Compare-and-set races of updates do not come here: Update locks the
// record instead.
func Retry(ctx context.Context, store storage.Store, again func(error) bool, fn func(tx storage.Store) error) error {
	for attempt := 1; ; attempt++ {
		err := store.InTx(ctx, fn)
		if err != nil && attempt < MaxAttempts && again(err) && ctx.Err() == nil {
			continue
		}
		return err
	}
}
