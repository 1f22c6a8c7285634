package servicetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
	"github.com/userkit/userkit/users"
)

// tykFlows are the flows of the Tyk portal's one-call service methods
// (partners/portaluser.go, partners/orgview.go). They run over every
// store like the flows of TestFlows.
var tykFlows = []struct {
	name string
	run  func(t *testing.T, e env)
}{
	{"SavePortalUserFailsAtEveryWrite", testSavePortalUserFailsAtEveryWrite},
	{"SavePortalUserMoveIsOneTransaction", testSavePortalUserMoveIsOneTransaction},
	{"PortalUserRoundTrip", testPortalUserRoundTrip},
	{"CreatePortalUser", testCreatePortalUser},
	{"SaveTeam", testSaveTeam},
}

// TestTykFlows runs every Tyk flow over every store.
func TestTykFlows(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			if st.dsnEnv != "" {
				sqltest.DSN(t, st.dsnEnv)
			}
			for _, f := range tykFlows {
				t.Run(f.name, func(t *testing.T) {
					t.Parallel()
					f.run(t, newEnv(st.open(t)))
				})
			}
		})
	}
}

var errInjected = errors.New("injected write failure")

// faultyStore counts the writes made through it and fails the nth (0:
// none). It counts transactions, and writes made outside any transaction.
type faultyStore struct {
	storage.Store
	c    *faultCounter
	inTx bool
}

type faultCounter struct {
	mu            sync.Mutex
	n             int // fail the nth write; 0: never
	writes        int
	outside       int // writes outside a transaction
	transactions  int
	writtenByName []string
}

func newFaulty(base storage.Store, n int) (faultyStore, *faultCounter) {
	c := &faultCounter{n: n}
	return faultyStore{Store: base, c: c}, c
}

func (s faultyStore) InTx(ctx context.Context, fn func(tx storage.Store) error) error {
	s.c.mu.Lock()
	s.c.transactions++
	s.c.mu.Unlock()
	return s.Store.InTx(ctx, func(tx storage.Store) error {
		return fn(faultyStore{Store: tx, c: s.c, inTx: true})
	})
}

// write counts one write called name, failing it when it is the nth.
func (s faultyStore) write(name string) error {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	s.c.writes++
	s.c.writtenByName = append(s.c.writtenByName, name)
	if !s.inTx {
		s.c.outside++
	}
	if s.c.writes == s.c.n {
		return fmt.Errorf("%s: %w", name, errInjected)
	}
	return nil
}

func (s faultyStore) CreateUser(ctx context.Context, rec *storage.UserRecord) error {
	if err := s.write("CreateUser"); err != nil {
		return err
	}
	return s.Store.CreateUser(ctx, rec)
}

func (s faultyStore) UpdateUser(ctx context.Context, rec storage.UserRecord, expect int64) error {
	if err := s.write("UpdateUser"); err != nil {
		return err
	}
	return s.Store.UpdateUser(ctx, rec, expect)
}

func (s faultyStore) DeleteUser(ctx context.Context, id uuid.UUID) error {
	if err := s.write("DeleteUser"); err != nil {
		return err
	}
	return s.Store.DeleteUser(ctx, id)
}

func (s faultyStore) AddPartnerMember(ctx context.Context, rec storage.PartnerMemberRecord) error {
	if err := s.write("AddPartnerMember"); err != nil {
		return err
	}
	return s.Store.AddPartnerMember(ctx, rec)
}

func (s faultyStore) RemovePartnerMember(ctx context.Context, partnerID, userID uuid.UUID) error {
	if err := s.write("RemovePartnerMember"); err != nil {
		return err
	}
	return s.Store.RemovePartnerMember(ctx, partnerID, userID)
}

func (s faultyStore) AddTeamMember(ctx context.Context, teamID, userID uuid.UUID) error {
	if err := s.write("AddTeamMember"); err != nil {
		return err
	}
	return s.Store.AddTeamMember(ctx, teamID, userID)
}

