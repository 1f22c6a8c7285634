package users_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

func TestCreateAndGet(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	dob := time.Date(1990, 5, 17, 15, 30, 0, 0, time.FixedZone("x", 3600))

	u, err := e.us.Create(e.sys, users.CreateParams{
		Email: "  Mona.Benson@Example.com ", FirstName: "Mona", LastName: "Benson",
		Password: goodPassword, City: "Berlin", DateOfBirth: &dob,
	})
	is.NoErr(err)                                                                              // create
	is.True(u.ID != uuid.Nil)                                                                  // id assigned
	is.True(u.Num > 0)                                                                         // number assigned
	is.Equal(u.Email, "Mona.Benson@Example.com")                                               // email trimmed, case kept
	is.Equal(u.LoginName, "mona.benson")                                                       // login name generated
	is.Equal(u.Status, users.StatusActive)                                                     // default status
	is.Equal(u.Provider, "password")                                                           // default provider
	is.True(u.HasPassword)                                                                     // password set
	is.Equal(u.City, "Berlin")                                                                 // optional field kept
	is.Equal(*u.DateOfBirth, time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC))                     // only the date kept
	is.Equal(u.CreatedAt, fixedNow)                                                            // clock used
	is.Equal(u.Version, int64(1))                                                              // first version
	is.True(strings.HasPrefix(e.record(t, u.ID).PasswordHash, "$argon2id$v=19$m=64,t=1,p=1$")) // argon2id PHC stored

	got, err := e.us.Get(e.sys, u.ID)
	is.NoErr(err)    // get by id
	is.Equal(got, u) // same user back
	got, err = e.us.GetByNum(e.sys, u.Num)
	is.NoErr(err)          // get by num
	is.Equal(got.ID, u.ID) // same user by num
	got, err = e.us.GetByEmail(e.sys, "MONA.benson@example.COM")
	is.NoErr(err)          // get by email, any case
	is.Equal(got.ID, u.ID) // same user by email

	_, err = e.us.Get(e.sys, uuid.Must(uuid.NewV7()))
	is.True(errors.Is(err, userkit.ErrNotFound)) // missing id
	_, err = e.us.GetByNum(e.sys, 9999)
	is.True(errors.Is(err, userkit.ErrNotFound)) // missing num
	_, err = e.us.GetByEmail(e.sys, "nobody@example.com")
	is.True(errors.Is(err, userkit.ErrNotFound)) // missing email
}

func TestLoginNames(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	is.Equal(e.create(t, "a@example.com", "Mona", "Benson").LoginName, "mona.benson")        // first one plain
	is.Equal(e.create(t, "b@example.com", "mona", "BENSON").LoginName, "mona.benson2")       // taken -> 2
	is.Equal(e.create(t, "c@example.com", "Mona", "Benson").LoginName, "mona.benson3")       // then 3
	is.Equal(e.create(t, "d@example.com", "Zoë", "Ångström-Öz").LoginName, "zoe.angstromoz") // folded to ASCII
	is.Equal(e.create(t, "e@example.com", "Jean Luc", "O'Neil").LoginName, "jeanluc.oneil")  // punctuation dropped
	is.Equal(e.create(t, "kim.li+x@example.com", "李", "金").LoginName, "kim.lix")             // email local part fallback
	is.Equal(e.create(t, "++@example.com", "李", "金").LoginName, "user")                      // last resort
}

func TestEmailUniqueCaseInsensitive(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	first := e.create(t, "Mona@Example.com", "Mona", "Benson")
	_, err := e.us.Create(e.sys, users.CreateParams{Email: " mona@example.COM", FirstName: "M", LastName: "B"})
	is.True(errors.Is(err, userkit.ErrConflict))                       // same email, other case
	is.Equal(userkit.FieldsOf(err)["Email"].String(), "already taken") // reported on Email

	other := e.create(t, "other@example.com", "Other", "One")
	_, err = e.us.Update(e.sys, other.ID, users.UpdateParams{Email: ptr("MONA@example.com")})
	is.True(errors.Is(err, userkit.ErrConflict))                       // update to a taken email
	is.Equal(userkit.FieldsOf(err)["Email"].String(), "already taken") // reported on Email
	is.Equal(e.record(t, first.ID).Email, "Mona@Example.com")          // first user untouched
}

