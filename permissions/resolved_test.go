package permissions_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
)

// grantCounter counts the grant reads the permission checks make; it
// keeps the memory store's storage.CredentialReader.
type grantCounter struct {
	*memory.Store
	reads atomic.Int64
}

func (g *grantCounter) GrantsOf(ctx context.Context, id uuid.UUID) ([]storage.GrantRecord, error) {
	g.reads.Add(1)
	return g.Store.GrantsOf(ctx, id)
}

// TestResolveKeyGrants: the key's principal comes with its grants; the
// checks made with the resolved context read no grants, a principal other
// than the one resolved still reads its own, and a grant removed after
// the resolution is seen by the next resolution (the snapshot is one
// request's).
func TestResolveKeyGrants(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	store := &grantCounter{Store: f.store}
	authz := permissions.New(store, &permissions.Options{Clock: f.clock.now})
	partner := f.partner("Acme")
	sa, err := authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{Name: "sync",
		Grants: []permissions.GrantParams{{Action: string(permissions.UsersRead), Scope: permissions.PartnerScope(partner)}}})
	is.NoErr(err)
	_, secret, err := authz.CreateKey(f.sys, sa.ID, permissions.KeyParams{})
	is.NoErr(err)

	res, err := authz.ResolveKeyGrants(context.Background(), secret)
	is.NoErr(err)
	is.Equal(res.Principal, permissions.ServiceAccountPrincipal(sa.ID)) // the key's account
	ctx := res.Context(context.Background())
	p, ok := permissions.PrincipalFrom(ctx)
	is.True(ok)
	is.Equal(p, res.Principal) // carried as WithPrincipal does
	store.reads.Store(0)
	is.NoErr(authz.Require(ctx, permissions.UsersRead, permissions.PartnerScope(partner)))
	is.Equal(userkit.KindOf(authz.Require(ctx, permissions.UsersDelete, permissions.PartnerScope(partner))), userkit.Forbidden)
	is.Equal(store.reads.Load(), int64(0)) // the grants came with the key

	// Another principal in a context derived from it reads its own.
	other := permissions.WithPrincipal(ctx, permissions.UserPrincipal(newID()))
	is.Equal(userkit.KindOf(authz.Require(other, permissions.UsersRead, permissions.PartnerScope(partner))), userkit.Forbidden)
	is.Equal(store.reads.Load(), int64(1))

	// Remove the grant: the next resolution no longer has it.
	for _, g := range sa.Grants {
		is.NoErr(authz.RemoveGrant(f.sys, g.ID))
	}
	res, err = authz.ResolveKeyGrants(context.Background(), secret)
	is.NoErr(err)
	is.Equal(userkit.KindOf(authz.Require(res.Context(context.Background()), permissions.UsersRead, permissions.PartnerScope(partner))), userkit.Forbidden)

	// Unknown keys are refused as ResolveKey refuses them.
	last := "A"
	if strings.HasSuffix(secret, last) {
		last = "B" // a different key, whatever the secret's last character
	}
	_, err = authz.ResolveKeyGrants(context.Background(), secret[:len(secret)-1]+last)
	is.Equal(userkit.KindOf(err), userkit.Unauthenticated)
}
