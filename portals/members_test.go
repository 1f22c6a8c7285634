package portals_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

func TestAddUserValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p, role := f.portal("acme", uuid.Nil)
	_, foreign := f.portal("other", uuid.Nil)
	def := func(name string, typ portals.AttributeType, multi bool) uuid.UUID {
		a, err := f.ps.CreateAttribute(f.sys, p.ID, portals.AttributeParams{Name: name, Type: typ, AllowMultipleValues: multi})
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	str, flag, num, when, tags := def("str", portals.TypeString, false), def("flag", portals.TypeBoolean, false),
		def("num", portals.TypeNumber, false), def("when", portals.TypeTime, false), def("tags", portals.TypeString, true)
	in := func(id uuid.UUID, v string) portals.AttributeInput { return portals.AttributeInput{ID: id, Value: v} }

	cases := []struct {
		name   string
		roles  []uuid.UUID
		locale string
		attrs  []portals.AttributeInput
		field  string
	}{
		{name: "no role", roles: nil, field: "RoleIDs"},
		{name: "role of another portal", roles: []uuid.UUID{role.ID, foreign.ID}, field: "RoleIDs"},
		{name: "unknown role", roles: []uuid.UUID{uuid.Must(uuid.NewV7())}, field: "RoleIDs"},
		{name: "bad locale", locale: "english", field: "Locale"},
		{name: "locale case", locale: "en_us", field: "Locale"},
		{name: "unknown attribute", attrs: []portals.AttributeInput{in(uuid.Must(uuid.NewV7()), "x")}, field: "Attributes[0].ID"},
		{name: "boolean yes", attrs: []portals.AttributeInput{in(flag, "yes")}, field: "Attributes[0].Value"},
		{name: "boolean True", attrs: []portals.AttributeInput{in(flag, "True")}, field: "Attributes[0].Value"},
		{name: "number text", attrs: []portals.AttributeInput{in(num, "twelve")}, field: "Attributes[0].Value"},
		{name: "number NaN", attrs: []portals.AttributeInput{in(num, "NaN")}, field: "Attributes[0].Value"},
		{name: "time without zone", attrs: []portals.AttributeInput{in(when, "2025-05-21T10:00:00")}, field: "Attributes[0].Value"},
		{name: "date only", attrs: []portals.AttributeInput{in(when, "2025-05-21")}, field: "Attributes[0].Value"},
		{name: "two values of a single attribute", attrs: []portals.AttributeInput{in(str, "a"), in(str, "b")}, field: "Attributes[1].ID"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			roles := c.roles
			if roles == nil && c.field != "RoleIDs" {
				roles = []uuid.UUID{role.ID}
			}
			_, err := f.ps.AddUser(f.sys, p.ID, portals.AddUserParams{
				Email: "v@example.com", FirstName: "V", LastName: "W", RoleIDs: roles, Locale: c.locale, Attributes: c.attrs,
			})
			is.Equal(kind(err), userkit.Invalid) // rejected
			is.True(field(err, c.field) != "")   // on the right field
		})
	}

	is := is.New(t)
	_, err := f.store.GetUserByEmail(f.sys, "v@example.com")
	is.True(errors.Is(err, userkit.ErrNotFound)) // no rejected call created the user

	m, err := f.ps.AddUser(f.sys, p.ID, portals.AddUserParams{
		Email: "v@example.com", FirstName: "V", LastName: "W", RoleIDs: []uuid.UUID{role.ID, role.ID}, Locale: "de_DE",
		Attributes: []portals.AttributeInput{
			in(tags, "b"), in(flag, "false"), in(num, "-1.5e3"), in(tags, "a"), in(when, "2025-05-21T12:00:00+02:00"), in(tags, "b2"), in(str, ""),
		},
	})
	is.NoErr(err)
	is.Equal(m.RoleIDs, []uuid.UUID{role.ID}) // repeats dropped
	is.Equal(m.Locale, "de_DE")
	is.Equal(m.Attributes, []portals.AttributeValue{ // grouped by attribute, in order of first appearance and of input
		{ID: tags, Values: []string{"b", "a", "b2"}},
		{ID: flag, Values: []string{"false"}},
		{ID: num, Values: []string{"-1.5e3"}},
		{ID: when, Values: []string{"2025-05-21T12:00:00+02:00"}},
		{ID: str, Values: []string{""}},
	})
	got, err := f.ps.GetUser(f.sys, p.ID, m.User.ID)
	is.NoErr(err)
	is.Equal(got.Attributes, m.Attributes) // stored as returned
}

