package console

import (
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/ratelimit"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// Users is what the console needs of *users.Service.
type Users interface {
	Authenticate(ctx context.Context, email, password string) (users.User, error)
	Get(ctx context.Context, id uuid.UUID) (users.User, error)
	IsAdmin(ctx context.Context, id uuid.UUID) (bool, error)
	List(ctx context.Context, p users.ListParams) (userkit.Page[users.User], error)
	Create(ctx context.Context, p users.CreateParams) (users.User, error)
	Update(ctx context.Context, id uuid.UUID, p users.UpdateParams) (users.User, error)
	SetPassword(ctx context.Context, id uuid.UUID, password string) error
}

// Partners is what the console needs of *partners.Service.
type Partners interface {
	List(ctx context.Context, p userkit.PageRequest) (userkit.Page[partners.Partner], error)
	Get(ctx context.Context, id uuid.UUID) (partners.Partner, error)
	Create(ctx context.Context, p partners.CreateParams) (partners.Partner, error)
	ListTeams(ctx context.Context, partnerID uuid.UUID) ([]partners.Team, error)
	CreateTeam(ctx context.Context, partnerID uuid.UUID, p partners.TeamParams) (partners.Team, error)
	AddUser(ctx context.Context, partnerID uuid.UUID, p users.CreateParams) (users.User, bool, error)
	RemoveUser(ctx context.Context, partnerID, userID uuid.UUID) (bool, error)
	PartnersOf(ctx context.Context, userID uuid.UUID) ([]partners.Partner, error)
}

// Portals is what the console needs of *portals.Service.
type Portals interface {
	List(ctx context.Context, partnerID uuid.UUID, p userkit.PageRequest) (userkit.Page[portals.Portal], error)
	Get(ctx context.Context, id uuid.UUID) (portals.Portal, error)
	Create(ctx context.Context, p portals.CreateParams) (portals.Portal, error)
	ListRoles(ctx context.Context, portalID uuid.UUID) ([]portals.Role, error)
	CreateRole(ctx context.Context, portalID uuid.UUID, p portals.RoleParams) (portals.Role, error)
	ListAttributes(ctx context.Context, portalID uuid.UUID) ([]portals.Attribute, error)
	CreateAttribute(ctx context.Context, portalID uuid.UUID, p portals.AttributeParams) (portals.Attribute, error)
}

// Permissions is what the console needs of *permissions.Service.
type Permissions interface {
	ResolveKeyID(ctx context.Context, secret string) (permissions.Principal, uuid.UUID, error)
	KeyActive(ctx context.Context, keyID uuid.UUID) (bool, error)
	GrantsOf(ctx context.Context, principalID uuid.UUID) ([]permissions.Grant, error)
	MayOnUser(ctx context.Context, action permissions.Action, userID uuid.UUID) (bool, error)
	GetServiceAccount(ctx context.Context, id uuid.UUID) (permissions.ServiceAccount, error)
	ListServiceAccounts(ctx context.Context, p userkit.PageRequest) (userkit.Page[permissions.ServiceAccount], error)
	CreateServiceAccount(ctx context.Context, p permissions.ServiceAccountParams) (permissions.ServiceAccount, error)
	ListKeys(ctx context.Context, serviceAccountID uuid.UUID) ([]permissions.Key, error)
	CreateKey(ctx context.Context, serviceAccountID uuid.UUID, p permissions.KeyParams) (permissions.Key, string, error)
	RevokeKey(ctx context.Context, keyID uuid.UUID) error
	ListEvents(ctx context.Context, f storage.EventFilter, p userkit.PageRequest) (userkit.Page[permissions.Event], error)
}

// Services are the four userkit services the console calls. All must be
// set; the concrete *users.Service, *partners.Service, *portals.Service and
// *permissions.Service satisfy the interfaces.
type Services struct {
	Users       Users
	Partners    Partners
	Portals     Portals
	Permissions Permissions
}

// Options configure the console; nil means defaults.
type Options struct {
	// Prefix is the path the browser sees the console under, for example
	// "/console". Links, redirects and the cookie path use it. Requests
	// may arrive with the prefix (mux.Handle("/console/", h)) or without
	// it (http.StripPrefix); both work.
	Prefix string
	// Sessions holds the signed-in sessions; nil means in memory (one
	// process). A fleet of instances shares one store.
	Sessions SessionStore
	// IdleTimeout ends a session not used for this long; 0 means 30 minutes.
	IdleTimeout time.Duration
	// MaxAge ends a session this long after sign-in; 0 means 12 hours.
	MaxAge time.Duration
	// SecureCookies marks cookies Secure even when the request did not
	// arrive over TLS (behind a TLS-terminating proxy). Over TLS they are
	// always Secure.
	SecureCookies bool
	// Secret keys the HMAC of the sign-in form's CSRF token; nil means a
	// random secret per process. Instances behind one load balancer
	// without sticky sessions need the same secret.
	Secret []byte
	// Logger receives internal errors (never secrets); nil means
	// slog.Default().
	Logger *slog.Logger
	// Clock gives the time for session timeouts; nil means time.Now.
	Clock userkit.Clock
	// PageSize is how many rows a list page shows; 0 means 50.
	PageSize int
	// SignInLimiter limits sign-in attempts per client address and per
	// email (keys "console-signin:addr:<ip>" and
	// "console-signin:email:<email>"); a refused attempt is answered 429
	// with Retry-After. nil means ratelimit.NewLocal(10, …): 10 attempts
	// a minute per key in this process. A fleet shares one limit with
	// ratelimit.NewRedis. The client address is the connection's
	// (Request.RemoteAddr): behind a proxy, set RemoteAddr from the
	// proxy's trusted header before the console sees the request.
	SignInLimiter ratelimit.Limiter
}

// DefaultSignInsPerMinute is the default limit of sign-in attempts per
// client address and per email.
const DefaultSignInsPerMinute = 10

// Console is the console's http.Handler.
type Console struct {
	svc      Services
	prefix   string
	sessions SessionStore
	idle     time.Duration
	maxAge   time.Duration
	secure   bool
	secret   []byte
	log      *slog.Logger
	now      userkit.Clock
	pageSize int
	signIns  ratelimit.Limiter
	pages    *pages
	mux      *http.ServeMux
	handler  http.Handler
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// New returns the console over svc. opts may be nil.
func New(svc Services, opts *Options) *Console {
	var o Options
	if opts != nil {
		o = *opts
	}
	c := &Console{
		svc:      svc,
		prefix:   strings.TrimRight(o.Prefix, "/"),
		sessions: o.Sessions,
		idle:     o.IdleTimeout,
		maxAge:   o.MaxAge,
		secure:   o.SecureCookies,
		secret:   o.Secret,
		log:      o.Logger,
		now:      o.Clock,
		pageSize: o.PageSize,
		signIns:  o.SignInLimiter,
	}
	if c.prefix != "" && !strings.HasPrefix(c.prefix, "/") {
		c.prefix = "/" + c.prefix
	}
	if c.sessions == nil {
		c.sessions = NewMemorySessions()
	}
	if c.idle <= 0 {
		c.idle = 30 * time.Minute
	}
	if c.maxAge <= 0 {
		c.maxAge = 12 * time.Hour
	}
	if len(c.secret) == 0 {
		c.secret = make([]byte, 32)
		_, _ = rand.Read(c.secret)
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.pageSize <= 0 {
		c.pageSize = 50
	}
	if c.signIns == nil {
		c.signIns = ratelimit.NewLocal(DefaultSignInsPerMinute, &ratelimit.Options{Clock: c.now})
	}
	c.pages = parsePages(c.prefix)
	c.routes()
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.renderError(w, r, nil, http.StatusForbidden, "This form was sent from another site, so it was refused.")
	}))
	c.handler = securityHeaders(cop.Handler(c.mux))
	return c
}

