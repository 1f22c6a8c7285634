package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/permissions"
)

// CredentialStyle says where an API reads its credential from.
type CredentialStyle uint8

const (
	// BearerOnly reads "Authorization: Bearer <credential>".
	BearerOnly CredentialStyle = iota
	// BearerOrRaw also takes the bare Authorization value, as the Tyk
	// portal does.
	BearerOrRaw
)

var errUnauthenticated = userkit.Errorf(userkit.Unauthenticated, "Unauthenticated")

// Credential returns the credential of the Authorization header: the token
// after "Bearer ", or, for BearerOrRaw, the whole value.
func Credential(r *http.Request, style CredentialStyle) string {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	if style == BearerOrRaw {
		return h
	}
	return ""
}

// Principal resolves the request's principal: the host's Authenticator
// first, then a service-account key ("sk:…") or a user API token (an HS256
// JWT signed with Options.TokenSecret). Failures are Unauthenticated with
// one generic message, so a client learns nothing about which part failed;
// the reason is logged without the credential.
func (a *API) Principal(r *http.Request, style CredentialStyle) (permissions.Principal, error) {
	ctx := r.Context()
	if a.Opts.Authenticator != nil {
		p, err := a.Opts.Authenticator.Authenticate(r)
		switch {
		case err == nil && p.Kind != "":
			return p, nil
		case err != nil && !errors.Is(err, httpapi.ErrNoCredential):
			// Only the error's type is logged: a host's error text might
			// quote the credential it could not accept.
			return a.refuse(ctx, r, fmt.Sprintf("host authenticator refused (%T)", err))
		}
	}
	cred := Credential(r, style)
	switch {
	case cred == "":
		return a.refuse(ctx, r, "no credential")
	case strings.HasPrefix(cred, "sk:"):
		p, err := a.Permissions.ResolveKey(ctx, cred)
		if err != nil {
			if userkit.KindOf(err) == userkit.Internal {
				return permissions.Principal{}, err
			}
			return a.refuse(ctx, r, "unknown, revoked or expired key")
		}
		return p, nil
	default:
		p, err := a.verifyToken(ctx, cred)
		if err != nil {
			if userkit.KindOf(err) == userkit.Internal {
				return permissions.Principal{}, err
			}
			return a.refuse(ctx, r, "invalid user token: "+userkit.MessageOf(err))
		}
		return p, nil
	}
}

func (a *API) refuse(ctx context.Context, r *http.Request, reason string) (permissions.Principal, error) {
	a.Log.InfoContext(ctx, "authentication failed",
		slog.String("request_id", httpapi.RequestID(ctx)),
		slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.String("reason", reason))
	return permissions.Principal{}, errUnauthenticated
}

// Middleware is a handler wrapped around another, applied once per route
// by Mount.
type Middleware func(http.Handler) http.Handler

// identity is the outcome of Identify: a principal or why there is none.
type identity struct {
	p   permissions.Principal
	err error
}

type identityKey struct{}

// Identify is middleware that resolves the request's principal and
// records the outcome, principal or error, for Identity; it never answers
// by itself. Middleware that must run before an unauthenticated request is
// refused (a rate limit keyed by principal) sits between Identify and
// Authenticated.
func (a *API) Identify(style CredentialStyle) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, err := a.Principal(r, style)
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), identityKey{}, identity{p, err})))
		})
	}
}

// Identity returns what Identify found: the principal, or the error that
// refuses the request. Without Identify it is Unauthenticated.
func Identity(ctx context.Context) (permissions.Principal, error) {
	id, ok := ctx.Value(identityKey{}).(identity)
	if !ok {
		return permissions.Principal{}, errUnauthenticated
	}
	return id.p, id.err
}

// Authenticated is middleware that answers the error Identify recorded, or
// runs next with the principal in the context.
func (a *API) Authenticated(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := Identity(r.Context())
		if err != nil {
			a.Fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(permissions.WithPrincipal(r.Context(), p)))
	})
}

// Authenticate is Identify followed by Authenticated: the middleware of an
// API whose every route needs a principal.
func (a *API) Authenticate(style CredentialStyle) Middleware {
	identify := a.Identify(style)
	return func(next http.Handler) http.Handler { return identify(a.Authenticated(next)) }
}
