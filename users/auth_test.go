package users_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
	"golang.org/x/crypto/bcrypt"
)

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	u := e.create(t, "Mona@Example.com", "Mona", "Benson")
	bg := context.Background() // no principal needed

	got, err := e.us.Authenticate(bg, " mona@EXAMPLE.com", goodPassword)
	is.NoErr(err)                                      // right password, email in another case
	is.Equal(got.ID, u.ID)                             // that user
	is.Equal(*got.LastLoginAt, fixedNow)               // last login returned
	is.Equal(*e.record(t, u.ID).LastLoginAt, fixedNow) // and stored

	for _, c := range []struct{ name, email, pw string }{
		{"wrong password", "mona@example.com", "Samplepassword13"},
		{"unknown email", "nobody@example.com", goodPassword},
		{"empty password", "mona@example.com", ""},
		{"password in other case", "mona@example.com", strings.ToLower(goodPassword)},
		{"over-long input", "mona@example.com", strings.Repeat("A1", 1000)},
	} {
		_, err := e.us.Authenticate(bg, c.email, c.pw)
		is.True(errors.Is(err, userkit.ErrUnauthenticated))           // refused: c.name
		is.Equal(userkit.MessageOf(err), "invalid email or password") // same answer for every cause
	}

	nopw, err := e.us.Create(e.sys, users.CreateParams{Email: "nopw@example.com", FirstName: "No", LastName: "Password"})
	is.NoErr(err) // user without password
	_, err = e.us.Authenticate(bg, "nopw@example.com", "")
	is.True(errors.Is(err, userkit.ErrUnauthenticated)) // cannot log in with nothing
	_, err = e.us.Authenticate(bg, "nopw@example.com", goodPassword)
	is.True(errors.Is(err, userkit.ErrUnauthenticated))           // nor with anything
	is.Equal(e.record(t, nopw.ID).LastLoginAt, (*time.Time)(nil)) // no login recorded
}

func TestLockoutPersistsAcrossInstances(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil) // MaxFailedLogins: 3
	// A second app instance over the same store.
	other := users.New(e.store, e.authz, &users.Options{Argon2: cheap, MaxFailedLogins: 3})
	u := e.create(t, "mona@example.com", "Mona", "Benson")
	bg := context.Background()

	_, err := e.us.Authenticate(bg, "mona@example.com", "Wrongpassword1")
	is.True(errors.Is(err, userkit.ErrUnauthenticated)) // failure 1 on instance 1
	_, err = other.Authenticate(bg, "mona@example.com", "Wrongpassword1")
	is.True(errors.Is(err, userkit.ErrUnauthenticated)) // failure 2 on instance 2
	rec := e.record(t, u.ID)
	is.Equal(rec.FailedLogins, 2)                    // both counted in the store
	is.Equal(rec.Status, string(users.StatusActive)) // not locked yet

	_, err = e.us.Authenticate(bg, "mona@example.com", "Wrongpassword1")
	is.True(errors.Is(err, userkit.ErrUnauthenticated))            // failure 3
	is.Equal(e.record(t, u.ID).Status, string(users.StatusLocked)) // locked at the limit

	_, err = other.Authenticate(bg, "mona@example.com", goodPassword)
	is.True(errors.Is(err, userkit.ErrUnauthenticated))           // the other instance refuses the right password
	is.Equal(userkit.MessageOf(err), "invalid email or password") // without saying why
	got, err := e.us.Get(e.sys, u.ID)
	is.NoErr(err)                                // read
	is.Equal(got.Status, users.StatusLocked)     // domain user shows the lock
	is.Equal(got.LastLoginAt, (*time.Time)(nil)) // no login recorded

	events, err := e.store.ListEvents(bg, storage.EventFilter{TargetID: u.ID.String()}, userkit.PageRequest{})
	is.NoErr(err)                                  // events
	is.Equal(events.Items[0].Action, "users.lock") // the lock is audited

	_, err = e.us.Update(e.sys, u.ID, users.UpdateParams{Status: ptr(users.StatusActive)})
	is.NoErr(err)                               // an administrator unlocks
	is.Equal(e.record(t, u.ID).FailedLogins, 0) // with a fresh count
	_, err = other.Authenticate(bg, "mona@example.com", goodPassword)
	is.NoErr(err) // login works again
}

func TestSuccessResetsFailures(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	u := e.create(t, "mona@example.com", "Mona", "Benson")
	bg := context.Background()
	for range 2 {
		_, err := e.us.Authenticate(bg, "mona@example.com", "Wrongpassword1")
		is.True(errors.Is(err, userkit.ErrUnauthenticated)) // failure
	}
	_, err := e.us.Authenticate(bg, "mona@example.com", goodPassword)
	is.NoErr(err)                               // success
	is.Equal(e.record(t, u.ID).FailedLogins, 0) // count reset
	for range 2 {
		_, err := e.us.Authenticate(bg, "mona@example.com", "Wrongpassword1")
		is.True(errors.Is(err, userkit.ErrUnauthenticated)) // failure
	}
	is.Equal(e.record(t, u.ID).Status, string(users.StatusActive)) // consecutive count only
}

