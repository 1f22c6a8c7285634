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
)

func TestAttributeValueEdges(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p, role := f.portal("acme", uuid.Nil)
	def := func(name string, typ portals.AttributeType) uuid.UUID {
		a, err := f.ps.CreateAttribute(f.sys, p.ID, portals.AttributeParams{Name: name, Type: typ})
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	str, flag, num := def("str", portals.TypeString), def("flag", portals.TypeBoolean), def("num", portals.TypeNumber)
	cases := []struct {
		name  string
		id    uuid.UUID
		value string
		ok    bool
	}{
		{"longest string", str, strings.Repeat("x", 1000), true},
		{"string too long", str, strings.Repeat("x", 1001), false},
		{"longest string in two-byte characters", str, strings.Repeat("é", 1000), true},
		{"too long in two-byte characters", str, strings.Repeat("é", 1001), false},
		{"boolean 1", flag, "1", false},
		{"boolean 0", flag, "0", false},
		{"infinite number", num, "Inf", false},
		{"negative infinity", num, "-Infinity", false},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			_, err := f.ps.AddUser(f.sys, p.ID, portals.AddUserParams{
				Email: "v" + string(rune('a'+i)) + "@example.com", FirstName: "V", LastName: "W",
				RoleIDs: []uuid.UUID{role.ID}, Attributes: []portals.AttributeInput{{ID: c.id, Value: c.value}},
			})
			if c.ok {
				is.NoErr(err) // accepted
				return
			}
			is.True(field(err, "Attributes[0].Value") != "") // refused on the value
		})
	}
}

func TestAddUserLocales(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	p, err := f.ps.Create(f.sys, portals.CreateParams{Name: "German", TechnicalName: "german", DefaultLocale: "de_DE"})
	is.NoErr(err)
	role, err := f.ps.CreateRole(f.sys, p.ID, portals.RoleParams{Name: "Viewer"})
	is.NoErr(err)

	m, err := f.ps.AddUser(f.sys, p.ID, portals.AddUserParams{Email: "a@example.com", FirstName: "A", LastName: "B", RoleIDs: []uuid.UUID{role.ID}})
	is.NoErr(err)
	is.Equal(m.Locale, "de_DE") // no locale given: the portal's default

	m, err = f.ps.AddUser(f.sys, p.ID, portals.AddUserParams{Email: "c@example.com", FirstName: "C", LastName: "D", RoleIDs: []uuid.UUID{role.ID}, Locale: "fr_FR"})
	is.NoErr(err)
	is.Equal(m.Locale, "fr_FR")      // the locale given
	is.Equal(m.User.Locale, "fr_FR") // is also the new user's
}

func TestRecordLoginOfAnotherUser(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	p, role := f.portal("acme", uuid.Nil)
	mona, ben := f.member(p, role, "mona@example.com"), f.member(p, role, "ben@example.com")
	asMona := permissions.WithPrincipal(context.Background(), permissions.UserPrincipal(mona.User.ID))

	is.NoErr(f.ps.RecordLogin(asMona, p.ID, mona.User.ID))                                // one's own login
	is.True(errors.Is(f.ps.RecordLogin(asMona, p.ID, ben.User.ID), userkit.ErrForbidden)) // not someone else's
	got, err := f.ps.GetUser(f.sys, p.ID, ben.User.ID)
	is.NoErr(err)
	is.True(got.LastLoginAt == nil) // nothing recorded for them
}
