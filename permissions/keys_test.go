package permissions_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
)

func TestKeyCreateResolve(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	ctx := context.Background()
	sa, err := f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{Name: "sync"})
	is.NoErr(err)

	key, secret, err := f.authz.CreateKey(f.sys, sa.ID, permissions.KeyParams{})
	is.NoErr(err)
	is.True(strings.HasPrefix(secret, "sk:")) // visible marker
	is.Equal(len(secret), 3+43)               // 32 random bytes, base64url without padding
	is.Equal(key.Prefix, secret[3:11])        // listing prefix: 8 characters after the marker

	stored, err := f.store.GetAPIKey(ctx, key.ID)
	is.NoErr(err)
	sum := sha256.Sum256([]byte(secret))
	is.Equal(stored.Hash, sum[:])                                      // the store keeps the SHA-256 of the whole secret
	is.True(!bytes.Contains(stored.Hash, []byte(secret[3:])))          // and not the secret
	is.True(!strings.Contains(fmt.Sprintf("%+v", stored), secret[3:])) // in no field at all

	keys, err := f.authz.ListKeys(f.sys, sa.ID)
	is.NoErr(err)
	is.Equal(len(keys), 1)
	is.Equal(keys[0].Prefix, key.Prefix)                                 // listings show the prefix
	is.True(!strings.Contains(fmt.Sprintf("%+v", keys[0]), secret[11:])) // and nothing more of the secret

	p, err := f.authz.ResolveKey(ctx, secret)
	is.NoErr(err)
	is.Equal(p, permissions.ServiceAccountPrincipal(sa.ID)) // the key yields its service account
	used, _ := f.store.GetAPIKey(ctx, key.ID)
	is.True(used.LastUsedAt != nil) // first use is recorded
	first := *used.LastUsedAt

	f.clock.advance(30 * time.Second)
	_, err = f.authz.ResolveKey(ctx, secret)
	is.NoErr(err)
	used, _ = f.store.GetAPIKey(ctx, key.ID)
	is.Equal(*used.LastUsedAt, first) // no write within a minute

	f.clock.advance(time.Minute)
	_, err = f.authz.ResolveKey(ctx, secret)
	is.NoErr(err)
	used, _ = f.store.GetAPIKey(ctx, key.ID)
	is.Equal(*used.LastUsedAt, f.clock.now()) // recorded again after a minute
}

func TestResolveKeyRejects(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	sa, err := f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{Name: "sync"})
	is.New(t).NoErr(err)
	exp := f.clock.now().Add(time.Hour)
	expiring, expiringSecret, err := f.authz.CreateKey(f.sys, sa.ID, permissions.KeyParams{ExpiresAt: &exp})
	is.New(t).NoErr(err)
	is.New(t).Equal(*expiring.ExpiresAt, exp)
	revoked, revokedSecret, err := f.authz.CreateKey(f.sys, sa.ID, permissions.KeyParams{})
	is.New(t).NoErr(err)
	is.New(t).NoErr(f.authz.RevokeKey(f.sys, revoked.ID))
	_, good, err := f.authz.CreateKey(f.sys, sa.ID, permissions.KeyParams{})
	is.New(t).NoErr(err)
	f.clock.advance(2 * time.Hour) // past the expiry

	cases := map[string]string{
		"empty":         "",
		"marker only":   "sk:",
		"short":         "sk:abc",
		"wrong marker":  "pk:" + good[3:],
		"no marker":     good[3:],
		"bad alphabet":  "sk:" + strings.Repeat("!", 43),
		"one too long":  good + "A",
		"unknown":       "sk:" + strings.Repeat("A", 43),
		"tampered":      good[:len(good)-2] + flip(good[len(good)-2]) + good[len(good)-1:],
		"revoked":       revokedSecret,
		"expired":       expiringSecret,
		"bearer prefix": "Bearer " + good,
	}
	for name, secret := range cases {
		t.Run(name, func(t *testing.T) {
			is := is.New(t)
			_, err := f.authz.ResolveKey(ctx, secret)
			is.True(errors.Is(err, userkit.ErrUnauthenticated)) // refused
			is.Equal(userkit.MessageOf(err), "invalid API key") // with one message for every reason
			is.True(!strings.Contains(err.Error(), good[3:11])) // and no key material
		})
	}

	is := is.New(t)
	_, err = f.authz.ResolveKey(ctx, good)
	is.NoErr(err) // the good key still works
	keys, err := f.authz.ListKeys(f.sys, sa.ID)
	is.NoErr(err)
	is.Equal(len(keys), 3) // revoked keys stay listed
	for _, k := range keys {
		is.Equal(k.RevokedAt != nil, k.ID == revoked.ID) // only the revoked one says so
	}

	past := f.clock.now().Add(-time.Second)
	_, _, err = f.authz.CreateKey(f.sys, sa.ID, permissions.KeyParams{ExpiresAt: &past})
	is.True(userkit.FieldsOf(err)["ExpiresAt"].Rule != "") // expiry must be in the future

	is.NoErr(f.authz.DeleteServiceAccount(f.sys, sa.ID))
	_, err = f.authz.ResolveKey(ctx, good)
	is.True(errors.Is(err, userkit.ErrUnauthenticated)) // keys die with their account
}

