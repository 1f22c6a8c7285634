package permissions_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
)

var allRoles = []permissions.Role{permissions.RoleOwner, permissions.RoleEditor, permissions.RoleExecutor, permissions.RoleReader}

func TestHasRoleMatrix(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.authz.CreateResource(f.sys, permissions.ResourceParams{ID: "p-2343", Name: "Pricing", Kind: "process"})
	is.New(t).NoErr(err)
	// allRoles is highest first, so holder i includes wanted j exactly when i <= j.
	for i, held := range allRoles {
		u := f.user("holder" + string(held))
		_, err := f.authz.SetRole(f.sys, u, "p-2343", held)
		is.New(t).NoErr(err)
		for j, want := range allRoles {
			t.Run(string(held)+">="+string(want), func(t *testing.T) {
				is := is.New(t)
				got, err := f.authz.HasRole(f.sys, u, "p-2343", want)
				is.NoErr(err)
				is.Equal(got, i <= j)                // HasRole follows owner > editor > executor > reader
				is.Equal(held.AtLeast(want), i <= j) // Role.AtLeast agrees
			})
		}
	}

	is := is.New(t)
	stranger := f.user("stranger")
	got, err := f.authz.HasRole(f.sys, stranger, "p-2343", permissions.RoleReader)
	is.NoErr(err)
	is.True(!got) // no role means no access
	_, err = f.authz.HasRole(f.sys, stranger, "p-2343", "admin")
	is.Equal(kind(err), userkit.Invalid) // unknown role asked for
}

func TestSetRoleUpsertAndLists(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	for _, p := range []permissions.ResourceParams{{ID: "p-2", Name: "Two"}, {ID: "p-1", Name: "One"}} {
		_, err := f.authz.CreateResource(f.sys, p)
		is.NoErr(err)
	}
	mona, ben := f.user("mona"), f.user("ben")

	first, err := f.authz.SetRole(f.sys, mona, "p-1", permissions.RoleReader)
	is.NoErr(err)
	is.Equal(first.ResourceName, "One") // SetRole fills in the resource name
	f.clock.advance(time.Hour)
	second, err := f.authz.SetRole(f.sys, mona, "p-1", permissions.RoleEditor)
	is.NoErr(err)
	is.Equal(second.Role, permissions.RoleEditor)    // SetRole updates the role
	is.Equal(second.CreatedAt, first.CreatedAt)      // an update keeps when access was first given
	is.True(second.UpdatedAt.After(first.UpdatedAt)) // and moves UpdatedAt
	_, err = f.authz.SetRole(f.sys, mona, "p-2", permissions.RoleOwner)
	is.NoErr(err)
	_, err = f.authz.SetRole(f.sys, ben, "p-1", permissions.RoleReader)
	is.NoErr(err)

	mine, err := f.authz.RolesOfUser(as(mona), mona) // a user may list their own roles
	is.NoErr(err)
	is.Equal(len(mine), 2) // one role per resource after the upsert
	is.Equal(mine[0].ResourceID, "p-1")
	is.Equal(mine[0].Role, permissions.RoleEditor)
	is.Equal(mine[1].ResourceID, "p-2")
	is.Equal(mine[1].ResourceName, "Two")

	on, err := f.authz.RolesOnResource(f.sys, "p-1")
	is.NoErr(err)
	is.Equal(len(on), 2) // mona and ben on p-1
	byUser := map[string]permissions.Role{}
	for _, r := range on {
		byUser[r.UserID.String()] = r.Role
	}
	is.Equal(byUser[mona.String()], permissions.RoleEditor)
	is.Equal(byUser[ben.String()], permissions.RoleReader)

	got, err := f.authz.GetRole(as(mona), mona, "p-2")
	is.NoErr(err)
	is.Equal(got.Role, permissions.RoleOwner)

	_, err = f.authz.RolesOfUser(as(ben), mona)
	is.Equal(kind(err), userkit.Forbidden) // others' roles need permissions.read

	is.NoErr(f.authz.RevokeRole(f.sys, mona, "p-1"))
	err = f.authz.RevokeRole(f.sys, mona, "p-1")
	is.True(errors.Is(err, userkit.ErrNotFound)) // nothing left to revoke
	_, err = f.authz.GetRole(f.sys, mona, "p-1")
	is.True(errors.Is(err, userkit.ErrNotFound)) // revoked role is gone

	_, err = f.authz.SetRole(f.sys, mona, "p-1", "admin")
	is.Equal(kind(err), userkit.Invalid)              // not one of the four roles
	is.True(userkit.FieldsOf(err)["Role"].Rule != "") // reported on Role
	_, err = f.authz.SetRole(f.sys, mona, "nope", permissions.RoleReader)
	is.True(errors.Is(err, userkit.ErrNotFound)) // unknown resource
	_, err = f.authz.SetRole(f.sys, newID(), "p-1", permissions.RoleReader)
	is.True(errors.Is(err, userkit.ErrNotFound)) // unknown user
}

func TestResourceValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	cases := []struct {
		name  string
		p     permissions.ResourceParams
		field string
	}{
		{"missing id", permissions.ResourceParams{Name: "x"}, "ID"},
		{"long id", permissions.ResourceParams{ID: strings.Repeat("a", 101), Name: "x"}, "ID"},
		{"space in id", permissions.ResourceParams{ID: "p 1", Name: "x"}, "ID"},
		{"slash in id", permissions.ResourceParams{ID: "p/1", Name: "x"}, "ID"},
		{"missing name", permissions.ResourceParams{ID: "p-1", Name: "  "}, "Name"},
		{"long name", permissions.ResourceParams{ID: "p-1", Name: strings.Repeat("n", 201)}, "Name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			_, err := f.authz.CreateResource(f.sys, c.p)
			is.Equal(kind(err), userkit.Invalid)               // rejected
			is.True(userkit.FieldsOf(err)[c.field].Rule != "") // on the right field
		})
	}

	is := is.New(t)
	r, err := f.authz.CreateResource(f.sys, permissions.ResourceParams{ID: "ns:p_1.v-2", Name: strings.Repeat("n", 200)})
	is.NoErr(err) // every allowed character and the maximum name length
	_, err = f.authz.CreateResource(f.sys, permissions.ResourceParams{ID: r.ID, Name: "again"})
	is.True(errors.Is(err, userkit.ErrConflict)) // IDs are unique

	name := "Renamed"
	stale := r.Version + 1
	_, err = f.authz.UpdateResource(f.sys, r.ID, permissions.ResourceUpdateParams{Name: &name, Version: &stale})
	is.True(errors.Is(err, userkit.ErrPreconditionFailed)) // stale version
	up, err := f.authz.UpdateResource(f.sys, r.ID, permissions.ResourceUpdateParams{Name: &name, Version: &r.Version})
	is.NoErr(err)
	is.Equal(up.Name, "Renamed")
	is.Equal(up.Version, r.Version+1)
	empty := ""
	_, err = f.authz.UpdateResource(f.sys, r.ID, permissions.ResourceUpdateParams{Name: &empty})
	is.Equal(kind(err), userkit.Invalid) // a name cannot be cleared

	page, err := f.authz.ListResources(f.sys, userkit.PageRequest{})
	is.NoErr(err)
	is.Equal(len(page.Items), 1)
	is.NoErr(f.authz.DeleteResource(f.sys, r.ID))
	_, err = f.authz.GetResource(f.sys, r.ID)
	is.True(errors.Is(err, userkit.ErrNotFound)) // deleted
}

func TestResourceChecks(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	reader, nobody := f.user("reader"), f.user("nobody")
	f.grant(reader, "permissions.read", permissions.All)
	_, err := f.authz.CreateResource(f.sys, permissions.ResourceParams{ID: "r1", Name: "R1"})
	is.NoErr(err)

	_, err = f.authz.CreateResource(as(reader), permissions.ResourceParams{ID: "r2", Name: "R2"})
	is.Equal(kind(err), userkit.Forbidden) // read grant does not create
	_, err = f.authz.GetResource(as(reader), "r1")
	is.NoErr(err) // permissions.read reads
	_, err = f.authz.SetRole(as(reader), nobody, "r1", permissions.RoleOwner)
	is.Equal(kind(err), userkit.Forbidden) // nor may it hand out roles
	_, err = f.authz.HasRole(as(nobody), reader, "r1", permissions.RoleReader)
	is.Equal(kind(err), userkit.Forbidden) // asking about someone else needs permissions.read
	ok, err := f.authz.HasRole(as(nobody), nobody, "r1", permissions.RoleReader)
	is.NoErr(err) // asking about oneself is fine
	is.True(!ok)
}
