package servicetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// portal is a portal with three roles and two attribute definitions.
type portal struct {
	portals.Portal
	viewer, editor, admin portals.Role
	tenant, level         portals.Attribute // tenant takes several values
}

func (e env) portal(t *testing.T, technicalName string) portal {
	t.Helper()
	is := is.New(t)
	var p portal
	var err error
	p.Portal, err = e.portals.Create(e.sys, portals.CreateParams{Name: "Portal " + technicalName, TechnicalName: technicalName})
	is.NoErr(err) // create portal
	for _, r := range []struct {
		role *portals.Role
		name string
	}{{&p.viewer, "Viewer"}, {&p.editor, "Editor"}, {&p.admin, "Admin"}} {
		*r.role, err = e.portals.CreateRole(e.sys, p.ID, portals.RoleParams{Name: r.name})
		is.NoErr(err) // create role
	}
	p.tenant, err = e.portals.CreateAttribute(e.sys, p.ID, portals.AttributeParams{Name: "tenant_id", Type: portals.TypeString, AllowMultipleValues: true})
	is.NoErr(err) // create attribute
	p.level, err = e.portals.CreateAttribute(e.sys, p.ID, portals.AttributeParams{Name: "level", Type: portals.TypeNumber})
	is.NoErr(err) // create attribute
	return p
}

// join adds a user to the portal with the viewer role.
func (e env) join(t *testing.T, p portal, email, first, last string) portals.Member {
	t.Helper()
	m, err := e.portals.AddUser(e.sys, p.ID, portals.AddUserParams{Email: email, FirstName: first, LastName: last, RoleIDs: []uuid.UUID{p.viewer.ID}})
	if err != nil {
		t.Fatalf("add %s to portal: %v", email, err)
	}
	return m
}

// testPortalsAddUser: roles and attribute values keep the order given
// through the store; a bad role stores nothing, not even the new user.
func testPortalsAddUser(t *testing.T, e env) {
	is := is.New(t)
	p := e.portal(t, "acme")
	m, err := e.portals.AddUser(e.sys, p.ID, portals.AddUserParams{
		Email: "mona@example.com", FirstName: "Mona", LastName: "Benson", Locale: "de_DE",
		RoleIDs: []uuid.UUID{p.admin.ID, p.viewer.ID, p.admin.ID},
		Attributes: []portals.AttributeInput{
			{ID: p.tenant.ID, Value: "t-2"}, {ID: p.level.ID, Value: "3"}, {ID: p.tenant.ID, Value: "t-1"},
		},
	})
	is.NoErr(err) // add a new user with roles and attributes
	wantRoles := []uuid.UUID{p.admin.ID, p.viewer.ID}
	wantAttrs := []portals.AttributeValue{{ID: p.tenant.ID, Values: []string{"t-2", "t-1"}}, {ID: p.level.ID, Values: []string{"3"}}}
	is.Equal(m.RoleIDs, wantRoles)    // roles in the order given, without repeats
	is.Equal(m.Attributes, wantAttrs) // values grouped, in the order given
	is.Equal(m.Locale, "de_DE")
	is.Equal(m.User.LoginName, "mona.benson") // the user was created

	got, err := e.portals.GetUser(e.sys, p.ID, m.User.ID)
	is.NoErr(err)                       // read the member back
	is.Equal(got.RoleIDs, wantRoles)    // the store kept the role order
	is.Equal(got.Attributes, wantAttrs) // and the value order
	is.Equal(got, m)                    // and everything else

	_, err = e.portals.AddUser(e.sys, p.ID, portals.AddUserParams{Email: "MONA@example.com", RoleIDs: []uuid.UUID{p.viewer.ID}})
	is.Equal(kind(err), "conflict") // already a member

	// A role that is not this portal's: Invalid, and nothing stored.
	other := e.portal(t, "other")
	events := len(e.events(t, storage.EventFilter{}))
	for _, roles := range [][]uuid.UUID{{uuid.Must(uuid.NewV7())}, {p.viewer.ID, other.viewer.ID}} {
		_, err = e.portals.AddUser(e.sys, p.ID, portals.AddUserParams{
			Email: "new@example.com", FirstName: "New", LastName: "User", Password: goodPassword, RoleIDs: roles,
		})
		is.Equal(kind(err), "invalid")                       // unknown role
		is.True(userkit.FieldsOf(err)["RoleIDs"].Rule != "") // on RoleIDs
	}
	_, err = e.store.GetUserByEmail(context.Background(), "new@example.com")
	is.Equal(kind(err), "not found")                          // no user created
	is.Equal(len(e.events(t, storage.EventFilter{})), events) // no events
	page, err := e.portals.ListUsers(e.sys, p.ID, userkit.PageRequest{Total: true})
	is.NoErr(err)           // list members
	is.Equal(page.Total, 1) // no membership added
}

