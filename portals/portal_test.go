package portals_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage"
)

func TestPortalValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	cases := []struct {
		name  string
		p     portals.CreateParams
		field string
	}{
		{"missing name", portals.CreateParams{Name: " ", TechnicalName: "ok"}, "Name"},
		{"long name", portals.CreateParams{Name: strings.Repeat("n", 201), TechnicalName: "ok"}, "Name"},
		{"missing technical name", portals.CreateParams{Name: "P"}, "TechnicalName"},
		{"one character", portals.CreateParams{Name: "P", TechnicalName: "a"}, "TechnicalName"},
		{"64 characters", portals.CreateParams{Name: "P", TechnicalName: strings.Repeat("a", 64)}, "TechnicalName"},
		{"upper case", portals.CreateParams{Name: "P", TechnicalName: "Acme"}, "TechnicalName"},
		{"underscore", portals.CreateParams{Name: "P", TechnicalName: "acme_p"}, "TechnicalName"},
		{"bad locale", portals.CreateParams{Name: "P", TechnicalName: "ok", DefaultLocale: "EN_us"}, "DefaultLocale"},
		{"missing partner", portals.CreateParams{PartnerID: uuid.Must(uuid.NewV7()), Name: "P", TechnicalName: "ok"}, "PartnerID"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			_, err := f.ps.Create(f.sys, c.p)
			is.Equal(kind(err), userkit.Invalid) // rejected
			is.True(field(err, c.field) != "")   // on the right field
		})
	}

	is := is.New(t)
	p, err := f.ps.Create(f.sys, portals.CreateParams{Name: " Acme ", TechnicalName: strings.Repeat("a", 62) + "-"})
	is.NoErr(err)
	is.Equal(p.Name, "Acme")           // trimmed
	is.Equal(p.DefaultLocale, "en_US") // default locale
	is.Equal(p.PartnerID, uuid.Nil)    // no owner
	is.Equal(p.Version, int64(1))
	other, err := f.ps.Create(f.sys, portals.CreateParams{Name: "Other", TechnicalName: "other", DefaultLocale: "de"})
	is.NoErr(err)
	is.Equal(other.DefaultLocale, "de")

	_, err = f.ps.Create(f.sys, portals.CreateParams{Name: "Again", TechnicalName: p.TechnicalName})
	is.True(errors.Is(err, userkit.ErrConflict)) // technical names are unique
	is.True(field(err, "TechnicalName") != "")   // and the field says so

	taken := p.TechnicalName
	_, err = f.ps.Update(f.sys, other.ID, portals.UpdateParams{TechnicalName: &taken})
	is.True(errors.Is(err, userkit.ErrConflict)) // also on update
	is.True(field(err, "TechnicalName") != "")
	empty := ""
	_, err = f.ps.Update(f.sys, other.ID, portals.UpdateParams{Name: &empty})
	is.True(field(err, "Name") != "") // a name cannot be cleared
	_, err = f.ps.Update(f.sys, other.ID, portals.UpdateParams{DefaultLocale: &empty})
	is.True(field(err, "DefaultLocale") != "") // nor the locale
	stale := int64(9)
	name := "Renamed"
	_, err = f.ps.Update(f.sys, other.ID, portals.UpdateParams{Name: &name, Version: &stale})
	is.True(errors.Is(err, userkit.ErrPreconditionFailed)) // stale version
	up, err := f.ps.Update(f.sys, other.ID, portals.UpdateParams{Name: &name, Version: &other.Version})
	is.NoErr(err)
	is.Equal(up.Name, "Renamed")
	is.Equal(up.Version, int64(2))
	got, err := f.ps.Get(f.sys, other.ID)
	is.NoErr(err)
	is.Equal(got, up) // stored

	list, err := f.ps.List(f.sys, uuid.Nil, userkit.PageRequest{})
	is.NoErr(err)
	is.Equal(len(list.Items), 2)
	is.NoErr(f.ps.Delete(f.sys, other.ID))
	_, err = f.ps.Get(f.sys, other.ID)
	is.True(errors.Is(err, userkit.ErrNotFound)) // deleted
}

