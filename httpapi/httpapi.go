package httpapi

import (
	"context"
	"net/http"

	"github.com/userkit/userkit/httpapi/admin"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/httpapi/solvexia"
	"github.com/userkit/userkit/httpapi/tyk"
	"github.com/userkit/userkit/httpapi/venuzle"
	"github.com/userkit/userkit/httpapi/whaly"
	"github.com/userkit/userkit/users"
)

// Services are the domain services the handlers call; see core.Services.
type Services = core.Services

// Options configures the handlers; nil means defaults. The fields: Logger,
// MaxBodyBytes (1 MiB), TokenSecret and TokenMaxAge (user API tokens),
// Authenticator (the host's own credentials), RateLimit (Whaly, 500 a
// minute), Clock, and Prefix (where Mount puts the APIs).
type Options = core.Options

// Authenticator lets a host map its own credentials to a principal.
type Authenticator = core.Authenticator

// AuthenticatorFunc adapts a function to Authenticator.
type AuthenticatorFunc = core.AuthenticatorFunc

// ErrNoCredential is what an Authenticator returns when the request holds
// none of its credentials, so that the bearer credential is tried next.
var ErrNoCredential = core.ErrNoCredential

// API names one of the mountable APIs.
type API string

// The APIs Mount registers, with their base paths below the prefix.
const (
	Solvexia API = "solvexia" // /api/v1/users…
	Venuzle  API = "venuzle"  // /api/internal/v1/partners/{partner_id}/users…
	Whaly    API = "whaly"    // /v1/partner-portals/{portalId}/users…
	Tyk      API = "tyk"      // /portal-api/…
	Admin    API = "admin"    // /admin/v1/…
)

// APIs lists every API in the order Mount registers them.
var APIs = []API{Solvexia, Venuzle, Whaly, Tyk, Admin}

var registers = map[API]func(*http.ServeMux, string, core.Services, *core.Options){
	Solvexia: solvexia.Register,
	Venuzle:  venuzle.Register,
	Whaly:    whaly.Register,
	Tyk:      tyk.Register,
	Admin:    admin.Register,
}

// Mount registers every API on mux under opts.Prefix ("" for the
// documented paths, or e.g. "/userkit" when the host's own routes would
// clash; a missing leading slash is added). To mount only some APIs, call
// their packages' Register functions. Mounting twice under the same prefix
// panics, as any duplicate ServeMux pattern does.
func Mount(mux *http.ServeMux, s Services, opts *Options) {
	var prefix string
	if opts != nil {
		prefix = opts.Prefix
	}
	for _, api := range APIs {
		registers[api](mux, prefix, s, opts)
	}
}

// Handler returns every API on a private mux, at the documented paths, for
// hosts that prefer mux.Handle("/userkit/", http.StripPrefix("/userkit", h)).
func Handler(s Services, opts *Options) http.Handler {
	mux := http.NewServeMux()
	var o Options
	if opts != nil {
		o = *opts
	}
	o.Prefix = ""
	Mount(mux, s, &o)
	return mux
}

// UserToken returns the user's API token (an HS256 JWT signed with secret),
// the credential the Tyk API shows as JWTToken. It stays valid until the
// user's token is rotated with users.Service.RotateToken.
func UserToken(secret []byte, u users.User) (string, error) {
	return core.IssueToken(secret, u)
}

// WithRequestID gives every request an id (in its context and in the
// X-Request-Id response header) unless an outer middleware already did.
// The handlers use it in error bodies and logs; a host's request logger
// can wrap inside it and read the id with RequestID.
func WithRequestID(h http.Handler) http.Handler { return core.WithRequestID(h) }

// RequestID returns the id WithRequestID gave the request, or "".
func RequestID(ctx context.Context) string { return core.RequestID(ctx) }
