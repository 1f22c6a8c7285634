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
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// testPartnersCreateOrAttach: AddUser creates a new email's user, attaches
// a known one as is, and refuses a member twice without changing anything.
func testPartnersCreateOrAttach(t *testing.T, e env) {
	is := is.New(t)
	acme, beta := e.partner(t, "Acme"), e.partner(t, "Beta")

	u, created, err := e.partners.AddUser(e.sys, acme.ID, users.CreateParams{Email: "mona@example.com", FirstName: "Mona", LastName: "Benson"})
	is.NoErr(err)    // add a new email
	is.True(created) // the user was created

	again, created, err := e.partners.AddUser(e.sys, beta.ID, users.CreateParams{Email: " MONA@Example.com", FirstName: "Someone", LastName: "Else"})
	is.NoErr(err)                     // add the known email to another partner
	is.True(!created)                 // attached, not created
	is.Equal(again.ID, u.ID)          // the same user
	is.Equal(again.FirstName, "Mona") // names in the params are ignored
	is.Equal(e.record(t, u.ID).FirstName, "Mona")
	of, err := e.partners.PartnersOf(e.sys, u.ID)
	is.NoErr(err)               // partners of the user
	is.Equal(len(of), 2)        // two partners
	is.Equal(of[0].ID, acme.ID) // primary partner first
	is.Equal(of[1].ID, beta.ID)

	events := e.events(t, storage.EventFilter{})
	_, _, err = e.partners.AddUser(e.sys, acme.ID, users.CreateParams{Email: "mona@example.com", FirstName: "Mona", LastName: "Benson"})
	is.Equal(kind(err), "conflict")                                // already a member
	is.Equal(len(e.events(t, storage.EventFilter{})), len(events)) // no event for the refused add
	of, err = e.partners.PartnersOf(e.sys, u.ID)
	is.NoErr(err)        // partners of the user
	is.Equal(len(of), 2) // memberships unchanged
	teams, err := e.partners.ListTeams(e.sys, acme.ID)
	is.NoErr(err) // teams of Acme
	members, err := e.partners.TeamMembers(e.sys, teams[0].ID)
	is.NoErr(err)                             // default team members
	is.Equal(ids(members), []uuid.UUID{u.ID}) // joined the default team once
	page, err := e.users.List(e.sys, users.ListParams{PageRequest: userkit.PageRequest{Total: true}})
	is.NoErr(err)           // list users
	is.Equal(page.Total, 1) // one user in all

	// The store is usable after the refused transaction.
	e.member(t, acme.ID, "next@example.com", "Next", "One")
}

// teamAddedTwice is a store whose AddTeamMember adds the member twice, so
// that the database itself refuses the second insert in the middle of a
// transaction that has already written a user and a membership. It
// simulates an "already attached" discovered by the store rather than by
// the service's own check, which on PostgreSQL aborts the transaction.
type teamAddedTwice struct{ storage.Store }

func (s teamAddedTwice) InTx(ctx context.Context, fn func(tx storage.Store) error) error {
	return s.Store.InTx(ctx, func(tx storage.Store) error { return fn(teamAddedTwice{tx}) })
}

func (s teamAddedTwice) AddTeamMember(ctx context.Context, teamID, userID uuid.UUID) error {
	if err := s.Store.AddTeamMember(ctx, teamID, userID); err != nil {
		return err
	}
	return s.Store.AddTeamMember(ctx, teamID, userID)
}

// testPartnersConflictMidTransaction: a Conflict raised by the database
// after AddUser's transaction wrote the user and the membership leaves
// nothing behind, and the store keeps working.
func testPartnersConflictMidTransaction(t *testing.T, e env) {
	is := is.New(t)
	acme := e.partner(t, "Acme")
	events := len(e.events(t, storage.EventFilter{}))
	faulty := e.partnersOver(teamAddedTwice{e.store})

	_, _, err := faulty.AddUser(e.sys, acme.ID, users.CreateParams{Email: "mona@example.com", FirstName: "Mona", LastName: "Benson"})
	is.Equal(kind(err), "conflict") // the store's duplicate is Conflict
	_, err = e.store.GetUserByEmail(context.Background(), "mona@example.com")
	is.Equal(kind(err), "not found")                          // the user insert was rolled back
	is.Equal(len(e.events(t, storage.EventFilter{})), events) // so were its audit events
	page, err := e.partners.ListUsers(e.sys, acme.ID, partners.ListUsersParams{PageRequest: userkit.PageRequest{Total: true}})
	is.NoErr(err)           // list members
	is.Equal(page.Total, 0) // and the membership

	// The same add through the real store works, and only once.
	u := e.member(t, acme.ID, "mona@example.com", "Mona", "Benson")
	is.Equal(u.LoginName, "mona.benson") // the rolled-back user left no login name behind
	teams, err := e.partners.ListTeams(e.sys, acme.ID)
	is.NoErr(err) // teams
	members, err := e.partners.TeamMembers(e.sys, teams[0].ID)
	is.NoErr(err)                             // default team members
	is.Equal(ids(members), []uuid.UUID{u.ID}) // one membership
}

