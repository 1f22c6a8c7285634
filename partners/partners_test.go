package partners_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

var fixedNow = time.Date(2025, 3, 4, 5, 6, 7, 8000, time.UTC)

type env struct {
	store *memory.Store
	authz *permissions.Service
	us    *users.Service
	ps    *partners.Service
	sys   context.Context
}

// cheap is argon2id cheap enough for tests.
var cheap = users.Options{Argon2: users.Argon2Params{Memory: 64, Time: 1}}

func newEnv(t *testing.T) env {
	t.Helper()
	store := memory.New()
	k := kit.New(store, &kit.Options{Clock: func() time.Time { return fixedNow }, Users: cheap})
	return env{
		store: store,
		authz: k.Permissions,
		us:    k.Users,
		ps:    k.Partners,
		sys:   permissions.WithPrincipal(context.Background(), permissions.System),
	}
}

func (e env) partner(t *testing.T, name string) partners.Partner {
	t.Helper()
	p, err := e.ps.Create(e.sys, partners.CreateParams{Name: name})
	if err != nil {
		t.Fatalf("create partner %s: %v", name, err)
	}
	return p
}

func (e env) addUser(t *testing.T, partnerID uuid.UUID, email, first, last string) users.User {
	t.Helper()
	u, _, err := e.ps.AddUser(e.sys, partnerID, users.CreateParams{Email: email, FirstName: first, LastName: last})
	if err != nil {
		t.Fatalf("add %s: %v", email, err)
	}
	return u
}

// serviceAccount makes a service account with grants through the store
// and returns a ctx running as it.
func (e env) serviceAccount(t *testing.T, grants ...storage.GrantRecord) context.Context {
	t.Helper()
	is := is.New(t)
	ctx := context.Background()
	id := uuid.Must(uuid.NewV7())
	is.NoErr(e.store.CreateServiceAccount(ctx, &storage.ServiceAccountRecord{ID: id, Name: "sa", CreatedAt: fixedNow, UpdatedAt: fixedNow, Version: 1})) // account stored
	for _, g := range grants {
		g.ID, g.PrincipalID, g.CreatedAt = uuid.Must(uuid.NewV7()), id, fixedNow
		is.NoErr(e.store.AddGrant(ctx, &g)) // grant stored
	}
	return permissions.WithPrincipal(ctx, permissions.ServiceAccountPrincipal(id))
}

func grant(action permissions.Action, scope permissions.Scope) storage.GrantRecord {
	return storage.GrantRecord{Action: string(action), ScopeKind: scope.Kind, ScopeID: scope.ID}
}

func ptr[T any](v T) *T { return &v }

func teamNamed(t *testing.T, teams []partners.Team, def bool) partners.Team {
	t.Helper()
	for _, tm := range teams {
		if tm.Default == def {
			return tm
		}
	}
	t.Fatalf("no team with Default=%v", def)
	return partners.Team{}
}

func TestCreateMakesDefaultTeam(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t)
	p, err := e.ps.Create(e.sys, partners.CreateParams{Name: "  Acme "})
	is.NoErr(err)                   // create
	is.Equal(p.Name, "Acme")        // trimmed
	is.True(p.Num > 0)              // number assigned
	is.Equal(p.CreatedAt, fixedNow) // clock used
	teams, err := e.ps.ListTeams(e.sys, p.ID)
	is.NoErr(err)                             // teams
	is.Equal(len(teams), 1)                   // just the default team
	is.Equal(teams[0].Name, "Acme All users") // named after the partner
	is.True(teams[0].Default)                 // marked default

	got, err := e.ps.GetByNum(e.sys, p.Num)
	is.NoErr(err)    // get by number
	is.Equal(got, p) // same partner

	_, err = e.ps.Create(e.sys, partners.CreateParams{Name: " "})
	is.Equal(userkit.FieldsOf(err)["Name"].String(), "is required") // name needed

	events, err := e.store.ListEvents(context.Background(), storage.EventFilter{PartnerID: p.ID}, userkit.PageRequest{})
	is.NoErr(err)                                       // events
	is.Equal(events.Items[0].Action, "partners.create") // creation audited with its partner
}

