package portals

import (
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/txn"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
)

// Role is a role defined in one portal, given to its members. System roles
// (the ones a portal ships with) cannot be renamed or deleted.
type Role struct {
	ID       uuid.UUID
	PortalID uuid.UUID
	Name     string
	IsSystem bool
}

// RoleParams creates a role; Name is unique within the portal.
type RoleParams struct {
	Name     string `validate:"required,max=100,text"`
	IsSystem bool
}

// RoleUpdateParams renames a role; nil leaves the name. Roles have no
// version: a Version is ErrUnversioned, as no compare could hold.
type RoleUpdateParams struct {
	Name    *string
	Version *int64
}

func toRole(r storage.PortalRoleRecord) Role {
	return Role{ID: r.ID, PortalID: r.PortalID, Name: r.Name, IsSystem: r.IsSystem}
}

// nameTaken gives a store's Conflict on a role or attribute the field a
// client can fix: Name is unique within the portal.
func nameTaken(err error) error {
	if userkit.KindOf(err) == userkit.Conflict {
		return &userkit.Error{Kind: userkit.Conflict, Message: "name is taken in this portal", Fields: map[string]userkit.Problem{"Name": {Rule: userkit.RuleTaken}}, Err: err}
	}
	return err
}

// CreateRole adds a role to a portal; it needs portals.update on the
// portal. A missing portal is NotFound, a taken name Conflict.
func (s *Service) CreateRole(ctx context.Context, portalID uuid.UUID, p RoleParams) (Role, error) {
	if err := s.authz.Require(ctx, permissions.PortalsUpdate, permissions.PortalScope(portalID)); err != nil {
		return Role{}, err
	}
	p.Name = strings.TrimSpace(p.Name)
	if err := check(p, nil); err != nil {
		return Role{}, err
	}
	now := s.clock.Now()
	rec := storage.PortalRoleRecord{ID: newID(), PortalID: portalID, Name: p.Name, IsSystem: p.IsSystem, CreatedAt: now}
	err := s.store.InTx(ctx, func(tx storage.Store) error {
		portal, err := tx.GetPortal(ctx, portalID)
		if err != nil {
			return err
		}
		if err := tx.CreatePortalRole(ctx, &rec); err != nil {
			return nameTaken(err)
		}
		return permissions.Audit(ctx, tx, now, permissions.PortalsUpdate, "portal_role", rec.ID.String(), portal.PartnerID)
	})
	if err != nil {
		return Role{}, err
	}
	return toRole(rec), nil
}

// readRole reads a role with what decides a check on its portal.
func (s *Service) readRole(ctx context.Context, id uuid.UUID) (storage.PortalRoleRecord, portalCheck, error) {
	if pr, ok := s.store.(storage.PortalPartReader); ok {
		// With its portal, whose owner decides the check.
		rec, portal, err := pr.PortalRoleWithPortal(ctx, id)
		return rec, portalCheck{authz: s.authz, portal: &portal, id: rec.PortalID}, err
	}
	rec, err := s.store.GetPortalRole(ctx, id)
	return rec, portalCheck{authz: s.authz, id: rec.PortalID}, err
}

// role reads a role and checks action on its portal.
func (s *Service) role(ctx context.Context, id uuid.UUID, action permissions.Action) (storage.PortalRoleRecord, error) {
	rec, c, err := s.readRole(ctx, id)
	if err != nil {
		return rec, err
	}
	return rec, c.require(ctx, action)
}

// roleIn reads the role id of the portal portalID and checks action on
// it, refusing a version (see portalCheck.in).
func (s *Service) roleIn(ctx context.Context, portalID, id uuid.UUID, action permissions.Action, version *int64) (storage.PortalRoleRecord, error) {
	rec, c, err := s.readRole(ctx, id)
	if err != nil {
		return rec, err
	}
	return rec, c.in(ctx, portalID, action, version)
}

// GetRoleIn returns the role roleID of the portal portalID; it needs
// portals.read on the portal. A role of another portal is ErrNotInPortal.
func (s *Service) GetRoleIn(ctx context.Context, portalID, roleID uuid.UUID) (Role, error) {
	rec, err := s.roleIn(ctx, portalID, roleID, permissions.PortalsRead, nil)
	if err != nil {
		return Role{}, err
	}
	return toRole(rec), nil
}

// GetRole returns a role; it needs portals.read on its portal.
func (s *Service) GetRole(ctx context.Context, id uuid.UUID) (Role, error) {
	rec, err := s.role(ctx, id, permissions.PortalsRead)
	if err != nil {
		return Role{}, err
	}
	return toRole(rec), nil
}

// UpdateRole renames a role; it needs portals.update on its portal. System
// roles cannot be renamed (Invalid); a p.Version is ErrUnversioned.
func (s *Service) UpdateRole(ctx context.Context, id uuid.UUID, p RoleUpdateParams) (Role, error) {
	if _, err := s.role(ctx, id, permissions.PortalsUpdate); err != nil {
		return Role{}, err
	}
	if p.Version != nil {
		return Role{}, ErrUnversioned
	}
	return s.updateRole(ctx, id, p)
}