func (s faultyStore) RemoveTeamMember(ctx context.Context, teamID, userID uuid.UUID) error {
	if err := s.write("RemoveTeamMember"); err != nil {
		return err
	}
	return s.Store.RemoveTeamMember(ctx, teamID, userID)
}

func (s faultyStore) UpdateTeam(ctx context.Context, rec storage.TeamRecord, expect int64) error {
	if err := s.write("UpdateTeam"); err != nil {
		return err
	}
	return s.Store.UpdateTeam(ctx, rec, expect)
}

func (s faultyStore) AddGrant(ctx context.Context, rec *storage.GrantRecord) error {
	if err := s.write("AddGrant"); err != nil {
		return err
	}
	return s.Store.AddGrant(ctx, rec)
}

func (s faultyStore) RemoveGrant(ctx context.Context, id uuid.UUID) error {
	if err := s.write("RemoveGrant"); err != nil {
		return err
	}
	return s.Store.RemoveGrant(ctx, id)
}

func (s faultyStore) AppendEvent(ctx context.Context, rec storage.EventRecord) error {
	if err := s.write("AppendEvent"); err != nil {
		return err
	}
	return s.Store.AppendEvent(ctx, rec)
}

// tykState renders everything SavePortalUser may change about a user:
// the record, memberships, teams, grants, and the whole audit log.
func (e env) tykState(t *testing.T, id uuid.UUID) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	rec := e.record(t, id)
	fmt.Fprintf(&b, "user %+v\n", rec)
	ps, err := e.store.PartnersOfUser(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		fmt.Fprintf(&b, "partner %s %s\n", p.ID, p.Name)
	}
	ts, err := e.store.TeamsOfUser(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range ts {
		fmt.Fprintf(&b, "team %s %s\n", tm.ID, tm.Name)
	}
	gs, err := e.store.GrantsOf(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		fmt.Fprintf(&b, "grant %s %s %s\n", g.Action, g.ScopeKind, g.ScopeID)
	}
	for _, ev := range e.events(t, storage.EventFilter{}) {
		fmt.Fprintf(&b, "event %s %s %s\n", ev.Action, ev.TargetKind, ev.TargetID)
	}
	return b.String()
}

// tykMoveFixture: organisations A (teams "A devs") and B (team "B devs"),
// and a user created in A, put in "A devs", then made an administrator
// (keeping the membership). The change the flows make demotes them, renames
// them and moves them to B's "B devs": every kind of write SavePortalUser
// makes.
func tykMoveFixture(t *testing.T, e env) (u partners.PortalUser, b partners.Partner, change partners.PortalUserUpdate) {
	t.Helper()
	is := is.New(t)
	a, b := e.partner(t, "A"), e.partner(t, "B")
	aDevs, err := e.partners.CreateTeam(e.sys, a.ID, partners.TeamParams{Name: "A devs"})
	is.NoErr(err)
	_, err = e.partners.CreateTeam(e.sys, b.ID, partners.TeamParams{Name: "B devs"})
	is.NoErr(err)
	u, err = e.partners.CreatePortalUser(e.sys, partners.PortalUserParams{
		CreateParams: users.CreateParams{Email: "mona@example.com", FirstName: "Mona", LastName: "Benson",
			Role: users.RoleConsumerTeamMember, Vocabulary: users.Tyk},
		OrganisationNum: a.Num,
	})
	is.NoErr(err)                     // created in A
	is.Equal(u.Organisation.ID, a.ID) // shown in A
	is.Equal(u.ManagedBy.ID, a.ID)    // and managed by A
	is.Equal(teamNames(u.Teams), "A All users")
	u, err = e.partners.SavePortalUser(e.sys, u.Num, partners.PortalUserUpdate{Teams: &[]partners.TeamRef{{Num: aDevs.Num}}})
	is.NoErr(err)
	is.Equal(teamNames(u.Teams), "A All users, A devs") // joined A devs
	u, err = e.partners.SavePortalUser(e.sys, u.Num, partners.PortalUserUpdate{Profile: users.UpdateParams{Role: ptr(users.RoleSuperAdmin), Vocabulary: users.Tyk}})
	is.NoErr(err)
	is.True(u.Admin)                       // promoted: holds "*" on everything
	is.True(u.Organisation == nil)         // admins show no organisation
	is.Equal(u.Role, users.RoleSuperAdmin) // shown as an admin
	change = partners.PortalUserUpdate{
		Profile:         users.UpdateParams{FirstName: ptr("Ramona"), Role: ptr(users.RoleConsumerAdmin), Vocabulary: users.Tyk},
		OrganisationNum: &b.Num,
		Teams:           &[]partners.TeamRef{{Name: "B devs"}},
	}
	return u, b, change
}

