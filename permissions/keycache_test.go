package permissions_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
)

// keyReads counts the credential reads ResolveKeyGrants makes, and its
// transactions (the write of a key's last use is one).
type keyReads struct {
	*memory.Store
	n   atomic.Int64
	txs atomic.Int64
}

func (k *keyReads) InTx(ctx context.Context, fn func(tx storage.Store) error) error {
	k.txs.Add(1)
	return k.Store.InTx(ctx, fn)
}

func (k *keyReads) APIKeyWithGrants(ctx context.Context, hash []byte) (storage.APIKeyRecord, []storage.GrantRecord, error) {
	k.n.Add(1)
	return k.Store.APIKeyWithGrants(ctx, hash)
}

// cacheWorld is a key of a service account holding users.read on a
// partner, resolved through a Service with the given KeyCacheTTL.
type cacheWorld struct {
	f       *fixture
	store   *keyReads
	authz   *permissions.Service
	account permissions.ServiceAccount
	keyID   uuid.UUID
	secret  string
	partner permissions.Scope
}

func newCacheWorld(t *testing.T, ttl time.Duration) *cacheWorld {
	t.Helper()
	is := is.New(t)
	f := newFixture(t)
	store := &keyReads{Store: f.store}
	authz := permissions.New(store, &permissions.Options{Clock: f.clock.now, KeyCacheTTL: ttl})
	partner := permissions.PartnerScope(f.partner("Acme"))
	sa, err := authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{Name: "sync",
		Grants: []permissions.GrantParams{{Action: string(permissions.UsersRead), Scope: partner}}})
	is.NoErr(err)
	key, secret, err := authz.CreateKey(f.sys, sa.ID, permissions.KeyParams{})
	is.NoErr(err)
	return &cacheWorld{f: f, store: store, authz: authz, account: sa, keyID: key.ID, secret: secret, partner: partner}
}

// may reports whether the key, resolved now, may read the partner's users.
func (w *cacheWorld) may(t *testing.T) (bool, error) {
	t.Helper()
	res, err := w.authz.ResolveKeyGrants(context.Background(), w.secret)
	if err != nil {
		return false, err
	}
	err = w.authz.Require(res.Context(context.Background()), permissions.UsersRead, w.partner)
	if userkit.KindOf(err) == userkit.Forbidden {
		return false, nil
	}
	return err == nil, err
}

// TestKeyCacheHits: a key resolved once is reused without a read until
// its entry is older than the TTL; unknown keys are read every time.
func TestKeyCacheHits(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	w := newCacheWorld(t, time.Hour)
	w.store.txs.Store(0) // the fixture's writes
	for range 5 {
		ok, err := w.may(t)
		is.NoErr(err)
		is.True(ok)
	}
	is.Equal(w.store.n.Load(), int64(1))   // one read for five resolutions
	is.Equal(w.store.txs.Load(), int64(1)) // and one write of the key's last use
	w.f.clock.advance(2 * time.Minute)
	for range 3 {
		_, err := w.may(t)
		is.NoErr(err)
	}
	is.Equal(w.store.n.Load(), int64(1))   // still held
	is.Equal(w.store.txs.Load(), int64(2)) // its last use written once more, a minute on, and kept

	bad := w.secret[:len(w.secret)-2] + "xx"
	if bad == w.secret {
		bad = w.secret[:len(w.secret)-2] + "yy"
	}
	for range 3 {
		_, err := w.authz.ResolveKeyGrants(context.Background(), bad)
		is.Equal(userkit.KindOf(err), userkit.Unauthenticated)
	}
	is.Equal(w.store.n.Load(), int64(4)) // a refused key is never kept
}

// TestKeyCacheOff: a negative TTL reads the key on every resolution.
func TestKeyCacheOff(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	w := newCacheWorld(t, -1)
	for range 3 {
		_, err := w.may(t)
		is.NoErr(err)
	}
	is.Equal(w.store.n.Load(), int64(3))
}

// TestKeyCacheChangesThroughService: revoking the key, removing its
// grant, adding one or deleting its account through the Service that
// resolved it takes effect on the next resolution, however long the TTL.
func TestKeyCacheChangesThroughService(t *testing.T) {
	t.Parallel()
	t.Run("revoke", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		w := newCacheWorld(t, time.Hour)
		_, err := w.may(t)
		is.NoErr(err)
		is.NoErr(w.authz.RevokeKey(w.f.sys, w.keyID))
		_, err = w.may(t)
		is.Equal(userkit.KindOf(err), userkit.Unauthenticated) // refused at once
	})
	t.Run("remove grant", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		w := newCacheWorld(t, time.Hour)
		ok, _ := w.may(t)
		is.True(ok)
		is.NoErr(w.authz.RevokeGrantOf(w.f.sys, permissions.ServiceAccountPrincipal(w.account.ID), w.account.Grants[0].ID))
		ok, err := w.may(t)
		is.NoErr(err)
		is.True(!ok) // the grant is gone at once
	})
	t.Run("add grant", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		w := newCacheWorld(t, time.Hour)
		is.NoErr(w.authz.RemoveGrant(w.f.sys, w.account.Grants[0].ID))
		ok, _ := w.may(t)
		is.True(!ok)
		_, err := w.authz.AddGrant(w.f.sys, w.account.ID, permissions.GrantParams{Action: string(permissions.UsersRead), Scope: w.partner})
		is.NoErr(err)
		ok, err = w.may(t)
		is.NoErr(err)
		is.True(ok) // the new grant at once
	})
	t.Run("delete account", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		w := newCacheWorld(t, time.Hour)
		_, err := w.may(t)
		is.NoErr(err)
		is.NoErr(w.authz.DeleteServiceAccount(w.f.sys, w.account.ID))
		_, err = w.may(t)
		is.Equal(userkit.KindOf(err), userkit.Unauthenticated)
	})
}

// TestKeyCacheChangesElsewhere: a change this Service did not make (as
// another instance on the same database would make it, straight to
// storage) is seen once the entry is older than the TTL, and not before.
func TestKeyCacheChangesElsewhere(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	const ttl = 50 * time.Millisecond
	w := newCacheWorld(t, ttl)
	_, err := w.may(t)
	is.NoErr(err)
	other := permissions.New(w.f.store, &permissions.Options{Clock: w.f.clock.now}) // another instance
	is.NoErr(other.RevokeKey(w.f.sys, w.keyID))
	revoked := time.Now()
	_, err = w.may(t)
	if time.Since(revoked) < ttl {
		is.NoErr(err) // still held: this instance has not read it since
	}
	time.Sleep(ttl)
	_, err = w.may(t)
	is.Equal(userkit.KindOf(err), userkit.Unauthenticated) // refused once the TTL has passed
}

// TestKeyCacheExpiry: a held key stops working when it expires, without
// a read.
func TestKeyCacheExpiry(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	store := &keyReads{Store: f.store}
	authz := permissions.New(store, &permissions.Options{Clock: f.clock.now, KeyCacheTTL: time.Hour})
	sa, err := authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{Name: "short"})
	is.NoErr(err)
	exp := f.clock.now().Add(time.Minute)
	_, secret, err := authz.CreateKey(f.sys, sa.ID, permissions.KeyParams{ExpiresAt: &exp})
	is.NoErr(err)
	_, err = authz.ResolveKeyGrants(context.Background(), secret)
	is.NoErr(err)
	f.clock.advance(2 * time.Minute)
	_, err = authz.ResolveKeyGrants(context.Background(), secret)
	is.Equal(userkit.KindOf(err), userkit.Unauthenticated)
	is.Equal(store.n.Load(), int64(1)) // decided from the held key
}
