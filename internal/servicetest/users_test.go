package servicetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
	"golang.org/x/crypto/bcrypt"
)

// testUsersLoginNames: generated login names are unique, also when
// creates race for the same name (the store's unique index decides, and
// the service runs its transaction again).
func testUsersLoginNames(t *testing.T, e env) {
	is := is.New(t)
	first := e.createUser(t, users.CreateParams{Email: "mona.benson@example.com", FirstName: "Mona", LastName: "Benson"})
	is.Equal(first.LoginName, "mona.benson") // first Mona Benson gets the plain name
	second := e.createUser(t, users.CreateParams{Email: "mona.b@example.org", FirstName: "Mona", LastName: "Benson"})
	is.Equal(second.LoginName, "mona.benson2") // second Mona Benson gets a suffix
	third := e.createUser(t, users.CreateParams{Email: "mb@example.net", FirstName: "Möna", LastName: "Bénson"})
	is.Equal(third.LoginName, "mona.benson3") // folded letters clash too

	is.True(first.Num > 0 && second.Num > first.Num) // store-assigned numbers grow
	got, err := e.users.Get(e.sys, second.ID)
	is.NoErr(err)         // get by ID
	is.Equal(got, second) // read back equals what Create returned (times included)
	got, err = e.users.GetByNum(e.sys, second.Num)
	is.NoErr(err)               // get by number
	is.Equal(got.ID, second.ID) // number finds the user
	got, err = e.users.GetByEmail(e.sys, " MONA.B@Example.ORG ")
	is.NoErr(err)               // get by email in another case
	is.Equal(got.ID, second.ID) // email compared case-insensitively

	// Concurrent creates of one name: every one succeeds with its own name.
	const n = 5
	names := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			u, err := e.users.Create(e.sys, users.CreateParams{Email: fmt.Sprintf("sam%d@example.com", i), FirstName: "Sam", LastName: "Lee"})
			names[i], errs[i] = u.LoginName, err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("concurrent create %d: %v", i, err)
		}
	}
	slices.Sort(names)
	is.Equal(names, []string{"sam.lee", "sam.lee2", "sam.lee3", "sam.lee4", "sam.lee5"}) // concurrent creates got distinct names
}

// testUsersDuplicateEmail: a taken email in another case is Conflict and
// leaves no trace; the store keeps working after the failed transaction
// (PostgreSQL aborts it) and a number it used up leaves a gap that
// nothing depends on.
func testUsersDuplicateEmail(t *testing.T, e env) {
	is := is.New(t)
	mona := e.createUser(t, users.CreateParams{Email: "Mona.Benson@example.com", FirstName: "Mona", LastName: "Benson"})
	events := len(e.events(t, storage.EventFilter{}))

	_, err := e.users.Create(e.sys, users.CreateParams{Email: "  mona.BENSON@Example.COM ", FirstName: "Other", LastName: "Person"})
	is.Equal(kind(err), "conflict")                           // duplicate email is Conflict
	is.True(userkit.FieldsOf(err)["Email"].Rule != "")        // on the Email field
	is.Equal(len(e.events(t, storage.EventFilter{})), events) // no audit event for the failed create
	page, err := e.users.List(e.sys, users.ListParams{PageRequest: userkit.PageRequest{Total: true}})
	is.NoErr(err)           // list users
	is.Equal(page.Total, 1) // still one user
	is.Equal(page.Items[0].ID, mona.ID)

	next := e.createUser(t, users.CreateParams{Email: "other@example.com", FirstName: "Other", LastName: "Person"})
	is.True(next.Num > mona.Num) // numbers grow, gaps allowed
	got, err := e.users.GetByNum(e.sys, next.Num)
	is.NoErr(err)             // the new number resolves
	is.Equal(got.ID, next.ID) // to the new user

	// Changing an email to a taken one is Conflict too and changes nothing.
	_, err = e.users.Update(e.sys, next.ID, users.UpdateParams{Email: ptr("MONA.benson@example.com"), City: ptr("Oslo")})
	is.Equal(kind(err), "conflict") // update to a taken email is Conflict
	got, err = e.users.Get(e.sys, next.ID)
	is.NoErr(err)       // user readable
	is.Equal(got, next) // unchanged by the failed update
}