func TestSuspendedCannotAuthenticate(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	u := e.create(t, "mona@example.com", "Mona", "Benson")
	_, err := e.us.Update(e.sys, u.ID, users.UpdateParams{Status: ptr(users.StatusSuspended)})
	is.NoErr(err) // suspend
	_, err = e.us.Authenticate(context.Background(), "mona@example.com", goodPassword)
	is.True(errors.Is(err, userkit.ErrUnauthenticated)) // refused
	is.Equal(e.record(t, u.ID).FailedLogins, 0)         // not counted against the account
}

func TestBcryptImportIsRehashed(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{"$2a$", "$2b$", "$2y$"} {
		t.Run(prefix, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			e := newEnv(t, nil)
			h, err := bcrypt.GenerateFromPassword([]byte("legacy-Password1"), bcrypt.MinCost)
			is.NoErr(err) // bcrypt hash made
			imported := prefix + string(h[4:])
			u, err := e.us.Create(e.sys, users.CreateParams{Email: "old@example.com", FirstName: "Old", LastName: "Timer", PasswordHash: imported})
			is.NoErr(err)                                      // import
			is.True(u.HasPassword)                             // has a password
			is.Equal(e.record(t, u.ID).PasswordHash, imported) // stored as given

			_, err = e.us.Authenticate(context.Background(), "old@example.com", "legacy-Password2")
			is.True(errors.Is(err, userkit.ErrUnauthenticated)) // wrong password refused
			is.Equal(e.record(t, u.ID).PasswordHash, imported)  // and no rehash

			_, err = e.us.Authenticate(context.Background(), "old@example.com", "legacy-Password1")
			is.NoErr(err) // bcrypt verifies
			stored := e.record(t, u.ID).PasswordHash
			is.True(strings.HasPrefix(stored, "$argon2id$v=19$m=64,t=1,p=1$")) // rehashed to argon2id
			_, err = e.us.Authenticate(context.Background(), "old@example.com", "legacy-Password1")
			is.NoErr(err)                                    // new hash verifies
			is.Equal(e.record(t, u.ID).PasswordHash, stored) // and is kept
		})
	}
}

func TestWeakerArgon2IsRehashed(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil) // m=64, t=1
	u := e.create(t, "mona@example.com", "Mona", "Benson")
	stronger := users.New(e.store, e.authz, &users.Options{Argon2: users.Argon2Params{Memory: 128, Time: 2, Threads: 1}})
	_, err := stronger.Authenticate(context.Background(), "mona@example.com", goodPassword)
	is.NoErr(err)                                                                               // old parameters still verify
	is.True(strings.HasPrefix(e.record(t, u.ID).PasswordHash, "$argon2id$v=19$m=128,t=2,p=1$")) // upgraded

	_, err = e.us.Authenticate(context.Background(), "mona@example.com", goodPassword)
	is.NoErr(err)                                                                               // the weaker-configured instance verifies the stronger hash
	is.True(strings.HasPrefix(e.record(t, u.ID).PasswordHash, "$argon2id$v=19$m=128,t=2,p=1$")) // and never downgrades it
}

func TestImportedArgon2(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	// Hash made by another instance, then imported.
	src := newEnv(t, nil)
	src.create(t, "x@example.com", "X", "Y")
	u, _ := src.store.GetUserByEmail(context.Background(), "x@example.com")
	_, err := e.us.Create(e.sys, users.CreateParams{Email: "x@example.com", FirstName: "X", LastName: "Y", PasswordHash: u.PasswordHash})
	is.NoErr(err) // PHC string accepted
	_, err = e.us.Authenticate(context.Background(), "x@example.com", goodPassword)
	is.NoErr(err) // and verifies

	_, err = e.us.Create(e.sys, users.CreateParams{Email: "z@example.com", FirstName: "Z", LastName: "Z", PasswordHash: "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"})
	is.Equal(userkit.FieldsOf(err)["PasswordHash"].String(), "must be a bcrypt hash or an argon2id PHC string") // absurd cost refused
	_, err = e.us.Create(e.sys, users.CreateParams{Email: "z@example.com", FirstName: "Z", LastName: "Z", Password: goodPassword, PasswordHash: u.PasswordHash})
	is.Equal(userkit.FieldsOf(err)["PasswordHash"].String(), "cannot be combined with Password") // one or the other
}

func BenchmarkAuthenticate(b *testing.B) {
	e := newEnv(b, &users.Options{Argon2: users.DefaultArgon2})
	ctx := context.Background()
	if _, err := e.us.Create(e.sys, users.CreateParams{Email: "mona@example.com", FirstName: "Mona", LastName: "Benson", Password: goodPassword}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.us.Authenticate(ctx, "mona@example.com", goodPassword); err != nil {
			b.Fatal(err)
		}
	}
}