// testPartnersConcurrentAdd: concurrent AddUser calls with one new email
// into one partner make exactly one user and one membership; the others
// are Conflict.
func testPartnersConcurrentAdd(t *testing.T, e env) {
	is := is.New(t)
	acme := e.partner(t, "Acme")
	const n = 10
	type result struct {
		u       users.User
		created bool
		err     error
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var r result
			r.u, r.created, r.err = e.partners.AddUser(e.sys, acme.ID, users.CreateParams{
				Email: "Mona@example.com", FirstName: "Mona", LastName: fmt.Sprintf("Benson%d", i),
			})
			results[i] = r
		})
	}
	wg.Wait()
	var winner users.User
	created := 0
	for i, r := range results {
		switch {
		case r.err == nil && r.created:
			created++
			winner = r.u
		case r.err == nil:
			t.Errorf("add %d: attached to a partner it was already in", i)
		case userkit.KindOf(r.err) != userkit.Conflict:
			t.Errorf("add %d: %v, want Conflict", i, r.err)
		}
	}
	is.Equal(created, 1) // exactly one add created the user

	page, err := e.users.List(e.sys, users.ListParams{Search: "mona@", PageRequest: userkit.PageRequest{Total: true}})
	is.NoErr(err)                         // list users
	is.Equal(page.Total, 1)               // one user with the email
	is.Equal(page.Items[0].ID, winner.ID) // the one reported created
	of, err := e.partners.PartnersOf(e.sys, winner.ID)
	is.NoErr(err)        // partners of the user
	is.Equal(len(of), 1) // one membership
	teams, err := e.partners.ListTeams(e.sys, acme.ID)
	is.NoErr(err) // teams
	members, err := e.partners.TeamMembers(e.sys, teams[0].ID)
	is.NoErr(err)                                                                             // default team members
	is.Equal(ids(members), []uuid.UUID{winner.ID})                                            // one team membership
	is.Equal(e.actions(t, winner.ID.String()), []string{"users.create", "partners.add_user"}) // one create, one add

	// One new email into several partners at once: one add creates the
	// user, the others attach that same user.
	var ps []uuid.UUID
	for i := range 5 {
		ps = append(ps, e.partner(t, fmt.Sprintf("P%d", i)).ID)
	}
	results = results[:len(ps)]
	for i, pid := range ps {
		wg.Go(func() {
			var r result
			r.u, r.created, r.err = e.partners.AddUser(e.sys, pid, users.CreateParams{Email: "fay@example.com", FirstName: "Fay", LastName: "Smith"})
			results[i] = r
		})
	}
	wg.Wait()
	created = 0
	for i, r := range results {
		if r.err != nil {
			t.Fatalf("add to partner %d: %v", i, r.err)
		}
		if r.created {
			created++
		}
		is.Equal(r.u.ID, results[0].u.ID) // every add got the same user
	}
	is.Equal(created, 1) // one add created the user, the others attached it
	of, err = e.partners.PartnersOf(e.sys, results[0].u.ID)
	is.NoErr(err)              // partners of the user
	is.Equal(len(of), len(ps)) // a member of each
}

