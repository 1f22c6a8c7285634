package users_test

import (
	"context"
	"errors"
	"github.com/google/uuid"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

func TestPasswordPolicyEdges(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		policy users.PasswordPolicy
		pw     string
		want   string // "" = valid
	}{
		{"no maximum", users.PasswordPolicy{MinLength: 4}, strings.Repeat("a", 300), ""},
		{"maximum counts runes", users.DefaultPolicy, "A1" + strings.Repeat("é", 126), ""},
		{"a space is no symbol", users.PasswordPolicy{MinLength: 4, RequireSymbol: true}, "ab cd", "must contain at least one symbol"},
		{"punctuation is a symbol", users.PasswordPolicy{MinLength: 4, RequireSymbol: true}, "ab.cd", ""},
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
			is.Equal(userkit.FieldsOf(err)["Password"].String(), c.want) // names the rule
		})
	}
}

func TestBlocklistOnlyPolicyIsKept(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, &users.Options{Policy: users.PasswordPolicy{Blocklist: []string{goodPassword}}})
	is.Equal(len(e.us.Policy().Blocklist), 1) // a policy with only a blocklist is not the zero policy
	_, err := e.us.Create(e.sys, users.CreateParams{Email: "a@example.com", FirstName: "A", LastName: "B", Password: goodPassword})
	is.Equal(userkit.FieldsOf(err)["Password"].String(), "is too common") // the blocklist applies
}

func TestNegativeMaxFailedLoginsNeverLocks(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, &users.Options{MaxFailedLogins: -1})
	u := e.create(t, "mona@example.com", "Mona", "Benson")
	for range 6 {
		_, err := e.us.Authenticate(context.Background(), "mona@example.com", "Wrongpassword1")
		is.True(errors.Is(err, userkit.ErrUnauthenticated)) // failure
	}
	is.Equal(e.record(t, u.ID).Status, string(users.StatusActive)) // never locked
	_, err := e.us.Authenticate(context.Background(), "mona@example.com", goodPassword)
	is.NoErr(err) // the right password still works
}

func TestPasswordChangesResetState(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil) // MaxFailedLogins: 3
	u, err := e.us.Create(e.sys, users.CreateParams{Email: "a@example.com", FirstName: "A", LastName: "B", Password: goodPassword, MustResetPassword: true})
	is.NoErr(err)
	self := permissions.WithPrincipal(context.Background(), permissions.UserPrincipal(u.ID))
	is.NoErr(e.us.ChangePassword(self, u.ID, goodPassword, "Otherpassword34", "Otherpassword34"))
	is.True(!e.record(t, u.ID).MustResetPassword) // choosing one's own password clears the reset flag

	for range 2 {
		_, err := e.us.Authenticate(context.Background(), "a@example.com", "Wrongpassword1")
		is.True(errors.Is(err, userkit.ErrUnauthenticated)) // failure
	}
	is.NoErr(e.us.SetPassword(e.sys, u.ID, goodPassword))
	is.Equal(e.record(t, u.ID).FailedLogins, 0) // a new password starts a fresh count
}

func TestSelfServiceLimits(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	u := e.create(t, "mona@example.com", "Mona", "Benson")
	self := permissions.WithPrincipal(context.Background(), permissions.UserPrincipal(u.ID))
	_, err := e.us.Update(self, u.ID, users.UpdateParams{Provider: ptr("sso")})
	is.True(errors.Is(err, userkit.ErrForbidden)) // not own provider
	_, err = e.us.Update(self, u.ID, users.UpdateParams{MustResetPassword: ptr(false)})
	is.True(errors.Is(err, userkit.ErrForbidden))                     // not own must-reset flag
	is.True(errors.Is(e.us.Delete(self, u.ID), userkit.ErrForbidden)) // nor delete oneself
	reader := e.serviceAccount(t, grant(permissions.UsersRead, permissions.All))
	is.True(errors.Is(e.us.Delete(reader, u.ID), userkit.ErrForbidden)) // reading is not deleting
	is.Equal(e.record(t, u.ID).Version, u.Version)                      // nothing written
}

func TestUpdateAndListInputs(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	u := e.create(t, "mona@example.com", "Mona", "Benson")
	got, err := e.us.Update(e.sys, u.ID, users.UpdateParams{Email: ptr("  Mona.B@example.com ")})
	is.NoErr(err)
	is.Equal(got.Email, "Mona.B@example.com") // an updated email is trimmed like a created one

	_, err = e.us.List(e.sys, users.ListParams{Status: "bogus"})
	is.Equal(userkit.FieldsOf(err)["Status"].String(), "must be one of: active, suspended, locked") // unknown status filter
	_, err = e.us.List(e.sys, users.ListParams{Search: strings.Repeat("é", 200)})
	is.NoErr(err) // the search limit counts characters
	_, err = e.us.List(e.sys, users.ListParams{Search: strings.Repeat("é", 201)})
	is.True(userkit.FieldsOf(err)["Search"].Rule != "") // and holds at 200
}

func TestLongLoginNamesAreCut(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	// "aaa…a.bbbbbb" is 70 characters with the dot at position 64: the cut
	// leaves no trailing dot.
	u := e.create(t, "long@example.com", strings.Repeat("a", 63), "bbbbbb")
	is.Equal(u.LoginName, strings.Repeat("a", 63)) // at most 64 characters, no trailing dot
}

