package httpapi

import (
	"strconv"

	"github.com/golang-jwt/jwt/v5"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/users"
)

// tokenClaims are the claims of a user API token. Ver is the user's token
// version: rotating it (users.Service.RotateToken) revokes every token
// issued before.
type tokenClaims struct {
	jwt.RegisteredClaims
	Ver int64 `json:"ver"`
}

// UserToken returns the user's API token (an HS256 JWT over the user id
// and token version, signed with secret), the credential the Tyk API shows
// as JWTToken. It is deterministic, so the token shown for a user stays the
// same until it is rotated with users.Service.RotateToken; nothing about
// it is stored.
func UserToken(secret []byte, u users.User) (string, error) {
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
