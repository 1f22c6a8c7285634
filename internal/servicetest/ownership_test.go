package servicetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// keyOf returns a context running as a new service account holding the
// grants: what an API key with those grants does.
func (e env) keyOf(t *testing.T, grants ...permissions.GrantParams) context.Context {
	t.Helper()
	sa, err := e.authz.CreateServiceAccount(e.sys, permissions.ServiceAccountParams{Name: "key", Grants: grants})
	if err != nil {
		t.Fatalf("create service account: %v", err)
	}
	return permissions.WithPrincipal(context.Background(), permissions.ServiceAccountPrincipal(sa.ID))
}

// testUsersConcurrentUnversionedUpdates: 64 updates of one user sent
// without a version, each setting a different field value, all succeed
// and none is lost (F5: MariaDB answered 412 to some).
func testUsersConcurrentUnversionedUpdates(t *testing.T, e env) {
	is := is.New(t)
	u := e.createUser(t, users.CreateParams{Email: "mona@example.com", FirstName: "Mona", LastName: "Benson"})
	const n = 64
	setters := []func(i int) users.UpdateParams{
		func(i int) users.UpdateParams { v := fmt.Sprint("city", i); return users.UpdateParams{City: &v} },
		func(i int) users.UpdateParams { v := fmt.Sprint("country", i); return users.UpdateParams{Country: &v} },
		func(i int) users.UpdateParams { v := fmt.Sprint("dept", i); return users.UpdateParams{Department: &v} },
		func(i int) users.UpdateParams { v := fmt.Sprint("land", i); return users.UpdateParams{PhoneLand: &v} },
		func(i int) users.UpdateParams {
			v := fmt.Sprint("mobile", i)
			return users.UpdateParams{PhoneMobile: &v}
		},
		func(i int) users.UpdateParams { v := fmt.Sprint("loc", i); return users.UpdateParams{Locale: &v} },
		func(i int) users.UpdateParams { v := fmt.Sprint("tz", i); return users.UpdateParams{Timezone: &v} },
		func(i int) users.UpdateParams { v := fmt.Sprint("First", i); return users.UpdateParams{FirstName: &v} },
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = e.users.Update(e.sys, u.ID, setters[i%len(setters)](i))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("update %d: %v", i, err) // no update without a version fails because another won
		}
	}
	rec := e.record(t, u.ID)
	is.Equal(rec.Version, int64(1+n)) // every update landed, one version each
	// The last writer of each field is one of that field's writers.
	got := []string{rec.City, rec.Country, rec.Department, rec.PhoneLand, rec.PhoneMobile, rec.Locale, rec.Timezone, rec.FirstName}
	prefixes := []string{"city", "country", "dept", "land", "mobile", "loc", "tz", "First"}
	for i, v := range got {
		var k int
		_, err := fmt.Sscanf(v, prefixes[i]+"%d", &k)
		is.NoErr(err)               // every field was written
		is.Equal(k%len(setters), i) // by one of its writers
	}
	is.Equal(len(e.actions(t, u.ID.String())), 1+n) // one audit event per update
}

// takeoverCase is a user a partner-scoped key attaches but must not
// control.
type takeoverCase struct {
	name   string
	victim func(t *testing.T, e env, b partners.Partner, email string) users.User
}

var takeoverVictims = []takeoverCase{
	{"user of nobody", func(t *testing.T, e env, _ partners.Partner, email string) users.User {
		return e.createUser(t, users.CreateParams{Email: email, FirstName: "Vic", LastName: "Tim", Password: goodPassword})
	}},
	{"user of partner B", func(t *testing.T, e env, b partners.Partner, email string) users.User {
		u, _, err := e.partners.AddUser(e.sys, b.ID, users.CreateParams{Email: email, FirstName: "Vic", LastName: "Tim", Password: goodPassword})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}},
}

