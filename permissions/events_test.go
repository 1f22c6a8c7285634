package permissions_test

import (
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
)

func TestAuditEvents(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	partnerA, partnerB := f.partner("A"), f.partner("B")
	admin := f.user("admin")
	f.grant(admin, "*", permissions.All)
	adminCtx := as(admin)

	_, err := f.authz.CreateResource(adminCtx, permissions.ResourceParams{ID: "r1", Name: "R1"})
	is.NoErr(err)
	_, err = f.authz.SetRole(adminCtx, admin, "r1", permissions.RoleOwner)
	is.NoErr(err)
	sa, err := f.authz.CreateServiceAccount(adminCtx, permissions.ServiceAccountParams{
		Name:   "partner A reader",
		Grants: []permissions.GrantParams{{Action: "permissions.read", Scope: permissions.PartnerScope(partnerA)}},
	})
	is.NoErr(err)
	key, _, err := f.authz.CreateKey(adminCtx, sa.ID, permissions.KeyParams{})
	is.NoErr(err)
	is.NoErr(f.authz.RevokeKey(adminCtx, key.ID))
	_, err = f.authz.CreateResource(adminCtx, permissions.ResourceParams{ID: "bad id", Name: "x"})
	is.True(err != nil) // a failed mutation records nothing

	page, err := f.authz.ListEvents(adminCtx, storage.EventFilter{}, userkit.PageRequest{})
	is.NoErr(err)
	var got []string
	for _, e := range page.Items {
		got = append(got, e.Action+" "+e.TargetKind)
		is.True(!e.Time.IsZero()) // when
	}
	for _, e := range page.Items[:len(page.Items)-1] {
		is.Equal(e.Principal, permissions.UserPrincipal(admin)) // who did it
	}
	// Newest first; the fixture's own grant came first, as System.
	want := []string{
		"keys.delete api_key",
		"keys.create api_key",
		"permissions.create grant",
		"permissions.create service_account",
		"permissions.update resource_role",
		"permissions.create resource",
	}
	is.Equal(got[:len(want)], want) // one event per mutation, newest first
	is.Equal(len(got), len(want)+1) // plus the fixture's grant
	is.Equal(page.Items[0].TargetID, key.ID.String())

	// The partner-scoped grant in the service account was audited under its partner.
	saCtx := permissions.WithPrincipal(t.Context(), permissions.ServiceAccountPrincipal(sa.ID))
	mine, err := f.authz.ListEvents(saCtx, storage.EventFilter{PartnerID: partnerA}, userkit.PageRequest{})
	is.NoErr(err) // a partner's reader lists that partner's events
	is.Equal(len(mine.Items), 1)
	is.Equal(mine.Items[0].Action, "permissions.create")
	is.Equal(mine.Items[0].PartnerID, partnerA)

	_, err = f.authz.ListEvents(saCtx, storage.EventFilter{PartnerID: partnerB}, userkit.PageRequest{})
	is.Equal(kind(err), userkit.Forbidden) // not another partner's
	_, err = f.authz.ListEvents(saCtx, storage.EventFilter{}, userkit.PageRequest{})
	is.Equal(kind(err), userkit.Forbidden) // nor everyone's
}
