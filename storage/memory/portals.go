package memory

import (
	"context"
	"slices"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// CreatePortal stores a new portal; a set PartnerID must name a partner.
func (s *Store) CreatePortal(ctx context.Context, rec *storage.PortalRecord) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		if _, ok := d.portals[rec.ID]; ok {
			return conflict("ID", "portal")
		}
		if err := d.checkPortal(*rec); err != nil {
			return err
		}
		put(t, d.portals, rec.ID, *rec)
		put(t, d.portalByTech, rec.TechnicalName, rec.ID)
		insertSorted(t, &d.portalIDs, rec.ID, cmpID)
		return nil
	})
}

// checkPortal checks the owner exists and the technical name is free.
func (d *data) checkPortal(rec storage.PortalRecord) error {
	if rec.PartnerID != uuid.Nil {
		if _, ok := d.partners[rec.PartnerID]; !ok {
			return notFound("partner")
		}
	}
	if id, ok := d.portalByTech[rec.TechnicalName]; ok && id != rec.ID {
		return conflict("TechnicalName", "portal with this technical name")
	}
	return nil
}

// GetPortal returns the portal with the ID.
func (s *Store) GetPortal(ctx context.Context, id uuid.UUID) (rec storage.PortalRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		var ok bool
		if rec, ok = d.portals[id]; !ok {
			return notFound("portal")
		}
		return nil
	})
	return rec, err
}

// UpdatePortal writes rec when the stored version is expectVersion.
func (s *Store) UpdatePortal(ctx context.Context, rec storage.PortalRecord, expectVersion int64) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		old, ok := d.portals[rec.ID]
		if !ok {
			return notFound("portal")
		}
		if old.Version != expectVersion {
			return stale("portal")
		}
		if err := d.checkPortal(rec); err != nil {
			return err
		}
		del(t, d.portalByTech, old.TechnicalName)
		put(t, d.portalByTech, rec.TechnicalName, rec.ID)
		put(t, d.portals, rec.ID, rec)
		return nil
	})
}

// DeletePortal removes the portal with its roles, attributes and members.
func (s *Store) DeletePortal(ctx context.Context, id uuid.UUID) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		rec, ok := d.portals[id]
		if !ok {
			return notFound("portal")
		}
		for _, m := range children(d.membersOfPort, id, cmpID) {
			t.removePortalMember(d.members[m])
		}
		for _, r := range children(d.rolesOf, id, cmpID) {
			t.deleteRole(d.roles[r])
		}
		for _, a := range children(d.attrsOf, id, cmpID) {
			t.deleteAttribute(d.attrs[a])
		}
		del(t, d.portals, id)
		del(t, d.portalByTech, rec.TechnicalName)
		removeSorted(t, &d.portalIDs, id, cmpID)
		return nil
	})
}

// ListPortals pages portals by ID, only partnerID's when it is set.
func (s *Store) ListPortals(ctx context.Context, partnerID uuid.UUID, p userkit.PageRequest) (out userkit.Page[storage.PortalRecord], err error) {
	p = p.Normalize()
	err = s.read(ctx, func(d *data) error {
		ids := d.portalIDs
		start, err := idAfter(ids, p)
		if err != nil {
			return err
		}
		match := func(i int) bool { return partnerID == uuid.Nil || d.portals[ids[i]].PartnerID == partnerID }
		out = page(p, len(ids), start, match,
			func(i int) storage.PortalRecord { return d.portals[ids[i]] },
			func(r storage.PortalRecord) string { return r.ID.String() })
		return nil
	})
	return out, err
}

// CreatePortalRole stores a role of an existing portal; names are unique
// per portal.
func (s *Store) CreatePortalRole(ctx context.Context, rec *storage.PortalRoleRecord) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		if _, ok := d.roles[rec.ID]; ok {
			return conflict("ID", "portal role")
		}
		if _, ok := d.portals[rec.PortalID]; !ok {
			return notFound("portal")
		}
		k := nameKey{rec.PortalID, rec.Name}
		if _, ok := d.roleByName[k]; ok {
			return conflict("Name", "role with this name")
		}
		put(t, d.roles, rec.ID, *rec)
		put(t, d.roleByName, k, rec.ID)
		link(t, d.rolesOf, rec.PortalID, rec.ID)
		return nil
	})
}

// GetPortalRole returns the role with the ID.
func (s *Store) GetPortalRole(ctx context.Context, id uuid.UUID) (rec storage.PortalRoleRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		var ok bool
		if rec, ok = d.roles[id]; !ok {
			return notFound("portal role")
		}
		return nil
	})
	return rec, err
}

// UpdatePortalRole writes the role's Name and IsSystem.
func (s *Store) UpdatePortalRole(ctx context.Context, rec storage.PortalRoleRecord) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		old, ok := d.roles[rec.ID]
		if !ok {
			return notFound("portal role")
		}
		k := nameKey{old.PortalID, rec.Name}
		if id, ok := d.roleByName[k]; ok && id != rec.ID {
			return conflict("Name", "role with this name")
		}
		del(t, d.roleByName, nameKey{old.PortalID, old.Name})
		put(t, d.roleByName, k, rec.ID)
		old.Name, old.IsSystem = rec.Name, rec.IsSystem
		put(t, d.roles, rec.ID, old)
		return nil
	})
}

