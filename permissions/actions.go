package permissions

import (
	"strings"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// Action is something a principal may do, written "<family>.<verb>".
type Action string

// The actions the services check.
const (
	UsersRead         Action = "users.read"
	UsersCreate       Action = "users.create"
	UsersUpdate       Action = "users.update"
	UsersDelete       Action = "users.delete"
	PartnersRead      Action = "partners.read"
	PartnersCreate    Action = "partners.create"
	PartnersUpdate    Action = "partners.update"
	PartnersDelete    Action = "partners.delete"
	PortalsRead       Action = "portals.read"
	PortalsCreate     Action = "portals.create"
	PortalsUpdate     Action = "portals.update"
	PortalsDelete     Action = "portals.delete"
	PermissionsRead   Action = "permissions.read"
	PermissionsCreate Action = "permissions.create"
	PermissionsUpdate Action = "permissions.update"
	PermissionsDelete Action = "permissions.delete"
	KeysRead          Action = "keys.read"
	KeysCreate        Action = "keys.create"
	KeysUpdate        Action = "keys.update"
	KeysDelete        Action = "keys.delete"
)

var families = []string{"users", "partners", "portals", "permissions", "keys"}
var verbs = []string{"read", "create", "update", "delete"}

// ValidAction reports whether a is a known action or a pattern a grant may
// hold: "*", "<family>.*" or "<family>.<verb>".
func ValidAction(a string) bool {
	if a == "*" {
		return true
	}
	fam, verb, ok := strings.Cut(a, ".")
	if !ok || !contains(families, fam) {
		return false
	}
	return verb == "*" || contains(verbs, verb)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Matches reports whether a granted action (which may end in "*") permits
// the wanted action.
func Matches(granted string, want Action) bool {
	if granted == "*" || granted == string(want) {
		return true
	}
	prefix, ok := strings.CutSuffix(granted, "*")
	return ok && strings.HasPrefix(string(want), prefix)
}

// Scope is what a grant applies to: everything, one partner, or one portal.
type Scope struct {
	Kind string    // storage.ScopeAll, storage.ScopePartner or storage.ScopePortal
	ID   uuid.UUID // uuid.Nil for ScopeAll
}

// All is the scope of everything.
var All = Scope{Kind: storage.ScopeAll}

// PartnerScope is the scope of one partner (and the portals it owns).
func PartnerScope(id uuid.UUID) Scope { return Scope{Kind: storage.ScopePartner, ID: id} }

// PortalScope is the scope of one portal.
func PortalScope(id uuid.UUID) Scope { return Scope{Kind: storage.ScopePortal, ID: id} }

// String returns the wire form: "*", "partner:<id>" or "portal:<id>".
func (s Scope) String() string {
	if s.Kind == storage.ScopeAll {
		return "*"
	}
	return s.Kind + ":" + s.ID.String()
}

// ParseScope parses the wire form written by String.
func ParseScope(s string) (Scope, error) {
	if s == "*" {
		return All, nil
	}
	kind, id, ok := strings.Cut(s, ":")
	if ok && (kind == storage.ScopePartner || kind == storage.ScopePortal) {
		if u, err := uuid.Parse(id); err == nil && u != uuid.Nil {
			return Scope{Kind: kind, ID: u}, nil
		}
	}
	return Scope{}, userkit.FieldError("Scope", userkit.Problem{Rule: userkit.RuleInvalid, Param: `"*", "partner:<id>" or "portal:<id>"`})
}