func TestRoles(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	p, viewer := f.portal("acme", uuid.Nil)
	q, _ := f.portal("other", uuid.Nil)

	_, err := f.ps.CreateRole(f.sys, p.ID, portals.RoleParams{Name: "Viewer"})
	is.True(errors.Is(err, userkit.ErrConflict)) // names are unique in a portal
	is.True(field(err, "Name") != "")
	_, err = f.ps.CreateRole(f.sys, p.ID, portals.RoleParams{Name: ""})
	is.True(field(err, "Name") != "") // name required
	_, err = f.ps.CreateRole(f.sys, uuid.Must(uuid.NewV7()), portals.RoleParams{Name: "X"})
	is.True(errors.Is(err, userkit.ErrNotFound)) // no such portal
	_, err = f.ps.CreateRole(f.sys, q.ID, portals.RoleParams{Name: "Editor"})
	is.NoErr(err) // another portal may use any name

	admin, err := f.ps.CreateRole(f.sys, p.ID, portals.RoleParams{Name: "Admin Builder", IsSystem: true})
	is.NoErr(err)
	is.True(admin.IsSystem)
	rename := "Boss"
	_, err = f.ps.UpdateRole(f.sys, admin.ID, portals.RoleUpdateParams{Name: &rename})
	is.Equal(kind(err), userkit.Invalid)                              // system roles keep their name
	is.Equal(kind(f.ps.DeleteRole(f.sys, admin.ID)), userkit.Invalid) // and cannot be deleted

	renamed, err := f.ps.UpdateRole(f.sys, viewer.ID, portals.RoleUpdateParams{Name: &rename})
	is.NoErr(err)
	is.Equal(renamed.Name, "Boss")
	taken := "Admin Builder"
	_, err = f.ps.UpdateRole(f.sys, viewer.ID, portals.RoleUpdateParams{Name: &taken})
	is.True(errors.Is(err, userkit.ErrConflict)) // renaming onto a taken name

	f.member(p, viewer, "held@example.com")
	err = f.ps.DeleteRole(f.sys, viewer.ID)
	is.True(errors.Is(err, userkit.ErrConflict)) // a held role stays
	spare, err := f.ps.CreateRole(f.sys, p.ID, portals.RoleParams{Name: "Spare"})
	is.NoErr(err)
	is.NoErr(f.ps.DeleteRole(f.sys, spare.ID))
	roles, err := f.ps.ListRoles(f.sys, p.ID)
	is.NoErr(err)
	is.Equal(len(roles), 2) // Boss and Admin Builder
	_, err = f.ps.GetRole(f.sys, spare.ID)
	is.True(errors.Is(err, userkit.ErrNotFound)) // deleted
}

func TestAttributes(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	p, viewer := f.portal("acme", uuid.Nil)

	_, err := f.ps.CreateAttribute(f.sys, p.ID, portals.AttributeParams{Name: "x", Type: "DATE"})
	is.True(field(err, "Type") != "") // exactly STRING, BOOLEAN, NUMBER or TIME
	_, err = f.ps.CreateAttribute(f.sys, p.ID, portals.AttributeParams{Name: "x", Type: "string"})
	is.True(field(err, "Type") != "") // upper case only
	tags, err := f.ps.CreateAttribute(f.sys, p.ID, portals.AttributeParams{Name: "tags", Type: portals.TypeString, AllowMultipleValues: true})
	is.NoErr(err)
	is.Equal(tags.Label, "tags") // label defaults to the name
	_, err = f.ps.CreateAttribute(f.sys, p.ID, portals.AttributeParams{Name: "tags", Type: portals.TypeNumber})
	is.True(errors.Is(err, userkit.ErrConflict)) // names are unique in a portal
	tenant, err := f.ps.CreateAttribute(f.sys, p.ID, portals.AttributeParams{Name: "tenant", Label: "Tenant ID", Type: portals.TypeString})
	is.NoErr(err)

	m, err := f.ps.AddUser(f.sys, p.ID, portals.AddUserParams{
		Email: "a@example.com", FirstName: "A", LastName: "B", RoleIDs: []uuid.UUID{viewer.ID},
		Attributes: []portals.AttributeInput{{ID: tags.ID, Value: "x"}, {ID: tenant.ID, Value: "t-1"}, {ID: tags.ID, Value: "y"}},
	})
	is.NoErr(err)

	off := false
	_, err = f.ps.UpdateAttribute(f.sys, tags.ID, portals.AttributeUpdateParams{AllowMultipleValues: &off})
	is.True(errors.Is(err, userkit.ErrConflict)) // a member holds two tags
	label := "Tenant"
	up, err := f.ps.UpdateAttribute(f.sys, tenant.ID, portals.AttributeUpdateParams{Label: &label})
	is.NoErr(err)
	is.Equal(up.Label, "Tenant")
	is.Equal(up.Type, portals.TypeString) // the type stays

	is.NoErr(f.ps.DeleteAttribute(f.sys, tags.ID))
	got, err := f.ps.GetUser(f.sys, p.ID, m.User.ID)
	is.NoErr(err)
	is.Equal(got.Attributes, []portals.AttributeValue{{ID: tenant.ID, Values: []string{"t-1"}}}) // the deleted attribute's values went with it
	attrs, err := f.ps.ListAttributes(f.sys, p.ID)
	is.NoErr(err)
	is.Equal(len(attrs), 1)
}

