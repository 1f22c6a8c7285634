package permissions_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
)

// TestManagementNeedsPermissionGrants: holding a grant is not enough to hand
// it out, and reading permissions does not change them.
func TestManagementNeedsPermissionGrants(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	a := f.partner("A")
	holder, reader, target := f.user("holder"), f.user("reader"), f.user("target")
	f.grant(holder, "users.read", permissions.PartnerScope(a))
	f.grant(reader, "permissions.read", permissions.All)
	sa, err := f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{
		Name: "sync", Grants: []permissions.GrantParams{{Action: "users.read", Scope: permissions.PartnerScope(a)}},
	})
	is.NoErr(err)
	_, err = f.authz.CreateResource(f.sys, permissions.ResourceParams{ID: "r1", Name: "R1"})
	is.NoErr(err)

	_, err = f.authz.AddGrant(as(holder), target, permissions.GrantParams{Action: "users.read", Scope: permissions.PartnerScope(a)})
	is.Equal(kind(err), userkit.Forbidden) // giving grants needs permissions.create
	name := "renamed"
	_, err = f.authz.UpdateServiceAccount(as(reader), sa.ID, permissions.ServiceAccountUpdateParams{Name: &name})
	is.Equal(kind(err), userkit.Forbidden)                                              // renaming needs permissions.update
	is.Equal(kind(f.authz.RemoveGrant(as(reader), sa.Grants[0].ID)), userkit.Forbidden) // removing a grant needs permissions.delete
	is.Equal(kind(f.authz.DeleteServiceAccount(as(reader), sa.ID)), userkit.Forbidden)  // and so does deleting an account
	_, err = f.authz.RolesOnResource(as(target), "r1")
	is.Equal(kind(err), userkit.Forbidden) // listing a resource's roles needs permissions.read

	got, err := f.authz.GetServiceAccount(f.sys, sa.ID)
	is.NoErr(err)
	is.Equal(got.Name, "sync")   // not renamed
	is.Equal(len(got.Grants), 1) // grant still there
	mine, err := f.store.GrantsOf(f.sys, target)
	is.NoErr(err)
	is.Equal(len(mine), 0) // nothing given
}

func TestGrantScopeValidation(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	target := f.user("target")
	for _, sc := range []permissions.Scope{
		{Kind: storage.ScopeAll, ID: newID()}, // everything takes no ID
		permissions.PortalScope(newID()),      // no such portal
	} {
		_, err := f.authz.AddGrant(f.sys, target, permissions.GrantParams{Action: "users.read", Scope: sc})
		is.Equal(kind(err), userkit.Invalid)               // refused as invalid
		is.True(userkit.FieldsOf(err)["Scope"].Rule != "") // on Scope
	}
}

// TestAuditOfChanges: updates and removals are audited like creations, and a
// grant on a portal is filed under the partner owning the portal.
func TestAuditOfChanges(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	a := f.partner("A")
	portalA := f.portal("portal-a", a)
	target := f.user("target")
	sa, err := f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{Name: "sync"})
	is.NoErr(err)
	g, err := f.authz.AddGrant(f.sys, sa.ID, permissions.GrantParams{Action: "users.read", Scope: permissions.PortalScope(portalA)})
	is.NoErr(err)
	name := "renamed"
	_, err = f.authz.UpdateServiceAccount(f.sys, sa.ID, permissions.ServiceAccountUpdateParams{Name: &name})
	is.NoErr(err)
	is.NoErr(f.authz.RemoveGrant(f.sys, g.ID))
	_, err = f.authz.CreateResource(f.sys, permissions.ResourceParams{ID: "r1", Name: "R1"})
	is.NoErr(err)
	_, err = f.authz.SetRole(f.sys, target, "r1", permissions.RoleReader)
	is.NoErr(err)
	is.NoErr(f.authz.RevokeRole(f.sys, target, "r1"))

	page, err := f.authz.ListEvents(f.sys, storage.EventFilter{}, userkit.PageRequest{})
	is.NoErr(err)
	var got []string
	for _, e := range page.Items[:4] {
		got = append(got, e.Action+" "+e.TargetKind)
	}
	is.Equal(got, []string{
		"permissions.delete resource_role",
		"permissions.update resource_role",
		"permissions.create resource",
		"permissions.delete grant",
	}) // newest first
	is.Equal(page.Items[4].Action+" "+page.Items[4].TargetKind, "permissions.update service_account")

	ofA, err := f.authz.ListEvents(f.sys, storage.EventFilter{PartnerID: a}, userkit.PageRequest{})
	is.NoErr(err)
	is.Equal(len(ofA.Items), 1)                    // the portal grant belongs to A
	is.Equal(ofA.Items[0].TargetID, g.ID.String()) // filed under the portal's partner
}

