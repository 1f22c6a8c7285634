// Package txn holds the services' transaction helper for compare-and-set
// updates: an update the caller made without naming the version it read
// should land on top of whatever is current, so a lost compare-and-set race
// runs the transaction again instead of failing.
//
//	err := txn.Update(ctx, store, p.Version == nil, nil, func(tx storage.Store) error {
//		rec, err := tx.GetPortal(ctx, id)
//		…
//		return tx.UpdatePortal(ctx, rec, prev)
//	})
package txn