func teamNames(ts []partners.Team) string {
	names := make([]string, len(ts))
	for i, tm := range ts {
		names[i] = tm.Name
	}
	return strings.Join(names, ", ")
}

// testSavePortalUserFailsAtEveryWrite: a SavePortalUser that demotes,
// renames and moves a user fails at its 1st, 2nd, … write in turn, and
// each time nothing changes: record, memberships, teams, grants, events.
// Then it runs with no failure and changes all of them.
func testSavePortalUserFailsAtEveryWrite(t *testing.T, e env) {
	is := is.New(t)
	u, b, change := tykMoveFixture(t, e)
	before := e.tykState(t, u.ID)
	for n := 1; ; n++ {
		faulty, c := newFaulty(e.store, n)
		got, err := e.partnersOver(faulty).SavePortalUser(e.sys, u.Num, change)
		if c.writes < n {
			is.NoErr(err)  // every write passed: the save succeeded
			is.True(n > 8) // after failing at each of its many writes
			is.Equal(got.FirstName, "Ramona")
			is.True(!got.Admin)
			is.Equal(got.Organisation.ID, b.ID)
			is.Equal(teamNames(got.Teams), "B All users, B devs")
			is.True(e.tykState(t, u.ID) != before) // and changed the user
			return
		}
		if !errors.Is(err, errInjected) {
			t.Fatalf("write %d (%s): got %v, want the injected failure", n, c.writtenByName[n-1], err)
		}
		if after := e.tykState(t, u.ID); after != before {
			t.Fatalf("failing write %d (%s) left changes:\n%s\nwant:\n%s", n, c.writtenByName[n-1], after, before)
		}
	}
}

// testSavePortalUserMoveIsOneTransaction: the whole change runs in one
// transaction (no write outside it) and its events are written together.
func testSavePortalUserMoveIsOneTransaction(t *testing.T, e env) {
	is := is.New(t)
	u, _, change := tykMoveFixture(t, e)
	events := len(e.events(t, storage.EventFilter{}))
	faulty, c := newFaulty(e.store, 0)
	_, err := e.partnersOver(faulty).SavePortalUser(e.sys, u.Num, change)
	is.NoErr(err)
	is.Equal(c.transactions, 1) // one transaction
	is.Equal(c.outside, 0)      // every write inside it
	var got []string
	for _, ev := range e.events(t, storage.EventFilter{})[events:] {
		got = append(got, ev.Action)
	}
	is.Equal(got, []string{
		"permissions.delete",       // the admin grant revoked
		"users.update",             // renamed, role label
		"partners.add_user",        // joined B
		"partners.remove_user",     // left A
		"users.update",             // no longer managed by A
		"partners.add_team_member", // B devs
	}) // all the events of the move
}

