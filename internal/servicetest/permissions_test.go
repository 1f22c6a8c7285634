package servicetest

import (
	"context"
	"crypto/sha256"
	"strings"
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

// testPermissionsKeys: a key resolves to its service account, whose
// partner-scoped grant reaches that partner's users and no one else's.
func testPermissionsKeys(t *testing.T, e env) {
	is := is.New(t)
	acme, beta := e.partner(t, "Acme"), e.partner(t, "Beta")
	mona := e.member(t, acme.ID, "mona@example.com", "Mona", "Benson")
	fay := e.member(t, beta.ID, "fay@example.com", "Fay", "Smith")

	sa, err := e.authz.CreateServiceAccount(e.sys, permissions.ServiceAccountParams{
		Name:   "acme sync",
		Grants: []permissions.GrantParams{{Action: string(permissions.UsersRead), Scope: permissions.PartnerScope(acme.ID)}},
	})
	is.NoErr(err) // create service account
	key, secret, err := e.authz.CreateKey(e.sys, sa.ID, permissions.KeyParams{})
	is.NoErr(err)                             // create key
	is.True(strings.HasPrefix(secret, "sk:")) // visible prefix
	keys, err := e.authz.ListKeys(e.sys, sa.ID)
	is.NoErr(err)                          // list keys
	is.Equal(keys, []permissions.Key{key}) // stored as returned (times included)
	recs, err := e.store.ListAPIKeys(context.Background(), sa.ID)
	is.NoErr(err) // stored key
	sum := sha256.Sum256([]byte(secret))
	is.Equal(recs[0].Hash, sum[:]) // only the hash is stored

	ctx := context.Background()
	principal, err := e.authz.ResolveKey(ctx, secret)
	is.NoErr(err)                                                   // resolve the key
	is.Equal(principal, permissions.ServiceAccountPrincipal(sa.ID)) // to its service account
	keys, err = e.authz.ListKeys(e.sys, sa.ID)
	is.NoErr(err)                      // list keys
	is.True(keys[0].LastUsedAt != nil) // use recorded
	asKey := permissions.WithPrincipal(ctx, principal)

	got, err := e.users.Get(asKey, mona.ID)
	is.NoErr(err) // its partner's user is readable
	is.Equal(got.ID, mona.ID)
	_, err = e.partners.GetUser(asKey, acme.ID, mona.ID)
	is.NoErr(err) // through the partner too
	page, err := e.partners.ListUsers(asKey, acme.ID, partners.ListUsersParams{})
	is.NoErr(err) // its partner's list
	is.Equal(ids(page.Items), []uuid.UUID{mona.ID})

	_, err = e.users.Get(asKey, fay.ID)
	is.Equal(kind(err), "forbidden") // another partner's user
	_, err = e.users.GetByEmail(asKey, "fay@example.com")
	is.Equal(kind(err), "forbidden") // by email too
	_, err = e.partners.GetUser(asKey, beta.ID, fay.ID)
	is.Equal(kind(err), "forbidden") // through the other partner
	_, err = e.partners.ListUsers(asKey, beta.ID, partners.ListUsersParams{})
	is.Equal(kind(err), "forbidden") // the other partner's list
	_, err = e.users.List(asKey, users.ListParams{})
	is.Equal(kind(err), "forbidden") // the list of everyone
	_, err = e.users.Update(asKey, mona.ID, users.UpdateParams{City: ptr("Oslo")})
	is.Equal(kind(err), "forbidden") // reading is not updating

	is.NoErr(e.authz.RevokeKey(e.sys, key.ID)) // revoke the key
	_, err = e.authz.ResolveKey(ctx, secret)
	is.Equal(kind(err), "unauthenticated") // a revoked key stops working
	_, err = e.authz.ResolveKey(ctx, "sk:"+strings.Repeat("A", 43))
	is.Equal(kind(err), "unauthenticated") // an unknown key never worked
}

// testPermissionsResourceRoles: roles on host resources are set,
// replaced, checked by rank and revoked.
func testPermissionsResourceRoles(t *testing.T, e env) {
	is := is.New(t)
	u := e.createUser(t, users.CreateParams{Email: "mona@example.com", FirstName: "Mona", LastName: "Benson"})
	_, err := e.authz.CreateResource(e.sys, permissions.ResourceParams{ID: "p-2343", Name: "Quarterly report", Kind: "report"})
	is.NoErr(err) // register a resource

	r, err := e.authz.SetRole(e.sys, u.ID, "p-2343", permissions.RoleEditor)
	is.NoErr(err) // set a role
	is.Equal(r.ResourceName, "Quarterly report")
	has := func(min permissions.Role) bool {
		t.Helper()
		ok, err := e.authz.HasRole(e.sys, u.ID, "p-2343", min)
		is.NoErr(err) // HasRole
		return ok
	}
	is.True(has(permissions.RoleReader)) // an editor is a reader
	is.True(has(permissions.RoleEditor)) // and an editor
	is.True(!has(permissions.RoleOwner)) // not an owner

	r2, err := e.authz.SetRole(e.sys, u.ID, "p-2343", permissions.RoleOwner)
	is.NoErr(err)                            // replace the role
	is.True(r2.CreatedAt.Equal(r.CreatedAt)) // replacing keeps when access was first given
	is.True(has(permissions.RoleOwner))      // now an owner
	roles, err := e.authz.RolesOfUser(e.sys, u.ID)
	is.NoErr(err)           // roles of the user
	is.Equal(len(roles), 1) // one role per resource
	is.Equal(roles[0].Role, permissions.RoleOwner)

	_, err = e.authz.SetRole(e.sys, u.ID, "p-missing", permissions.RoleReader)
	is.Equal(kind(err), "not found") // missing resource
	_, err = e.authz.SetRole(e.sys, uuid.Must(uuid.NewV7()), "p-2343", permissions.RoleReader)
	is.Equal(kind(err), "not found") // missing user

	is.NoErr(e.authz.RevokeRole(e.sys, u.ID, "p-2343")) // revoke
	is.True(!has(permissions.RoleReader))               // no role left
	err = e.authz.RevokeRole(e.sys, u.ID, "p-2343")
	is.Equal(kind(err), "not found")                                                                                            // revoking again is NotFound
	is.Equal(e.actions(t, "p-2343/"+u.ID.String()), []string{"permissions.update", "permissions.update", "permissions.delete"}) // set, replace, revoke audited
}

// testPermissionsAudit: every successful mutation writes its audit events
// in its own transaction; every failed one writes none, even when it had
// written other rows before failing.
func testPermissionsAudit(t *testing.T, e env) {
	is := is.New(t)
	var log []permissions.Event // the audit log as last seen
	// ok runs a mutation that must succeed and write exactly the actions.
	ok := func(what string, fn func() error, actions ...string) {
		t.Helper()
		if err := fn(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		now := e.events(t, storage.EventFilter{})
		if len(now) < len(log) {
			t.Fatalf("%s: the audit log shrank", what)
		}
		var got []string
		for _, ev := range now[len(log):] {
			got = append(got, ev.Action)
			if ev.Principal != permissions.System {
				t.Errorf("%s: event %s by %v, want System", what, ev.Action, ev.Principal)
			}
		}
		if strings.Join(got, " ") != strings.Join(actions, " ") {
			t.Errorf("%s: wrote events %q, want %q", what, got, actions)
		}
		log = now
	}
	// fails runs a mutation that must fail with the kind and write nothing.
	fails := func(what string, want userkit.Kind, fn func() error) {
		t.Helper()
		err := fn()
		if err == nil || userkit.KindOf(err) != want {
			t.Errorf("%s: got %s (%v), want %s", what, kind(err), err, want)
		}
		if now := e.events(t, storage.EventFilter{}); len(now) != len(log) {
			t.Errorf("%s: the failed mutation wrote %d audit events", what, len(now)-len(log))
			log = now
		}
	}

	var u users.User
	ok("create user", func() (err error) {
		u, err = e.users.Create(e.sys, users.CreateParams{Email: "mona@example.com", FirstName: "Mona", LastName: "Benson"})
		return err
	}, "users.create")
	fails("create duplicate user", userkit.Conflict, func() error {
		_, err := e.users.Create(e.sys, users.CreateParams{Email: "MONA@example.com", FirstName: "Mona", LastName: "Benson"})
		return err
	})
	ok("update user", func() error {
		_, err := e.users.Update(e.sys, u.ID, users.UpdateParams{City: ptr("Oslo"), Version: &u.Version})
		return err
	}, "users.update")
	fails("stale update", userkit.PreconditionFailed, func() error {
		_, err := e.users.Update(e.sys, u.ID, users.UpdateParams{City: ptr("Rome"), Version: &u.Version})
		return err
	})

	var acme partners.Partner
	ok("create partner", func() (err error) {
		acme, err = e.partners.Create(e.sys, partners.CreateParams{Name: "Acme"})
		return err
	}, "partners.create")
	ok("attach user", func() error {
		_, _, err := e.partners.AddUser(e.sys, acme.ID, users.CreateParams{Email: u.Email})
		return err
	}, "partners.add_user")
	ok("add new user", func() error {
		_, _, err := e.partners.AddUser(e.sys, acme.ID, users.CreateParams{Email: "fay@example.com", FirstName: "Fay", LastName: "Smith"})
		return err
	}, "users.create", "partners.add_user")
	fails("attach again", userkit.Conflict, func() error {
		_, _, err := e.partners.AddUser(e.sys, acme.ID, users.CreateParams{Email: u.Email})
		return err
	})
	var ops partners.Team
	ok("create team", func() (err error) {
		ops, err = e.partners.CreateTeam(e.sys, acme.ID, partners.TeamParams{Name: "Ops"})
		return err
	}, "partners.update")
	ok("add team member", func() error { return e.partners.AddTeamMember(e.sys, ops.ID, u.ID) }, "partners.add_team_member")
	// The store refuses this insert after the service's own checks passed.
	fails("add team member again", userkit.Conflict, func() error { return e.partners.AddTeamMember(e.sys, ops.ID, u.ID) })
	fails("remove non-member", userkit.NotFound, func() error {
		_, err := e.partners.RemoveUser(e.sys, acme.ID, uuid.Must(uuid.NewV7()))
		return err
	})

	var p portals.Portal
	var viewer portals.Role
	ok("create portal", func() (err error) {
		p, err = e.portals.Create(e.sys, portals.CreateParams{Name: "Acme portal", TechnicalName: "acme", PartnerID: acme.ID})
		return err
	}, "portals.create")
	ok("create role", func() (err error) {
		viewer, err = e.portals.CreateRole(e.sys, p.ID, portals.RoleParams{Name: "Viewer"})
		return err
	}, "portals.update")
	fails("create duplicate role", userkit.Conflict, func() error {
		_, err := e.portals.CreateRole(e.sys, p.ID, portals.RoleParams{Name: "Viewer"})
		return err
	})
	ok("add portal member", func() error {
		_, err := e.portals.AddUser(e.sys, p.ID, portals.AddUserParams{Email: u.Email, RoleIDs: []uuid.UUID{viewer.ID}})
		return err
	}, "users.create")
	fails("add portal member with a bad role", userkit.Invalid, func() error {
		_, err := e.portals.AddUser(e.sys, p.ID, portals.AddUserParams{Email: "new@example.com", FirstName: "New", LastName: "User", RoleIDs: []uuid.UUID{uuid.Must(uuid.NewV7())}})
		return err
	})
	fails("add portal member again", userkit.Conflict, func() error {
		_, err := e.portals.AddUser(e.sys, p.ID, portals.AddUserParams{Email: u.Email, RoleIDs: []uuid.UUID{viewer.ID}})
		return err
	})

	ok("create resource", func() error {
		_, err := e.authz.CreateResource(e.sys, permissions.ResourceParams{ID: "p-1", Name: "Report"})
		return err
	}, "permissions.create")
	fails("create duplicate resource", userkit.Conflict, func() error {
		_, err := e.authz.CreateResource(e.sys, permissions.ResourceParams{ID: "p-1", Name: "Report"})
		return err
	})
	ok("set role", func() error {
		_, err := e.authz.SetRole(e.sys, u.ID, "p-1", permissions.RoleReader)
		return err
	}, "permissions.update")
	fails("set role on a missing resource", userkit.NotFound, func() error {
		_, err := e.authz.SetRole(e.sys, u.ID, "p-2", permissions.RoleReader)
		return err
	})
	ok("revoke role", func() error { return e.authz.RevokeRole(e.sys, u.ID, "p-1") }, "permissions.delete")
	fails("revoke missing role", userkit.NotFound, func() error { return e.authz.RevokeRole(e.sys, u.ID, "p-1") })

	read := permissions.GrantParams{Action: string(permissions.UsersRead), Scope: permissions.PartnerScope(acme.ID)}
	var sa permissions.ServiceAccount
	ok("create service account", func() (err error) {
		sa, err = e.authz.CreateServiceAccount(e.sys, permissions.ServiceAccountParams{Name: "sync", Grants: []permissions.GrantParams{read}})
		return err
	}, "permissions.create", "permissions.create")
	fails("add duplicate grant", userkit.Conflict, func() error {
		_, err := e.authz.AddGrant(e.sys, sa.ID, read)
		return err
	})
	// The account, its event and the first grant are written before the
	// second grant clashes: all of it must go.
	fails("create service account with a repeated grant", userkit.Conflict, func() error {
		_, err := e.authz.CreateServiceAccount(e.sys, permissions.ServiceAccountParams{Name: "broken", Grants: []permissions.GrantParams{read, read}})
		return err
	})
	accounts, err := e.authz.ListServiceAccounts(e.sys, userkit.PageRequest{Total: true})
	is.NoErr(err)               // list service accounts
	is.Equal(accounts.Total, 1) // the failed create left no account
	var key permissions.Key
	ok("create key", func() (err error) {
		key, _, err = e.authz.CreateKey(e.sys, sa.ID, permissions.KeyParams{})
		return err
	}, "keys.create")
	ok("revoke key", func() error { return e.authz.RevokeKey(e.sys, key.ID) }, "keys.delete")
	ok("revoke key again", func() error { return e.authz.RevokeKey(e.sys, key.ID) }) // no change, no event

	// u was created by users.Create (managed by everything) and attached
	// to Acme: leaving Acme only detaches.
	ok("remove user from partner", func() error {
		_, err := e.partners.RemoveUser(e.sys, acme.ID, u.ID)
		return err
	}, "partners.remove_user")
	ok("delete user", func() error { return e.users.Delete(e.sys, u.ID) }, "users.delete")
	fails("delete deleted user", userkit.NotFound, func() error { return e.users.Delete(e.sys, u.ID) })

	// Partner-scoped events carry the partner, so its admins can see them.
	partnerLog := e.events(t, storage.EventFilter{PartnerID: acme.ID})
	is.True(len(partnerLog) > 0)
	for _, ev := range partnerLog {
		is.Equal(ev.PartnerID, acme.ID) // filter by partner
	}
}
