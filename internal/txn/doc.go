// Package txn holds the services' transaction helpers.
//
// Update is the one mechanism for read-modify-write updates of a record:
// it locks the record's row (storage.Store.Lock) before fn reads it, so
// concurrent writers of one record queue instead of racing, and an
// update that names no version always lands on top of whatever is
// current; nothing is retried. A version the caller names is still
// compared inside fn, and a stale one is PreconditionFailed.
//
//	err := txn.Update(ctx, store, storage.KindPortal, id.String(), func(tx storage.Store) error {
//		rec, err := tx.GetPortal(ctx, id)
//		…
//		return tx.UpdatePortal(ctx, rec, prev)
//	})
//
// Retry is for the other lost races, those a fresh run resolves: a login
// name taken by a concurrent insert, a user deleted or created while being
// attached. Besides it, the only retry is the SQL stores' own: InTx runs a
// transaction again when the database reports a serialization failure or
// deadlock (sqlstore.Store.InTx).
package txn