func TestAddUserNewAndExisting(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	acme := f.partner("Acme")
	p, role := f.portal("acme", acme)

	m, err := f.ps.AddUser(f.sys, p.ID, portals.AddUserParams{
		Email: "Mona@Example.com", FirstName: "Mona", LastName: "Benson", Password: "Correct1Horse",
		RoleIDs: []uuid.UUID{role.ID},
	})
	is.NoErr(err)
	is.Equal(m.User.Email, "Mona@Example.com") // a new email creates the user
	is.Equal(m.User.LoginName, "mona.benson")
	is.True(m.User.HasPassword) // with the password given
	is.Equal(m.Locale, "en_US") // default locale
	is.Equal(m.PortalID, p.ID)
	is.Equal(m.Attributes, []portals.AttributeValue{})
	u, err := f.us.Authenticate(context.Background(), "mona@example.com", "Correct1Horse")
	is.NoErr(err) // the password works
	is.Equal(u.ID, m.User.ID)

	member, err := f.store.IsPartnerMember(f.sys, acme, m.User.ID)
	is.NoErr(err)
	is.True(!member) // portal membership does not attach the user to the portal's partner

	_, err = f.ps.AddUser(f.sys, p.ID, portals.AddUserParams{Email: "mona@example.com", RoleIDs: []uuid.UUID{role.ID}})
	is.True(errors.Is(err, userkit.ErrConflict)) // already a member

	existing, err := f.us.Create(f.sys, users.CreateParams{Email: "ben@example.com", FirstName: "Ben", LastName: "Ortiz"})
	is.NoErr(err)
	q, qrole := f.portal("second", uuid.Nil)
	m2, err := f.ps.AddUser(f.sys, q.ID, portals.AddUserParams{
		Email: " BEN@example.com ", FirstName: "Benjamin", LastName: "O", RoleIDs: []uuid.UUID{qrole.ID},
	})
	is.NoErr(err)
	is.Equal(m2.User.ID, existing.ID)  // an existing email adds that user
	is.Equal(m2.User.FirstName, "Ben") // as it is: names given are ignored
	m3, err := f.ps.AddUser(f.sys, q.ID, portals.AddUserParams{Email: "mona@example.com", RoleIDs: []uuid.UUID{qrole.ID}})
	is.NoErr(err)
	is.Equal(m3.User.ID, m.User.ID) // one user, member of two portals
	all, err := f.store.ListUsers(f.sys, storage.UserFilter{}, userkit.PageRequest{Total: true})
	is.NoErr(err)
	is.Equal(all.Total, 2) // no duplicate users

	_, err = f.ps.AddUser(f.sys, q.ID, portals.AddUserParams{Email: "new@example.com", FirstName: "N", LastName: "U", Password: "short", RoleIDs: []uuid.UUID{qrole.ID}})
	is.True(field(err, "Password") != "") // a new user's password follows the policy
	_, err = f.ps.AddUser(f.sys, q.ID, portals.AddUserParams{Email: "not-an-email", FirstName: "N", LastName: "U", RoleIDs: []uuid.UUID{qrole.ID}})
	is.Equal(kind(err), userkit.Invalid) // and its email must be one
	_, err = f.ps.AddUser(f.sys, uuid.Must(uuid.NewV7()), portals.AddUserParams{Email: "x@example.com", RoleIDs: []uuid.UUID{qrole.ID}})
	is.True(errors.Is(err, userkit.ErrNotFound)) // no such portal
}

func TestRemoveAndGetUser(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	p, role := f.portal("acme", uuid.Nil)
	m := f.member(p, role, "mona@example.com")

	got, err := f.ps.GetUser(f.sys, p.ID, m.User.ID)
	is.NoErr(err)
	is.Equal(got.ID, m.ID)
	is.Equal(got.User.Email, "mona@example.com")

	removed, err := f.ps.RemoveUser(f.sys, p.ID, m.User.ID)
	is.NoErr(err)
	is.True(removed) // was a member
	removed, err = f.ps.RemoveUser(f.sys, p.ID, m.User.ID)
	is.NoErr(err)     // not being a member is no error
	is.True(!removed) // but is reported
	_, err = f.ps.GetUser(f.sys, p.ID, m.User.ID)
	is.True(errors.Is(err, userkit.ErrNotFound)) // no longer a member
	_, err = f.store.GetUser(f.sys, m.User.ID)
	is.NoErr(err) // the user itself stays
	_, err = f.ps.RemoveUser(f.sys, uuid.Must(uuid.NewV7()), m.User.ID)
	is.True(errors.Is(err, userkit.ErrNotFound)) // missing portal is still an error
}

func TestListUsersOldestFirst(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	p, role := f.portal("acme", uuid.Nil)
	var want []uuid.UUID
	for i := range 5 {
		want = append(want, f.member(p, role, fmt.Sprintf("u%d@example.com", i)).User.ID)
	}

	var got []uuid.UUID
	req := userkit.PageRequest{Limit: 2}
	for pages := 0; ; pages++ {
		is.True(pages < 10) // paging ends
		page, err := f.ps.ListUsers(f.sys, p.ID, req)
		is.NoErr(err)
		for _, m := range page.Items {
			got = append(got, m.User.ID)
		}
		if pages == 0 {
			// A member joining mid-listing shows up at the end, without
			// shifting the pages already read.
			want = append(want, f.member(p, role, "late@example.com").User.ID)
		}
		if page.Next == "" {
			break
		}
		req.After = page.Next
	}
	is.Equal(got, want) // oldest first, nothing skipped or repeated

	empty, _ := f.portal("empty", uuid.Nil)
	page, err := f.ps.ListUsers(f.sys, empty.ID, userkit.PageRequest{})
	is.NoErr(err)
	is.True(page.Items != nil) // an empty list is [], not null
	is.Equal(len(page.Items), 0)
}

func TestRecordLogin(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	p, role := f.portal("acme", uuid.Nil)
	m := f.member(p, role, "mona@example.com")
	is.Equal(m.LastLoginAt, (*time.Time)(nil)) // never logged in

	f.clock.advance(time.Hour)
	is.NoErr(f.ps.RecordLogin(f.sys, p.ID, m.User.ID))
	got, err := f.ps.GetUser(f.sys, p.ID, m.User.ID)
	is.NoErr(err)
	is.Equal(*got.LastLoginAt, f.clock.now()) // recorded at the clock's time
	is.Equal(got.Version, m.Version+1)

	stranger, err := f.us.Create(f.sys, users.CreateParams{Email: "s@example.com", FirstName: "S", LastName: "T"})
	is.NoErr(err)
	err = f.ps.RecordLogin(f.sys, p.ID, stranger.ID)
	is.True(errors.Is(err, userkit.ErrNotFound)) // not a member
}