// testPartnersRemoveVsAttach: removing a user from their last partner
// (which deletes the user) while another partner attaches them. Whichever
// wins, AddUser succeeds, and the user it reports is a member of Beta
// afterwards: attached, or created anew when the delete got there first.
// Both transactions lock the user's row (storage.LockUser); without that,
// PostgreSQL let RemoveUser's delete cascade through the attach's new
// membership after the attach reported success.
func testPartnersRemoveVsAttach(t *testing.T, e env) {
	acme, beta := e.partner(t, "Acme"), e.partner(t, "Beta")
	for i := range 8 {
		email := fmt.Sprintf("user%d@example.com", i)
		u := e.member(t, acme.ID, email, "Mona", "Benson")
		var wg sync.WaitGroup
		var addErr, removeErr error
		var added users.User
		wg.Go(func() { _, removeErr = e.partners.RemoveUser(e.sys, acme.ID, u.ID) })
		wg.Go(func() {
			added, _, addErr = e.partners.AddUser(e.sys, beta.ID, users.CreateParams{Email: email, FirstName: "Mona", LastName: "Benson"})
		})
		wg.Wait()
		if removeErr != nil {
			t.Errorf("round %d: remove: %v", i, removeErr)
		}
		if addErr != nil {
			t.Errorf("round %d: add: %v", i, addErr)
			continue
		}
		if _, err := e.partners.GetUser(e.sys, beta.ID, added.ID); err != nil {
			t.Errorf("round %d: AddUser reported %s attached to Beta, but: %v", i, added.ID, err)
		}
	}
}

// testPartnersRemoveLast: removing a user from a partner that does not
// manage them only detaches them; removing them from the managing partner
// when they are in nothing else deletes the user, in the same transaction.
func testPartnersRemoveLast(t *testing.T, e env) {
	is := is.New(t)
	acme, beta := e.partner(t, "Acme"), e.partner(t, "Beta")
	u := e.member(t, acme.ID, "mona@example.com", "Mona", "Benson")
	_, _, err := e.partners.AddUser(e.sys, beta.ID, users.CreateParams{Email: "mona@example.com"})
	is.NoErr(err) // attach to a second partner

	deleted, err := e.partners.RemoveUser(e.sys, beta.ID, u.ID)
	is.NoErr(err)     // remove from the partner that attached her
	is.True(!deleted) // Beta does not manage her
	_, err = e.partners.GetUser(e.sys, beta.ID, u.ID)
	is.Equal(kind(err), "not found") // no longer a Beta member
	got, err := e.partners.GetUser(e.sys, acme.ID, u.ID)
	is.NoErr(err)          // still an Acme member
	is.Equal(got.ID, u.ID) // the same user
	teams, err := e.partners.TeamsOf(e.sys, u.ID)
	is.NoErr(err)                         // teams of the user
	is.Equal(len(teams), 1)               // left Beta's default team
	is.Equal(teams[0].PartnerID, acme.ID) // kept Acme's

	deleted, err = e.partners.RemoveUser(e.sys, acme.ID, u.ID)
	is.NoErr(err)    // remove from the managing partner
	is.True(deleted) // in nothing else: the user is deleted with it
	_, err = e.users.Get(e.sys, u.ID)
	is.Equal(kind(err), "not found") // gone
	_, err = e.partners.RemoveUser(e.sys, acme.ID, u.ID)
	is.Equal(kind(err), "not found") // removing again is NotFound
	is.Equal(e.actions(t, u.ID.String()), []string{
		"users.create", "partners.add_user", "partners.add_user", "partners.user_attached_elsewhere",
		"partners.remove_user", "partners.remove_user", "users.delete",
	}) // every step audited once, the attach also under Acme
}

