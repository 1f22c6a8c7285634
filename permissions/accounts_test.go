package permissions_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
)

func TestNoPrivilegeEscalation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	partnerA, partnerB := f.partner("A"), f.partner("B")
	portalA := f.portal("portal-a", partnerA)
	admin, target := f.user("admin"), f.user("target")
	f.grant(admin, "permissions.*", permissions.All) // may manage grants...
	f.grant(admin, "users.read", permissions.PartnerScope(partnerA))
	f.grant(admin, "portals.*", permissions.PartnerScope(partnerA)) // ...but holds only these

	cases := []struct {
		name   string
		action string
		scope  permissions.Scope
		want   userkit.Kind // Internal stands for "no error"
	}{
		{"held grant", "users.read", permissions.PartnerScope(partnerA), userkit.Internal},
		{"narrower scope of a held grant", "users.read", permissions.PortalScope(portalA), userkit.Internal},
		{"verb under a held wildcard", "portals.update", permissions.PartnerScope(partnerA), userkit.Internal},
		{"held wildcard", "portals.*", permissions.PartnerScope(partnerA), userkit.Internal},
		{"other partner", "users.read", permissions.PartnerScope(partnerB), userkit.Forbidden},
		{"wider scope", "users.read", permissions.All, userkit.Forbidden},
		{"other verb", "users.delete", permissions.PartnerScope(partnerA), userkit.Forbidden},
		{"wildcard over a held verb", "users.*", permissions.PartnerScope(partnerA), userkit.Forbidden},
		{"everything", "*", permissions.PartnerScope(partnerA), userkit.Forbidden},
		{"unknown action", "users.fly", permissions.PartnerScope(partnerA), userkit.Invalid},
		{"unknown scope kind", "users.read", permissions.Scope{Kind: "team", ID: partnerA}, userkit.Invalid},
		{"partner scope without id", "users.read", permissions.Scope{Kind: "partner"}, userkit.Invalid},
		{"missing partner", "users.read", permissions.PartnerScope(newID()), userkit.Invalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			g, err := f.authz.AddGrant(as(admin), target, permissions.GrantParams{Action: c.action, Scope: c.scope})
			if c.want == userkit.Internal {
				is.NoErr(err)                   // a held grant can be given
				is.Equal(g.PrincipalID, target) // to the target
				return
			}
			is.True(err != nil)         // refused
			is.Equal(kind(err), c.want) // with the right kind
		})
	}

	is := is.New(t)
	_, err := f.authz.CreateServiceAccount(as(admin), permissions.ServiceAccountParams{
		Name: "sneaky",
		Grants: []permissions.GrantParams{
			{Action: "users.read", Scope: permissions.PartnerScope(partnerA)},
			{Action: "users.read", Scope: permissions.All},
		},
	})
	is.Equal(kind(err), userkit.Forbidden) // one unheld initial grant refuses the lot
	list, err := f.authz.ListServiceAccounts(f.sys, userkit.PageRequest{})
	is.NoErr(err)
	is.Equal(len(list.Items), 0) // and nothing was created

	_, err = f.authz.AddGrant(f.sys, target, permissions.GrantParams{Action: "*", Scope: permissions.All})
	is.NoErr(err) // System gives anything
}

