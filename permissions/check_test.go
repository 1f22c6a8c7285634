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

// partnerMember and portalMember add memberships straight to the store; the
// partners and portals services are not under test.
func (f *fixture) partnerMember(partnerID, userID uuid.UUID) {
	f.t.Helper()
	if err := f.store.AddPartnerMember(context.Background(), storage.PartnerMemberRecord{PartnerID: partnerID, UserID: userID, CreatedAt: f.clock.now()}); err != nil {
		f.t.Fatal(err)
	}
}

// manage records sc as the user's managing scope, as if sc had created
// the user.
func (f *fixture) manage(userID uuid.UUID, sc permissions.Scope) {
	f.t.Helper()
	ctx := context.Background()
	rec, err := f.store.GetUser(ctx, userID)
	if err != nil {
		f.t.Fatal(err)
	}
	rec.ManagedKind, rec.ManagedID = sc.Kind, sc.ID
	if err := f.store.UpdateUser(ctx, rec, rec.Version); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) portalMember(portalID, userID uuid.UUID) {
	f.t.Helper()
	now := f.clock.now()
	rec := storage.PortalMemberRecord{PortalID: portalID, UserID: userID, Locale: "en_US", CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := f.store.AddPortalMember(context.Background(), &rec); err != nil {
		f.t.Fatal(err)
	}
}

func TestRequireOnMissingPortalIsForbidden(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	admin := f.user("admin")
	f.grant(admin, "users.read", permissions.PartnerScope(f.partner("A")))
	err := f.authz.Require(as(admin), permissions.UsersRead, permissions.PortalScope(newID()))
	is.Equal(kind(err), userkit.Forbidden) // a missing portal is simply not covered, not NotFound
}

// TestRequireOnUserReadCoverage: reading a user needs the very action on a
// scope the user belongs to: everything, a partner of theirs, a portal of
// theirs, or the partner owning a portal of theirs.
func TestRequireOnUserReadCoverage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, b := f.partner("A"), f.partner("B")
	portalA, portalB := f.portal("portal-a", a), f.portal("portal-b", b)
	inPortalA := f.user("inPortalA") // member of A's portal only, not of A
	f.portalMember(portalA, inPortalA)
	inPortalB := f.user("inPortalB")
	f.portalMember(portalB, inPortalB)

	principal := func(name, action string, scope permissions.Scope) context.Context {
		id := f.user(name)
		f.grant(id, action, scope)
		return as(id)
	}
	partnerAReader := principal("partnerAReader", "users.read", permissions.PartnerScope(a))
	portalAReader := principal("portalAReader", "users.read", permissions.PortalScope(portalA))
	otherFamily := principal("otherFamily", "portals.*", permissions.PartnerScope(a))

	cases := []struct {
		name string
		ctx  context.Context
		user uuid.UUID
		want userkit.Kind // Internal stands for "allowed"
	}{
		{"partner grant covers members of its portals", partnerAReader, inPortalA, userkit.Internal},
		{"partner grant skips another partner's portal", partnerAReader, inPortalB, userkit.Forbidden},
		{"portal grant covers its members", portalAReader, inPortalA, userkit.Internal},
		{"portal grant skips other portals", portalAReader, inPortalB, userkit.Forbidden},
		{"another family's grant reads no users", otherFamily, inPortalA, userkit.Forbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			err := f.authz.RequireOnUser(c.ctx, permissions.UsersRead, c.user)
			if c.want == userkit.Internal {
				is.NoErr(err) // allowed
				return
			}
			is.Equal(kind(err), c.want) // denied
		})
	}
}

func TestRequireOnUserChecksEachGrantsAction(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	a := f.partner("A")
	admin, target := f.user("admin"), f.user("target")
	f.grant(admin, "users.*", permissions.PartnerScope(a))
	f.partnerMember(a, target)
	f.manage(target, permissions.PartnerScope(a))
	is.NoErr(f.authz.RequireOnUser(as(admin), permissions.UsersUpdate, target)) // A's plain user

	f.grant(target, "partners.update", permissions.PartnerScope(a))
	err := f.authz.RequireOnUser(as(admin), permissions.UsersUpdate, target)
	is.Equal(kind(err), userkit.Forbidden) // holds partners.update on A, which users.* does not cover
}

// TestRequireForUserSelf: a user may read and update their own record, and
// nothing more on it, and nobody else's through that rule.
func TestRequireForUserSelf(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	me, other := f.user("me"), f.user("other")

	is.NoErr(f.authz.RequireForUser(as(me), permissions.UsersRead, me))                             // own record readable
	is.NoErr(f.authz.RequireForUser(as(me), permissions.UsersUpdate, me))                           // and updatable
	is.Equal(kind(f.authz.RequireForUser(as(me), permissions.UsersDelete, me)), userkit.Forbidden)  // but not deletable
	is.Equal(kind(f.authz.RequireOnUser(as(me), permissions.UsersUpdate, me)), userkit.Forbidden)   // RequireOnUser has no self rule
	is.Equal(kind(f.authz.RequireForUser(as(me), permissions.UsersRead, other)), userkit.Forbidden) // others are not self
	is.Equal(kind(f.authz.RequireForUser(context.Background(), permissions.UsersRead, me)), userkit.Unauthenticated)
}

func TestHasPartnerAccess(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, b := f.partner("A"), f.partner("B")
	portalA := f.portal("portal-a", a)
	member := f.user("member")
	f.partnerMember(a, member)
	granted := f.user("granted")
	f.grant(granted, "users.read", permissions.PartnerScope(a)) // any action counts
	portalOnly := f.user("portalOnly")
	f.grant(portalOnly, "users.read", permissions.PortalScope(portalA))
	sa, err := f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{
		Name: "A's key", Grants: []permissions.GrantParams{{Action: "portals.read", Scope: permissions.PartnerScope(a)}},
	})
	is.New(t).NoErr(err)

	cases := []struct {
		name    string
		ctx     context.Context
		partner uuid.UUID
		want    bool
	}{
		{"member", as(member), a, true},
		{"member of another partner", as(member), b, false},
		{"grant of any action", as(granted), a, true},
		{"grant on another partner", as(granted), b, false},
		{"grant on a portal only", as(portalOnly), a, false},
		{"service account's grant", permissions.WithPrincipal(t.Context(), permissions.ServiceAccountPrincipal(sa.ID)), a, true},
		{"system", f.sys, b, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			got, err := f.authz.HasPartnerAccess(c.ctx, c.partner)
			is.NoErr(err)
			is.Equal(got, c.want) // access as documented
		})
	}

	is := is.New(t)
	_, err = f.authz.HasPartnerAccess(context.Background(), a)
	is.Equal(kind(err), userkit.Unauthenticated) // no principal
}
