package servicetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
	"github.com/userkit/userkit/users"
)

// TestOverload runs the overload flows over every store: an overloaded
// hasher answers Unavailable with a Retry-After instead of making callers
// wait without bound, and a request whose ctx ended never commits.
func TestOverload(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			if st.dsnEnv != "" {
				sqltest.DSN(t, st.dsnEnv)
			}
			t.Run("HashAdmission", func(t *testing.T) {
				t.Parallel()
				testHashAdmission(t, st.open(t))
			})
			t.Run("CancelledNeverCommits", func(t *testing.T) {
				t.Parallel()
				testCancelledNeverCommits(t, st.open(t))
			})
		})
	}
}

// testHashAdmission: 24 concurrent creates against one hashing slot with
// the default (costly) argon2id parameters and a 1 ms wait. Some are
// refused with Unavailable and a Retry-After; the store then holds exactly
// the users whose Create succeeded, nothing else.
func testHashAdmission(t *testing.T, store storage.Store) {
	is := is.New(t)
	authz := permissions.New(store, nil)
	us := users.New(store, authz, &users.Options{MaxConcurrentHashes: 1, MaxHashWait: time.Millisecond})
	sys := permissions.WithPrincipal(context.Background(), permissions.System)

	const n = 24
	type result struct {
		email string
		err   error
	}
	results := make(chan result, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		email := fmt.Sprintf("load%02d@example.com", i)
		wg.Go(func() {
			<-start
			_, err := us.Create(sys, users.CreateParams{Email: email, FirstName: "Load", LastName: "Test", Password: goodPassword})
			results <- result{email, err}
		})
	}
	close(start)
	wg.Wait()
	close(results)
	created, refused := 0, 0
	for r := range results {
		_, err := store.GetUserByEmail(context.Background(), users.NormalizeEmail(r.email))
		if r.err == nil {
			created++
			is.NoErr(err) // an acknowledged create is stored
			continue
		}
		refused++
		is.Equal(kind(r.err), "unavailable")                // overload is Unavailable (503)
		is.True(userkit.RetryAfterOf(r.err) >= time.Second) // with a Retry-After
		is.Equal(kind(err), "not found")                    // and a refused create left nothing
	}
	t.Logf("%d concurrent creates, 1 hashing slot, 1 ms wait: %d created, %d refused with Retry-After", n, created, refused)
	is.True(created >= 1) // the slot's holder got through
	is.True(refused >= 1) // the others were answered, not queued without bound
}

// cancelInTx is a store that cancels the request's ctx while CreateUser
// runs inside the transaction, after the insert and before the commit:
// the client went away mid-request.
type cancelInTx struct {
	storage.Store
	cancel context.CancelFunc
}

func (s cancelInTx) InTx(ctx context.Context, fn func(tx storage.Store) error) error {
	return s.Store.InTx(ctx, func(tx storage.Store) error { return fn(cancelInTx{tx, s.cancel}) })
}

func (s cancelInTx) CreateUser(ctx context.Context, rec *storage.UserRecord) error {
	err := s.Store.CreateUser(ctx, rec)
	s.cancel()
	return err
}

// testCancelledNeverCommits: a create whose ctx is cancelled before the
// write transaction, or inside it before the commit, stores nothing.
func testCancelledNeverCommits(t *testing.T, store storage.Store) {
	is := is.New(t)
	authz := permissions.New(store, nil)
	sys := permissions.WithPrincipal(context.Background(), permissions.System)

	// Cancelled before the call: the hash still runs (a free slot wins),
	// the transaction never starts.
	us := users.New(store, authz, usersOptions())
	ctx, cancel := context.WithCancel(sys)
	cancel()
	_, err := us.Create(ctx, users.CreateParams{Email: "gone@example.com", FirstName: "Gone", LastName: "Early", Password: goodPassword})
	is.Equal(kind(err), "unavailable") // refused, not stored
	_, err = store.GetUserByEmail(context.Background(), "gone@example.com")
	is.Equal(kind(err), "not found") // nothing committed

	// Cancelled inside the transaction, after the insert.
	ctx, cancel = context.WithCancel(sys)
	defer cancel()
	us = users.New(cancelInTx{store, cancel}, authz, usersOptions())
	_, err = us.Create(ctx, users.CreateParams{Email: "mid@example.com", FirstName: "Gone", LastName: "Midway", Password: goodPassword})
	is.True(err != nil) // the create failed
	_, err = store.GetUserByEmail(context.Background(), "mid@example.com")
	is.Equal(kind(err), "not found") // the insert was rolled back
	page, err := store.ListEvents(context.Background(), storage.EventFilter{}, userkit.PageRequest{Limit: 10})
	is.NoErr(err)
	for _, e := range page.Items {
		is.True(e.Action != string(permissions.UsersCreate)) // and so was its audit event
	}
}
