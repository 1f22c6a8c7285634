package core

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/users"
)

// Services are the domain services the handlers call. Every field must be
// set; all four share one store.
type Services struct {
	Users       *users.Service
	Partners    *partners.Service
	Portals     *portals.Service
	Permissions *permissions.Service
}

// DefaultMaxBodyBytes limits request bodies when Options.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 1 << 20

// DefaultRateLimit is the Whaly-style per-key limit, in requests a minute.
const DefaultRateLimit = 500

// Options configures the handlers. A nil *Options means defaults.
type Options struct {
	// Logger receives internal errors and auth failures (never secrets).
	// nil means slog.Default().
	Logger *slog.Logger
	// MaxBodyBytes limits every request body; 0 means 1 MiB.
	MaxBodyBytes int64
	// TokenSecret signs and verifies user API tokens (HS256 JWTs). With no
	// secret, user tokens are neither issued nor accepted.
	TokenSecret []byte
	// TokenMaxAge, when positive, refuses user API tokens issued longer
	// ago than this (a token is issued when the user's token is rotated, or
	// at the user's creation). Zero means tokens live until rotated.
	TokenMaxAge time.Duration
	// Authenticator, when set, is asked first for every request; it lets a
	// host map its own credentials (a session cookie, say) to a principal.
	Authenticator Authenticator
	// RateLimit is the per-credential limit of the Whaly API in requests a
	// minute; 0 means 500, a negative value turns limiting off.
	RateLimit int
	// Clock is used for rate-limit windows; nil means time.Now.
	Clock userkit.Clock
	// Prefix is where httpapi.Mount puts every API ("" = the documented
	// paths). The per-API Register functions take their prefix directly.
	Prefix string
}

func (o *Options) logger() *slog.Logger {
	if o == nil || o.Logger == nil {
		return slog.Default()
	}
	return o.Logger
}

func (o *Options) maxBody() int64 {
	if o == nil || o.MaxBodyBytes <= 0 {
		return DefaultMaxBodyBytes
	}
	return o.MaxBodyBytes
}

// API bundles what one API package needs; each Register builds one.
type API struct {
	Services
	Opts *Options
	Log  *slog.Logger
	// Errors writes this API's error body.
	Errors ErrorWriter
}

// New returns the API for the given services and options (nil = defaults).
func New(s Services, opts *Options, errw ErrorWriter) *API {
	if opts == nil {
		opts = &Options{}
	}
	return &API{Services: s, Opts: opts, Log: opts.logger(), Errors: errw}
}

// StatusOf is the one table mapping error kinds to HTTP status codes. An
// API whose documents use 422 for validation errors passes its own status
// for Invalid through ErrorWriter.
func StatusOf(k userkit.Kind) int {
	switch k {
	case userkit.Invalid:
		return http.StatusBadRequest
	case userkit.NotFound:
		return http.StatusNotFound
	case userkit.Conflict:
		return http.StatusConflict
	case userkit.Unauthenticated:
		return http.StatusUnauthorized
	case userkit.Forbidden:
		return http.StatusForbidden
	case userkit.PreconditionFailed:
		return http.StatusPreconditionFailed
	case userkit.TooManyRequests:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// Prefix normalises a mount prefix: "" stays "", a trailing slash goes and
// a missing leading slash is added, since ServeMux would read
// "userkit/api/…" as a pattern for the host "userkit".
func Prefix(prefix string) string {
	prefix = strings.TrimSuffix(prefix, "/")
	if prefix != "" && !strings.HasPrefix(prefix, "/") {
		prefix = "/" + prefix
	}
	return prefix
}