// testPartnersListUsers: search narrows a partner's members, with
// numbered pages and totals, and never shows another partner's users.
func testPartnersListUsers(t *testing.T, e env) {
	is := is.New(t)
	acme, beta := e.partner(t, "Acme"), e.partner(t, "Beta")
	ann := e.member(t, acme.ID, "ann@example.com", "Ann", "Smith")
	bob := e.member(t, acme.ID, "bob@example.com", "Bob", "Smithers")
	e.member(t, acme.ID, "dana@example.com", "Dana", "Brown")
	carl := e.member(t, acme.ID, "carl.goldsmith@example.com", "Carl", "Jones")
	e.member(t, acme.ID, "eve@example.com", "Eve", "Jones")
	e.member(t, beta.ID, "fay@example.com", "Fay", "Smith")

	list := func(search string, page, limit int) userkit.Page[users.User] {
		t.Helper()
		p, err := e.partners.ListUsers(e.sys, acme.ID, partners.ListUsersParams{Search: search,
			PageRequest: userkit.PageRequest{Page: page, Limit: limit, Total: true}})
		if err != nil {
			t.Fatalf("list %q page %d: %v", search, page, err)
		}
		return p
	}
	p1 := list("SMITH", 1, 2)
	is.Equal(p1.Total, 3)                                // Smith, Smithers and an email match; not Beta's Smith
	is.Equal(ids(p1.Items), []uuid.UUID{ann.ID, bob.ID}) // page 1 in creation order
	p2 := list("SMITH", 2, 2)
	is.Equal(p2.Total, 3)                         // total on every page
	is.Equal(ids(p2.Items), []uuid.UUID{carl.ID}) // page 2 holds the rest
	p3 := list("SMITH", 3, 2)
	is.Equal(p3.Total, 3)                  // total past the end
	is.Equal(len(p3.Items), 0)             // empty page past the end
	is.True(p3.Items != nil)               // empty, not nil
	is.Equal(list("", 1, 10).Total, 5)     // every Acme member without a search
	is.Equal(list("100%", 1, 10).Total, 0) // '%' is literal
	is.Equal(list("_", 1, 10).Total, 0)    // so is '_'

	// Keyset paging over the same members.
	var seen []uuid.UUID
	req := userkit.PageRequest{Limit: 2}
	for range 10 {
		p, err := e.partners.ListUsers(e.sys, acme.ID, partners.ListUsersParams{PageRequest: req})
		is.NoErr(err) // keyset page
		seen = append(seen, ids(p.Items)...)
		if p.Next == "" {
			break
		}
		req.After = p.Next
	}
	is.Equal(len(seen), 5)     // every member once
	is.Equal(seen[0], ann.ID)  // oldest first
	is.Equal(seen[3], carl.ID) // in creation order
}

// testPartnersTeams: a partner comes with its default team, which members
// join and which follows the partner's name; other teams hold members of
// the partner only.
func testPartnersTeams(t *testing.T, e env) {
	is := is.New(t)
	acme := e.partner(t, "Acme")
	teams, err := e.partners.ListTeams(e.sys, acme.ID)
	is.NoErr(err)                             // teams of a new partner
	is.Equal(len(teams), 1)                   // just the default team
	is.True(teams[0].Default)                 // marked default
	is.Equal(teams[0].Name, "Acme All users") // named after the partner
	def := teams[0]

	u := e.member(t, acme.ID, "mona@example.com", "Mona", "Benson")
	outsider := e.createUser(t, users.CreateParams{Email: "out@example.com", FirstName: "Out", LastName: "Sider"})
	members, err := e.partners.TeamMembers(e.sys, def.ID)
	is.NoErr(err)                             // default team members
	is.Equal(ids(members), []uuid.UUID{u.ID}) // the new member joined it

	ops, err := e.partners.CreateTeam(e.sys, acme.ID, partners.TeamParams{Name: "Ops"})
	is.NoErr(err) // create a team
	is.True(!ops.Default)
	is.NoErr(e.partners.AddTeamMember(e.sys, ops.ID, u.ID)) // add a member to it
	err = e.partners.AddTeamMember(e.sys, ops.ID, u.ID)
	is.Equal(kind(err), "conflict") // twice is Conflict
	err = e.partners.AddTeamMember(e.sys, ops.ID, outsider.ID)
	is.Equal(kind(err), "invalid") // a non-member cannot join
	members, err = e.partners.TeamMembers(e.sys, ops.ID)
	is.NoErr(err)                             // Ops members
	is.Equal(ids(members), []uuid.UUID{u.ID}) // just the one
	of, err := e.partners.TeamsOf(e.sys, u.ID)
	is.NoErr(err)        // teams of the user
	is.Equal(len(of), 2) // default and Ops

	_, err = e.partners.Update(e.sys, acme.ID, partners.UpdateParams{Name: ptr("Acme Corp")})
	is.NoErr(err) // rename the partner
	got, err := e.partners.GetTeam(e.sys, def.ID)
	is.NoErr(err)                             // default team readable
	is.Equal(got.Name, "Acme Corp All users") // renamed with its partner
	err = e.partners.DeleteTeam(e.sys, def.ID)
	is.Equal(kind(err), "invalid")                 // the default team cannot be deleted
	is.NoErr(e.partners.DeleteTeam(e.sys, ops.ID)) // another team can
	of, err = e.partners.TeamsOf(e.sys, u.ID)
	is.NoErr(err)        // teams of the user
	is.Equal(len(of), 1) // the deleted team's membership went with it
	is.Equal(of[0].ID, def.ID)
}
