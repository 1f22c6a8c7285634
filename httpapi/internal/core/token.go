package core

import (
	"context"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
)

// tokenClaims are the claims httpapi.UserToken signs: the user id as
// subject, the issue time, and the user's token version.
type tokenClaims struct {
	jwt.RegisteredClaims
	Ver int64 `json:"ver"`
}

var errBadToken = userkit.Errorf(userkit.Unauthenticated, "invalid token")

// verifyToken checks a user API token's signature and age, and returns
// the user's principal from users.Service.PrincipalForToken, which checks
// that the user exists, is active and still has the token's version.
func (a *API) verifyToken(ctx context.Context, tok string) (permissions.Resolved, error) {
	secret := a.Opts.TokenSecret
	if len(secret) == 0 {
		return permissions.Resolved{}, errBadToken
	}
	var claims tokenClaims
	// Strict base64: a token whose last character differs only in unused
	// trailing bits is another string, and is refused (found by
	// FuzzAuthorization*: the lenient decoder accepted it as the token).
	_, err := jwt.ParseWithClaims(tok, &claims, func(*jwt.Token) (any, error) { return secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithStrictDecoding())
	if err != nil {
		return permissions.Resolved{}, errBadToken
	}
	id, err := uuid.Parse(claims.Subject)
	if err != nil {
		return permissions.Resolved{}, errBadToken
	}
	if maxAge := a.Opts.TokenMaxAge; maxAge > 0 {
		if claims.IssuedAt == nil || a.Opts.Clock.Now().Sub(claims.IssuedAt.Time) > maxAge {
			return permissions.Resolved{}, errBadToken // expired: rotate the token
		}
	}
	// The user must exist, be active and still have the token's version:
	// the users service decides, with no principal needed.
	if tr, ok := a.Users.(tokenResolver); ok {
		return tr.ResolveToken(ctx, id, claims.Ver)
	}
	p, err := a.Users.PrincipalForToken(ctx, id, claims.Ver)
	return permissions.Resolved{Principal: p}, err
}
