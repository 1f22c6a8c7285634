package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/google/uuid"
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
	res, err := a.resolve(r, style)
	return res.Principal, err
}

// keyResolver and tokenResolver are the methods that read a credential
// with its principal's grants in one statement (permissions.Service and
// users.Service have them); other implementations of the narrow
// interfaces are asked for the principal only.
type keyResolver interface {
	ResolveKeyGrants(ctx context.Context, secret string) (permissions.Resolved, error)
}

type tokenResolver interface {
	ResolveToken(ctx context.Context, id uuid.UUID, version int64) (permissions.Resolved, error)
}

// resolve is Principal with the grants read with the credential, when the
// services can read them in the same statement.
func (a *API) resolve(r *http.Request, style CredentialStyle) (permissions.Resolved, error) {
	ctx := r.Context()
	if a.Opts.Authenticator != nil {
		p, err := a.Opts.Authenticator.Authenticate(r)
		switch {
		case err == nil && p.Kind != "":
			return permissions.Resolved{Principal: p}, nil
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
		var (
			res permissions.Resolved
			err error
		)
		if kr, ok := a.Permissions.(keyResolver); ok {
			res, err = kr.ResolveKeyGrants(ctx, cred)
		} else {
			res.Principal, err = a.Permissions.ResolveKey(ctx, cred)
		}
		if err != nil {
			if userkit.KindOf(err) == userkit.Internal {
				return permissions.Resolved{}, err
			}
			return a.refuse(ctx, r, "unknown, revoked or expired key")
		}
		return res, nil
	default:
		res, err := a.verifyToken(ctx, cred)
		if err != nil {
			if userkit.KindOf(err) == userkit.Internal {
				return permissions.Resolved{}, err
			}
			return a.refuse(ctx, r, "invalid user token: "+userkit.MessageOf(err))
		}
		return res, nil
	}
}

func (a *API) refuse(ctx context.Context, r *http.Request, reason string) (permissions.Resolved, error) {
	a.Log.InfoContext(ctx, "authentication failed",
		slog.String("request_id", httpapi.RequestID(ctx)),
		slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.String("reason", reason))
	return permissions.Resolved{}, errUnauthenticated
}

// Middleware is a handler wrapped around another, applied once per route
// by Mount.
type Middleware func(http.Handler) http.Handler

// identity is the outcome of Identify: a principal or why there is none.
type identity struct {
	res permissions.Resolved
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
			res, err := a.resolve(r, style)
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), identityKey{}, identity{res, err})))
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
	return id.res.Principal, id.err
}

// Authenticated is middleware that answers the error Identify recorded, or
// runs next with the principal in the context.
func (a *API) Authenticated(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := r.Context().Value(identityKey{}).(identity)
		if !ok {
			id.err = errUnauthenticated
		}
		if id.err != nil {
			a.Fail(w, r, id.err)
			return
		}
		// The principal and, when read with the credential, its grants:
		// the services' permission checks then read no grants.
		next.ServeHTTP(w, r.WithContext(id.res.Context(r.Context())))
	})
}

// Authenticate is Identify followed by Authenticated: the middleware of an
// API whose every route needs a principal.
func (a *API) Authenticate(style CredentialStyle) Middleware {
	identify := a.Identify(style)
	return func(next http.Handler) http.Handler { return identify(a.Authenticated(next)) }
}
