package portals_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage"
)

// GetUser gives the same answers whether the store reads the membership
// with its portal and user in one statement (storage.MemberViewReader)
// or the service falls back to separate reads.
func TestGetUserViewMatchesFallback(t *testing.T) {
	f := newFixture(t)
	wrapped := struct{ storage.Store }{f.store}
	if _, ok := any(wrapped).(storage.MemberViewReader); ok {
		t.Fatal("the wrapped store still reads views")
	}
	plain := portals.New(wrapped, f.authz, f.us, &portals.Options{Clock: f.clock.now})
	pa, pb := f.partner("A"), f.partner("B")
	owned, role := f.portal("owned", pa)
	other, otherRole := f.portal("other", pb)
	free, freeRole := f.portal("free", uuid.Nil)
	m1 := f.member(owned, role, "ann@example.com")
	m2 := f.member(other, otherRole, "bob@example.com")
	m3 := f.member(free, freeRole, "cid@example.com")
	callers := map[string]context.Context{
		"system":  f.sys,
		"partner": f.serviceAccount(permissions.GrantParams{Action: string(permissions.UsersRead), Scope: permissions.PartnerScope(pa)}),
		"portal":  f.serviceAccount(permissions.GrantParams{Action: string(permissions.UsersRead), Scope: permissions.PortalScope(free.ID)}),
		"none":    f.serviceAccount(),
	}
	type ask struct{ portal, user uuid.UUID }
	asks := []ask{{owned.ID, m1.User.ID}, {other.ID, m2.User.ID}, {free.ID, m3.User.ID}, {owned.ID, m2.User.ID}, {uuid.New(), m1.User.ID}}
	for name, ctx := range callers {
		for _, a := range asks {
			got, gerr := f.ps.GetUser(ctx, a.portal, a.user)
			want, werr := plain.GetUser(ctx, a.portal, a.user)
			if userkit.KindOf(gerr) != userkit.KindOf(werr) || !reflect.DeepEqual(got, want) {
				t.Errorf("%s, %v: view %+v (%v), fallback %+v (%v)", name, a, got, gerr, want, werr)
			}
		}
	}
}

// GetUserProfile is GetUser without the roles and attributes: the same
// member otherwise and the same refusals, whether the store reads the
// profile in one statement or the service falls back to separate reads.
func TestGetUserProfile(t *testing.T) {
	f := newFixture(t)
	plain := portals.New(struct{ storage.Store }{f.store}, f.authz, f.us, &portals.Options{Clock: f.clock.now})
	pa, pb := f.partner("A"), f.partner("B")
	owned, role := f.portal("owned", pa)
	other, otherRole := f.portal("other", pb)
	m1 := f.member(owned, role, "ann@example.com")
	m2 := f.member(other, otherRole, "bob@example.com")
	callers := map[string]context.Context{
		"system":  f.sys,
		"partner": f.serviceAccount(permissions.GrantParams{Action: string(permissions.UsersRead), Scope: permissions.PartnerScope(pa)}),
		"none":    f.serviceAccount(),
	}
	type ask struct{ portal, user uuid.UUID }
	for name, ctx := range callers {
		for _, a := range []ask{{owned.ID, m1.User.ID}, {other.ID, m2.User.ID}, {owned.ID, m2.User.ID}, {uuid.New(), m1.User.ID}} {
			full, ferr := f.ps.GetUser(ctx, a.portal, a.user)
			for _, svc := range []*portals.Service{f.ps, plain} {
				got, err := svc.GetUserProfile(ctx, a.portal, a.user)
				if userkit.KindOf(err) != userkit.KindOf(ferr) {
					t.Errorf("%s, %v: profile error %v, GetUser's %v", name, a, err, ferr)
				}
				if ferr != nil {
					continue
				}
				if got.RoleIDs != nil || got.Attributes != nil {
					t.Errorf("%s, %v: the profile carries roles or attributes: %+v", name, a, got)
				}
				full.RoleIDs, full.Attributes = nil, nil
				if !reflect.DeepEqual(got, full) {
					t.Errorf("%s, %v: profile %+v, GetUser without roles and attributes %+v", name, a, got, full)
				}
			}
		}
	}
}
