package users_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

// fixedNow is the time every test clock reports.
var fixedNow = time.Date(2025, 3, 4, 5, 6, 7, 8000, time.UTC)

// cheap are argon2id parameters that keep tests fast.
var cheap = users.Argon2Params{Memory: 64, Time: 1, Threads: 1}

const goodPassword = "Samplepassword12"

type env struct {
	store *memory.Store
	authz *permissions.Service
	us    *users.Service
	sys   context.Context // runs as the System principal
}

func newEnv(t testing.TB, opts *users.Options) env {
	t.Helper()
	store := memory.New()
	authz := permissions.New(store, nil)
	o := users.Options{Clock: func() time.Time { return fixedNow }, Argon2: cheap, MaxFailedLogins: 3}
	if opts != nil {
		o = *opts
		if o.Argon2 == (users.Argon2Params{}) {
			o.Argon2 = cheap
		}
	}
	return env{
		store: store,
		authz: authz,
		us:    users.New(store, authz, &o),
		sys:   permissions.WithPrincipal(context.Background(), permissions.System),
	}
}

// create makes a user as System and fails the test on error.
func (e env) create(t testing.TB, email, first, last string) users.User {
	t.Helper()
	u, err := e.us.Create(e.sys, users.CreateParams{Email: email, FirstName: first, LastName: last, Password: goodPassword})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// record reads a user's stored record, hash and counter included.
func (e env) record(t testing.TB, id uuid.UUID) storage.UserRecord {
	t.Helper()
	rec, err := e.store.GetUser(context.Background(), id)
	is.New(t).NoErr(err) // stored user readable
	return rec
}

// serviceAccount creates a service account holding the given grants
// directly through the store and returns a ctx running as it.
func (e env) serviceAccount(t *testing.T, grants ...storage.GrantRecord) context.Context {
	t.Helper()
	is := is.New(t)
	ctx := context.Background()
	id := uuid.Must(uuid.NewV7())
	is.NoErr(e.store.CreateServiceAccount(ctx, &storage.ServiceAccountRecord{ID: id, Name: "sa", CreatedAt: fixedNow, UpdatedAt: fixedNow, Version: 1})) // service account stored
	for _, g := range grants {
		g.ID = uuid.Must(uuid.NewV7())
		g.PrincipalID = id
		g.CreatedAt = fixedNow
		is.NoErr(e.store.AddGrant(ctx, &g)) // grant stored
	}
	return permissions.WithPrincipal(ctx, permissions.ServiceAccountPrincipal(id))
}

func grant(action permissions.Action, scope permissions.Scope) storage.GrantRecord {
	return storage.GrantRecord{Action: string(action), ScopeKind: scope.Kind, ScopeID: scope.ID}
}

// partnerWith creates a partner through the store with the given members.
func (e env) partnerWith(t *testing.T, members ...uuid.UUID) uuid.UUID {
	t.Helper()
	is := is.New(t)
	ctx := context.Background()
	id := uuid.Must(uuid.NewV7())
	is.NoErr(e.store.CreatePartner(ctx, &storage.PartnerRecord{ID: id, Name: "p-" + id.String()[:8], CreatedAt: fixedNow, UpdatedAt: fixedNow, Version: 1})) // partner stored
	for _, m := range members {
		is.NoErr(e.store.AddPartnerMember(ctx, storage.PartnerMemberRecord{PartnerID: id, UserID: m, CreatedAt: fixedNow})) // member stored
		// As if the partner had created the user: it manages them.
		rec, err := e.store.GetUser(ctx, m)
		is.NoErr(err)
		rec.ManagedKind, rec.ManagedID = storage.ScopePartner, id
		is.NoErr(e.store.UpdateUser(ctx, rec, rec.Version)) // managed by the partner
	}
	return id
}

func ptr[T any](v T) *T { return &v }