func TestCreateValidation(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	_, err := e.us.Create(e.sys, users.CreateParams{
		Email:     "not-an-email",
		LastName:  strings.Repeat("é", 101),
		Password:  "short",
		Status:    "bogus",
		City:      strings.Repeat("x", 201),
		FirstName: "  ",
	})
	is.True(errors.Is(err, userkit.ErrInvalid)) // invalid input
	f := userkit.FieldsOf(err)
	is.Equal(f["Email"].String(), "must be a valid email address")              // email format
	is.Equal(f["FirstName"].String(), "is required")                            // blank name
	is.Equal(f["LastName"].String(), "must be at most 100 characters")          // name length in runes
	is.Equal(f["Status"].String(), "must be one of: active, suspended, locked") // status
	is.Equal(f["City"].String(), "must be at most 200 characters")              // optional field length
	is.Equal(f["Password"].String(), "must be at least 10 characters")          // policy

	_, err = e.us.Create(e.sys, users.CreateParams{Email: "a@example.com", FirstName: "A", LastName: strings.Repeat("é", 100)})
	is.NoErr(err) // 100 multi-byte runes fit

	_, err = e.us.Create(e.sys, users.CreateParams{Email: "b@example.com", FirstName: "B", LastName: "B", PasswordHash: "plain-text"})
	is.Equal(userkit.FieldsOf(err)["PasswordHash"].String(), "must be a bcrypt hash or an argon2id PHC string") // unknown hash refused

	list, err := e.us.List(e.sys, users.ListParams{})
	is.NoErr(err)                // list
	is.Equal(len(list.Items), 1) // only the valid user was stored
}

func TestPasswordPolicy(t *testing.T) {
	t.Parallel()
	custom := users.PasswordPolicy{MinLength: 4, MaxLength: 64, RequireLower: true, RequireSymbol: true, Blocklist: []string{"Acme-2025"}}
	cases := []struct {
		name   string
		policy users.PasswordPolicy
		pw     string
		want   string // "" = valid
	}{
		{"default ok", users.DefaultPolicy, "Samplepassword12", ""},
		{"default empty", users.DefaultPolicy, "", "is required"},
		{"default short", users.DefaultPolicy, "Short1A", "must be at least 10 characters"},
		{"default runes count", users.DefaultPolicy, "ÄÖÜäöüßé1Z", ""},
		{"default no digit", users.DefaultPolicy, "Nodigitshere", "must contain at least one digit"},
		{"default no upper", users.DefaultPolicy, "nouppercase1", "must contain at least one upper-case letter"},
		{"default too long", users.DefaultPolicy, "A1" + strings.Repeat("a", 127), "must be at most 128 characters"},
		{"default max fits", users.DefaultPolicy, "A1" + strings.Repeat("a", 126), ""},
		{"nist ok", users.NISTPolicy, "abcdefgh", ""},
		{"nist short", users.NISTPolicy, "abcdefg", "must be at least 8 characters"},
		{"nist no composition", users.NISTPolicy, "correct horse battery", ""},
		{"nist common", users.NISTPolicy, "password1", "is too common"},
		{"nist common any case", users.NISTPolicy, "PassWord123", "is too common"},
		{"custom no lower", custom, "ABC!", "must contain at least one lower-case letter"},
		{"custom no symbol", custom, "abcd", "must contain at least one symbol"},
		{"custom ok", custom, "ab-c", ""},
		{"custom blocklist", custom, "acme-2025", "is too common"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			err := c.policy.Validate(c.pw)
			if c.want == "" {
				is.NoErr(err) // valid password
				return
			}
			is.True(errors.Is(err, userkit.ErrInvalid))                  // refused
			is.Equal(userkit.FieldsOf(err)["Password"].String(), c.want) // names the rule
		})
	}
}

