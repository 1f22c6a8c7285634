package permissions_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 5, 21, 10, 0, 0, 0, time.UTC)} }

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

// fixture is a permissions service over a fresh memory store.
type fixture struct {
	t     testing.TB
	store *memory.Store
	authz *permissions.Service
	clock *clock
	sys   context.Context // runs as System
}

func newFixture(t testing.TB) *fixture {
	store := memory.New()
	c := newClock()
	return &fixture{
		t: t, store: store, clock: c,
		authz: permissions.New(store, &permissions.Options{Clock: c.now}),
		sys:   permissions.WithPrincipal(context.Background(), permissions.System),
	}
}

func newID() uuid.UUID { return uuid.Must(uuid.NewV7()) }

// user stores a user record directly; the users service is not under test.
func (f *fixture) user(name string) uuid.UUID {
	f.t.Helper()
	now := f.clock.now()
	rec := storage.UserRecord{
		ID: newID(), Email: name + "@example.com", EmailNorm: name + "@example.com",
		FirstName: name, LastName: "Test", LoginName: name, Status: "active",
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if err := f.store.CreateUser(context.Background(), &rec); err != nil {
		f.t.Fatal(err)
	}
	return rec.ID
}

func (f *fixture) partner(name string) uuid.UUID {
	f.t.Helper()
	now := f.clock.now()
	rec := storage.PartnerRecord{ID: newID(), Name: name, CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := f.store.CreatePartner(context.Background(), &rec); err != nil {
		f.t.Fatal(err)
	}
	return rec.ID
}

func (f *fixture) portal(technicalName string, partnerID uuid.UUID) uuid.UUID {
	f.t.Helper()
	now := f.clock.now()
	rec := storage.PortalRecord{
		ID: newID(), PartnerID: partnerID, Name: technicalName, TechnicalName: technicalName,
		DefaultLocale: "en_US", CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if err := f.store.CreatePortal(context.Background(), &rec); err != nil {
		f.t.Fatal(err)
	}
	return rec.ID
}

// grant gives principalID a grant as System.
func (f *fixture) grant(principalID uuid.UUID, action string, scope permissions.Scope) {
	f.t.Helper()
	if _, err := f.authz.AddGrant(f.sys, principalID, permissions.GrantParams{Action: action, Scope: scope}); err != nil {
		f.t.Fatal(err)
	}
}

// as returns a context carrying the user's principal.
func as(userID uuid.UUID) context.Context {
	return permissions.WithPrincipal(context.Background(), permissions.UserPrincipal(userID))
}

func kind(err error) userkit.Kind { return userkit.KindOf(err) }