// testOwnershipTakeoverThroughAttach (F1): a key holding "*" on partner A
// attaches a user it does not manage, through partners.AddUser and
// portals.AddUser, and then tries every change of the user's identity and
// credentials: all Forbidden, and the stored user unchanged.
func testOwnershipTakeoverThroughAttach(t *testing.T, e env) {
	for _, via := range []string{"partner", "portal"} {
		for _, c := range takeoverVictims {
			t.Run(via+"/"+c.name, func(t *testing.T) {
				is := is.New(t)
				a, b := e.partner(t, "A-"+via+c.name), e.partner(t, "B-"+via+c.name)
				victim := c.victim(t, e, b, uuid.NewString()[:8]+"@example.com") // subtests share the store
				keyA := e.keyOf(t, permissions.GrantParams{Action: "*", Scope: permissions.PartnerScope(a.ID)})

				switch via {
				case "partner":
					got, created, err := e.partners.AddUser(keyA, a.ID, users.CreateParams{Email: victim.Email, FirstName: "x", LastName: "y", Password: "Attackerpassw0rd"})
					is.NoErr(err)                             // attach by email is allowed
					is.True(!created)                         // an attach, not a create (200, not 201)
					is.Equal(got.ID, victim.ID)               // the same user
					is.Equal(got.ManagedBy, victim.ManagedBy) // still managed as before
				case "portal":
					p, err := e.portals.Create(e.sys, portals.CreateParams{Name: "Portal A", TechnicalName: "pa-" + uuid.NewString()[:8], PartnerID: a.ID})
					is.NoErr(err)
					role, err := e.portals.CreateRole(e.sys, p.ID, portals.RoleParams{Name: "Viewer"})
					is.NoErr(err)
					_, err = e.portals.AddUser(keyA, p.ID, portals.AddUserParams{Email: victim.Email, RoleIDs: []uuid.UUID{role.ID}})
					is.NoErr(err) // attach to A's portal is allowed
				}
				before := e.record(t, victim.ID)

				forbidden := func(what string, err error) {
					t.Helper()
					if userkit.KindOf(err) != userkit.Forbidden {
						t.Errorf("%s: got %v, want Forbidden", what, err)
					}
				}
				_, err := e.users.Update(keyA, victim.ID, users.UpdateParams{Email: ptr("attacker@evil.example")})
				forbidden("change email", err)
				_, err = e.users.Update(keyA, victim.ID, users.UpdateParams{City: ptr("Nowhere")})
				forbidden("change profile", err)
				st := users.StatusSuspended
				_, err = e.users.Update(keyA, victim.ID, users.UpdateParams{Status: &st})
				forbidden("change status", err)
				_, err = e.users.Update(keyA, victim.ID, users.UpdateParams{Role: ptr("ClientAdmin")})
				forbidden("change role", err)
				forbidden("set password", e.users.SetPassword(keyA, victim.ID, "Attackerpassw0rd"))
				_, err = e.users.RotateToken(keyA, victim.ID)
				forbidden("mint token", err)
				forbidden("delete", e.users.Delete(keyA, victim.ID))

				_, err = e.users.Get(keyA, victim.ID)
				is.NoErr(err)                            // reading a member is allowed
				is.Equal(e.record(t, victim.ID), before) // nothing changed
				_, err = e.users.Authenticate(context.Background(), victim.Email, goodPassword)
				is.NoErr(err) // the victim's own password still works

				// The user's other partners see the attach.
				if c.name == "user of partner B" {
					var seen bool
					for _, ev := range e.events(t, storage.EventFilter{PartnerID: b.ID}) {
						seen = seen || (ev.TargetID == victim.ID.String() && ev.Action == "partners.user_attached_elsewhere")
					}
					is.True(seen) // audited under B
				}
			})
		}
	}
}

// testOwnershipDisclosure (F2): after attaching B's user, A's key reads
// the user's partners and teams and sees only its own.
func testOwnershipDisclosure(t *testing.T, e env) {
	is := is.New(t)
	a, b := e.partner(t, "A"), e.partner(t, "B")
	u, _, err := e.partners.AddUser(e.sys, b.ID, users.CreateParams{Email: "userb@example.com", FirstName: "U", LastName: "B"})
	is.NoErr(err)
	secret, err := e.partners.CreateTeam(e.sys, b.ID, partners.TeamParams{Name: "B secret team"})
	is.NoErr(err)
	is.NoErr(e.partners.AddTeamMember(e.sys, secret.ID, u.ID))
	keyA := e.keyOf(t, permissions.GrantParams{Action: "*", Scope: permissions.PartnerScope(a.ID)})
	_, _, err = e.partners.AddUser(keyA, a.ID, users.CreateParams{Email: "USERB@example.com"})
	is.NoErr(err) // attached

	ps, err := e.partners.PartnersOf(keyA, u.ID)
	is.NoErr(err)
	is.Equal(len(ps), 1)     // only one partner visible
	is.Equal(ps[0].ID, a.ID) // A itself
	ts, err := e.partners.TeamsOf(keyA, u.ID)
	is.NoErr(err)
	for _, tm := range ts {
		is.Equal(tm.PartnerID, a.ID) // none of B's teams
	}
	all, err := e.partners.PartnersOf(e.sys, u.ID)
	is.NoErr(err)
	is.Equal(len(all), 2) // the system sees both
}