// ServeHTTP serves the console. A request path that still carries the
// prefix has it removed first.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if c.prefix != "" && (r.URL.Path == c.prefix || strings.HasPrefix(r.URL.Path, c.prefix+"/")) {
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path = strings.TrimPrefix(r.URL.Path, c.prefix)
		u.RawPath = ""
		r2.URL = &u
		r = r2
	}
	if r.URL.Path == "" {
		r.URL.Path = "/"
	}
	c.handler.ServeHTTP(w, r)
}

// csp is the Content-Security-Policy of every response: only this origin's
// files, no inline script or style, no framing, forms post only here.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", csp)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}

func (c *Console) routes() {
	m := http.NewServeMux()
	c.mux = m
	m.Handle("GET /assets/", c.assets())
	m.HandleFunc("GET /signin", c.signInPage)
	m.HandleFunc("POST /signin", c.signIn)
	m.HandleFunc("POST /signout", c.authed(c.signOut))
	m.HandleFunc("GET /{$}", c.authed(c.home))

	m.HandleFunc("GET /users", c.authed(c.listUsers))
	m.HandleFunc("GET /users/new", c.authed(c.newUser))
	m.HandleFunc("POST /users/new", c.authed(c.createUser))
	m.HandleFunc("GET /users/{id}", c.authed(c.showUser))
	m.HandleFunc("POST /users/{id}", c.authed(c.updateUser))
	m.HandleFunc("POST /users/{id}/status", c.authed(c.setUserStatus))
	m.HandleFunc("POST /users/{id}/password", c.authed(c.resetPassword))
	m.HandleFunc("POST /users/{id}/partners", c.authed(c.attachUser))
	m.HandleFunc("POST /users/{id}/partners/{pid}/detach", c.authed(c.detachUser))

	m.HandleFunc("GET /partners", c.authed(c.listPartners))
	m.HandleFunc("POST /partners", c.authed(c.createPartner))
	m.HandleFunc("GET /partners/{id}", c.authed(c.showPartner))
	m.HandleFunc("POST /partners/{id}/teams", c.authed(c.createTeam))

	m.HandleFunc("GET /portals", c.authed(c.listPortals))
	m.HandleFunc("POST /portals", c.authed(c.createPortal))
	m.HandleFunc("GET /portals/{id}", c.authed(c.showPortal))
	m.HandleFunc("POST /portals/{id}/roles", c.authed(c.createRole))
	m.HandleFunc("POST /portals/{id}/attributes", c.authed(c.createAttribute))

	m.HandleFunc("GET /service-accounts", c.authed(c.listServiceAccounts))
	m.HandleFunc("POST /service-accounts", c.authed(c.createServiceAccount))
	m.HandleFunc("GET /service-accounts/{id}", c.authed(c.showServiceAccount))
	m.HandleFunc("POST /service-accounts/{id}/keys", c.authed(c.createKey))
	m.HandleFunc("POST /service-accounts/{id}/keys/{kid}/revoke", c.authed(c.revokeKey))

	m.HandleFunc("GET /events", c.authed(c.listEvents))
	m.HandleFunc("/", c.notFound)
}