// DeletePortalRole removes the role, and takes it out of its portal's
// members' RoleIDs (as a join table with ON DELETE CASCADE would).
func (s *Store) DeletePortalRole(ctx context.Context, id uuid.UUID) error {
	return s.write(ctx, func(t *txn) error {
		rec, ok := t.d.roles[id]
		if !ok {
			return notFound("portal role")
		}
		t.deleteRole(rec)
		return nil
	})
}

func (t *txn) deleteRole(rec storage.PortalRoleRecord) {
	d := t.d
	for m := range d.membersOfPort[rec.PortalID] {
		mem := d.members[m]
		if i := slices.Index(mem.RoleIDs, rec.ID); i >= 0 {
			mem = cloneMember(mem)
			mem.RoleIDs = slices.Delete(mem.RoleIDs, i, i+1)
			put(t, d.members, m, mem)
		}
	}
	del(t, d.roles, rec.ID)
	del(t, d.roleByName, nameKey{rec.PortalID, rec.Name})
	unlink(t, d.rolesOf, rec.PortalID, rec.ID)
}

// ListPortalRoles lists a portal's roles by ID.
func (s *Store) ListPortalRoles(ctx context.Context, portalID uuid.UUID) (out []storage.PortalRoleRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		ids := children(d.rolesOf, portalID, cmpID)
		out = make([]storage.PortalRoleRecord, len(ids))
		for i, id := range ids {
			out[i] = d.roles[id]
		}
		return nil
	})
	return out, err
}

// CreateAttribute stores an attribute definition of an existing portal;
// names are unique per portal.
func (s *Store) CreateAttribute(ctx context.Context, rec *storage.AttributeRecord) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		if _, ok := d.attrs[rec.ID]; ok {
			return conflict("ID", "attribute")
		}
		if _, ok := d.portals[rec.PortalID]; !ok {
			return notFound("portal")
		}
		k := nameKey{rec.PortalID, rec.Name}
		if _, ok := d.attrByName[k]; ok {
			return conflict("Name", "attribute with this name")
		}
		put(t, d.attrs, rec.ID, *rec)
		put(t, d.attrByName, k, rec.ID)
		link(t, d.attrsOf, rec.PortalID, rec.ID)
		return nil
	})
}

// GetAttribute returns the attribute definition with the ID.
func (s *Store) GetAttribute(ctx context.Context, id uuid.UUID) (rec storage.AttributeRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		var ok bool
		if rec, ok = d.attrs[id]; !ok {
			return notFound("attribute")
		}
		return nil
	})
	return rec, err
}

// UpdateAttribute writes the definition's Name, Label, Type and
// AllowMultipleValues.
func (s *Store) UpdateAttribute(ctx context.Context, rec storage.AttributeRecord) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		old, ok := d.attrs[rec.ID]
		if !ok {
			return notFound("attribute")
		}
		k := nameKey{old.PortalID, rec.Name}
		if id, ok := d.attrByName[k]; ok && id != rec.ID {
			return conflict("Name", "attribute with this name")
		}
		del(t, d.attrByName, nameKey{old.PortalID, old.Name})
		put(t, d.attrByName, k, rec.ID)
		old.Name, old.Label, old.Type, old.AllowMultipleValues = rec.Name, rec.Label, rec.Type, rec.AllowMultipleValues
		put(t, d.attrs, rec.ID, old)
		return nil
	})
}

// DeleteAttribute removes the definition and its values from the portal's
// members.
func (s *Store) DeleteAttribute(ctx context.Context, id uuid.UUID) error {
	return s.write(ctx, func(t *txn) error {
		rec, ok := t.d.attrs[id]
		if !ok {
			return notFound("attribute")
		}
		t.deleteAttribute(rec)
		return nil
	})
}

func (t *txn) deleteAttribute(rec storage.AttributeRecord) {
	d := t.d
	for m := range d.membersOfPort[rec.PortalID] {
		mem := d.members[m]
		i := slices.IndexFunc(mem.Attributes, func(a storage.AttributeValue) bool { return a.AttributeID == rec.ID })
		if i >= 0 {
			mem = cloneMember(mem)
			mem.Attributes = slices.Delete(mem.Attributes, i, i+1)
			put(t, d.members, m, mem)
		}
	}
	del(t, d.attrs, rec.ID)
	del(t, d.attrByName, nameKey{rec.PortalID, rec.Name})
	unlink(t, d.attrsOf, rec.PortalID, rec.ID)
}

// ListAttributes lists a portal's attribute definitions by ID.
func (s *Store) ListAttributes(ctx context.Context, portalID uuid.UUID) (out []storage.AttributeRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		ids := children(d.attrsOf, portalID, cmpID)
		out = make([]storage.AttributeRecord, len(ids))
		for i, id := range ids {
			out[i] = d.attrs[id]
		}
		return nil
	})
	return out, err
}