func TestUpdateRenamesDefaultTeam(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t)
	p := e.partner(t, "Acme")
	got, err := e.ps.Update(e.sys, p.ID, partners.UpdateParams{Name: ptr("Acme Corp"), Version: ptr(p.Version)})
	is.NoErr(err)                      // rename
	is.Equal(got.Name, "Acme Corp")    // renamed
	is.Equal(got.Version, p.Version+1) // version bumped
	teams, err := e.ps.ListTeams(e.sys, p.ID)
	is.NoErr(err)                                  // teams
	is.Equal(teams[0].Name, "Acme Corp All users") // default team follows

	_, err = e.ps.Update(e.sys, p.ID, partners.UpdateParams{Name: ptr("Stale"), Version: ptr(p.Version)})
	is.True(errors.Is(err, userkit.ErrPreconditionFailed)) // stale version
	_, err = e.ps.Update(e.sys, p.ID, partners.UpdateParams{Name: ptr("")})
	is.Equal(userkit.FieldsOf(err)["Name"].String(), "is required") // cannot blank the name
	cur, err := e.ps.Get(e.sys, p.ID)
	is.NoErr(err)                   // read back
	is.Equal(cur.Name, "Acme Corp") // failed updates wrote nothing
}

func TestDeleteAndList(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t)
	a, b := e.partner(t, "A"), e.partner(t, "B")
	u := e.addUser(t, a.ID, "mona@example.com", "Mona", "Benson")
	is.NoErr(e.ps.Delete(e.sys, a.ID)) // delete
	_, err := e.ps.Get(e.sys, a.ID)
	is.True(errors.Is(err, userkit.ErrNotFound)) // gone
	_, err = e.us.Get(e.sys, u.ID)
	is.NoErr(err) // its users stay
	list, err := e.ps.List(e.sys, userkit.PageRequest{Total: true})
	is.NoErr(err)                    // list
	is.Equal(list.Total, 1)          // one left
	is.Equal(list.Items[0].ID, b.ID) // B
}

func TestAddUserCreatesOrAttaches(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t)
	a, b := e.partner(t, "A"), e.partner(t, "B")

	u, created, err := e.ps.AddUser(e.sys, a.ID, users.CreateParams{Email: "Mona@example.com", FirstName: "Mona", LastName: "Benson", Password: "Samplepassword12"})
	is.NoErr(err)                        // add new email
	is.True(created)                     // user created
	is.Equal(u.LoginName, "mona.benson") // like users.Create

	again, created, err := e.ps.AddUser(e.sys, b.ID, users.CreateParams{Email: "MONA@EXAMPLE.COM", FirstName: "Ramona", LastName: "Other"})
	is.NoErr(err)                     // add known email to another partner
	is.True(!created)                 // attached, not created
	is.Equal(again.ID, u.ID)          // the same user
	is.Equal(again.FirstName, "Mona") // names in the request ignored

	_, _, err = e.ps.AddUser(e.sys, b.ID, users.CreateParams{Email: "mona@example.com", FirstName: "Mona", LastName: "Benson"})
	is.True(errors.Is(err, userkit.ErrConflict)) // already attached

	ps, err := e.ps.PartnersOf(e.sys, u.ID)
	is.NoErr(err)                                                      // partners of the user
	is.Equal([]uuid.UUID{ps[0].ID, ps[1].ID}, []uuid.UUID{a.ID, b.ID}) // in join order

	for _, p := range []partners.Partner{a, b} {
		teams, err := e.ps.ListTeams(e.sys, p.ID)
		is.NoErr(err) // teams
		members, err := e.ps.TeamMembers(e.sys, teamNamed(t, teams, true).ID)
		is.NoErr(err)                 // default team members
		is.Equal(len(members), 1)     // the new member joined
		is.Equal(members[0].ID, u.ID) // it is the user
	}

	_, _, err = e.ps.AddUser(e.sys, a.ID, users.CreateParams{Email: "bad", FirstName: "X"})
	is.True(errors.Is(err, userkit.ErrInvalid)) // a new user is validated
	_, _, err = e.ps.AddUser(e.sys, uuid.Must(uuid.NewV7()), users.CreateParams{Email: "n@example.com", FirstName: "N", LastName: "N"})
	is.True(errors.Is(err, userkit.ErrNotFound)) // missing partner
	_, err = e.store.GetUserByEmail(context.Background(), "n@example.com")
	is.True(errors.Is(err, userkit.ErrNotFound)) // and no user left behind

	events, err := e.store.ListEvents(context.Background(), storage.EventFilter{PartnerID: b.ID}, userkit.PageRequest{})
	is.NoErr(err)                                         // events
	is.Equal(events.Items[0].Action, "partners.add_user") // attach audited
	is.Equal(events.Items[0].TargetID, u.ID.String())     // with the user
}