func TestKeyBoundaries(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	ctx := context.Background()
	sa, err := f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{Name: "sync"})
	is.NoErr(err)

	now := f.clock.now()
	_, _, err = f.authz.CreateKey(f.sys, sa.ID, permissions.KeyParams{ExpiresAt: &now})
	is.True(userkit.FieldsOf(err)["ExpiresAt"].Rule != "") // expiring now is not in the future

	exp := now.Add(time.Hour + 789*time.Nanosecond)
	key, secret, err := f.authz.CreateKey(f.sys, sa.ID, permissions.KeyParams{ExpiresAt: &exp})
	is.NoErr(err)
	is.Equal(*key.ExpiresAt, now.Add(time.Hour)) // kept to the microsecond, like every stored time

	_, err = f.authz.ResolveKey(ctx, secret)
	is.NoErr(err)
	first := f.clock.now()
	f.clock.advance(time.Minute)
	_, err = f.authz.ResolveKey(ctx, secret)
	is.NoErr(err)
	used, err := f.store.GetAPIKey(ctx, key.ID)
	is.NoErr(err)
	is.Equal(*used.LastUsedAt, first.Add(time.Minute)) // written again once a full minute has passed

	f.clock.advance(time.Hour - time.Minute - time.Microsecond)
	_, err = f.authz.ResolveKey(ctx, secret)
	is.NoErr(err) // works up to its expiry
	f.clock.advance(time.Microsecond)
	_, err = f.authz.ResolveKey(ctx, secret)
	is.True(errors.Is(err, userkit.ErrUnauthenticated)) // and not at it

	_, err = f.authz.ListKeys(f.sys, newID())
	is.True(errors.Is(err, userkit.ErrNotFound)) // keys of a missing account
}

func TestRevokeKeyTwiceChangesNothing(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	sa, err := f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{Name: "sync"})
	is.NoErr(err)
	key, _, err := f.authz.CreateKey(f.sys, sa.ID, permissions.KeyParams{})
	is.NoErr(err)
	is.NoErr(f.authz.RevokeKey(f.sys, key.ID))
	revokedAt := f.clock.now()
	f.clock.advance(time.Hour)
	is.NoErr(f.authz.RevokeKey(f.sys, key.ID)) // revoking again is fine

	stored, err := f.store.GetAPIKey(f.sys, key.ID)
	is.NoErr(err)
	is.Equal(*stored.RevokedAt, revokedAt) // and keeps the first revocation time
	page, err := f.authz.ListEvents(f.sys, storage.EventFilter{TargetID: key.ID.String()}, userkit.PageRequest{})
	is.NoErr(err)
	is.Equal(len(page.Items), 2) // create and one revoke
}

// revokingStore revokes a key right after ResolveKey has looked it up, as a
// concurrent RevokeKey could.
type revokingStore struct {
	*memory.Store
	now time.Time
}

func (s revokingStore) GetAPIKeyByHash(ctx context.Context, hash []byte) (storage.APIKeyRecord, error) {
	rec, err := s.Store.GetAPIKeyByHash(ctx, hash)
	if err == nil {
		revoked := rec
		revoked.RevokedAt = &s.now
		err = s.Store.UpdateAPIKey(ctx, revoked)
	}
	return rec, err
}

func TestResolveKeyRevokedMeanwhile(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	sa, err := f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{Name: "sync"})
	is.NoErr(err)
	key, secret, err := f.authz.CreateKey(f.sys, sa.ID, permissions.KeyParams{})
	is.NoErr(err)

	racy := permissions.New(revokingStore{Store: f.store, now: f.clock.now()}, &permissions.Options{Clock: f.clock.now})
	_, err = racy.ResolveKey(context.Background(), secret)
	is.True(errors.Is(err, userkit.ErrUnauthenticated)) // revoked between lookup and use: refused
	stored, err := f.store.GetAPIKey(f.sys, key.ID)
	is.NoErr(err)
	is.True(stored.RevokedAt != nil)  // the revocation stands
	is.True(stored.LastUsedAt == nil) // and no use was recorded
}

func TestAtLeastInvalidRole(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	is.True(!permissions.RoleOwner.AtLeast("admin")) // an unknown role is included by nothing
	is.True(!permissions.RoleOwner.AtLeast(""))      // nor is the empty role
}
