// Package storage is the storage contract of userkit: the storer interfaces
// every adapter implements (storage.go) and the persistence records they keep
// (records.go). Domain packages (users, partners, portals, permissions)
// depend on this package only; adapters live in the sub-packages memory,
// sqlite, postgres and mysql, and all of them pass storagetest.Run.
//
// A host picks an adapter and hands it to the services (package kit builds
// all four over it):
//
//	store := memory.New() // or sqlite.New(db), postgres.New(db), mysql.New(db)
//	k := kit.New(store, nil) // k.Users, k.Partners, k.Portals, k.Permissions
//
// Hosts rarely call a Store directly: the services add validation,
// permission checks and audit events around it.
//
// # Errors
//
// Every adapter returns the same kinds, checked by the conformance suite:
//   - a missing record is a *userkit.Error of kind NotFound;
//   - a duplicate unique key is kind Conflict, with Fields naming the Go
//     field of the record that clashed ("EmailNorm", "LoginName",
//     "TechnicalName", "Name", "ID", "Hash");
//   - an Update whose expected version is not the stored one is kind
//     PreconditionFailed and changes nothing;
//   - a reference to a missing parent (a member of a missing partner, a
//     role of a missing portal, ...) is kind NotFound;
//   - anything else is kind Internal wrapping the driver's error.
//
// # Writes
//
// Create methods take the record with every field set by the caller except
// store-assigned ones (Num), which they fill in. A partner's MemberCount is
// the store's too: it keeps it with every membership it adds or removes
// (a member's deletion included), in the same transaction, and Create and
// Update ignore it. Update methods write the
// whole record when its stored Version equals expectVersion, and store
// Version = expectVersion+1 (the caller sets rec.Version to that value).
// Deleting a parent deletes what hangs off it (memberships, teams, roles,
// attributes, grants, keys, resource roles).
//
// # Records
//
// Records are what a store keeps, including secrets in hashed form
// (password hashes, key hashes) that domain types never carry. Every time
// is UTC with microsecond precision; an optional time is a nil pointer. An
// empty string means "not set" for optional text.
//
// # Lists and paging
//
// Lists never return nil slices. Keyset paging (PageRequest.After) orders
// by ID (UUIDv7, so by creation) and After is the String() of the last ID
// seen; Next is set when more items may follow. Numbered paging (Page > 0)
// uses the same order with an offset. Total is counted only when
// PageRequest.Total is set, else it is -1.
package storage