func TestAddUserConcurrently(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t)
	var ids []uuid.UUID
	for _, n := range []string{"A", "B", "C", "D", "E"} {
		ids = append(ids, e.partner(t, n).ID)
	}
	var mu sync.Mutex
	createdCount := 0
	seen := map[uuid.UUID]bool{}
	var wg sync.WaitGroup
	for _, pid := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u, created, err := e.ps.AddUser(e.sys, pid, users.CreateParams{Email: "same@example.com", FirstName: "Same", LastName: "One"})
			is.NoErr(err) // every partner gets the user
			mu.Lock()
			defer mu.Unlock()
			seen[u.ID] = true
			if created {
				createdCount++
			}
		}()
	}
	wg.Wait()
	is.Equal(createdCount, 1) // created exactly once
	is.Equal(len(seen), 1)    // one user everywhere
}

func TestRemoveUserDeletesAfterLastPartner(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t)
	a, b := e.partner(t, "A"), e.partner(t, "B")
	u := e.addUser(t, a.ID, "mona@example.com", "Mona", "Benson") // created by A: A manages her
	e.addUser(t, b.ID, "mona@example.com", "Mona", "Benson")      // attached by B

	deleted, err := e.ps.RemoveUser(e.sys, b.ID, u.ID)
	is.NoErr(err)     // remove from B
	is.True(!deleted) // B does not manage her: only detached
	_, err = e.ps.GetUser(e.sys, b.ID, u.ID)
	is.True(errors.Is(err, userkit.ErrNotFound)) // no longer in B
	_, err = e.ps.GetUser(e.sys, a.ID, u.ID)
	is.NoErr(err) // still in A

	_, err = e.ps.RemoveUser(e.sys, b.ID, u.ID)
	is.True(errors.Is(err, userkit.ErrNotFound)) // not a member any more

	deleted, err = e.ps.RemoveUser(e.sys, a.ID, u.ID)
	is.NoErr(err)    // remove from A
	is.True(deleted) // the managing partner, and in nothing else: user deleted
	_, err = e.store.GetUser(context.Background(), u.ID)
	is.True(errors.Is(err, userkit.ErrNotFound)) // gone from the store

	events, err := e.store.ListEvents(context.Background(), storage.EventFilter{TargetID: u.ID.String()}, userkit.PageRequest{Limit: 2})
	is.NoErr(err)                                                                                                        // events
	is.Equal([]string{events.Items[0].Action, events.Items[1].Action}, []string{"users.delete", "partners.remove_user"}) // both audited
}

