package permissions_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
)

// TestRequireOnUserNoEscalation: reading a user needs the action on any of
// their scopes, but changing one needs it on the user's managing scope
// (membership is not ownership), every grant they hold, and
// permissions.update on everything when they hold resource roles, so no
// partner's admin can take over a user it does not manage or who holds
// more than the admin.
func TestRequireOnUserNoEscalation(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	bg := context.Background()
	a, b := f.partner("a"), f.partner("b")
	adminA := f.user("adminA")
	f.grant(adminA, "users.*", permissions.PartnerScope(a))
	ctx := as(adminA)
	member := func(partner, user uuid.UUID) {
		is.NoErr(f.store.AddPartnerMember(bg, storage.PartnerMemberRecord{PartnerID: partner, UserID: user, CreatedAt: f.clock.now()}))
	}
	own := func(partner, user uuid.UUID) {
		member(partner, user)
		f.manage(user, permissions.PartnerScope(partner))
	}

	plain := f.user("plain")
	own(a, plain)
	is.NoErr(f.authz.RequireOnUser(ctx, permissions.UsersUpdate, plain)) // A's own user

	attached := f.user("attached") // managed by everything, then attached by A
	member(a, attached)
	is.NoErr(f.authz.RequireOnUser(ctx, permissions.UsersRead, attached))                            // readable as A's member
	is.Equal(kind(f.authz.RequireOnUser(ctx, permissions.UsersUpdate, attached)), userkit.Forbidden) // but not A's to change
	is.Equal(kind(f.authz.RequireOnUser(ctx, permissions.UsersDelete, attached)), userkit.Forbidden) // nor to delete

	bs := f.user("bs") // B's user, attached by A
	own(b, bs)
	member(a, bs)
	is.NoErr(f.authz.RequireOnUser(ctx, permissions.UsersRead, bs))                            // readable through A
	is.Equal(kind(f.authz.RequireOnUser(ctx, permissions.UsersUpdate, bs)), userkit.Forbidden) // but B manages them
	is.Equal(kind(f.authz.RequireOnUser(ctx, permissions.UsersDelete, bs)), userkit.Forbidden) // so not deletable by A

	shared := f.user("shared") // A's user, attached by B: still A's
	own(a, shared)
	member(b, shared)
	is.NoErr(f.authz.RequireOnUser(ctx, permissions.UsersUpdate, shared)) // the managing partner keeps control

	root := f.user("root")
	own(a, root)
	f.grant(root, "*", permissions.All)
	is.Equal(kind(f.authz.RequireOnUser(ctx, permissions.UsersUpdate, root)), userkit.Forbidden) // holds more than A's admin

	owner := f.user("owner")
	own(a, owner)
	_, err := f.authz.CreateResource(f.sys, permissions.ResourceParams{ID: "p-1", Name: "Payroll"})
	is.NoErr(err)
	_, err = f.authz.SetRole(f.sys, owner, "p-1", permissions.RoleOwner)
	is.NoErr(err)
	is.Equal(kind(f.authz.RequireOnUser(ctx, permissions.UsersUpdate, owner)), userkit.Forbidden) // holds a resource role A cannot give

	loner := f.user("loner")
	is.Equal(kind(f.authz.RequireOnUser(ctx, permissions.UsersUpdate, loner)), userkit.Forbidden) // managed by everything
	is.NoErr(f.authz.RequireOnUser(f.sys, permissions.UsersDelete, root))                         // System may do anything

	gone := f.user("gone") // managed by a partner deleted since: everything manages them
	own(b, gone)
	is.NoErr(f.store.DeletePartner(bg, b))
	member(a, gone)
	is.Equal(kind(f.authz.RequireOnUser(ctx, permissions.UsersUpdate, gone)), userkit.Forbidden) // a deleted manager hands control to nobody but "*"
}

// TestMayOnUser: the yes/no form of RequireOnUser for a user interface.
func TestMayOnUser(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	pa, pb := f.partner("a"), f.partner("b")
	admin := f.user("admin-a")
	f.grant(admin, "users.*", permissions.PartnerScope(pa))
	managed := f.user("managed")
	f.manage(managed, permissions.PartnerScope(pa))
	other := f.user("other")
	f.manage(other, permissions.PartnerScope(pb))
	ok, err := f.authz.MayOnUser(as(admin), permissions.UsersUpdate, managed)
	is.NoErr(err)
	is.True(ok) // managed by the admin's partner
	ok, err = f.authz.MayOnUser(as(admin), permissions.UsersUpdate, other)
	is.NoErr(err)
	is.True(!ok) // managed by another partner: false, not an error
	_, err = f.authz.MayOnUser(context.Background(), permissions.UsersUpdate, other)
	is.Equal(kind(err), userkit.Unauthenticated) // no principal is an error
}
