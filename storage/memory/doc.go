// Package memory is the in-memory storage adapter of userkit: a
// storage.Store that keeps everything in maps, for tests, examples and
// hosts that need no persistence.
//
// It is safe for concurrent use and copies records on the way in and out,
// so no caller can change stored state through a slice or pointer it holds.
// Writers are serialised by one lock; InTx holds that lock for the whole
// transaction and undoes its changes when fn fails. Reads take a shared
// lock, so they wait while a transaction runs.
//
//	store := memory.New()
//	err := store.CreateUser(ctx, &storage.UserRecord{ID: id, Email: "mona@example.com", ...})
//	u, err := store.GetUserByEmail(ctx, "mona@example.com")
//
// It passes storagetest.Run like every other adapter.
package memory