func TestPolicyOption(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, &users.Options{Policy: users.NISTPolicy})
	is.Equal(e.us.Policy().MinLength, 8) // option kept
	_, err := e.us.Create(e.sys, users.CreateParams{Email: "a@example.com", FirstName: "A", LastName: "B", Password: "all lower case"})
	is.NoErr(err)                                                                 // NIST allows no composition
	is.Equal(newEnv(t, nil).us.Policy().MinLength, users.DefaultPolicy.MinLength) // zero policy means default
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	u := e.create(t, "mona@example.com", "Mona", "Benson")
	dob := time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC)

	got, err := e.us.Update(e.sys, u.ID, users.UpdateParams{City: ptr("Paris"), DateOfBirth: ptr(&dob), Version: ptr(u.Version)})
	is.NoErr(err)                      // update with current version
	is.Equal(got.City, "Paris")        // changed
	is.Equal(got.FirstName, "Mona")    // untouched
	is.Equal(*got.DateOfBirth, dob)    // date set
	is.Equal(got.Version, u.Version+1) // version bumped

	_, err = e.us.Update(e.sys, u.ID, users.UpdateParams{City: ptr("Rome"), Version: ptr(u.Version)})
	is.True(errors.Is(err, userkit.ErrPreconditionFailed)) // stale version
	is.Equal(e.record(t, u.ID).City, "Paris")              // stale update wrote nothing

	got, err = e.us.Update(e.sys, u.ID, users.UpdateParams{DateOfBirth: ptr[*time.Time](nil), Email: ptr("Mona.New@example.com")})
	is.NoErr(err)                                                 // update without version
	is.Equal(got.DateOfBirth, (*time.Time)(nil))                  // cleared
	is.Equal(e.record(t, u.ID).EmailNorm, "mona.new@example.com") // normalised email stored

	_, err = e.us.Update(e.sys, u.ID, users.UpdateParams{FirstName: ptr(""), Email: ptr("nope")})
	is.True(errors.Is(err, userkit.ErrInvalid))                          // invalid update
	is.Equal(userkit.FieldsOf(err)["FirstName"].String(), "is required") // name cannot be blanked
	is.Equal(userkit.FieldsOf(err)["Email"].String(), "must be a valid email address")

	_, err = e.us.Update(e.sys, uuid.Must(uuid.NewV7()), users.UpdateParams{City: ptr("x")})
	is.True(errors.Is(err, userkit.ErrNotFound)) // missing user
}

func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	u := e.create(t, "mona@example.com", "Mona", "Benson")
	set := []func(string) users.UpdateParams{
		func(v string) users.UpdateParams { return users.UpdateParams{City: &v} },
		func(v string) users.UpdateParams { return users.UpdateParams{Country: &v} },
		func(v string) users.UpdateParams { return users.UpdateParams{Department: &v} },
		func(v string) users.UpdateParams { return users.UpdateParams{Locale: &v} },
		func(v string) users.UpdateParams { return users.UpdateParams{Timezone: &v} },
		func(v string) users.UpdateParams { return users.UpdateParams{PhoneLand: &v} },
	}
	var wg sync.WaitGroup
	for i, f := range set {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.us.Update(e.sys, u.ID, f(string(rune('a'+i))))
			is.NoErr(err) // concurrent update
		}()
	}
	wg.Wait()
	rec := e.record(t, u.ID)
	is.Equal([]string{rec.City, rec.Country, rec.Department, rec.Locale, rec.Timezone, rec.PhoneLand},
		[]string{"a", "b", "c", "d", "e", "f"}) // every update kept
	is.Equal(rec.Version, int64(1+len(set))) // one version per update
}

func TestDelete(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	u := e.create(t, "mona@example.com", "Mona", "Benson")
	is.NoErr(e.us.Delete(e.sys, u.ID)) // delete
	_, err := e.us.Get(e.sys, u.ID)
	is.True(errors.Is(err, userkit.ErrNotFound))                      // gone
	is.True(errors.Is(e.us.Delete(e.sys, u.ID), userkit.ErrNotFound)) // second delete
	again := e.create(t, "MONA@example.com", "Mona", "Benson")
	is.Equal(again.LoginName, "mona.benson") // email and login name free again
}