// TestRemoveManagingPartnerKeepsSharedUser: leaving the managing partner
// while still in another one hands the user to everything ("*"), and the
// other partner's removal then only detaches.
func TestRemoveManagingPartnerKeepsSharedUser(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t)
	a, b := e.partner(t, "A"), e.partner(t, "B")
	u := e.addUser(t, a.ID, "mona@example.com", "Mona", "Benson")
	is.Equal(u.ManagedBy, permissions.PartnerScope(a.ID)) // created by A: managed by A
	e.addUser(t, b.ID, "mona@example.com", "Mona", "Benson")

	deleted, err := e.ps.RemoveUser(e.sys, a.ID, u.ID)
	is.NoErr(err)     // remove from the managing partner
	is.True(!deleted) // still in B: kept
	rec, err := e.store.GetUser(context.Background(), u.ID)
	is.NoErr(err)
	is.Equal(rec.ManagedKind, storage.ScopeAll) // now managed by everything, not by B

	deleted, err = e.ps.RemoveUser(e.sys, b.ID, u.ID)
	is.NoErr(err)     // remove from B
	is.True(!deleted) // B never managed her: never deleted
}

func TestListUsersAndIsolation(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t)
	a, b := e.partner(t, "A"), e.partner(t, "B")
	anna := e.addUser(t, a.ID, "anna@example.com", "Anna", "Smith")
	bert := e.addUser(t, a.ID, "bert@example.com", "Bert", "Jones")
	carl := e.addUser(t, b.ID, "carl@example.com", "Carl", "Smith")

	page, err := e.ps.ListUsers(e.sys, a.ID, partners.ListUsersParams{Search: "SMITH"})
	is.NoErr(err)                       // search within partner
	is.Equal(len(page.Items), 1)        // Carl is in B
	is.Equal(page.Items[0].ID, anna.ID) // Anna

	page, err = e.ps.ListUsers(e.sys, a.ID, partners.ListUsersParams{PageRequest: userkit.PageRequest{Limit: 1, Page: 2, Total: true}})
	is.NoErr(err)                       // numbered page
	is.Equal(page.Total, 2)             // two members
	is.Equal(page.Items[0].ID, bert.ID) // second one

	keyA := e.serviceAccount(t, grant(permissions.UsersRead, permissions.PartnerScope(a.ID)))
	_, err = e.ps.ListUsers(keyA, a.ID, partners.ListUsersParams{})
	is.NoErr(err) // own partner
	_, err = e.ps.ListUsers(keyA, b.ID, partners.ListUsersParams{})
	is.True(errors.Is(err, userkit.ErrForbidden)) // other partner's list
	_, err = e.ps.GetUser(keyA, b.ID, carl.ID)
	is.True(errors.Is(err, userkit.ErrForbidden)) // other partner's user
	_, err = e.ps.GetUser(keyA, a.ID, carl.ID)
	is.True(errors.Is(err, userkit.ErrNotFound)) // B's user through A
	_, err = e.ps.RemoveUser(keyA, a.ID, anna.ID)
	is.True(errors.Is(err, userkit.ErrForbidden)) // read is not delete
	_, _, err = e.ps.AddUser(keyA, a.ID, users.CreateParams{Email: "x@example.com", FirstName: "X", LastName: "Y"})
	is.True(errors.Is(err, userkit.ErrForbidden)) // read is not create
	_, err = e.ps.ListUsers(e.sys, uuid.Must(uuid.NewV7()), partners.ListUsersParams{})
	is.True(errors.Is(err, userkit.ErrNotFound)) // missing partner
}

