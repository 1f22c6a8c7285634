package storage

import (
	"strings"
	"time"

	"github.com/google/uuid"
)

// Persistence records: what a store keeps. The conventions they follow
// (times, optional values, secrets) are in the package documentation.

// UserRecord is a stored user.
type UserRecord struct {
	ID  uuid.UUID
	Num int64 // assigned by the store on create, starting at 1
	// Email is as entered (trimmed); EmailNorm is its lower-cased form and is
	// unique across users. Stores compare and look up by EmailNorm only.
	Email             string
	EmailNorm         string
	FirstName         string
	LastName          string
	LoginName         string // unique
	Status            string // "active", "suspended" or "locked"
	Role              string
	Provider          string
	Locale            string
	Timezone          string
	City              string
	Country           string
	Department        string
	PhoneLand         string
	PhoneMobile       string
	DateOfBirth       *time.Time // a date: midnight UTC
	MustResetPassword bool
	PasswordHash      string // PHC string (argon2id) or bcrypt hash; "" when none
	FailedLogins      int    // consecutive failed authentications
	LastLoginAt       *time.Time
	TokenVersion      int64 // bumped to revoke the user's API token
	APITokenCreatedAt *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
	Version           int64 // 1 on create, +1 on every update
	// ManagedKind and ManagedID are the user's managing scope, encoded as
	// a grant's scope: ScopeAll ("*", ManagedID uuid.Nil), ScopePartner or
	// ScopePortal with that partner's or portal's ID. The managing scope
	// controls the user's identity and credentials; membership of other
	// scopes does not. Stores keep "" as ScopeAll, and keep the value when
	// the partner or portal is deleted (the services treat a managing
	// scope that no longer exists as everything).
	ManagedKind string
	ManagedID   uuid.UUID
}

// UserFilter narrows ListUsers. Zero values mean "no filter".
type UserFilter struct {
	// Search matches, case-insensitively, a substring of the first name,
	// last name or email. It is plain text: '%', '_' and '\' have no meaning.
	Search    string
	Status    string
	PartnerID uuid.UUID // only members of this partner
	PortalID  uuid.UUID // only members of this portal
}

// PartnerRecord is a stored partner (tenant).
type PartnerRecord struct {
	ID        uuid.UUID
	Num       int64 // assigned by the store on create, starting at 1
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
	// MemberCount is how many users are members of the partner. The store
	// keeps it in the transaction of every membership change (joins,
	// leaves, a member's deletion), so that a partner's exact total is one
	// row's read, not a count of its members; CreatePartner and
	// UpdatePartner ignore it (a new partner has none).
	MemberCount int64
}

// TeamRecord is a team of a partner. Every partner has exactly one default
// team.
type TeamRecord struct {
	ID        uuid.UUID
	Num       int64 // assigned by the store on create, starting at 1
	PartnerID uuid.UUID
	Name      string
	Default   bool
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// PortalRecord is a stored partner portal.
type PortalRecord struct {
	ID            uuid.UUID
	PartnerID     uuid.UUID // uuid.Nil when the portal has no owning partner
	Name          string
	TechnicalName string // unique
	DefaultLocale string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Version       int64
}

// PortalRoleRecord is a role defined in one portal. Names are unique within
// the portal.
type PortalRoleRecord struct {
	ID        uuid.UUID
	PortalID  uuid.UUID
	Name      string
	IsSystem  bool
	CreatedAt time.Time
}

// AttributeRecord defines a user attribute of one portal. Names are unique
// within the portal.
type AttributeRecord struct {
	ID                  uuid.UUID
	PortalID            uuid.UUID
	Name                string
	Label               string
	Type                string // "STRING", "BOOLEAN", "NUMBER" or "TIME"
	AllowMultipleValues bool
	CreatedAt           time.Time
}

// AttributeValue is the value(s) a portal member has for one attribute, in
// the order given.
type AttributeValue struct {
	AttributeID uuid.UUID
	Values      []string
}

// PortalMemberRecord is a user's membership of a portal. ID is a UUIDv7 made
// when the user joins, so ordering by ID lists members oldest first.
type PortalMemberRecord struct {
	ID          uuid.UUID
	PortalID    uuid.UUID
	UserID      uuid.UUID
	RoleIDs     []uuid.UUID // at least one; kept in the order given
	Locale      string
	Attributes  []AttributeValue // in the order given
	LastLoginAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int64
}

// PartnerMemberRecord is a user's membership of a partner.
type PartnerMemberRecord struct {
	PartnerID uuid.UUID
	UserID    uuid.UUID
	CreatedAt time.Time
}

// ResourceRecord is a resource that users can hold roles on. The ID is
// chosen by the host, for example "p-2343".
type ResourceRecord struct {
	ID        string
	Name      string
	Kind      string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// ResourceRoleRecord is one user's role on one resource. A user holds at
// most one role per resource.
type ResourceRoleRecord struct {
	UserID     uuid.UUID
	ResourceID string
	Role       string // "owner", "editor", "executor" or "reader"
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// ServiceAccountRecord is a non-human principal that authenticates with API
// keys.
type ServiceAccountRecord struct {
	ID        uuid.UUID
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// Scope kinds of a grant.
const (
	ScopeAll     = "*"
	ScopePartner = "partner"
	ScopePortal  = "portal"
)

// GrantRecord gives a principal (user or service account, by ID) an action
// on a scope. Action may end in "*" ("users.*", or "*" for every action).
// ScopeID is uuid.Nil when ScopeKind is ScopeAll. The tuple
// (PrincipalID, Action, ScopeKind, ScopeID) is unique.
type GrantRecord struct {
	ID          uuid.UUID
	PrincipalID uuid.UUID
	Action      string
	ScopeKind   string
	ScopeID     uuid.UUID
	CreatedAt   time.Time
}

// APIKeyRecord is a service-account key. Only the SHA-256 of the secret is
// kept; Prefix is a short, non-secret part shown in listings.
type APIKeyRecord struct {
	ID               uuid.UUID
	ServiceAccountID uuid.UUID
	Prefix           string
	Hash             []byte // SHA-256 of the whole secret; unique
	CreatedAt        time.Time
	ExpiresAt        *time.Time
	LastUsedAt       *time.Time
	RevokedAt        *time.Time
}

// EventRecord is an audit event, written in the same transaction as the
// change it records. ID is a UUIDv7, so ordering by ID is ordering by time.
type EventRecord struct {
	ID            uuid.UUID
	Time          time.Time
	PrincipalKind string // "user", "service_account" or "system"
	PrincipalID   uuid.UUID
	Action        string // e.g. "users.create"
	TargetKind    string // e.g. "user"
	TargetID      string
	PartnerID     uuid.UUID // uuid.Nil when not partner-scoped
}

// EventFilter narrows ListEvents. Zero values mean "no filter".
type EventFilter struct {
	PartnerID uuid.UUID
	TargetID  string
	// Action keeps the events whose action is Action ("users.update"),
	// or, when Action ends in a dot ("users."), whose action starts with
	// it: a family of actions.
	Action string
}

// MatchAction reports whether action passes the filter's Action.
func (f EventFilter) MatchAction(action string) bool {
	if f.Action == "" {
		return true
	}
	if strings.HasSuffix(f.Action, ".") {
		return strings.HasPrefix(action, f.Action)
	}
	return action == f.Action
}