func TestList(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	var all []uuid.UUID
	for _, n := range []string{"Anna", "Bert", "Carla", "Dora", "Emil"} {
		all = append(all, e.create(t, strings.ToLower(n)+"@example.com", n, "Smith").ID)
	}
	_, err := e.us.Update(e.sys, all[1], users.UpdateParams{Status: ptr(users.StatusSuspended)})
	is.NoErr(err) // suspend Bert

	var seen []uuid.UUID
	req := users.ListParams{PageRequest: userkit.PageRequest{Limit: 2}}
	for range 5 {
		p, err := e.us.List(e.sys, req)
		is.NoErr(err) // page
		for _, u := range p.Items {
			seen = append(seen, u.ID)
		}
		if p.Next == "" {
			break
		}
		req.After = p.Next
	}
	is.Equal(seen, all) // keyset pages neither skip nor repeat

	p, err := e.us.List(e.sys, users.ListParams{Search: "CARL"})
	is.NoErr(err)                           // search
	is.Equal(len(p.Items), 1)               // one match
	is.Equal(p.Items[0].FirstName, "Carla") // case-insensitive name match

	p, err = e.us.List(e.sys, users.ListParams{Status: users.StatusSuspended, PageRequest: userkit.PageRequest{Page: 1, Total: true}})
	is.NoErr(err)                   // status filter
	is.Equal(p.Total, 1)            // total counted
	is.Equal(p.Items[0].ID, all[1]) // the suspended one

	p, err = e.us.List(e.sys, users.ListParams{Search: "nobody"})
	is.NoErr(err)           // empty result
	is.True(p.Items != nil) // empty slice, not nil
	_, err = e.us.List(e.sys, users.ListParams{Status: "gone"})
	is.True(errors.Is(err, userkit.ErrInvalid)) // unknown status filter
}