// AddPortalMember makes the user a member of the portal. Every role and
// attribute it names must belong to that portal. A zero ID is assigned.
func (s *Store) AddPortalMember(ctx context.Context, rec *storage.PortalMemberRecord) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		if rec.ID == uuid.Nil {
			id, err := uuid.NewV7()
			if err != nil {
				return &userkit.Error{Kind: userkit.Internal, Message: "memory: new ID", Err: err}
			}
			rec.ID = id
		}
		if _, ok := d.members[rec.ID]; ok {
			return conflict("ID", "portal membership")
		}
		if _, ok := d.portals[rec.PortalID]; !ok {
			return notFound("portal")
		}
		if _, ok := d.users[rec.UserID]; !ok {
			return notFound("user")
		}
		k := pair{rec.PortalID, rec.UserID}
		if _, ok := d.memberByPair[k]; ok {
			return conflict("UserID", "portal membership")
		}
		if err := d.checkMember(*rec); err != nil {
			return err
		}
		put(t, d.members, rec.ID, cloneMember(*rec))
		put(t, d.memberByPair, k, rec.ID)
		link(t, d.membersOfPort, rec.PortalID, rec.ID)
		link(t, d.portalsOfUser, rec.UserID, rec.ID)
		return nil
	})
}

// checkMember checks that the member's roles and attributes are the
// portal's own.
func (d *data) checkMember(rec storage.PortalMemberRecord) error {
	for _, id := range rec.RoleIDs {
		if r, ok := d.roles[id]; !ok || r.PortalID != rec.PortalID {
			return notFound("portal role")
		}
	}
	for _, a := range rec.Attributes {
		if r, ok := d.attrs[a.AttributeID]; !ok || r.PortalID != rec.PortalID {
			return notFound("attribute")
		}
	}
	return nil
}

// GetPortalMember returns the user's membership of the portal.
func (s *Store) GetPortalMember(ctx context.Context, portalID, userID uuid.UUID) (rec storage.PortalMemberRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		id, ok := d.memberByPair[pair{portalID, userID}]
		if !ok {
			return notFound("portal membership")
		}
		rec = cloneMember(d.members[id])
		return nil
	})
	return rec, err
}

// UpdatePortalMember writes the membership found by PortalID and UserID
// when its stored version is expectVersion.
func (s *Store) UpdatePortalMember(ctx context.Context, rec storage.PortalMemberRecord, expectVersion int64) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		id, ok := d.memberByPair[pair{rec.PortalID, rec.UserID}]
		if !ok {
			return notFound("portal membership")
		}
		if d.members[id].Version != expectVersion {
			return stale("portal membership")
		}
		if err := d.checkMember(rec); err != nil {
			return err
		}
		rec.ID = id
		put(t, d.members, id, cloneMember(rec))
		return nil
	})
}

// RemovePortalMember ends the user's membership of the portal.
func (s *Store) RemovePortalMember(ctx context.Context, portalID, userID uuid.UUID) error {
	return s.write(ctx, func(t *txn) error {
		id, ok := t.d.memberByPair[pair{portalID, userID}]
		if !ok {
			return notFound("portal membership")
		}
		t.removePortalMember(t.d.members[id])
		return nil
	})
}

func (t *txn) removePortalMember(rec storage.PortalMemberRecord) {
	d := t.d
	del(t, d.members, rec.ID)
	del(t, d.memberByPair, pair{rec.PortalID, rec.UserID})
	unlink(t, d.membersOfPort, rec.PortalID, rec.ID)
	unlink(t, d.portalsOfUser, rec.UserID, rec.ID)
}

// ListPortalMembers pages a portal's members oldest first.
func (s *Store) ListPortalMembers(ctx context.Context, portalID uuid.UUID, p userkit.PageRequest) (out userkit.Page[storage.PortalMemberRecord], err error) {
	err = s.read(ctx, func(d *data) (err error) {
		out, err = membersPage(d, portalID, p, func(m storage.PortalMemberRecord) storage.PortalMemberRecord { return m },
			func(r storage.PortalMemberRecord) string { return r.ID.String() })
		return err
	})
	return out, err
}

// membersPage pages the portal's members in d, oldest first, each made
// by item from a copy of the membership.
func membersPage[T any](d *data, portalID uuid.UUID, p userkit.PageRequest, item func(storage.PortalMemberRecord) T, cursor func(T) string) (userkit.Page[T], error) {
	p = p.Normalize()
	ids := children(d.membersOfPort, portalID, cmpID)
	start, err := idAfter(ids, p)
	if err != nil {
		return userkit.Page[T]{}, err
	}
	return page(p, len(ids), start, func(int) bool { return true },
		func(i int) T { return item(cloneMember(d.members[ids[i]])) }, cursor), nil
}

// PortalsOfUser lists the user's memberships oldest first.
func (s *Store) PortalsOfUser(ctx context.Context, userID uuid.UUID) (out []storage.PortalMemberRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		ids := children(d.portalsOfUser, userID, cmpID)
		out = make([]storage.PortalMemberRecord, len(ids))
		for i, id := range ids {
			out[i] = cloneMember(d.members[id])
		}
		return nil
	})
	return out, err
}
