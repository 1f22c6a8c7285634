// Package storage is the storage contract of userkit: the storer interfaces
// every adapter implements (storage.go) and the persistence records they keep
// (records.go). Domain packages (users, partners, portals, permissions)
// depend on this package only; adapters live in the sub-packages memory,
// sqlite, postgres and mysql, and all of them pass storagetest.Run.
//
// A host picks an adapter and hands it to the services:
//
//	store := memory.New()                  // or sqlite.New(db), postgres.New(db), ...
//	authz := permissions.New(store, nil)
//	us := users.New(store, authz, nil)
package storage