func TestAudit(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	u := e.create(t, "mona@example.com", "Mona", "Benson")
	_, err := e.us.Update(e.sys, u.ID, users.UpdateParams{City: ptr("Oslo")})
	is.NoErr(err)                      // update
	is.NoErr(e.us.Delete(e.sys, u.ID)) // delete
	events, err := e.store.ListEvents(context.Background(), storage.EventFilter{TargetID: u.ID.String()}, userkit.PageRequest{})
	is.NoErr(err) // events listed
	var actions []string
	for _, ev := range events.Items {
		actions = append(actions, ev.Action)
		is.Equal(ev.PrincipalKind, "system") // principal recorded
		is.Equal(ev.TargetKind, "user")      // target recorded
	}
	is.Equal(actions, []string{"users.delete", "users.update", "users.create"}) // newest first
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	inA := e.create(t, "a@example.com", "In", "A")
	inB := e.create(t, "b@example.com", "In", "B")
	partnerA := e.partnerWith(t, inA.ID)
	partnerB := e.partnerWith(t, inB.ID)
	missing := uuid.Must(uuid.NewV7())

	none := context.Background()
	nobody := e.serviceAccount(t)
	reader := e.serviceAccount(t, grant(permissions.UsersRead, permissions.All))
	aAdmin := e.serviceAccount(t, grant("users.*", permissions.PartnerScope(partnerA)))

	t.Run("no principal", func(t *testing.T) {
		is := is.New(t)
		_, err := e.us.Create(none, users.CreateParams{Email: "x@example.com", FirstName: "X", LastName: "Y"})
		is.True(errors.Is(err, userkit.ErrUnauthenticated)) // create
		_, err = e.us.Get(none, inA.ID)
		is.True(errors.Is(err, userkit.ErrUnauthenticated)) // get
		_, err = e.us.GetByEmail(none, "nobody@example.com")
		is.True(errors.Is(err, userkit.ErrUnauthenticated)) // lookup of a missing email
		_, err = e.us.List(none, users.ListParams{})
		is.True(errors.Is(err, userkit.ErrUnauthenticated)) // list
	})
	t.Run("no grant", func(t *testing.T) {
		is := is.New(t)
		_, err := e.us.Create(nobody, users.CreateParams{Email: "x@example.com", FirstName: "X", LastName: "Y"})
		is.True(errors.Is(err, userkit.ErrForbidden)) // create
		_, err = e.us.Get(nobody, inA.ID)
		is.True(errors.Is(err, userkit.ErrForbidden)) // get
		_, err = e.us.Get(nobody, missing)
		is.True(errors.Is(err, userkit.ErrForbidden)) // missing user not revealed
		_, err = e.us.GetByNum(nobody, 9999)
		is.True(errors.Is(err, userkit.ErrForbidden)) // missing num not revealed
		_, err = e.us.Update(nobody, inA.ID, users.UpdateParams{City: ptr("x")})
		is.True(errors.Is(err, userkit.ErrForbidden))                                            // update
		is.True(errors.Is(e.us.Delete(nobody, inA.ID), userkit.ErrForbidden))                    // delete
		is.True(errors.Is(e.us.SetPassword(nobody, inA.ID, goodPassword), userkit.ErrForbidden)) // set password
		_, err = e.us.RotateToken(nobody, inA.ID)
		is.True(errors.Is(err, userkit.ErrForbidden)) // rotate token
		_, err = e.us.List(nobody, users.ListParams{})
		is.True(errors.Is(err, userkit.ErrForbidden))      // list
		is.Equal(e.record(t, inA.ID).Version, inA.Version) // nothing written
	})
	t.Run("global reader", func(t *testing.T) {
		is := is.New(t)
		_, err := e.us.Get(reader, inB.ID)
		is.NoErr(err) // read any user
		_, err = e.us.Get(reader, missing)
		is.True(errors.Is(err, userkit.ErrNotFound)) // may learn it is missing
		_, err = e.us.Update(reader, inB.ID, users.UpdateParams{City: ptr("x")})
		is.True(errors.Is(err, userkit.ErrForbidden)) // read is not update
	})
	t.Run("partner admin", func(t *testing.T) {
		is := is.New(t)
		_, err := e.us.Get(aAdmin, inA.ID)
		is.NoErr(err) // own partner's user
		_, err = e.us.Get(aAdmin, inB.ID)
		is.True(errors.Is(err, userkit.ErrForbidden)) // other partner's user
		_, err = e.us.GetByEmail(aAdmin, "b@example.com")
		is.True(errors.Is(err, userkit.ErrForbidden)) // other partner's user by email
		_, err = e.us.Update(aAdmin, inA.ID, users.UpdateParams{Status: ptr(users.StatusSuspended)})
		is.NoErr(err)                                                 // update own partner's user
		is.NoErr(e.us.SetPassword(aAdmin, inA.ID, "Otherpassword34")) // set a member's password
		p, err := e.us.List(aAdmin, users.ListParams{PartnerID: partnerA})
		is.NoErr(err)             // list own partner
		is.Equal(len(p.Items), 1) // only partner A's user
		is.Equal(p.Items[0].ID, inA.ID)
		_, err = e.us.List(aAdmin, users.ListParams{PartnerID: partnerB})
		is.True(errors.Is(err, userkit.ErrForbidden)) // other partner's list
		_, err = e.us.List(aAdmin, users.ListParams{})
		is.True(errors.Is(err, userkit.ErrForbidden)) // list of everyone
		_, err = e.us.Create(aAdmin, users.CreateParams{Email: "x@example.com", FirstName: "X", LastName: "Y"})
		is.True(errors.Is(err, userkit.ErrForbidden)) // global create needs a global grant
	})
}

