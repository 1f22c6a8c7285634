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
// Hosts hand it to the services, like any other adapter; it needs no
// Migrate:
//
//	store := memory.New()
//	k := kit.New(store, nil) // k.Users, k.Partners, k.Portals, k.Permissions
//
// It can also be used directly, as the storage contract describes:
//
//	err := store.CreateUser(ctx, &storage.UserRecord{ID: id, Email: "Mona@example.com", EmailNorm: "mona@example.com", ...})
//	u, err := store.GetUserByEmail(ctx, "mona@example.com") // by EmailNorm
//
// It passes storagetest.Run like every other adapter.
package memory
