package portals

import (
	"context"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
)

// ErrNotInPortal is the NotFound of the methods addressed by a portal and
// one of its roles or attributes (GetRoleIn, UpdateAttributeIn, …) when
// the role or attribute belongs to another portal.
var ErrNotInPortal = userkit.Errorf(userkit.NotFound, "not in this portal")

// ErrUnversioned is the PreconditionFailed of an update of a role or an
// attribute that names a version: they have none, so no compare can hold.
var ErrUnversioned = userkit.Errorf(userkit.PreconditionFailed, "roles and attributes have no version")

// portalCheck decides actions on the portal of a role or attribute: from
// the portal read with it when the store reads both at once (no second
// read of the portal), else from the portal's scope.
type portalCheck struct {
	authz  *permissions.Service
	portal *storage.PortalRecord // nil: not read
	id     uuid.UUID
}

// require checks action on the portal.
func (c portalCheck) require(ctx context.Context, action permissions.Action) error {
	if c.portal != nil {
		return c.authz.RequireOnPortal(ctx, action, *c.portal)
	}
	return c.authz.Require(ctx, action, permissions.PortalScope(c.id))
}

// in checks a call addressed by portalID on a part of the portal c.id.
// Who may not read the part is Forbidden, as GetRole tells them, so the
// path's portal reveals nothing; who may read it learns that it is not in
// portalID (ErrNotInPortal), then that a version is refused
// (ErrUnversioned), and only then whether they may do action.
func (c portalCheck) in(ctx context.Context, portalID uuid.UUID, action permissions.Action, version *int64) error {
	if err := c.require(ctx, permissions.PortalsRead); err != nil {
		return err
	}
	if c.id != portalID {
		return ErrNotInPortal
	}
	if version != nil {
		return ErrUnversioned
	}
	if action == permissions.PortalsRead {
		return nil
	}
	return c.require(ctx, action)
}