func TestSelfService(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	u := e.create(t, "mona@example.com", "Mona", "Benson")
	other := e.create(t, "other@example.com", "Other", "One")
	self := permissions.WithPrincipal(context.Background(), permissions.UserPrincipal(u.ID))

	_, err := e.us.Get(self, u.ID)
	is.NoErr(err) // read own record
	_, err = e.us.Get(self, other.ID)
	is.True(errors.Is(err, userkit.ErrForbidden)) // not someone else's
	_, err = e.us.Update(self, u.ID, users.UpdateParams{City: ptr("Lyon")})
	is.NoErr(err) // update own profile
	_, err = e.us.Update(self, u.ID, users.UpdateParams{Role: ptr("admin")})
	is.True(errors.Is(err, userkit.ErrForbidden)) // not own role
	_, err = e.us.Update(self, u.ID, users.UpdateParams{Status: ptr(users.StatusActive)})
	is.True(errors.Is(err, userkit.ErrForbidden))                                             // not own status
	is.True(errors.Is(e.us.SetPassword(self, u.ID, "Otherpassword34"), userkit.ErrForbidden)) // must prove the current password

	err = e.us.ChangePassword(self, u.ID, "wrong-password", "Otherpassword34", "Otherpassword34")
	is.Equal(userkit.FieldsOf(err)["CurrentPassword"].String(), "is incorrect") // wrong current password
	is.Equal(e.record(t, u.ID).FailedLogins, 1)                                 // counted as a failure
	err = e.us.ChangePassword(self, u.ID, goodPassword, "Otherpassword34", "Otherpassword35")
	is.Equal(userkit.FieldsOf(err)["ConfirmPassword"].String(), "does not match the new password") // confirmation differs
	err = e.us.ChangePassword(self, u.ID, goodPassword, "weak", "weak")
	is.Equal(userkit.FieldsOf(err)["Password"].String(), "must be at least 10 characters")        // policy applies
	is.NoErr(e.us.ChangePassword(self, u.ID, goodPassword, "Otherpassword34", "Otherpassword34")) // change

	_, err = e.us.Authenticate(context.Background(), "mona@example.com", goodPassword)
	is.True(errors.Is(err, userkit.ErrUnauthenticated)) // old password gone
	_, err = e.us.Authenticate(context.Background(), "mona@example.com", "Otherpassword34")
	is.NoErr(err) // new password works

	rotated, err := e.us.RotateToken(self, u.ID)
	is.NoErr(err)                                  // rotate own token
	is.Equal(rotated.TokenVersion, int64(1))       // version bumped
	is.Equal(*rotated.APITokenCreatedAt, fixedNow) // creation time recorded
}

func TestSetPasswordClearsNothingElse(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	u, err := e.us.Create(e.sys, users.CreateParams{Email: "a@example.com", FirstName: "A", LastName: "B", MustResetPassword: true})
	is.NoErr(err)                                                                 // create without password
	is.True(!u.HasPassword)                                                       // no password yet
	is.True(errors.Is(e.us.SetPassword(e.sys, u.ID, "weak"), userkit.ErrInvalid)) // policy applies
	is.NoErr(e.us.SetPassword(e.sys, u.ID, goodPassword))                         // admin sets it
	got, err := e.us.Get(e.sys, u.ID)
	is.NoErr(err)                  // read back
	is.True(got.HasPassword)       // now set
	is.True(got.MustResetPassword) // admin-set passwords still must be reset
	_, err = e.us.Authenticate(context.Background(), "a@example.com", goodPassword)
	is.NoErr(err) // login with it
}

func TestUpdateWithoutChangeWritesNothing(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	u := e.create(t, "same@example.com", "Sam", "Same")
	events := func() int {
		page, err := e.store.ListEvents(context.Background(), storage.EventFilter{}, userkit.PageRequest{Total: true})
		is.NoErr(err) // events listed
		return page.Total
	}
	before := events()

	name := "Sam"
	got, err := e.us.Update(e.sys, u.ID, users.UpdateParams{FirstName: &name})
	is.NoErr(err)
	is.Equal(got.Version, u.Version)               // an update that changes nothing keeps the version
	is.Equal(e.record(t, u.ID).Version, u.Version) // and writes nothing
	is.Equal(events(), before)                     // and records no audit event
}

func TestCreateRefusesControlCharacters(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	_, err := e.us.Create(e.sys, users.CreateParams{Email: "nul@example.com", FirstName: "Mo\x00na", LastName: "Benson"})
	is.Equal(userkit.KindOf(err), userkit.Invalid)         // a NUL is refused on every store alike
	is.True(userkit.FieldsOf(err)["FirstName"].Rule != "") // and named
	_, err = e.us.GetByEmail(e.sys, "nul@example.com")
	is.True(errors.Is(err, userkit.ErrNotFound)) // nothing was stored
}