// testUsersStaleVersion: an update with a stale Version is
// PreconditionFailed and changes nothing.
func testUsersStaleVersion(t *testing.T, e env) {
	is := is.New(t)
	u := e.createUser(t, users.CreateParams{Email: "mona@example.com", FirstName: "Mona", LastName: "Benson"})
	v1 := u.Version
	updated, err := e.users.Update(e.sys, u.ID, users.UpdateParams{City: ptr("Berlin"), Version: &v1})
	is.NoErr(err)                    // update with the current version
	is.Equal(updated.Version, v1+1)  // version bumped
	is.Equal(updated.City, "Berlin") // change applied

	_, err = e.users.Update(e.sys, u.ID, users.UpdateParams{City: ptr("Paris"), LastName: ptr("Other"), Version: &v1})
	is.Equal(kind(err), "precondition failed") // stale version refused
	got, err := e.users.Get(e.sys, u.ID)
	is.NoErr(err)                                                                   // user readable
	is.Equal(got, updated)                                                          // nothing changed by the stale update
	is.Equal(e.actions(t, u.ID.String()), []string{"users.create", "users.update"}) // no event for the refused update
}

// testUsersConcurrentUpdates: updates without Version, each to its own
// field, all land: none is lost to a concurrent writer.
func testUsersConcurrentUpdates(t *testing.T, e env) {
	is := is.New(t)
	u := e.createUser(t, users.CreateParams{Email: "mona@example.com", FirstName: "Mona", LastName: "Benson"})
	type field struct {
		set func(p *users.UpdateParams, v string)
		get func(u users.User) string
	}
	fields := []field{
		{func(p *users.UpdateParams, v string) { p.FirstName = &v }, func(u users.User) string { return u.FirstName }},
		{func(p *users.UpdateParams, v string) { p.LastName = &v }, func(u users.User) string { return u.LastName }},
		{func(p *users.UpdateParams, v string) { p.Role = &v }, func(u users.User) string { return u.Role }},
		{func(p *users.UpdateParams, v string) { p.Locale = &v }, func(u users.User) string { return u.Locale }},
		{func(p *users.UpdateParams, v string) { p.Timezone = &v }, func(u users.User) string { return u.Timezone }},
		{func(p *users.UpdateParams, v string) { p.City = &v }, func(u users.User) string { return u.City }},
		{func(p *users.UpdateParams, v string) { p.Country = &v }, func(u users.User) string { return u.Country }},
		{func(p *users.UpdateParams, v string) { p.Department = &v }, func(u users.User) string { return u.Department }},
		{func(p *users.UpdateParams, v string) { p.PhoneLand = &v }, func(u users.User) string { return u.PhoneLand }},
		{func(p *users.UpdateParams, v string) { p.PhoneMobile = &v }, func(u users.User) string { return u.PhoneMobile }},
	}
	errs := make([]error, len(fields))
	var wg sync.WaitGroup
	for i, f := range fields {
		wg.Go(func() {
			var p users.UpdateParams
			f.set(&p, fmt.Sprintf("value-%d", i))
			_, errs[i] = e.users.Update(e.sys, u.ID, p)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("concurrent update %d: %v", i, err)
		}
	}
	got, err := e.users.Get(e.sys, u.ID)
	is.NoErr(err) // user readable
	for i, f := range fields {
		if v := f.get(got); v != fmt.Sprintf("value-%d", i) {
			t.Errorf("field %d = %q: update lost", i, v)
		}
	}
	is.Equal(got.Version, u.Version+int64(len(fields))) // one version per update
	updates := count(e.actions(t, u.ID.String()), func(a string) bool { return a == "users.update" })
	is.Equal(updates, len(fields)) // one audit event per update, none for retried attempts
}

// testUsersLockout: failed logins are counted in the store, so the lock
// holds for every Service over it (and concurrent failures all count);
// an administrator's unlock restores access.
func testUsersLockout(t *testing.T, e env) {
	is := is.New(t)
	const email = "mona@example.com"
	u := e.createUser(t, users.CreateParams{Email: email, FirstName: "Mona", LastName: "Benson", Password: goodPassword})
	ctx := context.Background()

	// Failures below the limit are forgotten after a success.
	for range maxFailed - 1 {
		_, err := e.users.Authenticate(ctx, email, "Wrongpassword99")
		is.Equal(kind(err), "unauthenticated") // wrong password
	}
	is.Equal(e.record(t, u.ID).FailedLogins, maxFailed-1) // failures counted in the store
	_, err := e.users.Authenticate(ctx, email, goodPassword)
	is.NoErr(err)                               // right password before the limit
	is.Equal(e.record(t, u.ID).FailedLogins, 0) // success resets the count

	// maxFailed concurrent failures: each counts, the last one locks.
	var wg sync.WaitGroup
	errs := make([]error, maxFailed)
	for i := range maxFailed {
		wg.Go(func() { _, errs[i] = e.users.Authenticate(ctx, "MONA@example.com", "Wrongpassword99") })
	}
	wg.Wait()
	for _, err := range errs {
		is.Equal(kind(err), "unauthenticated") // wrong password
	}
	rec := e.record(t, u.ID)
	is.Equal(rec.Status, string(users.StatusLocked)) // locked in the store
	is.Equal(rec.FailedLogins, maxFailed)            // no failure lost

	other := users.New(e.store, e.authz, usersOptions()) // another app instance
	_, err = other.Authenticate(ctx, email, goodPassword)
	is.Equal(kind(err), "unauthenticated") // the lock holds for another Service
	_, err = e.users.Authenticate(ctx, email, goodPassword)
	is.Equal(kind(err), "unauthenticated")                              // and for this one
	is.True(slices.Contains(e.actions(t, u.ID.String()), "users.lock")) // the lock is audited

	unlocked, err := e.users.Update(e.sys, u.ID, users.UpdateParams{Status: ptr(users.StatusActive)})
	is.NoErr(err)                                 // admin unlock
	is.Equal(unlocked.Status, users.StatusActive) // active again
	is.Equal(e.record(t, u.ID).FailedLogins, 0)   // with a fresh count
	got, err := other.Authenticate(ctx, email, goodPassword)
	is.NoErr(err)                   // right password works after the unlock
	is.Equal(got.ID, u.ID)          // for the right user
	is.True(got.LastLoginAt != nil) // login recorded
}

// testUsersBcryptImport: an imported bcrypt hash authenticates and is
// replaced by argon2id in the stored record.
func testUsersBcryptImport(t *testing.T, e env) {
	is := is.New(t)
	const password = "Imported-pass1"
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	is.NoErr(err) // bcrypt hash
	u := e.createUser(t, users.CreateParams{Email: "old@example.com", FirstName: "Old", LastName: "Timer", PasswordHash: string(hash)})
	is.True(u.HasPassword)                                 // imported hash counts as a password
	is.Equal(e.record(t, u.ID).PasswordHash, string(hash)) // stored as given
	ctx := context.Background()

	_, err = e.users.Authenticate(ctx, "old@example.com", "Imported-pass2")
	is.Equal(kind(err), "unauthenticated")                 // wrong password
	is.Equal(e.record(t, u.ID).PasswordHash, string(hash)) // a failure does not rehash

	got, err := e.users.Authenticate(ctx, "old@example.com", password)
	is.NoErr(err)          // bcrypt hash verifies
	is.Equal(got.ID, u.ID) // for the imported user
	rec := e.record(t, u.ID)
	is.True(strings.HasPrefix(rec.PasswordHash, "$argon2id$v=19$m=64,t=1,p=1$")) // rehashed to argon2id with the configured parameters
	is.Equal(rec.FailedLogins, 0)                                                // success reset the count

	_, err = e.users.Authenticate(ctx, "old@example.com", password)
	is.NoErr(err)                                              // the new hash verifies
	is.Equal(e.record(t, u.ID).PasswordHash, rec.PasswordHash) // and is not rehashed again
}
