package sqlstore

import (
	"context"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

const portalCols = "p.id, p.partner_id, p.name, p.technical_name, p.default_locale, p.created_at, p.updated_at, p.version"

func (s *Store) scanPortal(sc scanner) (storage.PortalRecord, error) {
	var r storage.PortalRecord
	err := sc.Scan(s.portalDst(&r)...)
	return r, err
}

// portalDst are the destinations of portalCols in r.
func (s *Store) portalDst(r *storage.PortalRecord) []any {
	return []any{idCol{&r.ID}, idCol{&r.PartnerID}, &r.Name, &r.TechnicalName, &r.DefaultLocale,
		s.tc(&r.CreatedAt), s.tc(&r.UpdatedAt), &r.Version}
}

// CreatePortal implements storage.PortalStore.
func (s *Store) CreatePortal(ctx context.Context, rec *storage.PortalRecord) error {
	_, err := s.exec(ctx, "INSERT INTO portals (id, partner_id, name, technical_name, default_locale, created_at, updated_at, version) "+
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		s.id(rec.ID), s.nullID(rec.PartnerID), rec.Name, rec.TechnicalName, rec.DefaultLocale,
		s.time(rec.CreatedAt), s.time(rec.UpdatedAt), rec.Version)
	return s.wrap(err, "portal", "ID")
}

// GetPortal implements storage.PortalStore.
func (s *Store) GetPortal(ctx context.Context, id uuid.UUID) (storage.PortalRecord, error) {
	r, err := s.scanPortal(s.queryRow(ctx, "SELECT "+portalCols+" FROM portals p WHERE p.id = ?", s.id(id)))
	return r, s.wrap(err, "portal", "")
}

// UpdatePortal implements storage.PortalStore.
func (s *Store) UpdatePortal(ctx context.Context, rec storage.PortalRecord, expectVersion int64) error {
	return s.casUpdate(ctx, "portal", "SELECT 1 FROM portals WHERE id = ?", []any{s.id(rec.ID)},
		"UPDATE portals SET partner_id = ?, name = ?, technical_name = ?, default_locale = ?, created_at = ?, "+
			"updated_at = ?, version = ? WHERE id = ? AND version = ?",
		s.nullID(rec.PartnerID), rec.Name, rec.TechnicalName, rec.DefaultLocale, s.time(rec.CreatedAt),
		s.time(rec.UpdatedAt), rec.Version, s.id(rec.ID), expectVersion)
}

// DeletePortal implements storage.PortalStore; roles, attributes and
// members cascade.
func (s *Store) DeletePortal(ctx context.Context, id uuid.UUID) error {
	return s.execOne(ctx, "portal", "", nil, "DELETE FROM portals WHERE id = ?", s.id(id))
}

// ListPortals implements storage.PortalStore.
func (s *Store) ListPortals(ctx context.Context, partnerID uuid.UUID, p userkit.PageRequest) (userkit.Page[storage.PortalRecord], error) {
	spec := listSpec{what: "portal", cols: portalCols, from: "portals p", key: "p.id"}
	if partnerID != uuid.Nil {
		spec.where = []string{"p.partner_id = ?"}
		spec.args = []any{s.id(partnerID)}
	}
	var err error
	if spec.after, err = s.afterID(p.After); err != nil {
		return emptyPage[storage.PortalRecord](p), err
	}
	return list(ctx, s, spec, p, s.scanPortal, func(r storage.PortalRecord) string { return r.ID.String() })
}

const roleCols = "id, portal_id, name, is_system, created_at"

func (s *Store) scanRole(sc scanner) (storage.PortalRoleRecord, error) {
	var r storage.PortalRoleRecord
	err := sc.Scan(s.roleDst(&r)...)
	return r, err
}

// roleDst are the destinations of roleCols in r.
func (s *Store) roleDst(r *storage.PortalRoleRecord) []any {
	return []any{idCol{&r.ID}, idCol{&r.PortalID}, &r.Name, &r.IsSystem, s.tc(&r.CreatedAt)}
}

// CreatePortalRole implements storage.PortalStore.
func (s *Store) CreatePortalRole(ctx context.Context, rec *storage.PortalRoleRecord) error {
	_, err := s.exec(ctx, "INSERT INTO portal_roles (id, portal_id, name, is_system, created_at) VALUES (?, ?, ?, ?, ?)",
		s.id(rec.ID), s.id(rec.PortalID), rec.Name, rec.IsSystem, s.time(rec.CreatedAt))
	return s.wrap(err, "portal role", "ID")
}

// GetPortalRole implements storage.PortalStore.
func (s *Store) GetPortalRole(ctx context.Context, id uuid.UUID) (storage.PortalRoleRecord, error) {
	r, err := s.scanRole(s.queryRow(ctx, "SELECT "+roleCols+" FROM portal_roles WHERE id = ?", s.id(id)))
	return r, s.wrap(err, "portal role", "")
}

// UpdatePortalRole implements storage.PortalStore: it writes Name and
// IsSystem.
func (s *Store) UpdatePortalRole(ctx context.Context, rec storage.PortalRoleRecord) error {
	return s.execOne(ctx, "portal role", "SELECT 1 FROM portal_roles WHERE id = ?", []any{s.id(rec.ID)},
		"UPDATE portal_roles SET name = ?, is_system = ? WHERE id = ?", rec.Name, rec.IsSystem, s.id(rec.ID))
}

// DeletePortalRole implements storage.PortalStore; the role leaves the
// members' RoleIDs by cascade.
func (s *Store) DeletePortalRole(ctx context.Context, id uuid.UUID) error {
	return s.execOne(ctx, "portal role", "", nil, "DELETE FROM portal_roles WHERE id = ?", s.id(id))
}

// ListPortalRoles implements storage.PortalStore.
func (s *Store) ListPortalRoles(ctx context.Context, portalID uuid.UUID) ([]storage.PortalRoleRecord, error) {
	return collect(ctx, s, "portal role", s.scanRole,
		"SELECT "+roleCols+" FROM portal_roles WHERE portal_id = ? ORDER BY id", s.id(portalID))
}

const attrCols = "id, portal_id, name, label, type, allow_multiple_values, created_at"

func (s *Store) scanAttr(sc scanner) (storage.AttributeRecord, error) {
	var r storage.AttributeRecord
	err := sc.Scan(s.attrDst(&r)...)
	return r, err
}

// attrDst are the destinations of attrCols in r.
func (s *Store) attrDst(r *storage.AttributeRecord) []any {
	return []any{idCol{&r.ID}, idCol{&r.PortalID}, &r.Name, &r.Label, &r.Type, &r.AllowMultipleValues, s.tc(&r.CreatedAt)}
}

// CreateAttribute implements storage.PortalStore.
func (s *Store) CreateAttribute(ctx context.Context, rec *storage.AttributeRecord) error {
	_, err := s.exec(ctx, "INSERT INTO attributes (id, portal_id, name, label, type, allow_multiple_values, created_at) "+
		"VALUES (?, ?, ?, ?, ?, ?, ?)",
		s.id(rec.ID), s.id(rec.PortalID), rec.Name, rec.Label, rec.Type, rec.AllowMultipleValues, s.time(rec.CreatedAt))
	return s.wrap(err, "attribute", "ID")
}

// GetAttribute implements storage.PortalStore.
func (s *Store) GetAttribute(ctx context.Context, id uuid.UUID) (storage.AttributeRecord, error) {
	r, err := s.scanAttr(s.queryRow(ctx, "SELECT "+attrCols+" FROM attributes WHERE id = ?", s.id(id)))
	return r, s.wrap(err, "attribute", "")
}

// UpdateAttribute implements storage.PortalStore: it writes Name, Label,
// Type and AllowMultipleValues.
func (s *Store) UpdateAttribute(ctx context.Context, rec storage.AttributeRecord) error {
	return s.execOne(ctx, "attribute", "SELECT 1 FROM attributes WHERE id = ?", []any{s.id(rec.ID)},
		"UPDATE attributes SET name = ?, label = ?, type = ?, allow_multiple_values = ? WHERE id = ?",
		rec.Name, rec.Label, rec.Type, rec.AllowMultipleValues, s.id(rec.ID))
}

// DeleteAttribute implements storage.PortalStore; members' values go by
// cascade.
func (s *Store) DeleteAttribute(ctx context.Context, id uuid.UUID) error {
	return s.execOne(ctx, "attribute", "", nil, "DELETE FROM attributes WHERE id = ?", s.id(id))
}

// ListAttributes implements storage.PortalStore.
func (s *Store) ListAttributes(ctx context.Context, portalID uuid.UUID) ([]storage.AttributeRecord, error) {
	return collect(ctx, s, "attribute", s.scanAttr,
		"SELECT "+attrCols+" FROM attributes WHERE portal_id = ? ORDER BY id", s.id(portalID))
}

// Portal members are a row in portal_members plus ordered child rows:
// portal_member_roles (position, role_id), portal_member_attrs (position,
// attribute_id) and portal_member_values (position, value_pos, value). The
// children carry portal_id so that composite foreign keys to
// portal_roles(portal_id, id) and attributes(portal_id, id) enforce that a
// member only holds its own portal's roles and attributes, and remove them
// when a role or attribute is deleted.

const memberCols = "m.id, m.portal_id, m.user_id, m.locale, m.last_login_at, m.created_at, m.updated_at, m.version"

func (s *Store) scanMember(sc scanner) (storage.PortalMemberRecord, error) {
	var r storage.PortalMemberRecord
	err := sc.Scan(idCol{&r.ID}, idCol{&r.PortalID}, idCol{&r.UserID}, &r.Locale, s.ntc(&r.LastLoginAt),
		s.tc(&r.CreatedAt), s.tc(&r.UpdatedAt), &r.Version)
	return r, err
}

// AddPortalMember implements storage.PortalStore. A zero ID is assigned.
func (s *Store) AddPortalMember(ctx context.Context, rec *storage.PortalMemberRecord) error {
	id := rec.ID
	if id == uuid.Nil {
		var err error
		if id, err = uuid.NewV7(); err != nil {
			return s.wrap(err, "portal membership", "")
		}
	}
	err := s.atomic(ctx, func(s *Store) error {
		_, err := s.exec(ctx, "INSERT INTO portal_members (id, portal_id, user_id, locale, last_login_at, created_at, updated_at, version) "+
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			s.id(id), s.id(rec.PortalID), s.id(rec.UserID), rec.Locale, s.nullTime(rec.LastLoginAt),
			s.time(rec.CreatedAt), s.time(rec.UpdatedAt), rec.Version)
		if err != nil {
			return s.wrap(err, "portal membership", "ID")
		}
		return s.insertMemberDetails(ctx, id, *rec)
	})
	if err == nil {
		rec.ID = id
	}
	return err
}

// insertMemberDetails writes the member's roles and attribute values.
func (s *Store) insertMemberDetails(ctx context.Context, memberID uuid.UUID, rec storage.PortalMemberRecord) error {
	for i, roleID := range rec.RoleIDs {
		_, err := s.exec(ctx, "INSERT INTO portal_member_roles (member_id, position, portal_id, role_id) VALUES (?, ?, ?, ?)",
			s.id(memberID), i, s.id(rec.PortalID), s.id(roleID))
		if err != nil {
			return s.wrap(err, "portal role", "")
		}
	}
	for i, a := range rec.Attributes {
		_, err := s.exec(ctx, "INSERT INTO portal_member_attrs (member_id, position, portal_id, attribute_id) VALUES (?, ?, ?, ?)",
			s.id(memberID), i, s.id(rec.PortalID), s.id(a.AttributeID))
		if err != nil {
			return s.wrap(err, "attribute", "")
		}
		for j, v := range a.Values {
			_, err := s.exec(ctx, "INSERT INTO portal_member_values (member_id, position, value_pos, value) VALUES (?, ?, ?, ?)",
				s.id(memberID), i, j, v)
			if err != nil {
				return s.wrap(err, "attribute value", "")
			}
		}
	}
	return nil
}

// loadMemberDetails fills in the roles and attributes of members, three
// queries for the whole slice.
func (s *Store) loadMemberDetails(ctx context.Context, members []storage.PortalMemberRecord) error {
	if len(members) == 0 {
		return nil
	}
	byID := make(map[uuid.UUID]*storage.PortalMemberRecord, len(members))
	ids := make([]uuid.UUID, len(members))
	for i := range members {
		byID[members[i].ID] = &members[i]
		ids[i] = members[i].ID
	}
	in := "(" + placeholders(len(ids)) + ")"
	args := s.ids(ids)

	type pos struct {
		member uuid.UUID
		pos    int
		id     uuid.UUID
	}
	scanPos := func(sc scanner) (pos, error) {
		var p pos
		return p, sc.Scan(idCol{&p.member}, &p.pos, idCol{&p.id})
	}
	roles, err := collect(ctx, s, "portal membership", scanPos,
		"SELECT member_id, position, role_id FROM portal_member_roles WHERE member_id IN "+in+" ORDER BY member_id, position", args...)
	if err != nil {
		return err
	}
	for _, r := range roles {
		m := byID[r.member]
		m.RoleIDs = append(m.RoleIDs, r.id)
	}
	attrs, err := collect(ctx, s, "portal membership", scanPos,
		"SELECT member_id, position, attribute_id FROM portal_member_attrs WHERE member_id IN "+in+" ORDER BY member_id, position", args...)
	if err != nil {
		return err
	}
	// Attribute positions may have gaps after a delete; index by position.
	type slot struct {
		member uuid.UUID
		pos    int
	}
	at := map[slot]int{}
	for _, a := range attrs {
		m := byID[a.member]
		at[slot{a.member, a.pos}] = len(m.Attributes)
		m.Attributes = append(m.Attributes, storage.AttributeValue{AttributeID: a.id})
	}
	type val struct {
		member uuid.UUID
		pos    int
		value  string
	}
	vals, err := collect(ctx, s, "portal membership", func(sc scanner) (val, error) {
		var v val
		return v, sc.Scan(idCol{&v.member}, &v.pos, &v.value)
	}, "SELECT member_id, position, value FROM portal_member_values WHERE member_id IN "+in+" ORDER BY member_id, position, value_pos", args...)
	if err != nil {
		return err
	}
	for _, v := range vals {
		m := byID[v.member]
		i, ok := at[slot{v.member, v.pos}]
		if !ok {
			continue // its attribute was deleted
		}
		m.Attributes[i].Values = append(m.Attributes[i].Values, v.value)
	}
	return nil
}

func (s *Store) members(ctx context.Context, query string, args ...any) ([]storage.PortalMemberRecord, error) {
	ms, err := collect(ctx, s, "portal membership", s.scanMember, query, args...)
	if err != nil {
		return nil, err
	}
	return ms, s.loadMemberDetails(ctx, ms)
}

// GetPortalMember implements storage.PortalStore.
func (s *Store) GetPortalMember(ctx context.Context, portalID, userID uuid.UUID) (storage.PortalMemberRecord, error) {
	ms, err := s.members(ctx, "SELECT "+memberCols+" FROM portal_members m WHERE m.portal_id = ? AND m.user_id = ?",
		s.id(portalID), s.id(userID))
	if err != nil {
		return storage.PortalMemberRecord{}, err
	}
	if len(ms) == 0 {
		return storage.PortalMemberRecord{}, notFound("portal membership")
	}
	return ms[0], nil
}

// UpdatePortalMember implements storage.PortalStore: the membership is found
// by PortalID and UserID, and its roles and attributes are replaced.
func (s *Store) UpdatePortalMember(ctx context.Context, rec storage.PortalMemberRecord, expectVersion int64) error {
	return s.atomic(ctx, func(s *Store) error {
		var id uuid.UUID
		err := s.queryRow(ctx, "SELECT id FROM portal_members WHERE portal_id = ? AND user_id = ?",
			s.id(rec.PortalID), s.id(rec.UserID)).Scan(idCol{&id})
		if err != nil {
			return s.wrap(err, "portal membership", "")
		}
		err = s.casUpdate(ctx, "portal membership", "SELECT 1 FROM portal_members WHERE id = ?", []any{s.id(id)},
			"UPDATE portal_members SET locale = ?, last_login_at = ?, created_at = ?, updated_at = ?, version = ? "+
				"WHERE id = ? AND version = ?",
			rec.Locale, s.nullTime(rec.LastLoginAt), s.time(rec.CreatedAt), s.time(rec.UpdatedAt), rec.Version, s.id(id), expectVersion)
		if err != nil {
			return err
		}
		// Values go with their attribute rows (ON DELETE CASCADE).
		for _, q := range []string{"DELETE FROM portal_member_roles WHERE member_id = ?", "DELETE FROM portal_member_attrs WHERE member_id = ?"} {
			if _, err := s.exec(ctx, q, s.id(id)); err != nil {
				return s.wrap(err, "portal membership", "")
			}
		}
		return s.insertMemberDetails(ctx, id, rec)
	})
}

// RemovePortalMember implements storage.PortalStore.
func (s *Store) RemovePortalMember(ctx context.Context, portalID, userID uuid.UUID) error {
	return s.execOne(ctx, "portal membership", "", nil,
		"DELETE FROM portal_members WHERE portal_id = ? AND user_id = ?", s.id(portalID), s.id(userID))
}

// ListPortalMembers implements storage.PortalStore.
func (s *Store) ListPortalMembers(ctx context.Context, portalID uuid.UUID, p userkit.PageRequest) (userkit.Page[storage.PortalMemberRecord], error) {
	spec, err := s.membersSpec(portalID, p)
	if err != nil {
		return emptyPage[storage.PortalMemberRecord](p), err
	}
	page, err := list(ctx, s, spec, p, s.scanMember, func(r storage.PortalMemberRecord) string { return r.ID.String() })
	if err != nil {
		return page, err
	}
	return page, s.loadMemberDetails(ctx, page.Items)
}

// membersSpec is the list of the portal's memberships, from p's cursor.
func (s *Store) membersSpec(portalID uuid.UUID, p userkit.PageRequest) (listSpec, error) {
	spec := listSpec{what: "portal membership", cols: memberCols, from: "portal_members m", key: "m.id",
		where: []string{"m.portal_id = ?"}, args: []any{s.id(portalID)}}
	var err error
	spec.after, err = s.afterID(p.After)
	return spec, err
}

// PortalsOfUser implements storage.PortalStore.
func (s *Store) PortalsOfUser(ctx context.Context, userID uuid.UUID) ([]storage.PortalMemberRecord, error) {
	return s.members(ctx, "SELECT "+memberCols+" FROM portal_members m WHERE m.user_id = ? ORDER BY m.id", s.id(userID))
}