// testPrivilegeFromProfileString: setting Role "super-admin" through
// users.Service.Update (as a label, or in the Tyk vocabulary by a caller
// without "*" on everything) grants nothing.
func testPrivilegeFromProfileString(t *testing.T, e env) {
	is := is.New(t)
	a := e.partner(t, "A")
	u, _, err := e.partners.AddUser(e.sys, a.ID, users.CreateParams{Email: "mona@example.com", FirstName: "Mona", LastName: "Benson"})
	is.NoErr(err)
	keyA := e.keyOf(t, permissions.GrantParams{Action: "users.*", Scope: permissions.PartnerScope(a.ID)})

	got, err := e.users.Update(keyA, u.ID, users.UpdateParams{Role: ptr(users.RoleSuperAdmin)})
	is.NoErr(err)                            // a label A may set on its own user
	is.Equal(got.Role, users.RoleSuperAdmin) // stored as given
	admin, err := e.authz.HoldsAll(e.sys, u.ID)
	is.NoErr(err)
	is.True(!admin)                                                                    // but it grants nothing
	is.Equal(users.ShowRole(users.Tyk, got.Role, admin), users.RoleConsumerTeamMember) // and Tyk shows no admin

	_, err = e.users.Update(keyA, u.ID, users.UpdateParams{Role: ptr(users.RoleProviderAdmin), Vocabulary: users.Tyk})
	is.Equal(userkit.KindOf(err), userkit.Forbidden) // making an admin needs "*" on everything
	admin, err = e.authz.HoldsAll(e.sys, u.ID)
	is.NoErr(err)
	is.True(!admin) // still nothing granted

	// The one who holds "*" on everything makes and unmakes an admin.
	_, err = e.users.Update(e.sys, u.ID, users.UpdateParams{Role: ptr(users.RoleProviderAdmin), Vocabulary: users.Tyk})
	is.NoErr(err)
	admin, err = e.authz.HoldsAll(e.sys, u.ID)
	is.NoErr(err)
	is.True(admin) // granted "*" on everything
	_, err = e.users.Update(keyA, u.ID, users.UpdateParams{City: ptr("x")})
	is.Equal(userkit.KindOf(err), userkit.Forbidden) // and now out of A's reach (no escalation)
	_, err = e.users.Update(e.sys, u.ID, users.UpdateParams{Role: ptr(users.RoleConsumerAdmin), Vocabulary: users.Tyk})
	is.NoErr(err)
	admin, err = e.authz.HoldsAll(e.sys, u.ID)
	is.NoErr(err)
	is.True(!admin) // demoting revokes it
}

// testVocabularyRoundTrip: writing back what Solvexia or Tyk shows for a
// user created elsewhere changes nothing: no version, no event.
func testVocabularyRoundTrip(t *testing.T, e env) {
	is := is.New(t)
	for i, stored := range []struct{ role, tz string }{
		{users.RoleConsumerAdmin, ""},
		{users.RoleProviderAdmin, "Europe/Vienna"},
		{users.RoleDesigner, "(UTC+10:00) Canberra, Melbourne, Sydney"},
		{"", ""},
	} {
		u := e.createUser(t, users.CreateParams{Email: fmt.Sprintf("u%d@example.com", i), FirstName: "U", LastName: "V", Role: stored.role, Timezone: stored.tz})
		events := len(e.actions(t, u.ID.String()))
		for _, v := range []users.Vocabulary{users.Solvexia, users.Tyk} {
			p := users.UpdateParams{Vocabulary: v, Role: ptr(users.ShowRole(v, u.Role, false))}
			if v == users.Solvexia {
				p.Timezone = ptr(users.ShowTimezone(v, u.Timezone))
			}
			got, err := e.users.Update(e.sys, u.ID, p)
			is.NoErr(err)                     // write back what was shown
			is.Equal(got.Version, u.Version)  // no new version
			is.Equal(got.Role, stored.role)   // the stored role stays
			is.Equal(got.Timezone, stored.tz) // and the stored timezone
		}
		is.Equal(len(e.actions(t, u.ID.String())), events) // no event
	}
}
