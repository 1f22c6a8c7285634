package core

import (
	"context"
	"errors"
	"strconv"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/users"
)

// tokenClaims are the claims of a user API token. Ver is the user's token
// version: rotating it (users.Service.RotateToken) revokes every token
// issued before.
type tokenClaims struct {
	jwt.RegisteredClaims
	Ver int64 `json:"ver"`
}

// IssueToken returns the user's API token: an HS256 JWT over the user id
// and token version, signed with secret. It is deterministic, so the token
// shown for a user stays the same until the version is rotated; nothing
// about it is stored.
func IssueToken(secret []byte, u users.User) (string, error) {
	if len(secret) == 0 {
		return "", userkit.Errorf(userkit.Internal, "no token secret configured")
	}
	issued := u.CreatedAt
	if u.APITokenCreatedAt != nil {
		issued = *u.APITokenCreatedAt
	}
	claims := tokenClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:  u.ID.String(),
			IssuedAt: jwt.NewNumericDate(issued),
			ID:       strconv.FormatInt(u.TokenVersion, 10),
		},
		Ver: u.TokenVersion,
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(secret)
}

var errBadToken = userkit.Errorf(userkit.Unauthenticated, "invalid token")

// verifyToken checks a user API token and returns the user's principal. The
// user must exist, be active and still have the token's version.
func (a *API) verifyToken(ctx context.Context, tok string) (permissions.Principal, error) {
	secret := a.Opts.TokenSecret
	if len(secret) == 0 {
		return permissions.Principal{}, errBadToken
	}
	var claims tokenClaims
	_, err := jwt.ParseWithClaims(tok, &claims, func(*jwt.Token) (any, error) { return secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}))
	if err != nil {
		return permissions.Principal{}, errBadToken
	}
	id, err := uuid.Parse(claims.Subject)
	if err != nil {
		return permissions.Principal{}, errBadToken
	}
	u, err := a.Users.Get(permissions.WithPrincipal(ctx, permissions.System), id)
	if err != nil {
		if errors.Is(err, userkit.ErrNotFound) {
			return permissions.Principal{}, errBadToken
		}
		return permissions.Principal{}, err
	}
	if u.Status != users.StatusActive || u.TokenVersion != claims.Ver {
		return permissions.Principal{}, errBadToken
	}
	if maxAge := a.Opts.TokenMaxAge; maxAge > 0 {
		if claims.IssuedAt == nil || a.Opts.Clock.Now().Sub(claims.IssuedAt.Time) > maxAge {
			return permissions.Principal{}, errBadToken // expired: rotate the token
		}
	}
	return permissions.UserPrincipal(u.ID), nil
}
