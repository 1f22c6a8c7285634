package portals_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// cheapArgon2 keeps password hashing fast in tests (CI runs -race).
var cheapArgon2 = users.Argon2Params{Memory: 64, Time: 1, Threads: 1}

// fixture wires the services over a fresh memory store with kit.New, on a
// settable clock.
type fixture struct {
	t     testing.TB
	store *memory.Store
	authz *permissions.Service
	us    *users.Service
	ps    *portals.Service
	clock *clock
	sys   context.Context // runs as System
}

func newFixture(t testing.TB) *fixture {
	store := memory.New()
	c := &clock{t: time.Date(2025, 5, 21, 10, 0, 0, 0, time.UTC)}
	k := kit.New(store, &kit.Options{Clock: c.now, Users: users.Options{Argon2: cheapArgon2}})
	return &fixture{
		t: t, store: store, authz: k.Permissions, us: k.Users, ps: k.Portals, clock: c,
		sys: permissions.WithPrincipal(context.Background(), permissions.System),
	}
}

func (f *fixture) partner(name string) uuid.UUID {
	f.t.Helper()
	now := f.clock.now()
	rec := storage.PartnerRecord{ID: uuid.Must(uuid.NewV7()), Name: name, CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := f.store.CreatePartner(context.Background(), &rec); err != nil {
		f.t.Fatal(err)
	}
	return rec.ID
}

// portal creates a portal with one role and returns both.
func (f *fixture) portal(technicalName string, partnerID uuid.UUID) (portals.Portal, portals.Role) {
	f.t.Helper()
	p, err := f.ps.Create(f.sys, portals.CreateParams{PartnerID: partnerID, Name: technicalName, TechnicalName: technicalName})
	if err != nil {
		f.t.Fatal(err)
	}
	r, err := f.ps.CreateRole(f.sys, p.ID, portals.RoleParams{Name: "Viewer"})
	if err != nil {
		f.t.Fatal(err)
	}
	return p, r
}

// member adds a new user with the role to the portal.
func (f *fixture) member(portal portals.Portal, role portals.Role, email string) portals.Member {
	f.t.Helper()
	m, err := f.ps.AddUser(f.sys, portal.ID, portals.AddUserParams{
		Email: email, FirstName: "Test", LastName: "User", RoleIDs: []uuid.UUID{role.ID},
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return m
}

// serviceAccount returns a context running as a new service account with
// the grants.
func (f *fixture) serviceAccount(grants ...permissions.GrantParams) context.Context {
	f.t.Helper()
	sa, err := f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{Name: "sa", Grants: grants})
	if err != nil {
		f.t.Fatal(err)
	}
	return permissions.WithPrincipal(context.Background(), permissions.ServiceAccountPrincipal(sa.ID))
}

func kind(err error) userkit.Kind { return userkit.KindOf(err) }

func field(err error, name string) string { return userkit.FieldsOf(err)[name].String() }