func TestPartnerPermissions(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t)
	a, b := e.partner(t, "A"), e.partner(t, "B")
	none := context.Background()
	nobody := e.serviceAccount(t)
	adminA := e.serviceAccount(t, grant("partners.*", permissions.PartnerScope(a.ID)), grant("users.*", permissions.PartnerScope(a.ID)))

	_, err := e.ps.Create(none, partners.CreateParams{Name: "X"})
	is.True(errors.Is(err, userkit.ErrUnauthenticated)) // no principal
	_, err = e.ps.Create(nobody, partners.CreateParams{Name: "X"})
	is.True(errors.Is(err, userkit.ErrForbidden)) // no grant
	_, err = e.ps.Create(adminA, partners.CreateParams{Name: "X"})
	is.True(errors.Is(err, userkit.ErrForbidden)) // partner grant cannot create partners
	_, err = e.ps.List(adminA, userkit.PageRequest{})
	is.True(errors.Is(err, userkit.ErrForbidden)) // nor list all of them
	_, err = e.ps.Get(nobody, a.ID)
	is.True(errors.Is(err, userkit.ErrForbidden)) // get without grant
	_, err = e.ps.GetByNum(nobody, 999)
	is.True(errors.Is(err, userkit.ErrForbidden)) // missing number not revealed

	_, err = e.ps.Get(adminA, a.ID)
	is.NoErr(err) // own partner
	_, err = e.ps.Get(adminA, b.ID)
	is.True(errors.Is(err, userkit.ErrForbidden)) // other partner
	_, err = e.ps.Update(adminA, b.ID, partners.UpdateParams{Name: ptr("Mine")})
	is.True(errors.Is(err, userkit.ErrForbidden))                       // other partner
	is.True(errors.Is(e.ps.Delete(adminA, b.ID), userkit.ErrForbidden)) // other partner
	_, err = e.ps.CreateTeam(adminA, b.ID, partners.TeamParams{Name: "T"})
	is.True(errors.Is(err, userkit.ErrForbidden)) // other partner's teams
	teamsB, err := e.ps.ListTeams(e.sys, b.ID)
	is.NoErr(err) // B's teams
	_, err = e.ps.GetTeam(adminA, teamsB[0].ID)
	is.True(errors.Is(err, userkit.ErrForbidden)) // other partner's team

	u, created, err := e.ps.AddUser(adminA, a.ID, users.CreateParams{Email: "x@example.com", FirstName: "X", LastName: "Y"})
	is.NoErr(err)    // partner admin adds a user
	is.True(created) // created
	_, err = e.us.Get(adminA, u.ID)
	is.NoErr(err) // and may read it through users
}