// testPortalUserRoundTrip: writing back what PortalUser shows changes
// nothing (no version, no event) for a Tyk-created user in an
// organisation and teams, a Solvexia-created Designer, a user in no
// organisation and an administrator.
func testPortalUserRoundTrip(t *testing.T, e env) {
	is := is.New(t)
	a := e.partner(t, "A")
	devs, err := e.partners.CreateTeam(e.sys, a.ID, partners.TeamParams{Name: "Devs"})
	is.NoErr(err)
	tykUser, err := e.partners.CreatePortalUser(e.sys, partners.PortalUserParams{
		CreateParams:    users.CreateParams{Email: "t@example.com", FirstName: "T", LastName: "U", Role: users.RoleConsumerAdmin, Vocabulary: users.Tyk},
		OrganisationNum: a.Num,
	})
	is.NoErr(err)
	_, err = e.partners.SavePortalUser(e.sys, tykUser.Num, partners.PortalUserUpdate{Teams: &[]partners.TeamRef{{Num: devs.Num}}})
	is.NoErr(err)
	designer := e.createUser(t, users.CreateParams{Email: "d@example.com", FirstName: "D", LastName: "U", Role: users.RoleDesigner, Vocabulary: users.Solvexia, Timezone: "(UTC+10:00) Canberra, Melbourne, Sydney"})
	loner, err := e.partners.CreatePortalUser(e.sys, partners.PortalUserParams{
		CreateParams: users.CreateParams{Email: "l@example.com", FirstName: "L", LastName: "U", Vocabulary: users.Tyk}})
	is.NoErr(err)
	admin, err := e.partners.CreatePortalUser(e.sys, partners.PortalUserParams{
		CreateParams: users.CreateParams{Email: "a@example.com", FirstName: "A", LastName: "U", Role: users.RoleProviderAdmin, Vocabulary: users.Tyk}})
	is.NoErr(err)
	is.True(admin.Admin) // an admin role grants "*" on everything

	for _, num := range []int64{tykUser.Num, designer.Num, loner.Num, admin.Num} {
		shown, err := e.partners.PortalUser(e.sys, num)
		is.NoErr(err)
		events := len(e.events(t, storage.EventFilter{}))
		got, err := e.partners.SavePortalUser(e.sys, num, writeBack(shown))
		is.NoErr(err)                                             // write back what was shown
		is.Equal(got.Version, shown.Version)                      // no new version
		is.Equal(len(e.events(t, storage.EventFilter{})), events) // no event
		is.Equal(got, shown)                                      // the same view
	}
	is.Equal(e.record(t, designer.ID).Role, users.RoleDesigner) // the Solvexia role survives a Tyk write
}

// writeBack is the change a Tyk client makes when it sends back every
// field the portal showed.
func writeBack(v partners.PortalUser) partners.PortalUserUpdate {
	var org int64
	if v.Organisation != nil {
		org = v.Organisation.Num
	}
	teams := make([]partners.TeamRef, len(v.Teams))
	for i, tm := range v.Teams {
		teams[i] = partners.TeamRef{Name: tm.Name}
	}
	active := v.Status == users.StatusActive
	return partners.PortalUserUpdate{
		Profile: users.UpdateParams{Email: ptr(v.Email), FirstName: ptr(v.FirstName), LastName: ptr(v.LastName),
			Role: ptr(v.Role), Provider: ptr(v.Provider), MustResetPassword: ptr(v.MustResetPassword), Vocabulary: users.Tyk},
		Active:          &active,
		OrganisationNum: &org,
		Teams:           &teams,
	}
}