// testPortalsAddVsDelete: adding an existing user to a portal while the
// user is deleted either adds them, creates them anew, or is the
// documented Conflict "changed while being added"; never the store's
// foreign-key NotFound, which would read as "no such portal".
func testPortalsAddVsDelete(t *testing.T, e env) {
	p := e.portal(t, "acme")
	for i := range 8 {
		email := fmt.Sprintf("user%d@example.com", i)
		u := e.createUser(t, users.CreateParams{Email: email, FirstName: "Mona", LastName: "Benson"})
		var wg sync.WaitGroup
		var addErr, deleteErr error
		wg.Go(func() { deleteErr = e.users.Delete(e.sys, u.ID) })
		wg.Go(func() {
			_, addErr = e.portals.AddUser(e.sys, p.ID, portals.AddUserParams{Email: email, FirstName: "Mona", LastName: "Benson", RoleIDs: []uuid.UUID{p.viewer.ID}})
		})
		wg.Wait()
		if deleteErr != nil {
			t.Errorf("round %d: delete: %v", i, deleteErr)
		}
		if addErr != nil && userkit.KindOf(addErr) != userkit.Conflict {
			t.Errorf("round %d: add: %v, want success or Conflict", i, addErr)
		}
	}
}

// testPortalsRemoveUser: RemoveUser reports whether the user was a
// member and leaves the user itself alone.
func testPortalsRemoveUser(t *testing.T, e env) {
	is := is.New(t)
	p := e.portal(t, "acme")
	m := e.join(t, p, "mona@example.com", "Mona", "Benson")
	removed, err := e.portals.RemoveUser(e.sys, p.ID, m.User.ID)
	is.NoErr(err)    // remove a member
	is.True(removed) // reported removed
	_, err = e.portals.GetUser(e.sys, p.ID, m.User.ID)
	is.Equal(kind(err), "not found") // no longer a member
	_, err = e.users.Get(e.sys, m.User.ID)
	is.NoErr(err) // the user stays

	events := len(e.events(t, storage.EventFilter{}))
	removed, err = e.portals.RemoveUser(e.sys, p.ID, m.User.ID)
	is.NoErr(err)                                             // removing a non-member is no error
	is.True(!removed)                                         // but reported as such
	is.Equal(len(e.events(t, storage.EventFilter{})), events) // and not audited
	_, err = e.portals.RemoveUser(e.sys, uuid.Must(uuid.NewV7()), m.User.ID)
	is.Equal(kind(err), "not found") // a missing portal is NotFound

	again := e.join(t, p, "mona@example.com", "", "")
	is.Equal(again.User.ID, m.User.ID) // the user can join again
	is.True(again.ID != m.ID)          // as a new membership
}

// testPortalsListUsers: members list oldest first by membership (not by
// user), across keyset pages, without repeats.
func testPortalsListUsers(t *testing.T, e env) {
	is := is.New(t)
	p := e.portal(t, "acme")
	early := e.createUser(t, users.CreateParams{Email: "early@example.com", FirstName: "Early", LastName: "Bird"})
	var want []uuid.UUID
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		want = append(want, e.join(t, p, email, "Some", "One").User.ID)
	}
	want = append(want, e.join(t, p, early.Email, "", "").User.ID) // an older user, joining last
	want = append(want, e.join(t, p, "d@example.com", "Some", "One").User.ID)

	var got []uuid.UUID
	req := userkit.PageRequest{Limit: 2, Total: true}
	pages := 0
	for {
		page, err := e.portals.ListUsers(e.sys, p.ID, req)
		is.NoErr(err)                   // list page
		is.Equal(page.Total, len(want)) // total on every page
		pages++
		for _, m := range page.Items {
			got = append(got, m.User.ID)
		}
		if page.Next == "" || pages > len(want) {
			break
		}
		req.After = page.Next
	}
	is.Equal(got, want) // oldest membership first, each once
	is.Equal(pages, 3)  // 2 + 2 + 1
}

// testPortalsConcurrentUpdates: updates that name no version land on top of
// each other instead of failing when they race (internal/txn retries the
// lost compare-and-set); one naming a stale version is refused.
func testPortalsConcurrentUpdates(t *testing.T, e env) {
	is := is.New(t)
	p := e.portal(t, "race")
	const writers = 8
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			name := fmt.Sprintf("Portal %d", i)
			_, errs[i] = e.portals.Update(e.sys, p.ID, portals.UpdateParams{Name: &name})
		})
	}
	wg.Wait()
	for _, err := range errs {
		is.NoErr(err) // every unversioned update lands
	}
	got, err := e.portals.Get(e.sys, p.ID)
	is.NoErr(err)
	is.Equal(got.Version, p.Version+writers) // none was lost

	stale := p.Version
	name := "Too late"
	_, err = e.portals.Update(e.sys, p.ID, portals.UpdateParams{Name: &name, Version: &stale})
	is.True(errors.Is(err, userkit.ErrPreconditionFailed)) // a stale named version is refused
}