func TestServiceAccountLifecycle(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	partner := f.partner("Acme")
	sa, err := f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{
		Name: "  sync  ",
		Grants: []permissions.GrantParams{
			{Action: "users.read", Scope: permissions.PartnerScope(partner)},
			{Action: "users.create", Scope: permissions.PartnerScope(partner)},
		},
	})
	is.NoErr(err)
	is.Equal(sa.Name, "sync")   // trimmed
	is.Equal(len(sa.Grants), 2) // initial grants created with the account
	is.Equal(sa.Version, int64(1))

	got, err := f.authz.GetServiceAccount(f.sys, sa.ID)
	is.NoErr(err)
	is.Equal(len(got.Grants), 2) // grants are stored
	is.Equal(got.Grants[0].Scope, permissions.PartnerScope(partner))

	self := permissions.WithPrincipal(f.sys, permissions.ServiceAccountPrincipal(sa.ID))
	mine, err := f.authz.GrantsOf(self, sa.ID)
	is.NoErr(err)
	is.Equal(len(mine), 2) // a principal may read its own grants
	_, err = f.authz.ListServiceAccounts(self, userkit.PageRequest{})
	is.Equal(kind(err), userkit.Forbidden) // but not list others

	_, err = f.authz.AddGrant(f.sys, sa.ID, permissions.GrantParams{Action: "users.read", Scope: permissions.PartnerScope(partner)})
	is.True(errors.Is(err, userkit.ErrConflict)) // the same grant twice
	_, err = f.authz.AddGrant(f.sys, newID(), permissions.GrantParams{Action: "users.read", Scope: permissions.All})
	is.True(errors.Is(err, userkit.ErrNotFound)) // no such principal

	name, stale := "renamed", int64(7)
	_, err = f.authz.UpdateServiceAccount(f.sys, sa.ID, permissions.ServiceAccountUpdateParams{Name: &name, Version: &stale})
	is.True(errors.Is(err, userkit.ErrPreconditionFailed)) // stale version
	up, err := f.authz.UpdateServiceAccount(f.sys, sa.ID, permissions.ServiceAccountUpdateParams{Name: &name, Version: &sa.Version})
	is.NoErr(err)
	is.Equal(up.Name, "renamed")
	is.Equal(up.Version, int64(2))
	is.Equal(len(up.Grants), 2) // grants come along

	is.NoErr(f.authz.RemoveGrant(f.sys, sa.Grants[0].ID))
	err = f.authz.RemoveGrant(f.sys, sa.Grants[0].ID)
	is.True(errors.Is(err, userkit.ErrNotFound)) // already removed
	allowed, err := f.authz.Allowed(f.sys, permissions.ServiceAccountPrincipal(sa.ID), permissions.UsersRead, permissions.PartnerScope(partner))
	is.NoErr(err)
	is.True(!allowed) // the removed grant no longer allows

	_, err = f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{Name: " "})
	is.True(userkit.FieldsOf(err)["Name"].Rule != "") // name required
	_, err = f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{
		Name: "bad", Grants: []permissions.GrantParams{{Action: "nope", Scope: permissions.All}},
	})
	is.True(userkit.FieldsOf(err)["Grants[0].Action"].Rule != "") // initial grants are validated, by position

	is.NoErr(f.authz.DeleteServiceAccount(f.sys, sa.ID))
	_, err = f.authz.GetServiceAccount(f.sys, sa.ID)
	is.True(errors.Is(err, userkit.ErrNotFound)) // deleted
	grants, err := f.store.GrantsOf(f.sys, sa.ID)
	is.NoErr(err)
	is.Equal(len(grants), 0) // with its grants
}

func TestRequireDenials(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	partnerA, partnerB := f.partner("A"), f.partner("B")
	portalA, portalB, ownerless := f.portal("portal-a", partnerA), f.portal("portal-b", partnerB), f.portal("solo", uuid.Nil)
	sa, err := f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{
		Name:   "partner A key",
		Grants: []permissions.GrantParams{{Action: "users.*", Scope: permissions.PartnerScope(partnerA)}},
	})
	is.New(t).NoErr(err)
	saCtx := permissions.WithPrincipal(f.sys, permissions.ServiceAccountPrincipal(sa.ID))
	bare := f.user("bare")

	cases := []struct {
		name  string
		as    permissions.Principal
		anon  bool
		act   permissions.Action
		scope permissions.Scope
		want  userkit.Kind // Internal stands for "allowed"
	}{
		{name: "no principal", anon: true, act: permissions.UsersRead, scope: permissions.All, want: userkit.Unauthenticated},
		{name: "user without grants", as: permissions.UserPrincipal(bare), act: permissions.UsersRead, scope: permissions.PortalScope(portalA), want: userkit.Forbidden},
		{name: "partner grant on its partner", act: permissions.UsersRead, scope: permissions.PartnerScope(partnerA)},
		{name: "partner grant on its partner's portal", act: permissions.UsersDelete, scope: permissions.PortalScope(portalA)},
		{name: "partner grant on another partner's portal", act: permissions.UsersRead, scope: permissions.PortalScope(portalB), want: userkit.Forbidden},
		{name: "partner grant on another partner", act: permissions.UsersRead, scope: permissions.PartnerScope(partnerB), want: userkit.Forbidden},
		{name: "partner grant on an ownerless portal", act: permissions.UsersRead, scope: permissions.PortalScope(ownerless), want: userkit.Forbidden},
		{name: "partner grant on everything", act: permissions.UsersRead, scope: permissions.All, want: userkit.Forbidden},
		{name: "other family", act: permissions.PortalsRead, scope: permissions.PartnerScope(partnerA), want: userkit.Forbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			ctx := saCtx
			switch {
			case c.anon:
				ctx = t.Context()
			case c.as.Kind != "":
				ctx = permissions.WithPrincipal(t.Context(), c.as)
			}
			err := f.authz.Require(ctx, c.act, c.scope)
			if c.want == userkit.Internal {
				is.NoErr(err) // allowed
				return
			}
			is.Equal(kind(err), c.want) // denied with the right kind
		})
	}
}

