package storagetest

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

var permissionTests = []test{
	{"Resources", testResources},
	{"ResourceRoles", testResourceRoles},
	{"ServiceAccounts", testServiceAccounts},
	{"Grants", testGrants},
	{"APIKeys", testAPIKeys},
	{"ServiceAccountDeleteCascades", testServiceAccountDeleteCascades},
}

func resourceID(r storage.ResourceRecord) string { return r.ID }

func testResources(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	// Created out of order; listed in string order of ID ("p-10" < "p-2").
	var created []storage.ResourceRecord
	for _, id := range []string{"p-2", "p-10", "p-1", "q-1"} {
		r := newResource(id)
		is.NoErr(s.CreateResource(ctx, &r)) // create
		created = append(created, r)
	}
	got, err := s.GetResource(ctx, "p-10")
	is.NoErr(err)                       // GetResource
	is.Equal(diff(created[1], got), "") // round trip
	dup := newResource("p-2")
	is.Equal(conflictOn(s.CreateResource(ctx, &dup), "ID"), "ok") // same ID
	_, err = s.GetResource(ctx, "P-2")
	is.Equal(match(err, userkit.ErrNotFound), "ok") // IDs are case-sensitive

	p, err := s.ListResources(ctx, userkit.PageRequest{Limit: 2, Total: true})
	is.NoErr(err)                                                  // first page
	is.Equal(listOf(p.Items, resourceID), []string{"p-1", "p-10"}) // string order
	is.Equal(p.Next, "p-10")                                       // After is the last ID
	is.Equal(p.Total, 4)                                           // total
	p, err = s.ListResources(ctx, userkit.PageRequest{Limit: 2, After: p.Next})
	is.NoErr(err)                                                 // second page
	is.Equal(listOf(p.Items, resourceID), []string{"p-2", "q-1"}) // the rest
	is.Equal(p.Next, "")                                          // no more
	p, err = s.ListResources(ctx, userkit.PageRequest{Limit: 3, Page: 2})
	is.NoErr(err)                                          // numbered page 2
	is.Equal(listOf(p.Items, resourceID), []string{"q-1"}) // the last

	upd := created[0]
	upd.Name, upd.Kind = "Renamed", "report"
	upd.UpdatedAt = upd.UpdatedAt.Add(time.Second)
	upd.Version = 2
	is.NoErr(s.UpdateResource(ctx, upd, 1)) // update
	got, err = s.GetResource(ctx, "p-2")
	is.NoErr(err)                                                                       // GetResource
	is.Equal(diff(upd, got), "")                                                        // updated
	is.Equal(match(s.UpdateResource(ctx, upd, 1), userkit.ErrPreconditionFailed), "ok") // stale
	got, err = s.GetResource(ctx, "p-2")
	is.NoErr(err)                // GetResource
	is.Equal(diff(upd, got), "") // stale update changed nothing
	ghost := newResource("ghost")
	is.Equal(match(s.UpdateResource(ctx, ghost, 1), userkit.ErrNotFound), "ok") // update a missing resource

	is.NoErr(s.DeleteResource(ctx, "p-2")) // delete
	_, err = s.GetResource(ctx, "p-2")
	is.Equal(match(err, userkit.ErrNotFound), "ok")                          // deleted
	is.Equal(match(s.DeleteResource(ctx, "p-2"), userkit.ErrNotFound), "ok") // delete twice
}

