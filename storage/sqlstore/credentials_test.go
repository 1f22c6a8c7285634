package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/sqlcount"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
)

// A credential is read with its principal's grants in one statement
// (issue 9), with no grant, one or several, and a miss is NotFound.
func TestCredentialWithGrantsInOneStatement(t *testing.T) {
	t.Parallel()
	for _, tg := range []sqltest.Target{sqltest.SQLiteTarget, sqltest.PostgresTarget} {
		t.Run(tg.Name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			ctx := context.Background()
			s, _ := tg.CountedStore(t)
			now := time.Now().UTC().Truncate(time.Microsecond)
			ids := loadUsers(t, s, 2)
			sa := storage.ServiceAccountRecord{ID: uuid.Must(uuid.NewV7()), Name: "sync", CreatedAt: now, UpdatedAt: now, Version: 1}
			is.NoErr(s.CreateServiceAccount(ctx, &sa))
			key := storage.APIKeyRecord{ID: uuid.Must(uuid.NewV7()), ServiceAccountID: sa.ID, Prefix: "abcdefgh", Hash: []byte("0123456789abcdef0123456789abcdef"), CreatedAt: now}
			is.NoErr(s.CreateAPIKey(ctx, &key))

			sctx, n := sqlcount.Scope(ctx)
			got, grants, err := s.APIKeyWithGrants(sctx, key.Hash)
			is.NoErr(err)
			is.Equal(got.ID, key.ID)
			is.Equal(len(grants), 0)           // no grant yet
			is.Equal(n.Statements(), int64(1)) // one statement

			var want []storage.GrantRecord
			for _, g := range []storage.GrantRecord{
				{Action: "users.read", ScopeKind: storage.ScopePartner, ScopeID: uuid.Must(uuid.NewV7())},
				{Action: "*", ScopeKind: storage.ScopeAll},
			} {
				g.ID, g.PrincipalID, g.CreatedAt = uuid.Must(uuid.NewV7()), sa.ID, now
				is.NoErr(s.AddGrant(ctx, &g))
				want = append(want, g)
			}
			sctx, n = sqlcount.Scope(ctx)
			got, grants, err = s.APIKeyWithGrants(sctx, key.Hash)
			is.NoErr(err)
			is.Equal(got.ServiceAccountID, sa.ID)
			is.Equal(grants, want)
			is.Equal(n.Statements(), int64(1))
			plain, err := s.GrantsOf(ctx, sa.ID)
			is.NoErr(err)
			is.Equal(grants, plain) // the same grants GrantsOf reads

			_, _, err = s.APIKeyWithGrants(ctx, []byte("no such hash, no such hash 12345"))
			is.True(errors.Is(err, userkit.ErrNotFound))

			g := storage.GrantRecord{ID: uuid.Must(uuid.NewV7()), PrincipalID: ids[0], Action: "users.read", ScopeKind: storage.ScopeAll, CreatedAt: now}
			is.NoErr(s.AddGrant(ctx, &g))
			sctx, n = sqlcount.Scope(ctx)
			u, grants, err := s.UserWithGrants(sctx, ids[0])
			is.NoErr(err)
			is.Equal(u.ID, ids[0])
			is.Equal(grants, []storage.GrantRecord{g})
			is.Equal(n.Statements(), int64(1))
			u, grants, err = s.UserWithGrants(ctx, ids[1])
			is.NoErr(err)
			is.Equal(u.ID, ids[1])
			is.Equal(len(grants), 0)
			_, _, err = s.UserWithGrants(ctx, uuid.Must(uuid.NewV7()))
			is.True(errors.Is(err, userkit.ErrNotFound))
		})
	}
}