func TestLiveKey(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	sa, err := f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{Name: "robot"})
	is.NoErr(err)
	other, err := f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{Name: "other"})
	is.NoErr(err)
	key, _, err := f.authz.CreateKey(f.sys, sa.ID, permissions.KeyParams{})
	is.NoErr(err)
	revoked, _, err := f.authz.CreateKey(f.sys, sa.ID, permissions.KeyParams{})
	is.NoErr(err)
	is.NoErr(f.authz.RevokeKey(f.sys, revoked.ID))
	reader, stranger := f.user("reader"), f.user("stranger")
	f.grant(reader, "keys.read", permissions.All)

	got, err := f.authz.LiveKey(as(reader), sa.ID, key.ID)
	is.NoErr(err)
	is.Equal(got, key) // the key, as CreateKey returned it

	_, err = f.authz.LiveKey(as(reader), sa.ID, revoked.ID)
	is.True(errors.Is(err, permissions.ErrKeyNotFound)) // a revoked key is not live
	_, err = f.authz.LiveKey(as(reader), other.ID, key.ID)
	is.True(errors.Is(err, permissions.ErrKeyNotFound)) // another account's key
	_, err = f.authz.LiveKey(as(reader), sa.ID, newID())
	is.True(errors.Is(err, permissions.ErrKeyNotFound)) // no such key
	_, err = f.authz.LiveKey(as(reader), newID(), key.ID)
	is.Equal(kind(err), userkit.NotFound)                // no such account
	is.True(!errors.Is(err, permissions.ErrKeyNotFound)) // told apart from a missing key
	_, err = f.authz.LiveKey(as(stranger), sa.ID, key.ID)
	is.Equal(kind(err), userkit.Forbidden) // keys.read on everything needed
	_, err = f.authz.LiveKey(as(stranger), newID(), newID())
	is.Equal(kind(err), userkit.Forbidden) // rights first: a miss tells nothing

	deleter := f.user("deleter")
	f.grant(deleter, "keys.delete", permissions.All)
	err = f.authz.RevokeLiveKey(as(deleter), sa.ID, key.ID)
	is.Equal(kind(err), userkit.Forbidden) // finding the key needs keys.read too
	f.grant(deleter, "keys.read", permissions.All)
	err = f.authz.RevokeLiveKey(as(deleter), other.ID, key.ID)
	is.True(errors.Is(err, permissions.ErrKeyNotFound)) // not through another account
	err = f.authz.RevokeLiveKey(as(reader), sa.ID, key.ID)
	is.Equal(kind(err), userkit.Forbidden) // revoking needs keys.delete
	is.NoErr(f.authz.RevokeLiveKey(as(deleter), sa.ID, key.ID))
	_, err = f.authz.LiveKey(as(reader), sa.ID, key.ID)
	is.True(errors.Is(err, permissions.ErrKeyNotFound)) // revoked
	err = f.authz.RevokeLiveKey(as(deleter), sa.ID, key.ID)
	is.True(errors.Is(err, permissions.ErrKeyNotFound)) // a revoked key is not revoked again
}
