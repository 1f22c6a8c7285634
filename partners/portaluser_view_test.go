package partners_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// PortalUser gives the same answers whether the store reads the view in
// one statement (storage.UserViewReader) or the service falls back to
// separate reads (a store without it).
func TestPortalUserViewMatchesFallback(t *testing.T) {
	e := newEnv(t)
	plain := partners.New(struct{ storage.Store }{e.store}, permissions.New(e.store, nil), e.us, nil)
	if _, ok := any(struct{ storage.Store }{e.store}).(storage.UserViewReader); ok {
		t.Fatal("the wrapped store still reads views")
	}
	a, b := e.partner(t, "A"), e.partner(t, "B")
	ua := e.addUser(t, a.ID, "ann@example.com", "Ann", "A")
	ub := e.addUser(t, b.ID, "bob@example.com", "Bob", "B")
	team, err := e.ps.CreateTeam(e.sys, a.ID, partners.TeamParams{Name: "extra"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ps.AddTeamMember(e.sys, team.ID, ua.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ps.CreateTeam(e.sys, a.ID, partners.TeamParams{Name: "other"}); err != nil {
		t.Fatal(err)
	}
	var admin partners.PortalUser
	admin, err = e.ps.CreatePortalUser(e.sys, partners.PortalUserParams{CreateParams: users.CreateParams{
		Email: "root@example.com", FirstName: "Root", LastName: "Admin", Role: "super-admin", Vocabulary: users.Tyk}})
	if err != nil {
		t.Fatal(err)
	}
	callers := map[string]context.Context{
		"system":  e.sys,
		"partner": e.serviceAccount(t, grant(permissions.UsersRead, permissions.PartnerScope(a.ID))),
		"all":     e.serviceAccount(t, grant("*", permissions.All)),
	}
	for name, ctx := range callers {
		for _, num := range []int64{ua.Num, ub.Num, admin.Num, 9999} {
			got, gerr := e.ps.PortalUser(ctx, num)
			want, werr := plain.PortalUser(ctx, num)
			if userkit.KindOf(gerr) != userkit.KindOf(werr) || !reflect.DeepEqual(got, want) {
				t.Errorf("%s, user %d: view %+v (%v), fallback %+v (%v)", name, num, got, gerr, want, werr)
			}
		}
	}
}
