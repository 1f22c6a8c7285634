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

// A user is read with the partners and portals they belong to in one
// statement: each scope once, a portal with its owning partner, a partner
// with its number.
func TestUserWithScopesInOneStatement(t *testing.T) {
	t.Parallel()
	for _, tg := range []sqltest.Target{sqltest.SQLiteTarget, sqltest.PostgresTarget} {
		t.Run(tg.Name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			ctx := context.Background()
			s, _ := tg.CountedStore(t)
			now := time.Now().UTC().Truncate(time.Microsecond)
			ids := loadUsers(t, s, 2)
			var partners []storage.PartnerRecord
			for _, name := range []string{"A", "B"} {
				p := storage.PartnerRecord{ID: uuid.Must(uuid.NewV7()), Name: name, CreatedAt: now, UpdatedAt: now, Version: 1}
				is.NoErr(s.CreatePartner(ctx, &p))
				is.NoErr(s.AddPartnerMember(ctx, storage.PartnerMemberRecord{PartnerID: p.ID, UserID: ids[0], CreatedAt: now}))
				got, err := s.GetPartner(ctx, p.ID)
				is.NoErr(err)
				partners = append(partners, got)
			}
			portal := storage.PortalRecord{ID: uuid.Must(uuid.NewV7()), PartnerID: partners[1].ID, Name: "P", TechnicalName: "p", CreatedAt: now, UpdatedAt: now, Version: 1}
			is.NoErr(s.CreatePortal(ctx, &portal))
			role := storage.PortalRoleRecord{ID: uuid.Must(uuid.NewV7()), PortalID: portal.ID, Name: "r", CreatedAt: now}
			is.NoErr(s.CreatePortalRole(ctx, &role))
			is.NoErr(s.AddPortalMember(ctx, &storage.PortalMemberRecord{ID: uuid.Must(uuid.NewV7()), PortalID: portal.ID, UserID: ids[0],
				RoleIDs: []uuid.UUID{role.ID}, CreatedAt: now, UpdatedAt: now, Version: 1}))

			sctx, n := sqlcount.Scope(ctx)
			u, scopes, err := s.UserWithScopes(sctx, ids[0])
			is.NoErr(err)
			is.Equal(n.Statements(), int64(1)) // one statement
			is.Equal(u.ID, ids[0])
			want := map[storage.UserScope]bool{
				{Kind: storage.ScopePartner, ID: partners[0].ID, Num: partners[0].Num}: true,
				{Kind: storage.ScopePartner, ID: partners[1].ID, Num: partners[1].Num}: true,
				{Kind: storage.ScopePortal, ID: portal.ID, Owner: partners[1].ID}:      true,
			}
			is.Equal(len(scopes), len(want)) // each scope once
			for _, sc := range scopes {
				is.True(want[sc]) // a scope of the user
			}
			byNum, scopes2, err := s.UserByNumWithScopes(ctx, u.Num)
			is.NoErr(err)
			is.Equal(byNum, u)
			is.Equal(len(scopes2), 3)

			u, scopes, err = s.UserWithScopes(ctx, ids[1])
			is.NoErr(err)
			is.Equal(u.ID, ids[1])
			is.Equal(len(scopes), 0) // in no scope
			_, _, err = s.UserByNumWithScopes(ctx, 1<<40)
			is.True(errors.Is(err, userkit.ErrNotFound))
		})
	}
}