func testResourceRoles(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	u1, u2 := createUser(t, s, 1), createUser(t, s, 2)
	for _, id := range []string{"p-2", "p-1"} {
		r := newResource(id)
		is.NoErr(s.CreateResource(ctx, &r)) // resource
	}
	t0 := now()
	rr := storage.ResourceRoleRecord{UserID: u2.ID, ResourceID: "p-1", Role: "reader", CreatedAt: t0, UpdatedAt: t0}
	is.NoErr(s.PutResourceRole(ctx, rr)) // give a role
	got, err := s.GetResourceRole(ctx, u2.ID, "p-1")
	is.NoErr(err)               // GetResourceRole
	is.Equal(diff(rr, got), "") // round trip

	// Decision: replacing keeps the first CreatedAt, as an upsert that
	// updates only the role and UpdatedAt does.
	repl := rr
	repl.Role = "editor"
	repl.CreatedAt = t0.Add(time.Hour)
	repl.UpdatedAt = t0.Add(time.Hour)
	is.NoErr(s.PutResourceRole(ctx, repl)) // replace the role
	got, err = s.GetResourceRole(ctx, u2.ID, "p-1")
	is.NoErr(err) // GetResourceRole
	want := repl
	want.CreatedAt = t0
	is.Equal(diff(want, got), "") // role and UpdatedAt replaced, CreatedAt kept

	for _, r := range []storage.ResourceRoleRecord{
		{UserID: u2.ID, ResourceID: "p-2", Role: "owner", CreatedAt: t0, UpdatedAt: t0},
		{UserID: u1.ID, ResourceID: "p-1", Role: "executor", CreatedAt: t0, UpdatedAt: t0},
	} {
		is.NoErr(s.PutResourceRole(ctx, r)) // more roles
	}
	ofUser, err := s.ResourceRolesOfUser(ctx, u2.ID)
	is.NoErr(err)                                                                                                                                   // ResourceRolesOfUser
	is.Equal(listOf(ofUser, func(r storage.ResourceRoleRecord) string { return r.ResourceID + ":" + r.Role }), []string{"p-1:editor", "p-2:owner"}) // by resource ID
	ofRes, err := s.ResourceRolesOfResource(ctx, "p-1")
	is.NoErr(err)                                                                                                     // ResourceRolesOfResource
	is.Equal(ids(ofRes, func(r storage.ResourceRoleRecord) uuid.UUID { return r.UserID }), []uuid.UUID{u1.ID, u2.ID}) // by user ID

	is.Equal(match(s.PutResourceRole(ctx, storage.ResourceRoleRecord{UserID: newID(), ResourceID: "p-1", Role: "reader", CreatedAt: t0, UpdatedAt: t0}), userkit.ErrNotFound), "ok") // missing user
	is.Equal(match(s.PutResourceRole(ctx, storage.ResourceRoleRecord{UserID: u1.ID, ResourceID: "nope", Role: "reader", CreatedAt: t0, UpdatedAt: t0}), userkit.ErrNotFound), "ok")  // missing resource
	_, err = s.GetResourceRole(ctx, u1.ID, "p-2")
	is.Equal(match(err, userkit.ErrNotFound), "ok") // no role there

	is.NoErr(s.DeleteResourceRole(ctx, u2.ID, "p-1")) // revoke
	_, err = s.GetResourceRole(ctx, u2.ID, "p-1")
	is.Equal(match(err, userkit.ErrNotFound), "ok")                                     // revoked
	is.Equal(match(s.DeleteResourceRole(ctx, u2.ID, "p-1"), userkit.ErrNotFound), "ok") // revoke twice

	is.NoErr(s.DeleteResource(ctx, "p-1")) // delete a resource
	ofRes, err = s.ResourceRolesOfResource(ctx, "p-1")
	is.NoErr(err)         // ResourceRolesOfResource
	is.True(empty(ofRes)) // its roles are gone
	ofUser, err = s.ResourceRolesOfUser(ctx, u2.ID)
	is.NoErr(err)                                                                                                // ResourceRolesOfUser
	is.Equal(listOf(ofUser, func(r storage.ResourceRoleRecord) string { return r.ResourceID }), []string{"p-2"}) // roles elsewhere stay
}

