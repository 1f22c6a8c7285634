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
// their scopes, but changing one needs it on every partner they belong to,
// every grant they hold, and permissions.update on everything when they
// hold resource roles, so no partner's admin can take over a user who is
// also another partner's or who holds more than the admin.
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

	plain := f.user("plain")
	member(a, plain)
	is.NoErr(f.authz.RequireOnUser(ctx, permissions.UsersUpdate, plain)) // A's own user

	shared := f.user("shared")
	member(a, shared)
	member(b, shared)
	is.NoErr(f.authz.RequireOnUser(ctx, permissions.UsersRead, shared))                            // readable through A
	is.Equal(kind(f.authz.RequireOnUser(ctx, permissions.UsersUpdate, shared)), userkit.Forbidden) // but B's user too
	is.Equal(kind(f.authz.RequireOnUser(ctx, permissions.UsersDelete, shared)), userkit.Forbidden) // so not deletable by A

	root := f.user("root")
	member(a, root)
	f.grant(root, "*", permissions.All)
	is.Equal(kind(f.authz.RequireOnUser(ctx, permissions.UsersUpdate, root)), userkit.Forbidden) // holds more than A's admin

	owner := f.user("owner")
	member(a, owner)
	_, err := f.authz.CreateResource(f.sys, permissions.ResourceParams{ID: "p-1", Name: "Payroll"})
	is.NoErr(err)
	_, err = f.authz.SetRole(f.sys, owner, "p-1", permissions.RoleOwner)
	is.NoErr(err)
	is.Equal(kind(f.authz.RequireOnUser(ctx, permissions.UsersUpdate, owner)), userkit.Forbidden) // holds a resource role A cannot give

	loner := f.user("loner")
	is.Equal(kind(f.authz.RequireOnUser(ctx, permissions.UsersUpdate, loner)), userkit.Forbidden) // in no partner: needs everything
	is.NoErr(f.authz.RequireOnUser(f.sys, permissions.UsersDelete, root))                         // System may do anything
}