// testCreatePortalUser: a taken email is Conflict and attaches nobody; an
// admin role needs "*" on everything; a partner key creates in its own
// organisation only; a refused create writes nothing.
func testCreatePortalUser(t *testing.T, e env) {
	is := is.New(t)
	a, b := e.partner(t, "A"), e.partner(t, "B")
	existing := e.member(t, b.ID, "taken@example.com", "Taken", "User")
	keyA := e.keyOf(t, permissions.GrantParams{Action: "users.*", Scope: permissions.PartnerScope(a.ID)})
	events := len(e.events(t, storage.EventFilter{}))

	_, err := e.partners.CreatePortalUser(keyA, partners.PortalUserParams{
		CreateParams: users.CreateParams{Email: "TAKEN@example.com", FirstName: "X", LastName: "Y", Vocabulary: users.Tyk}, OrganisationNum: a.Num})
	is.Equal(kind(err), "conflict")                                  // a taken email
	is.Equal(userkit.FieldsOf(err)["Email"].Rule, userkit.RuleTaken) // says which field
	in, err := e.store.IsPartnerMember(context.Background(), a.ID, existing.ID)
	is.NoErr(err)
	is.True(!in) // the existing user was not attached

	_, err = e.partners.CreatePortalUser(keyA, partners.PortalUserParams{
		CreateParams: users.CreateParams{Email: "new@example.com", FirstName: "X", LastName: "Y", Vocabulary: users.Tyk}, OrganisationNum: b.Num})
	is.Equal(kind(err), "forbidden") // another partner's organisation
	_, err = e.partners.CreatePortalUser(keyA, partners.PortalUserParams{
		CreateParams: users.CreateParams{Email: "new@example.com", FirstName: "X", LastName: "Y", Vocabulary: users.Tyk}, OrganisationNum: 999})
	is.Equal(kind(err), "forbidden") // an unknown organisation is not revealed
	_, err = e.partners.CreatePortalUser(keyA, partners.PortalUserParams{
		CreateParams: users.CreateParams{Email: "new@example.com", FirstName: "X", LastName: "Y", Role: users.RoleSuperAdmin, Vocabulary: users.Tyk}})
	is.Equal(kind(err), "forbidden")                          // an admin needs "*" on everything
	is.Equal(len(e.events(t, storage.EventFilter{})), events) // the refusals wrote nothing
	_, err = e.store.GetUserByEmail(context.Background(), "new@example.com")
	is.Equal(kind(err), "not found")

	u, err := e.partners.CreatePortalUser(keyA, partners.PortalUserParams{
		CreateParams: users.CreateParams{Email: "new@example.com", FirstName: "X", LastName: "Y", Vocabulary: users.Tyk}, OrganisationNum: a.Num})
	is.NoErr(err)                     // in its own organisation
	is.Equal(u.Organisation.ID, a.ID) // shown there
	is.Equal(u.ManagedBy.ID, a.ID)    // managed by it
	is.Equal(teamNames(u.Teams), "A All users")
	is.True(!u.TokenVisible) // a partner key never sees tokens
}

// testSaveTeam: rename and members in one call; a refused member list
// changes nothing, not even the name.
func testSaveTeam(t *testing.T, e env) {
	is := is.New(t)
	a, b := e.partner(t, "A"), e.partner(t, "B")
	m1 := e.member(t, a.ID, "m1@example.com", "M", "One")
	m2 := e.member(t, a.ID, "m2@example.com", "M", "Two")
	other := e.member(t, b.ID, "o@example.com", "O", "Ther")
	team, err := e.partners.CreateTeam(e.sys, a.ID, partners.TeamParams{Name: "Devs"})
	is.NoErr(err)

	got, members, err := e.partners.SaveTeam(e.sys, a.Num, team.Num, partners.TeamSave{Name: ptr("Developers"), UserNums: &[]int64{m2.Num, m1.Num, m2.Num}})
	is.NoErr(err)
	is.Equal(got.Name, "Developers")                  // renamed
	is.Equal(ids(members), []uuid.UUID{m2.ID, m1.ID}) // members in the order added
	is.Equal(got.Version, team.Version+1)             // one new version

	before := len(e.events(t, storage.EventFilter{}))
	_, _, err = e.partners.SaveTeam(e.sys, a.Num, team.Num, partners.TeamSave{Name: ptr("Other"), UserNums: &[]int64{m1.Num, other.Num}})
	is.Equal(kind(err), "invalid")                            // a member of another partner
	is.Equal(len(e.events(t, storage.EventFilter{})), before) // nothing written
	again, members, err := e.partners.TeamByNums(e.sys, a.Num, team.Num)
	is.NoErr(err)
	is.Equal(again.Name, "Developers") // name unchanged
	is.Equal(len(members), 2)          // members unchanged

	_, _, err = e.partners.TeamByNums(e.sys, b.Num, team.Num)
	is.Equal(kind(err), "not found") // a team of another partner
}