func TestTeams(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t)
	a, b := e.partner(t, "A"), e.partner(t, "B")
	inA := e.addUser(t, a.ID, "a@example.com", "In", "A")
	inB := e.addUser(t, b.ID, "b@example.com", "In", "B")
	teams, err := e.ps.ListTeams(e.sys, a.ID)
	is.NoErr(err) // teams
	def := teams[0]

	team, err := e.ps.CreateTeam(e.sys, a.ID, partners.TeamParams{Name: "Sales"})
	is.NoErr(err)          // create team
	is.True(!team.Default) // not default
	is.Equal(team.PartnerID, a.ID)
	got, err := e.ps.GetTeamByNum(e.sys, team.Num)
	is.NoErr(err)       // by number
	is.Equal(got, team) // same team
	team, err = e.ps.UpdateTeam(e.sys, team.ID, partners.TeamUpdateParams{Name: ptr("Sales EU"), Version: ptr(team.Version)})
	is.NoErr(err)                   // rename
	is.Equal(team.Name, "Sales EU") // renamed
	_, err = e.ps.UpdateTeam(e.sys, team.ID, partners.TeamUpdateParams{Name: ptr("x"), Version: ptr(team.Version - 1)})
	is.True(errors.Is(err, userkit.ErrPreconditionFailed)) // stale

	_, err = e.ps.UpdateTeam(e.sys, def.ID, partners.TeamUpdateParams{Name: ptr("Everyone")})
	is.True(errors.Is(err, userkit.ErrInvalid))                                          // default team keeps its name
	is.True(errors.Is(e.ps.DeleteTeam(e.sys, def.ID), userkit.ErrInvalid))               // and cannot be deleted
	is.True(errors.Is(e.ps.RemoveTeamMember(e.sys, def.ID, inA.ID), userkit.ErrInvalid)) // nor be left alone

	err = e.ps.AddTeamMember(e.sys, team.ID, inB.ID)
	is.True(errors.Is(err, userkit.ErrInvalid))                                                          // not a member of the partner
	is.Equal(userkit.FieldsOf(err)["UserID"].String(), "is not a member of the team's partner")          // says why
	is.True(errors.Is(e.ps.AddTeamMember(e.sys, team.ID, uuid.Must(uuid.NewV7())), userkit.ErrNotFound)) // no such user
	is.NoErr(e.ps.AddTeamMember(e.sys, team.ID, inA.ID))                                                 // member joins
	is.True(errors.Is(e.ps.AddTeamMember(e.sys, team.ID, inA.ID), userkit.ErrConflict))                  // twice

	members, err := e.ps.TeamMembers(e.sys, team.ID)
	is.NoErr(err)                   // members
	is.Equal(len(members), 1)       // one
	is.Equal(members[0].ID, inA.ID) // the user
	of, err := e.ps.TeamsOf(e.sys, inA.ID)
	is.NoErr(err)        // teams of the user
	is.Equal(len(of), 2) // default and Sales EU

	is.NoErr(e.ps.RemoveTeamMember(e.sys, team.ID, inA.ID))                                // leave
	is.True(errors.Is(e.ps.RemoveTeamMember(e.sys, team.ID, inA.ID), userkit.ErrNotFound)) // not in it now
	is.NoErr(e.ps.DeleteTeam(e.sys, team.ID))                                              // delete team
	_, err = e.ps.GetTeam(e.sys, team.ID)
	is.True(errors.Is(err, userkit.ErrNotFound)) // gone
	_, err = e.us.Get(e.sys, inA.ID)
	is.NoErr(err) // its members stay
}

// A partner's list without a search term takes its total from the
// partner's member count, read with the partner; a search counts its
// matches.
func TestListUsersTotals(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t)
	a, b := e.partner(t, "A"), e.partner(t, "B")
	anna := e.addUser(t, a.ID, "anna@example.com", "Anna", "Smith")
	bert := e.addUser(t, a.ID, "bert@example.com", "Bert", "Jones")
	e.addUser(t, a.ID, "cleo@example.com", "Cleo", "Smith")
	e.addUser(t, b.ID, "dora@example.com", "Dora", "Smith")
	total := func(p partners.ListUsersParams) int {
		t.Helper()
		byID, err := e.ps.ListUsers(e.sys, a.ID, p)
		is.NoErr(err) // ListUsers
		byNum, err := e.ps.ListUsersByNum(e.sys, a.Num, p)
		is.NoErr(err)                     // ListUsersByNum
		is.Equal(byNum.Total, byID.Total) // both ways agree
		is.Equal(len(byNum.Items), len(byID.Items))
		return byID.Total
	}
	withTotal := userkit.PageRequest{Limit: 1, Total: true}
	is.Equal(total(partners.ListUsersParams{PageRequest: withTotal}), 3)                      // three members
	is.Equal(total(partners.ListUsersParams{Search: "  ", PageRequest: withTotal}), 3)        // a blank search is no search
	is.Equal(total(partners.ListUsersParams{Search: "smith", PageRequest: withTotal}), 2)     // a search counts its matches
	is.Equal(total(partners.ListUsersParams{PageRequest: userkit.PageRequest{Limit: 1}}), -1) // no total asked, none given

	_, err := e.ps.RemoveUser(e.sys, a.ID, bert.ID)
	is.NoErr(err)                                                        // a member leaves
	is.Equal(total(partners.ListUsersParams{PageRequest: withTotal}), 2) // counted
	is.NoErr(e.us.Delete(e.sys, anna.ID))                                // a member is deleted
	is.Equal(total(partners.ListUsersParams{PageRequest: withTotal}), 1) // counted
}