func TestPortalChecks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	acme, globex := f.partner("Acme"), f.partner("Globex")
	acmePortal, acmeRole := f.portal("acme", acme)
	globexPortal, globexRole := f.portal("globex", globex)
	acmeAdmin := f.serviceAccount(
		permissions.GrantParams{Action: "portals.*", Scope: permissions.PartnerScope(acme)},
		permissions.GrantParams{Action: "users.*", Scope: permissions.PartnerScope(acme)},
	)
	acmeReader := f.serviceAccount(permissions.GrantParams{Action: "users.read", Scope: permissions.PortalScope(acmePortal.ID)})
	add := func(role portals.Role) portals.AddUserParams {
		return portals.AddUserParams{Email: "x@example.com", FirstName: "X", LastName: "Y", RoleIDs: []uuid.UUID{role.ID}}
	}
	f.member(globexPortal, globexRole, "g@example.com") // a page to read before the check
	missing := uuid.Must(uuid.NewV7())
	list := func(ctx context.Context, portalID uuid.UUID, p userkit.PageRequest) func() error {
		return func() error { _, err := f.ps.ListUsers(ctx, portalID, p); return err }
	}

	cases := []struct {
		name string
		call func() error
		want userkit.Kind // Internal stands for "allowed"
	}{
		{"no principal", func() error { _, err := f.ps.Get(t.Context(), acmePortal.ID); return err }, userkit.Unauthenticated},
		{"create for own partner", func() error {
			_, err := f.ps.Create(acmeAdmin, portals.CreateParams{PartnerID: acme, Name: "A2", TechnicalName: "acme-2"})
			return err
		}, userkit.Internal},
		{"create for other partner", func() error {
			_, err := f.ps.Create(acmeAdmin, portals.CreateParams{PartnerID: globex, Name: "G2", TechnicalName: "globex-2"})
			return err
		}, userkit.Forbidden},
		{"create without partner", func() error {
			_, err := f.ps.Create(acmeAdmin, portals.CreateParams{Name: "S", TechnicalName: "solo"})
			return err
		}, userkit.Forbidden},
		{"partner grant covers its portal", func() error { _, err := f.ps.Get(acmeAdmin, acmePortal.ID); return err }, userkit.Internal},
		{"not another partner's portal", func() error { _, err := f.ps.Get(acmeAdmin, globexPortal.ID); return err }, userkit.Forbidden},
		{"add user to own portal", func() error { _, err := f.ps.AddUser(acmeAdmin, acmePortal.ID, add(acmeRole)); return err }, userkit.Internal},
		{"add user to other portal", func() error {
			_, err := f.ps.AddUser(acmeAdmin, globexPortal.ID, add(globexRole))
			return err
		}, userkit.Forbidden},
		{"roles of other portal", func() error { _, err := f.ps.ListRoles(acmeAdmin, globexPortal.ID); return err }, userkit.Forbidden},
		{"reader lists users", list(acmeReader, acmePortal.ID, userkit.PageRequest{}), userkit.Internal},
		{"not another partner's members", list(acmeAdmin, globexPortal.ID, userkit.PageRequest{}), userkit.Forbidden},
		{"nor with a bad cursor", list(acmeAdmin, globexPortal.ID, userkit.PageRequest{After: "nope"}), userkit.Forbidden},
		{"nor a missing portal's", list(acmeAdmin, missing, userkit.PageRequest{}), userkit.Forbidden},
		{"a missing portal is not told", func() error { _, err := f.ps.Get(acmeAdmin, missing); return err }, userkit.Forbidden},
		{"nor its roles", func() error { _, err := f.ps.ListRoles(acmeAdmin, missing); return err }, userkit.Forbidden},
		{"nor its attributes", func() error { _, err := f.ps.ListAttributes(acmeAdmin, missing); return err }, userkit.Forbidden},
		{"another partner's role", func() error { _, err := f.ps.GetRole(acmeAdmin, globexRole.ID); return err }, userkit.Forbidden},
		{"own role", func() error { _, err := f.ps.GetRole(acmeAdmin, acmeRole.ID); return err }, userkit.Internal},
		{"reader cannot add", func() error { _, err := f.ps.AddUser(acmeReader, acmePortal.ID, add(acmeRole)); return err }, userkit.Forbidden},
		{"reader cannot remove", func() error { _, err := f.ps.RemoveUser(acmeReader, acmePortal.ID, uuid.Nil); return err }, userkit.Forbidden},
		{"reader cannot read the portal", func() error { _, err := f.ps.Get(acmeReader, acmePortal.ID); return err }, userkit.Forbidden},
	}
	for _, c := range cases { // in order: the add case runs once
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			err := c.call()
			if c.want == userkit.Internal {
				is.NoErr(err) // allowed
				return
			}
			is.Equal(kind(err), c.want) // denied with the right kind
		})
	}
}

func TestPortalAuditEvents(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	acme := f.partner("Acme")
	p, role := f.portal("acme", acme)
	m := f.member(p, role, "mona@example.com")
	_, err := f.ps.RemoveUser(f.sys, p.ID, m.User.ID)
	is.NoErr(err)

	events, err := f.authz.ListEvents(f.sys, storage.EventFilter{PartnerID: acme}, userkit.PageRequest{})
	is.NoErr(err)
	var got []string
	for _, e := range events.Items {
		got = append(got, e.Action+" "+e.TargetKind)
	}
	is.Equal(got, []string{ // every portal mutation, under the portal's partner, newest first
		"users.update user", // the portal managed the user: now everything does
		"users.delete portal_member",
		"users.create portal_member",
		"portals.update portal_role",
		"portals.create portal",
	})
	all, err := f.authz.ListEvents(f.sys, storage.EventFilter{}, userkit.PageRequest{})
	is.NoErr(err)
	is.Equal(len(all.Items), 6) // plus the user's creation and the hand-over to everything, under no partner
}