func (c *Console) notFound(w http.ResponseWriter, r *http.Request) {
	c.renderError(w, r, nil, http.StatusNotFound, "There is no page at this address.")
}

// path returns the browser's path of a console path ("/users" ->
// "/console/users").
func (c *Console) path(p string) string { return c.prefix + p }

// redirect answers a form post or an unauthenticated visit with 303 See
// Other to a console path.
func (c *Console) redirect(w http.ResponseWriter, r *http.Request, p string) {
	http.Redirect(w, r, c.path(p), http.StatusSeeOther)
}

// localPath reports whether p is a console path that is safe to redirect
// to after sign-in: one leading slash, no scheme or host.
func localPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.ContainsAny(p, "\\\r\n") &&
		!strings.HasPrefix(p, "/signin")
}

// statusOf maps an error kind to the HTTP status of the page showing it.
func statusOf(err error) int {
	switch userkit.KindOf(err) {
	case userkit.Invalid:
		return http.StatusUnprocessableEntity
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
	case userkit.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// sentence says in plain words what went wrong, for a page-level message.
func sentence(err error) string {
	switch userkit.KindOf(err) {
	case userkit.Invalid:
		return "Some fields need attention."
	case userkit.NotFound:
		return "That record does not exist, or you may not see it."
	case userkit.Conflict:
		return "That conflicts with a record that already exists."
	case userkit.Unauthenticated:
		return "Please sign in again."
	case userkit.Forbidden:
		return "You do not have permission to do that."
	case userkit.PreconditionFailed:
		return "Someone else changed this record while you were editing it. Reload the page and try again."
	case userkit.TooManyRequests:
		return "Too many attempts. Wait a moment and try again."
	case userkit.Unavailable:
		return "The service is busy. Try again in a moment."
	}
	return "Something went wrong on our side. Try again; if it keeps happening, tell your administrator."
}

var errBadID = userkit.Errorf(userkit.NotFound, "not found")

func pathID(r *http.Request, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue(name))
	if err != nil {
		return uuid.Nil, errBadID
	}
	return id, nil
}

// isKind reports whether err is a *userkit.Error of kind k.
func isKind(err error, k userkit.Kind) bool {
	var e *userkit.Error
	return errors.As(err, &e) && e.Kind == k
}
