package core

import (
	"context"

	"github.com/google/uuid"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/users"
)

// The Tyk portal's administrator roles, stored in users.User.Role. A user
// holding one runs as permissions.System in the Tyk API.
const (
	RoleSuperAdmin    = "super-admin"
	RoleProviderAdmin = "provider-admin"
)

// IsPortalAdmin reports whether a stored role makes its user a portal
// administrator, whose credentials act as the system in the Tyk API.
func IsPortalAdmin(role string) bool { return role == RoleSuperAdmin || role == RoleProviderAdmin }

// RequireAllForAdmin guards changes to a portal administrator (and making
// someone one): since the administrator's password or token acts as the
// system, only a caller who may do everything ("*" on everything) may make
// them, change them or obtain their credentials. Anyone else would gain more
// than they hold. Other users, and the administrator acting on themself,
// need nothing here.
func (a *API) RequireAllForAdmin(ctx context.Context, u users.User) error {
	if !IsPortalAdmin(u.Role) {
		return nil
	}
	if p, ok := permissions.PrincipalFrom(ctx); ok && p.Kind == permissions.KindUser && p.ID == u.ID && u.ID != uuid.Nil {
		return nil
	}
	return a.Permissions.Require(ctx, permissions.Action("*"), permissions.All)
}
