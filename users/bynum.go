package users

import (
	"context"
	"errors"
	"iter"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
)

// UpdateByNum is Update for the user with the store-assigned number num.
// A number nobody has is NotFound only for callers who may update every
// user, Forbidden for others (permissions.Service.Conceal).
func (s *Service) UpdateByNum(ctx context.Context, num int64, p UpdateParams) (User, error) {
	rec, err := s.store.GetUserByNum(ctx, num)
	if err != nil {
		return User{}, s.authz.Conceal(ctx, permissions.UsersUpdate, err)
	}
	return s.Update(ctx, rec.ID, p)
}

// TokenSigner turns a user (ID, TokenVersion, APITokenCreatedAt) into
// the API token a client presents; httpapi.UserToken with the host's
// secret is one. The secret stays with the signer.
type TokenSigner func(User) (string, error)

var errNoSigner = userkit.Errorf(userkit.Internal, "no token signer configured")

// MintToken rotates the user's API token (RotateToken: earlier tokens
// stop working) and returns the user with the new token signed by sign.
// It needs the user themself or users.update on the user's managing
// scope, with no escalation (permissions.Service.RequireOnUser): a partner
// that merely has the user as a member cannot mint their token. A nil
// sign is Internal and rotates nothing, so a host without a secret does
// not revoke a token it cannot replace.
func (s *Service) MintToken(ctx context.Context, id uuid.UUID, sign TokenSigner) (User, string, error) {
	if sign == nil {
		return User{}, "", errNoSigner
	}
	u, err := s.RotateToken(ctx, id)
	if err != nil {
		return User{}, "", err
	}
	tok, err := sign(u)
	if err != nil {
		return User{}, "", err
	}
	return u, tok, nil
}

// errBadToken is every refusal of PrincipalForToken: one answer, so a
// client learns nothing about which check failed.
var errBadToken = userkit.Errorf(userkit.Unauthenticated, "invalid token")

// PrincipalForToken returns the principal of a user API token whose
// signature the caller has verified: the user id and token version it
// carries. The user must exist, be active and still have that token
// version (RotateToken revokes earlier ones); anything else is
// Unauthenticated. It is authentication, so it checks no permission and
// needs no principal in ctx.
func (s *Service) PrincipalForToken(ctx context.Context, id uuid.UUID, version int64) (permissions.Principal, error) {
	rec, err := s.store.GetUser(ctx, id)
	if errors.Is(err, userkit.ErrNotFound) {
		return permissions.Principal{}, errBadToken
	}
	if err != nil {
		return permissions.Principal{}, err
	}
	if rec.Status != string(StatusActive) || rec.TokenVersion != version {
		return permissions.Principal{}, errBadToken
	}
	return permissions.UserPrincipal(rec.ID), nil
}

// ListAllPageSize is ListAll's page size when ListParams.Limit is 0: large
// enough that a page costs little per user, small enough that one page
// in memory stays small.
const ListAllPageSize = 500

// ListAll yields every user matching p, in ID order, reading keyset pages
// of p.Limit users (0 means ListAllPageSize) one at a time as the loop
// asks for them, so that memory does not grow with the number of users.
// Each page is a List call (permission checked); an error ends the
// sequence with that error. p.After starts after that cursor; p.Page and
// p.Total are ignored.
func (s *Service) ListAll(ctx context.Context, p ListParams) iter.Seq2[User, error] {
	return func(yield func(User, error) bool) {
		q := p
		q.Page, q.Total = 0, false
		if q.Limit <= 0 {
			q.Limit = ListAllPageSize
		}
		for {
			page, err := s.List(ctx, q)
			if err != nil {
				yield(User{}, err)
				return
			}
			for _, u := range page.Items {
				if !yield(u, nil) {
					return
				}
			}
			if page.Next == "" || page.Next == q.After || len(page.Items) == 0 {
				return
			}
			q.After = page.Next
		}
	}
}

// ResolveToken is PrincipalForToken that also returns the user's grants,
// read with the user in one statement when the store implements
// storage.CredentialReader; the context of the result carries both, so
// the request's permission checks read no grants.
func (s *Service) ResolveToken(ctx context.Context, id uuid.UUID, version int64) (permissions.Resolved, error) {
	cr, ok := s.store.(storage.CredentialReader)
	if !ok {
		p, err := s.PrincipalForToken(ctx, id, version)
		return permissions.Resolved{Principal: p}, err
	}
	rec, grants, err := cr.UserWithGrants(ctx, id)
	if errors.Is(err, userkit.ErrNotFound) {
		return permissions.Resolved{}, errBadToken
	}
	if err != nil {
		return permissions.Resolved{}, err
	}
	if rec.Status != string(StatusActive) || rec.TokenVersion != version {
		return permissions.Resolved{}, errBadToken
	}
	return permissions.ResolvedWith(permissions.UserPrincipal(rec.ID), grants), nil
}