// racyStore loses the next compare-and-set writes of users and the next
// login name, as concurrent writers on a SQL store can.
type racyStore struct {
	*memory.Store
	lostUpdates, takenNames *atomic.Int32
	unlockedUpdates         *atomic.Int32 // user updates without the user's row lock
}

func (s racyStore) InTx(ctx context.Context, fn func(storage.Store) error) error {
	return s.Store.InTx(ctx, func(tx storage.Store) error { return fn(racyTx{Store: tx, s: s, locked: new(uuid.UUID)}) })
}

type racyTx struct {
	storage.Store
	s      racyStore
	locked *uuid.UUID
}

func (t racyTx) Lock(ctx context.Context, kind storage.RecordKind, id string) error {
	if kind == storage.KindUser {
		*t.locked = uuid.MustParse(id)
	}
	return t.Store.Lock(ctx, kind, id)
}

func (t racyTx) UpdateUser(ctx context.Context, rec storage.UserRecord, expect int64) error {
	if *t.locked != rec.ID {
		t.s.unlockedUpdates.Add(1)
	}
	if t.s.lostUpdates.Add(-1) >= 0 {
		return userkit.Errorf(userkit.PreconditionFailed, "changed meanwhile")
	}
	return t.Store.UpdateUser(ctx, rec, expect)
}

func (t racyTx) CreateUser(ctx context.Context, rec *storage.UserRecord) error {
	if t.s.takenNames.Add(-1) >= 0 {
		return &userkit.Error{Kind: userkit.Conflict, Message: "taken", Fields: map[string]userkit.Problem{"LoginName": {Rule: userkit.RuleTaken}}}
	}
	return t.Store.CreateUser(ctx, rec)
}

func TestLostRacesAreRetried(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	mem := memory.New()
	st := racyStore{Store: mem, lostUpdates: new(atomic.Int32), takenNames: new(atomic.Int32), unlockedUpdates: new(atomic.Int32)}
	us := users.New(st, permissions.New(mem, nil), &users.Options{Clock: func() time.Time { return fixedNow }, Argon2: cheap})
	sys := permissions.WithPrincipal(context.Background(), permissions.System)

	st.takenNames.Store(2)
	u, err := us.Create(sys, users.CreateParams{Email: "mona@example.com", FirstName: "Mona", LastName: "Benson"})
	is.NoErr(err) // a login name taken meanwhile is picked again

	// An update without a version cannot lose a race: it locks the user's
	// row first, so concurrent writers queue (the flow
	// UsersConcurrentUnversionedUpdates proves it on every store).
	got, err := us.Update(sys, u.ID, users.UpdateParams{City: ptr("Paris")})
	is.NoErr(err)                                 // an update without a version
	is.Equal(got.City, "Paris")                   // is kept
	is.Equal(st.unlockedUpdates.Load(), int32(0)) // and wrote under the user's row lock

	st.lostUpdates.Store(1)
	_, err = us.Update(sys, u.ID, users.UpdateParams{City: ptr("Rome"), Version: ptr(got.Version)})
	is.True(errors.Is(err, userkit.ErrPreconditionFailed)) // with a version, the lost race is the caller's answer
}

// changingStore runs change right after Authenticate has looked the user
// up, as a concurrent request could.
type changingStore struct {
	*memory.Store
	change func(storage.UserRecord)
}

func (s changingStore) GetUserByEmail(ctx context.Context, emailNorm string) (storage.UserRecord, error) {
	rec, err := s.Store.GetUserByEmail(ctx, emailNorm)
	if err == nil {
		s.change(rec)
	}
	return rec, err
}

func TestAuthenticateSeesChangesMeanwhile(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil) // MaxFailedLogins: 3
	u := e.create(t, "mona@example.com", "Mona", "Benson")
	write := func(edit func(*storage.UserRecord)) func(storage.UserRecord) {
		return func(rec storage.UserRecord) {
			edit(&rec)
			rec.Version++
			is.NoErr(e.store.UpdateUser(context.Background(), rec, rec.Version-1)) // concurrent write
		}
	}
	newPassword := changingStore{Store: e.store, change: write(func(r *storage.UserRecord) { r.PasswordHash = e.record(t, u.ID).PasswordHash + "x" })}
	_, err := users.New(newPassword, e.authz, &users.Options{Argon2: cheap}).Authenticate(context.Background(), "mona@example.com", goodPassword)
	is.True(errors.Is(err, userkit.ErrUnauthenticated)) // the password was replaced meanwhile: the old one no longer logs in

	is.NoErr(e.us.SetPassword(e.sys, u.ID, goodPassword)) // a working password again
	for range 2 {
		_, err := e.us.Authenticate(context.Background(), "mona@example.com", "Wrongpassword1")
		is.True(errors.Is(err, userkit.ErrUnauthenticated)) // failure
	}
	suspend := changingStore{Store: e.store, change: write(func(r *storage.UserRecord) { r.Status = string(users.StatusSuspended) })}
	_, err = users.New(suspend, e.authz, &users.Options{Argon2: cheap, MaxFailedLogins: 3}).Authenticate(context.Background(), "mona@example.com", "Wrongpassword1")
	is.True(errors.Is(err, userkit.ErrUnauthenticated))               // refused
	is.Equal(e.record(t, u.ID).Status, string(users.StatusSuspended)) // a suspension meanwhile is not turned into a lock
	is.Equal(e.record(t, u.ID).FailedLogins, 2)                       // nor counted
}