func testServiceAccounts(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	var all []storage.ServiceAccountRecord
	for i := range 3 {
		a := newAccount(i)
		is.NoErr(s.CreateServiceAccount(ctx, &a)) // create
		all = append(all, a)
	}
	got, err := s.GetServiceAccount(ctx, all[1].ID)
	is.NoErr(err)                   // GetServiceAccount
	is.Equal(diff(all[1], got), "") // round trip
	dup := newAccount(9)
	dup.ID = all[0].ID
	is.Equal(conflictOn(s.CreateServiceAccount(ctx, &dup), "ID"), "ok") // same ID

	saID := func(r storage.ServiceAccountRecord) uuid.UUID { return r.ID }
	p, err := s.ListServiceAccounts(ctx, userkit.PageRequest{Limit: 2, Total: true})
	is.NoErr(err)                                    // first page
	is.Equal(ids(p.Items, saID), ids(all[:2], saID)) // by ID
	is.Equal(p.Total, 3)                             // total
	p, err = s.ListServiceAccounts(ctx, userkit.PageRequest{Limit: 2, After: p.Next})
	is.NoErr(err)                                    // second page
	is.Equal(ids(p.Items, saID), ids(all[2:], saID)) // the rest
	is.Equal(p.Next, "")                             // no more

	upd := all[0]
	upd.Name = "Renamed"
	upd.UpdatedAt = upd.UpdatedAt.Add(time.Second)
	upd.Version = 2
	is.NoErr(s.UpdateServiceAccount(ctx, upd, 1)) // rename
	got, err = s.GetServiceAccount(ctx, upd.ID)
	is.NoErr(err)                                                                             // GetServiceAccount
	is.Equal(diff(upd, got), "")                                                              // renamed
	is.Equal(match(s.UpdateServiceAccount(ctx, upd, 1), userkit.ErrPreconditionFailed), "ok") // stale
	got, err = s.GetServiceAccount(ctx, upd.ID)
	is.NoErr(err)                                                                             // GetServiceAccount
	is.Equal(diff(upd, got), "")                                                              // stale update changed nothing
	is.Equal(match(s.UpdateServiceAccount(ctx, newAccount(7), 1), userkit.ErrNotFound), "ok") // update a missing account

	is.NoErr(s.DeleteServiceAccount(ctx, upd.ID)) // delete
	_, err = s.GetServiceAccount(ctx, upd.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok")                                 // deleted
	is.Equal(match(s.DeleteServiceAccount(ctx, upd.ID), userkit.ErrNotFound), "ok") // delete twice
}

func testGrants(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	u := createUser(t, s, 1)
	p := createPartner(t, s, 1)
	all := newGrant(u.ID, "*", storage.ScopeAll, uuid.Nil)
	is.NoErr(s.AddGrant(ctx, &all)) // grant on everything
	onP := newGrant(u.ID, "users.read", storage.ScopePartner, p.ID)
	is.NoErr(s.AddGrant(ctx, &onP)) // grant on a partner
	onQ := newGrant(u.ID, "users.read", storage.ScopePartner, newID())
	is.NoErr(s.AddGrant(ctx, &onQ)) // same action on another scope
	other := newGrant(newID(), "users.read", storage.ScopePartner, p.ID)
	is.NoErr(s.AddGrant(ctx, &other)) // same action and scope for another principal

	got, err := s.GrantsOf(ctx, u.ID)
	is.NoErr(err)                                                                                                  // GrantsOf
	is.Equal(ids(got, func(r storage.GrantRecord) uuid.UUID { return r.ID }), []uuid.UUID{all.ID, onP.ID, onQ.ID}) // the principal's grants by ID
	is.Equal(diff(all, got[0]), "")                                                                                // ScopeAll with uuid.Nil round-trips
	is.Equal(diff(onP, got[1]), "")                                                                                // partner grant round-trips

	dup := newGrant(u.ID, "users.read", storage.ScopePartner, p.ID)
	is.Equal(match(s.AddGrant(ctx, &dup), userkit.ErrConflict), "ok") // the same grant again
	dup = newGrant(u.ID, "*", storage.ScopeAll, uuid.Nil)
	is.Equal(match(s.AddGrant(ctx, &dup), userkit.ErrConflict), "ok") // the same grant on everything again

	is.NoErr(s.RemoveGrant(ctx, onP.ID)) // remove
	got, err = s.GrantsOf(ctx, u.ID)
	is.NoErr(err)                                                                                          // GrantsOf
	is.Equal(ids(got, func(r storage.GrantRecord) uuid.UUID { return r.ID }), []uuid.UUID{all.ID, onQ.ID}) // removed
	is.Equal(match(s.RemoveGrant(ctx, onP.ID), userkit.ErrNotFound), "ok")                                 // remove twice
	again := newGrant(u.ID, "users.read", storage.ScopePartner, p.ID)
	is.NoErr(s.AddGrant(ctx, &again)) // a removed grant can be given again
}

func testAPIKeys(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	sa := newAccount(1)
	is.NoErr(s.CreateServiceAccount(ctx, &sa)) // account
	k1 := newKey(sa.ID, "secret-one")
	k1.ExpiresAt = ptr(now().Add(24 * time.Hour))
	is.NoErr(s.CreateAPIKey(ctx, &k1)) // key with expiry
	k2 := newKey(sa.ID, "secret-two")
	is.NoErr(s.CreateAPIKey(ctx, &k2)) // key without expiry

	got, err := s.GetAPIKey(ctx, k1.ID)
	is.NoErr(err)               // GetAPIKey
	is.Equal(diff(k1, got), "") // round trip
	got, err = s.GetAPIKeyByHash(ctx, k2.Hash)
	is.NoErr(err)               // GetAPIKeyByHash
	is.Equal(diff(k2, got), "") // by hash, unset times nil
	got.Hash[0] ^= 0xff         // the caller changes what it read
	got, err = s.GetAPIKeyByHash(ctx, k2.Hash)
	is.NoErr(err)                           // the stored hash is a copy
	is.True(bytes.Equal(got.Hash, k2.Hash)) // hash unchanged

	other := newKey(sa.ID, "secret-one")
	is.Equal(conflictOn(s.CreateAPIKey(ctx, &other), "Hash"), "ok") // same hash
	other = newKey(sa.ID, "secret-three")
	other.ID = k1.ID
	is.Equal(conflictOn(s.CreateAPIKey(ctx, &other), "ID"), "ok") // same ID
	orphan := newKey(newID(), "secret-four")
	is.Equal(match(s.CreateAPIKey(ctx, &orphan), userkit.ErrNotFound), "ok") // missing account
	_, err = s.GetAPIKey(ctx, newID())
	is.Equal(match(err, userkit.ErrNotFound), "ok") // missing key
	missingHash := newKey(sa.ID, "secret-five")
	_, err = s.GetAPIKeyByHash(ctx, missingHash.Hash)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // unknown hash

	// UpdateAPIKey writes the three times and nothing else.
	upd := k2
	upd.LastUsedAt = ptr(now())
	upd.RevokedAt = ptr(now().Add(time.Minute))
	upd.ExpiresAt = ptr(now().Add(time.Hour))
	upd.Prefix = "sk:xxxx"
	upd.Hash = missingHash.Hash
	is.NoErr(s.UpdateAPIKey(ctx, upd)) // record use and revoke
	got, err = s.GetAPIKey(ctx, k2.ID)
	is.NoErr(err) // GetAPIKey
	want := upd
	want.Prefix, want.Hash = k2.Prefix, k2.Hash
	is.Equal(diff(want, got), "") // times written, Prefix and Hash kept
	clear := got
	clear.ExpiresAt = nil
	is.NoErr(s.UpdateAPIKey(ctx, clear)) // clear the expiry
	got, err = s.GetAPIKey(ctx, k2.ID)
	is.NoErr(err)                                                           // GetAPIKey
	is.Equal(got.ExpiresAt, nil)                                            // expiry cleared
	is.Equal(match(s.UpdateAPIKey(ctx, orphan), userkit.ErrNotFound), "ok") // update a missing key

	keys, err := s.ListAPIKeys(ctx, sa.ID)
	is.NoErr(err) // ListAPIKeys
	want2 := []uuid.UUID{k1.ID, k2.ID}
	slices.SortFunc(want2, cmpUUID)
	is.Equal(ids(keys, func(r storage.APIKeyRecord) uuid.UUID { return r.ID }), want2) // by ID, revoked ones too
}

func testServiceAccountDeleteCascades(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	sa, keep := newAccount(1), newAccount(2)
	is.NoErr(s.CreateServiceAccount(ctx, &sa))   // account
	is.NoErr(s.CreateServiceAccount(ctx, &keep)) // another account
	k := newKey(sa.ID, "secret-one")
	is.NoErr(s.CreateAPIKey(ctx, &k)) // key
	kk := newKey(keep.ID, "secret-two")
	is.NoErr(s.CreateAPIKey(ctx, &kk)) // the other account's key
	g := newGrant(sa.ID, "users.read", storage.ScopeAll, uuid.Nil)
	is.NoErr(s.AddGrant(ctx, &g)) // grant
	kg := newGrant(keep.ID, "users.read", storage.ScopeAll, uuid.Nil)
	is.NoErr(s.AddGrant(ctx, &kg)) // the other account's grant

	is.NoErr(s.DeleteServiceAccount(ctx, sa.ID)) // delete
	_, err := s.GetAPIKey(ctx, k.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // its key is gone
	_, err = s.GetAPIKeyByHash(ctx, k.Hash)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // not found by hash either
	keys, err := s.ListAPIKeys(ctx, sa.ID)
	is.NoErr(err)        // ListAPIKeys
	is.True(empty(keys)) // no keys
	grants, err := s.GrantsOf(ctx, sa.ID)
	is.NoErr(err)          // GrantsOf
	is.True(empty(grants)) // its grants are gone
	_, err = s.GetAPIKey(ctx, kk.ID)
	is.NoErr(err) // the other account's key stays
	grants, err = s.GrantsOf(ctx, keep.ID)
	is.NoErr(err)            // GrantsOf
	is.Equal(len(grants), 1) // the other account's grant stays
	again := newKey(keep.ID, "secret-one")
	is.NoErr(s.CreateAPIKey(ctx, &again)) // a deleted key's hash is free
}

// listOf maps records to strings, in order.
func listOf[T any](recs []T, f func(T) string) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = f(r)
	}
	return out
}