// UpdateRoleIn is UpdateRole on the role roleID of the portal portalID: a
// role of another portal is ErrNotInPortal, and changes nothing.
func (s *Service) UpdateRoleIn(ctx context.Context, portalID, roleID uuid.UUID, p RoleUpdateParams) (Role, error) {
	if _, err := s.roleIn(ctx, portalID, roleID, permissions.PortalsUpdate, p.Version); err != nil {
		return Role{}, err
	}
	return s.updateRole(ctx, roleID, p)
}

// updateRole is UpdateRole once the caller is checked.
func (s *Service) updateRole(ctx context.Context, id uuid.UUID, p RoleUpdateParams) (Role, error) {
	if p.Name != nil {
		name := strings.TrimSpace(*p.Name)
		p.Name = &name
		if err := check(RoleParams{Name: name}, nil); err != nil {
			return Role{}, err
		}
	}
	var rec storage.PortalRoleRecord
	err := txn.Update(ctx, s.store, storage.KindPortalRole, id.String(), func(tx storage.Store) error {
		var err error
		if rec, err = tx.GetPortalRole(ctx, id); err != nil {
			return err
		}
		if p.Name == nil || *p.Name == rec.Name {
			return nil
		}
		if rec.IsSystem {
			return userkit.FieldError("Name", userkit.Problem{Rule: userkit.RuleImmutable, Param: "a system role cannot be renamed"})
		}
		rec.Name = *p.Name
		if err := tx.UpdatePortalRole(ctx, rec); err != nil {
			return nameTaken(err)
		}
		return s.auditInPortal(ctx, tx, permissions.PortalsUpdate, "portal_role", id.String(), rec.PortalID)
	})
	if err != nil {
		return Role{}, err
	}
	return toRole(rec), nil
}

// DeleteRole deletes a role; it needs portals.update on its portal. System
// roles cannot be deleted (Invalid), nor can a role that members hold
// (Conflict), as every member must keep at least one existing role.
func (s *Service) DeleteRole(ctx context.Context, id uuid.UUID) error {
	if _, err := s.role(ctx, id, permissions.PortalsUpdate); err != nil {
		return err
	}
	return s.deleteRole(ctx, id)
}

// DeleteRoleIn is DeleteRole on the role roleID of the portal portalID: a
// role of another portal is ErrNotInPortal, and stays.
func (s *Service) DeleteRoleIn(ctx context.Context, portalID, roleID uuid.UUID) error {
	if _, err := s.roleIn(ctx, portalID, roleID, permissions.PortalsUpdate, nil); err != nil {
		return err
	}
	return s.deleteRole(ctx, roleID)
}

// deleteRole is DeleteRole once the caller is checked.
func (s *Service) deleteRole(ctx context.Context, id uuid.UUID) error {
	return s.store.InTx(ctx, func(tx storage.Store) error {
		rec, err := tx.GetPortalRole(ctx, id)
		if err != nil {
			return err
		}
		if rec.IsSystem {
			return userkit.Errorf(userkit.Invalid, "a system role cannot be deleted")
		}
		inUse := false
		err = eachMember(ctx, tx, rec.PortalID, func(m storage.PortalMemberRecord) (bool, error) {
			inUse = slices.Contains(m.RoleIDs, id)
			return !inUse, nil
		})
		if err != nil {
			return err
		}
		if inUse {
			return userkit.Errorf(userkit.Conflict, "members hold this role; give them another role first")
		}
		if err := tx.DeletePortalRole(ctx, id); err != nil {
			return err
		}
		return s.auditInPortal(ctx, tx, permissions.PortalsUpdate, "portal_role", id.String(), rec.PortalID)
	})
}

// ListRoles lists a portal's roles; it needs portals.read on the portal. A
// missing portal is NotFound.
func (s *Service) ListRoles(ctx context.Context, portalID uuid.UUID) ([]Role, error) {
	if _, err := s.checkedPortal(ctx, portalID, permissions.PortalsRead); err != nil {
		return nil, err
	}
	recs, err := s.store.ListPortalRoles(ctx, portalID)
	if err != nil {
		return nil, err
	}
	out := make([]Role, len(recs))
	for i, r := range recs {
		out[i] = toRole(r)
	}
	return out, nil
}

// auditInPortal records an event about something inside a portal, with the
// portal's owning partner so that partner-scoped event lists include it.
func (s *Service) auditInPortal(ctx context.Context, tx storage.Store, action permissions.Action, kind, target string, portalID uuid.UUID) error {
	portal, err := tx.GetPortal(ctx, portalID)
	if err != nil {
		return err
	}
	return permissions.Audit(ctx, tx, s.clock.Now(), action, kind, target, portal.PartnerID)
}

// eachMember calls fn for the portal's members, oldest first, until fn
// returns false or an error. Used by the rare definition changes that must
// look at every membership.
func eachMember(ctx context.Context, tx storage.Store, portalID uuid.UUID, fn func(storage.PortalMemberRecord) (bool, error)) error {
	req := userkit.PageRequest{Limit: userkit.MaxLimit}
	for {
		page, err := tx.ListPortalMembers(ctx, portalID, req)
		if err != nil {
			return err
		}
		for _, m := range page.Items {
			more, err := fn(m)
			if err != nil || !more {
				return err
			}
		}
		if page.Next == "" {
			return nil
		}
		req.After = page.Next
	}
}
