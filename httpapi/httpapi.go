package httpapi

import (
	"context"
	"errors"
	"iter"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/ratelimit"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Services are the domain services the handlers call. Every field must be
// set, and all four must share one store. Each field is the narrow
// interface of the methods the handlers use; *users.Service,
// *partners.Service, *portals.Service and *permissions.Service satisfy
// them, and a host may wrap one (to add tracing, say) by embedding it.
type Services struct {
	Users       UserService
	Partners    PartnerService
	Portals     PortalService
	Permissions PermissionService
}

// UserService is what the handlers call on *users.Service.
type UserService interface {
	Create(ctx context.Context, p users.CreateParams) (users.User, error)
	Delete(ctx context.Context, id uuid.UUID) error
	DeleteByNum(ctx context.Context, num int64) error
	Get(ctx context.Context, id uuid.UUID) (users.User, error)
	GetByEmail(ctx context.Context, email string) (users.User, error)
	GetByNum(ctx context.Context, num int64) (users.User, error)
	List(ctx context.Context, p users.ListParams) (userkit.Page[users.User], error)
	ListAll(ctx context.Context, p users.ListParams) iter.Seq2[users.User, error]
	MintToken(ctx context.Context, id uuid.UUID, sign users.TokenSigner) (users.User, string, error)
	Policy() users.PasswordPolicy
	Prepare(ctx context.Context, p users.CreateParams) (storage.UserRecord, error)
	PrincipalForToken(ctx context.Context, id uuid.UUID, version int64) (permissions.Principal, error)
	RotateToken(ctx context.Context, id uuid.UUID) (users.User, error)
	SetPassword(ctx context.Context, id uuid.UUID, password string) error
	Update(ctx context.Context, id uuid.UUID, p users.UpdateParams) (users.User, error)
	UpdateByNum(ctx context.Context, num int64, p users.UpdateParams) (users.User, error)
}

// PartnerService is what the handlers call on *partners.Service.
type PartnerService interface {
	TykPartnerService
	AddTeamMember(ctx context.Context, teamID, userID uuid.UUID) error
	AddUser(ctx context.Context, partnerID uuid.UUID, p users.CreateParams) (u users.User, created bool, err error)
	AddUserByNum(ctx context.Context, partnerNum int64, p users.CreateParams) (u users.User, created bool, err error)
	Create(ctx context.Context, p partners.CreateParams) (partners.Partner, error)
	CreateTeam(ctx context.Context, partnerID uuid.UUID, p partners.TeamParams) (partners.Team, error)
	Delete(ctx context.Context, id uuid.UUID) error
	// DeleteTeamIn deletes the team of the partner (not its users);
	// partners.ErrNotInPartner when it belongs to another partner.
	DeleteTeamIn(ctx context.Context, partnerID, teamID uuid.UUID) error
	Get(ctx context.Context, id uuid.UUID) (partners.Partner, error)
	GetByNum(ctx context.Context, num int64) (partners.Partner, error)
	GetMember(ctx context.Context, partnerNum, userNum int64) (users.User, error)
	// GetTeamIn returns the team of the partner;
	// partners.ErrNotInPartner when it belongs to another partner.
	GetTeamIn(ctx context.Context, partnerID, teamID uuid.UUID) (partners.Team, error)
	GetTeamByNum(ctx context.Context, num int64) (partners.Team, error)
	GetUser(ctx context.Context, partnerID, userID uuid.UUID) (users.User, error)
	List(ctx context.Context, p userkit.PageRequest) (userkit.Page[partners.Partner], error)
	ListTeams(ctx context.Context, partnerID uuid.UUID) ([]partners.Team, error)
	ListUsers(ctx context.Context, partnerID uuid.UUID, p partners.ListUsersParams) (userkit.Page[users.User], error)
	ListUsersByNum(ctx context.Context, partnerNum int64, p partners.ListUsersParams) (userkit.Page[users.User], error)
	MemberPartners(ctx context.Context, partnerNum, userNum int64) ([]partners.Partner, error)
	PartnersOf(ctx context.Context, userID uuid.UUID) ([]partners.Partner, error)
	RemoveTeamMember(ctx context.Context, teamID, userID uuid.UUID) error
	RemoveMember(ctx context.Context, partnerNum, userNum int64) (userDeleted bool, err error)
	RemoveUser(ctx context.Context, partnerID, userID uuid.UUID) (userDeleted bool, err error)
	TeamMembers(ctx context.Context, teamID uuid.UUID) ([]users.User, error)
	TeamsOf(ctx context.Context, userID uuid.UUID) ([]partners.Team, error)
	Update(ctx context.Context, id uuid.UUID, p partners.UpdateParams) (partners.Partner, error)
	// UpdateTeamIn renames the team of the partner, compare-and-set when
	// p names a version; partners.ErrNotInPartner when it belongs to
	// another partner.
	UpdateTeamIn(ctx context.Context, partnerID, teamID uuid.UUID, p partners.TeamUpdateParams) (partners.Team, error)
	UpdateMember(ctx context.Context, partnerNum, userNum int64, p partners.MemberUpdate) (users.User, error)
}

// PortalService is what the handlers call on *portals.Service.
type PortalService interface {
	AddUser(ctx context.Context, portalID uuid.UUID, p portals.AddUserParams) (portals.Member, error)
	Create(ctx context.Context, p portals.CreateParams) (portals.Portal, error)
	CreateAttribute(ctx context.Context, portalID uuid.UUID, p portals.AttributeParams) (portals.Attribute, error)
	CreateRole(ctx context.Context, portalID uuid.UUID, p portals.RoleParams) (portals.Role, error)
	Delete(ctx context.Context, id uuid.UUID) error
	// DeleteAttributeIn deletes the attribute of the portal, with every
	// member's values of it; portals.ErrNotInPortal when it belongs to
	// another portal.
	DeleteAttributeIn(ctx context.Context, portalID, attributeID uuid.UUID) error
	// DeleteRoleIn deletes the role of the portal; portals.ErrNotInPortal
	// when it belongs to another portal.
	DeleteRoleIn(ctx context.Context, portalID, roleID uuid.UUID) error
	Get(ctx context.Context, id uuid.UUID) (portals.Portal, error)
	// GetAttributeIn returns the attribute of the portal;
	// portals.ErrNotInPortal when it belongs to another portal.
	GetAttributeIn(ctx context.Context, portalID, attributeID uuid.UUID) (portals.Attribute, error)
	// GetRoleIn returns the role of the portal; portals.ErrNotInPortal when
	// it belongs to another portal.
	GetRoleIn(ctx context.Context, portalID, roleID uuid.UUID) (portals.Role, error)
	GetUser(ctx context.Context, portalID, userID uuid.UUID) (portals.Member, error)
	GetUserProfile(ctx context.Context, portalID, userID uuid.UUID) (portals.Member, error)
	List(ctx context.Context, partnerID uuid.UUID, p userkit.PageRequest) (userkit.Page[portals.Portal], error)
	ListAttributes(ctx context.Context, portalID uuid.UUID) ([]portals.Attribute, error)
	ListRoles(ctx context.Context, portalID uuid.UUID) ([]portals.Role, error)
	ListUsers(ctx context.Context, portalID uuid.UUID, p userkit.PageRequest) (userkit.Page[portals.Member], error)
	RemoveUser(ctx context.Context, portalID, userID uuid.UUID) (bool, error)
	Update(ctx context.Context, id uuid.UUID, p portals.UpdateParams) (portals.Portal, error)
	// UpdateAttributeIn changes the attribute of the portal;
	// portals.ErrNotInPortal when it belongs to another portal,
	// portals.ErrUnversioned when p names a version.
	UpdateAttributeIn(ctx context.Context, portalID, attributeID uuid.UUID, p portals.AttributeUpdateParams) (portals.Attribute, error)
	// UpdateRoleIn renames the role of the portal; portals.ErrNotInPortal
	// when it belongs to another portal, portals.ErrUnversioned when p
	// names a version.
	UpdateRoleIn(ctx context.Context, portalID, roleID uuid.UUID, p portals.RoleUpdateParams) (portals.Role, error)
}

// PermissionService is what the handlers (and the credential check) call
// on *permissions.Service.
type PermissionService interface {
	AddGrant(ctx context.Context, principalID uuid.UUID, p permissions.GrantParams) (permissions.Grant, error)
	CreateKey(ctx context.Context, serviceAccountID uuid.UUID, p permissions.KeyParams) (permissions.Key, string, error)
	CreateResource(ctx context.Context, p permissions.ResourceParams) (permissions.Resource, error)
	CreateServiceAccount(ctx context.Context, p permissions.ServiceAccountParams) (permissions.ServiceAccount, error)
	DeleteResource(ctx context.Context, id string) error
	DeleteServiceAccount(ctx context.Context, id uuid.UUID) error
	GetResource(ctx context.Context, id string) (permissions.Resource, error)
	GetServiceAccount(ctx context.Context, id uuid.UUID) (permissions.ServiceAccount, error)
	GrantsOf(ctx context.Context, principalID uuid.UUID) ([]permissions.Grant, error)
	GrantTo(ctx context.Context, who permissions.Principal, p permissions.GrantParams) (permissions.Grant, error)
	ListEvents(ctx context.Context, f storage.EventFilter, p userkit.PageRequest) (userkit.Page[permissions.Event], error)
	ListKeys(ctx context.Context, serviceAccountID uuid.UUID) ([]permissions.Key, error)
	ListResources(ctx context.Context, p userkit.PageRequest) (userkit.Page[permissions.Resource], error)
	ListServiceAccounts(ctx context.Context, p userkit.PageRequest) (userkit.Page[permissions.ServiceAccount], error)
	LiveKey(ctx context.Context, serviceAccountID, keyID uuid.UUID) (permissions.Key, error)
	PrincipalGrant(ctx context.Context, who permissions.Principal, grantID uuid.UUID) (permissions.Grant, error)
	PrincipalGrants(ctx context.Context, who permissions.Principal) ([]permissions.Grant, error)
	RemoveGrant(ctx context.Context, grantID uuid.UUID) error
	ResolveKey(ctx context.Context, secret string) (permissions.Principal, error)
	RevokeKey(ctx context.Context, keyID uuid.UUID) error
	RevokeLiveKey(ctx context.Context, serviceAccountID, keyID uuid.UUID) error
	RevokeGrantOf(ctx context.Context, who permissions.Principal, grantID uuid.UUID) error
	RevokeRole(ctx context.Context, userID uuid.UUID, resourceID string) error
	RevokeRoleByNum(ctx context.Context, num int64, resourceID string) error
	RolesOfUser(ctx context.Context, userID uuid.UUID) ([]permissions.ResourceRole, error)
	RolesOfUserByNum(ctx context.Context, num int64) ([]permissions.ResourceRole, error)
	SetRole(ctx context.Context, userID uuid.UUID, resourceID string, role permissions.Role) (permissions.ResourceRole, error)
	SetRoleByNum(ctx context.Context, num int64, resourceID string, role permissions.Role) (permissions.ResourceRole, error)
	UpdateResource(ctx context.Context, id string, p permissions.ResourceUpdateParams) (permissions.Resource, error)
	UpdateServiceAccount(ctx context.Context, id uuid.UUID, p permissions.ServiceAccountUpdateParams) (permissions.ServiceAccount, error)
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
	// minute; 0 means 500, a negative value turns limiting off. It sizes
	// the per-process limiter used when RateLimiter is nil.
	RateLimit int
	// RateLimiter, when set, decides the Whaly API's limit instead of a
	// per-process limiter: give every instance of a fleet the same shared
	// limiter (ratelimit.NewRedis) so that N instances allow the
	// documented limit, not N times it. When it cannot decide, the request
	// is answered 503 with Retry-After and logged.
	RateLimiter ratelimit.Limiter
	// Clock is used for rate-limit windows; nil means time.Now.
	Clock userkit.Clock
	// Prefix is where all.Mount puts every API ("" = the documented
	// paths). The per-API Register functions take their prefix directly.
	Prefix string
	// TracerProvider makes the span of every request (named after its
	// route, "GET /admin/v1/partners/{id}"); nil means the global one
	// (otel.GetTracerProvider), a no-op until the host installs an SDK.
	TracerProvider trace.TracerProvider
	// MeterProvider makes the request count and duration metrics (by API,
	// route, method and status); nil means the global one
	// (otel.GetMeterProvider), a no-op until the host installs an SDK.
	MeterProvider metric.MeterProvider
}

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

// ErrNoCredential is what an Authenticator returns when the request holds
// none of its credentials, so that the bearer credential is tried next.
var ErrNoCredential = errors.New("httpapi: no credential")