// flip returns a different base64url character.
func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func TestKeyOpsNeedKeyGrants(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	admin := f.user("admin")
	f.grant(admin, "permissions.*", permissions.All)
	sa, err := f.authz.CreateServiceAccount(as(admin), permissions.ServiceAccountParams{Name: "sync"})
	is.NoErr(err) // permissions.* manages service accounts

	_, _, err = f.authz.CreateKey(as(admin), sa.ID, permissions.KeyParams{})
	is.Equal(kind(err), userkit.Forbidden) // but keys need keys.create
	_, err = f.authz.ListKeys(as(admin), sa.ID)
	is.Equal(kind(err), userkit.Forbidden) // and keys.read

	f.grant(admin, "keys.create", permissions.All)
	key, _, err := f.authz.CreateKey(as(admin), sa.ID, permissions.KeyParams{})
	is.NoErr(err)
	err = f.authz.RevokeKey(as(admin), key.ID)
	is.Equal(kind(err), userkit.Forbidden) // revoking needs keys.delete

	_, _, err = f.authz.CreateKey(f.sys, newID(), permissions.KeyParams{})
	is.True(errors.Is(err, userkit.ErrNotFound)) // no such service account
}

func TestImportKey(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	ctx := context.Background()
	sa, err := f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{Name: "bootstrap"})
	is.NoErr(err)
	secret := "sk:" + strings.Repeat("A", 43)

	key, err := f.authz.ImportKey(f.sys, sa.ID, secret, permissions.KeyParams{})
	is.NoErr(err)
	is.Equal(key.Prefix, "AAAAAAAA") // the prefix comes from the imported secret
	stored, err := f.store.GetAPIKey(ctx, key.ID)
	is.NoErr(err)
	sum := sha256.Sum256([]byte(secret))
	is.Equal(stored.Hash, sum[:]) // only the hash is kept

	p, err := f.authz.ResolveKey(ctx, secret)
	is.NoErr(err)
	is.Equal(p, permissions.ServiceAccountPrincipal(sa.ID)) // the imported secret authenticates

	_, err = f.authz.ImportKey(f.sys, sa.ID, secret, permissions.KeyParams{})
	is.True(errors.Is(err, userkit.ErrConflict)) // a secret registers once

	for _, bad := range []string{"", "sk:short", "xx:" + strings.Repeat("A", 43), "sk:" + strings.Repeat("*", 43)} {
		_, err = f.authz.ImportKey(f.sys, sa.ID, bad, permissions.KeyParams{})
		is.Equal(userkit.KindOf(err), userkit.Invalid) // malformed secrets are refused
	}
	_, err = f.authz.ImportKey(context.Background(), sa.ID, "sk:"+strings.Repeat("B", 43), permissions.KeyParams{})
	is.True(errors.Is(err, userkit.ErrUnauthenticated)) // importing needs a principal with keys.create
}

func TestImportKeyChecksTheCallerFirst(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	sa, err := f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{Name: "bootstrap"})
	is.NoErr(err)
	_, err = f.authz.ImportKey(context.Background(), sa.ID, "not-a-key", permissions.KeyParams{})
	is.True(errors.Is(err, userkit.ErrUnauthenticated)) // no principal: refused before the secret is looked at
}

// TestKeyActive: a key's own service account may ask whether the key
// still works (no secret needed); revocation and expiry turn it false;
// others need keys.read on everything and learn nothing without it.
func TestKeyActive(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	sa, err := f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{Name: "console"})
	is.NoErr(err)
	other, err := f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{Name: "other"})
	is.NoErr(err)
	exp := f.clock.now().Add(time.Hour)
	key, secret, err := f.authz.CreateKey(f.sys, sa.ID, permissions.KeyParams{})
	is.NoErr(err)
	expiring, _, err := f.authz.CreateKey(f.sys, sa.ID, permissions.KeyParams{ExpiresAt: &exp})
	is.NoErr(err)
	self := permissions.WithPrincipal(context.Background(), permissions.ServiceAccountPrincipal(sa.ID))
	stranger := permissions.WithPrincipal(context.Background(), permissions.ServiceAccountPrincipal(other.ID))

	p, id, err := f.authz.ResolveKeyID(context.Background(), secret)
	is.NoErr(err)
	is.Equal(p, permissions.ServiceAccountPrincipal(sa.ID)) // the principal
	is.Equal(id, key.ID)                                    // and the key's ID

	ok, err := f.authz.KeyActive(self, key.ID)
	is.NoErr(err) // the key's own account may ask
	is.True(ok)   // a working key
	_, err = f.authz.KeyActive(stranger, key.ID)
	is.Equal(kind(err), userkit.Forbidden) // another account without keys.read
	_, err = f.authz.KeyActive(stranger, newID())
	is.Equal(kind(err), userkit.Forbidden) // a missing key: the same answer
	_, err = f.authz.KeyActive(f.sys, newID())
	is.Equal(kind(err), userkit.NotFound) // NotFound for those who may list keys
	_, err = f.authz.KeyActive(context.Background(), key.ID)
	is.Equal(kind(err), userkit.Unauthenticated) // no principal

	is.NoErr(f.authz.RevokeKey(f.sys, key.ID))
	ok, err = f.authz.KeyActive(self, key.ID)
	is.NoErr(err)
	is.True(!ok) // revoked
	ok, err = f.authz.KeyActive(self, expiring.ID)
	is.NoErr(err)
	is.True(ok) // not expired yet
	f.clock.advance(time.Hour)
	ok, err = f.authz.KeyActive(self, expiring.ID)
	is.NoErr(err)
	is.True(!ok) // expired
	f.grant(other.ID, "keys.read", permissions.All)
	ok, err = f.authz.KeyActive(stranger, expiring.ID)
	is.NoErr(err)
	is.True(!ok) // keys.read on everything may ask about any key
}
