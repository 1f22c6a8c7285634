package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
)

// Authenticator maps a request to a principal, so a host can plug in its
// own credentials (a session cookie, say). It returns ErrNoCredential when
// the request carries none of its credentials; the bearer credential is
// then tried. Any other error refuses the request as 401.
type Authenticator interface {
	Authenticate(r *http.Request) (permissions.Principal, error)
}

// AuthenticatorFunc adapts a function to Authenticator.
type AuthenticatorFunc func(r *http.Request) (permissions.Principal, error)

// Authenticate calls f(r).
func (f AuthenticatorFunc) Authenticate(r *http.Request) (permissions.Principal, error) { return f(r) }

// ErrNoCredential tells the handlers that an Authenticator found none of
// its credentials in the request.
var ErrNoCredential = errors.New("httpapi: no credential")

var errUnauthenticated = userkit.Errorf(userkit.Unauthenticated, "Unauthenticated")

// Credential returns the credential of the Authorization header: the token
// after "Bearer ", or, when raw is set (the Tyk-style API), the whole value.
func Credential(r *http.Request, raw bool) string {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	if raw {
		return h
	}
	return ""
}

// Authenticate resolves the request's principal: the host's Authenticator
// first, then a service-account key ("sk:…") or a user API token (an HS256
// JWT signed with Options.TokenSecret). Failures are Unauthenticated with
// one generic message, so a client learns nothing about which part failed;
// the reason is logged without the credential.
func (a *API) Authenticate(r *http.Request, raw bool) (permissions.Principal, error) {
	ctx := r.Context()
	if a.Opts.Authenticator != nil {
		p, err := a.Opts.Authenticator.Authenticate(r)
		switch {
		case err == nil && p.Kind != "":
			return p, nil
		case err != nil && !errors.Is(err, ErrNoCredential):
			// Only the error's type is logged: a host's error text might
			// quote the credential it could not accept.
			return a.refuse(ctx, r, fmt.Sprintf("host authenticator refused (%T)", err))
		}
	}
	cred := Credential(r, raw)
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
		slog.String("request_id", RequestID(ctx)),
		slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.String("reason", reason))
	return permissions.Principal{}, errUnauthenticated
}

// Authed wraps h so that it runs only for an authenticated request, with
// the principal in the request context. raw accepts a bare Authorization
// value (the Tyk style) besides "Bearer …".
func (a *API) Authed(raw bool, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.Authenticate(r, raw)
		if err != nil {
			a.Fail(w, r, err)
			return
		}
		h(w, r.WithContext(permissions.WithPrincipal(r.Context(), p)))
	})
}
