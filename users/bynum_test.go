package users_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/users"
)

// TestMintToken: MintToken rotates and signs in one call; without a
// signer it rotates nothing.
func TestMintToken(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	svc, ctx := newTestService(t)
	u, err := svc.Create(ctx, users.CreateParams{Email: "ada@example.com", FirstName: "Ada", LastName: "L"})
	is.NoErr(err)
	_, _, err = svc.MintToken(ctx, u.ID, nil)
	is.Equal(userkit.KindOf(err), userkit.Internal) // no signer
	got, err := svc.Get(ctx, u.ID)
	is.NoErr(err)
	is.Equal(got.TokenVersion, u.TokenVersion) // nothing rotated
	var signed users.User
	m, tok, err := svc.MintToken(ctx, u.ID, func(u users.User) (string, error) { signed = u; return "tok", nil })
	is.NoErr(err)
	is.Equal(tok, "tok")
	is.Equal(m.TokenVersion, u.TokenVersion+1) // rotated
	is.Equal(signed.TokenVersion, m.TokenVersion)
	boom := errors.New("boom")
	_, _, err = svc.MintToken(ctx, u.ID, func(users.User) (string, error) { return "", boom })
	is.True(errors.Is(err, boom)) // a signer's error is returned
}

// TestPrincipalForToken: only an active user with the token's version.
func TestPrincipalForToken(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	svc, ctx := newTestService(t)
	u, err := svc.Create(ctx, users.CreateParams{Email: "ada@example.com", FirstName: "Ada", LastName: "L"})
	is.NoErr(err)
	p, err := svc.PrincipalForToken(ctx, u.ID, u.TokenVersion)
	is.NoErr(err)
	is.Equal(p, permissions.UserPrincipal(u.ID))
	_, err = svc.PrincipalForToken(ctx, u.ID, u.TokenVersion+1)
	is.Equal(userkit.KindOf(err), userkit.Unauthenticated) // another version
	_, err = svc.PrincipalForToken(ctx, uuid.New(), 0)
	is.Equal(userkit.KindOf(err), userkit.Unauthenticated) // nobody
	st := users.StatusSuspended
	_, err = svc.Update(ctx, u.ID, users.UpdateParams{Status: &st})
	is.NoErr(err)
	_, err = svc.PrincipalForToken(ctx, u.ID, u.TokenVersion)
	is.Equal(userkit.KindOf(err), userkit.Unauthenticated) // suspended
}

// TestUpdateByNumConceals: an unknown number is NotFound only for callers
// who may update every user.
func TestUpdateByNumConceals(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	svc, ctx := newTestService(t)
	name := "X"
	_, err := svc.UpdateByNum(ctx, 999, users.UpdateParams{FirstName: &name})
	is.Equal(userkit.KindOf(err), userkit.NotFound)
}

func newTestService(t *testing.T) (*users.Service, context.Context) {
	t.Helper()
	e := newEnv(t, nil)
	return e.us, e.sys
}
