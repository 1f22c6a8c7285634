package sqlstore

import (
	"context"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

const partnerCols = "p.id, p.num, p.name, p.created_at, p.updated_at, p.version, p.member_count"

func (s *Store) scanPartner(sc scanner) (storage.PartnerRecord, error) {
	var r storage.PartnerRecord
	err := sc.Scan(s.partnerDst(&r)...)
	return r, err
}

// partnerDst are the destinations of partnerCols in r.
func (s *Store) partnerDst(r *storage.PartnerRecord) []any {
	return []any{idCol{&r.ID}, &r.Num, &r.Name, s.tc(&r.CreatedAt), s.tc(&r.UpdatedAt), &r.Version, &r.MemberCount}
}

// CreatePartner implements storage.PartnerStore.
func (s *Store) CreatePartner(ctx context.Context, rec *storage.PartnerRecord) error {
	num, err := s.insertNum(ctx, "partner",
		"INSERT INTO partners (id, name, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?)",
		s.id(rec.ID), rec.Name, s.time(rec.CreatedAt), s.time(rec.UpdatedAt), rec.Version)
	if err != nil {
		return err
	}
	rec.Num, rec.MemberCount = num, 0
	return nil
}

// countMembers moves the member_count of the partners by delta. It is an
// increment, not a written value, so that concurrent joins and leaves of
// one partner each count: the row lock orders them (PostgreSQL, MySQL),
// or the database's write lock does (SQLite).
func (s *Store) countMembers(ctx context.Context, delta int64, partnerIDs ...uuid.UUID) error {
	if len(partnerIDs) == 0 {
		return nil
	}
	_, err := s.exec(ctx, "UPDATE partners SET member_count = member_count + ? WHERE id IN ("+placeholders(len(partnerIDs))+")",
		append([]any{delta}, s.ids(partnerIDs)...)...)
	return s.wrap(err, "partner", "")
}

func (s *Store) getPartner(ctx context.Context, cond string, arg any) (storage.PartnerRecord, error) {
	r, err := s.scanPartner(s.queryRow(ctx, "SELECT "+partnerCols+" FROM partners p WHERE "+cond, arg))
	return r, s.wrap(err, "partner", "")
}

// GetPartner implements storage.PartnerStore.
func (s *Store) GetPartner(ctx context.Context, id uuid.UUID) (storage.PartnerRecord, error) {
	return s.getPartner(ctx, "p.id = ?", s.id(id))
}

// GetPartnerByNum implements storage.PartnerStore.
func (s *Store) GetPartnerByNum(ctx context.Context, num int64) (storage.PartnerRecord, error) {
	return s.getPartner(ctx, "p.num = ?", num)
}

// UpdatePartner implements storage.PartnerStore.
func (s *Store) UpdatePartner(ctx context.Context, rec storage.PartnerRecord, expectVersion int64) error {
	return s.casUpdate(ctx, "partner", "SELECT 1 FROM partners WHERE id = ?", []any{s.id(rec.ID)},
		"UPDATE partners SET name = ?, created_at = ?, updated_at = ?, version = ? WHERE id = ? AND version = ?",
		rec.Name, s.time(rec.CreatedAt), s.time(rec.UpdatedAt), rec.Version, s.id(rec.ID), expectVersion)
}

// DeletePartner implements storage.PartnerStore. Memberships and teams go
// with it (ON DELETE CASCADE); its portals stay without an owner (ON
// DELETE SET NULL).
func (s *Store) DeletePartner(ctx context.Context, id uuid.UUID) error {
	return s.execOne(ctx, "partner", "", nil, "DELETE FROM partners WHERE id = ?", s.id(id))
}

// ListPartners implements storage.PartnerStore.
func (s *Store) ListPartners(ctx context.Context, p userkit.PageRequest) (userkit.Page[storage.PartnerRecord], error) {
	spec := listSpec{what: "partner", cols: partnerCols, from: "partners p", key: "p.id"}
	var err error
	if spec.after, err = s.afterID(p.After); err != nil {
		return emptyPage[storage.PartnerRecord](p), err
	}
	return list(ctx, s, spec, p, s.scanPartner, func(r storage.PartnerRecord) string { return r.ID.String() })
}

// RecountMembers sets every partner's member count from its memberships,
// in one statement. The store keeps the counts itself with every
// membership it writes; only a bulk load that writes partner_members
// around the store (COPY, multi-row INSERTs: bench/ and sqlbench do) must
// call it once the memberships are in.
func (s *Store) RecountMembers(ctx context.Context) error {
	_, err := s.exec(ctx, "UPDATE partners SET member_count = (SELECT count(*) FROM partner_members pm WHERE pm.partner_id = partners.id)")
	return s.wrap(err, "partner", "")
}

// AddPartnerMember implements storage.PartnerStore; the partner's
// member_count rises in the same transaction. The count comes first: on
// MySQL the INSERT's foreign key check share-locks the partner row, and
// two joins that both held that lock would deadlock on raising the count.
// Where a failed INSERT leaves the transaction usable (SQLite, MySQL), the
// count is lowered again; on PostgreSQL the transaction cannot commit.
func (s *Store) AddPartnerMember(ctx context.Context, rec storage.PartnerMemberRecord) error {
	return s.atomic(ctx, func(s *Store) error {
		if err := s.countMembers(ctx, 1, rec.PartnerID); err != nil {
			return err
		}
		_, err := s.exec(ctx, "INSERT INTO partner_members (partner_id, user_id, created_at) VALUES (?, ?, ?)",
			s.id(rec.PartnerID), s.id(rec.UserID), s.time(rec.CreatedAt))
		if err != nil {
			_ = s.countMembers(ctx, -1, rec.PartnerID) // the INSERT's error is the one to report
			return s.wrap(err, "partner membership", "UserID")
		}
		return nil
	})
}

// RemovePartnerMember implements storage.PartnerStore; the partner's
// member_count falls in the same transaction, only when this call removed
// the membership (a concurrent removal of the same one finds nothing).
func (s *Store) RemovePartnerMember(ctx context.Context, partnerID, userID uuid.UUID) error {
	return s.atomic(ctx, func(s *Store) error {
		err := s.execOne(ctx, "partner membership", "", nil,
			"DELETE FROM partner_members WHERE partner_id = ? AND user_id = ?", s.id(partnerID), s.id(userID))
		if err != nil {
			return err
		}
		if err := s.countMembers(ctx, -1, partnerID); err != nil {
			return err
		}
		_, err = s.exec(ctx, "DELETE FROM team_members WHERE user_id = ? AND team_id IN (SELECT id FROM teams WHERE partner_id = ?)",
			s.id(userID), s.id(partnerID))
		return s.wrap(err, "team membership", "")
	})
}

// IsPartnerMember implements storage.PartnerStore.
func (s *Store) IsPartnerMember(ctx context.Context, partnerID, userID uuid.UUID) (bool, error) {
	return s.exists(ctx, "partner membership", "SELECT 1 FROM partner_members WHERE partner_id = ? AND user_id = ?",
		s.id(partnerID), s.id(userID))
}

// PartnersOfUser implements storage.PartnerStore: by join time, then by the
// order the joins were stored in (seq) when times are equal.
func (s *Store) PartnersOfUser(ctx context.Context, userID uuid.UUID) ([]storage.PartnerRecord, error) {
	return collect(ctx, s, "partner", s.scanPartner,
		"SELECT "+partnerCols+" FROM partner_members pm JOIN partners p ON p.id = pm.partner_id "+
			"WHERE pm.user_id = ? ORDER BY pm.created_at, pm.seq", s.id(userID))
}

const teamCols = "t.id, t.num, t.partner_id, t.name, t.is_default, t.created_at, t.updated_at, t.version"

func (s *Store) scanTeam(sc scanner) (storage.TeamRecord, error) {
	var r storage.TeamRecord
	err := sc.Scan(s.teamDst(&r)...)
	return r, err
}

// teamDst are the destinations of teamCols in r.
func (s *Store) teamDst(r *storage.TeamRecord) []any {
	return []any{idCol{&r.ID}, &r.Num, idCol{&r.PartnerID}, &r.Name, &r.Default, s.tc(&r.CreatedAt), s.tc(&r.UpdatedAt), &r.Version}
}

// CreateTeam implements storage.PartnerStore.
func (s *Store) CreateTeam(ctx context.Context, rec *storage.TeamRecord) error {
	num, err := s.insertNum(ctx, "team",
		"INSERT INTO teams (id, partner_id, name, is_default, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?)",
		s.id(rec.ID), s.id(rec.PartnerID), rec.Name, rec.Default, s.time(rec.CreatedAt), s.time(rec.UpdatedAt), rec.Version)
	if err != nil {
		return err
	}
	rec.Num = num
	return nil
}

func (s *Store) getTeam(ctx context.Context, cond string, arg any) (storage.TeamRecord, error) {
	r, err := s.scanTeam(s.queryRow(ctx, "SELECT "+teamCols+" FROM teams t WHERE "+cond, arg))
	return r, s.wrap(err, "team", "")
}

// GetTeam implements storage.PartnerStore.
func (s *Store) GetTeam(ctx context.Context, id uuid.UUID) (storage.TeamRecord, error) {
	return s.getTeam(ctx, "t.id = ?", s.id(id))
}

// GetTeamByNum implements storage.PartnerStore.
func (s *Store) GetTeamByNum(ctx context.Context, num int64) (storage.TeamRecord, error) {
	return s.getTeam(ctx, "t.num = ?", num)
}

// UpdateTeam implements storage.PartnerStore. A team keeps its partner.
func (s *Store) UpdateTeam(ctx context.Context, rec storage.TeamRecord, expectVersion int64) error {
	return s.casUpdate(ctx, "team", "SELECT 1 FROM teams WHERE id = ?", []any{s.id(rec.ID)},
		"UPDATE teams SET name = ?, is_default = ?, created_at = ?, updated_at = ?, version = ? WHERE id = ? AND version = ?",
		rec.Name, rec.Default, s.time(rec.CreatedAt), s.time(rec.UpdatedAt), rec.Version, s.id(rec.ID), expectVersion)
}

// DeleteTeam implements storage.PartnerStore; memberships cascade.
func (s *Store) DeleteTeam(ctx context.Context, id uuid.UUID) error {
	return s.execOne(ctx, "team", "", nil, "DELETE FROM teams WHERE id = ?", s.id(id))
}

// ListTeams implements storage.PartnerStore.
func (s *Store) ListTeams(ctx context.Context, partnerID uuid.UUID) ([]storage.TeamRecord, error) {
	return collect(ctx, s, "team", s.scanTeam,
		"SELECT "+teamCols+" FROM teams t WHERE t.partner_id = ? ORDER BY t.id", s.id(partnerID))
}

// AddTeamMember implements storage.PartnerStore.
func (s *Store) AddTeamMember(ctx context.Context, teamID, userID uuid.UUID) error {
	_, err := s.exec(ctx, "INSERT INTO team_members (team_id, user_id) VALUES (?, ?)", s.id(teamID), s.id(userID))
	return s.wrap(err, "team membership", "UserID")
}

// RemoveTeamMember implements storage.PartnerStore.
func (s *Store) RemoveTeamMember(ctx context.Context, teamID, userID uuid.UUID) error {
	return s.execOne(ctx, "team membership", "", nil,
		"DELETE FROM team_members WHERE team_id = ? AND user_id = ?", s.id(teamID), s.id(userID))
}

// TeamMembers implements storage.PartnerStore: in join order (seq).
func (s *Store) TeamMembers(ctx context.Context, teamID uuid.UUID) ([]uuid.UUID, error) {
	return collect(ctx, s, "team membership", scanID, "SELECT user_id FROM team_members WHERE team_id = ? ORDER BY seq", s.id(teamID))
}

// TeamsOfUser implements storage.PartnerStore.
func (s *Store) TeamsOfUser(ctx context.Context, userID uuid.UUID) ([]storage.TeamRecord, error) {
	return collect(ctx, s, "team", s.scanTeam,
		"SELECT "+teamCols+" FROM team_members tm JOIN teams t ON t.id = tm.team_id WHERE tm.user_id = ? ORDER BY t.id",
		s.id(userID))
}

// FactsOfUsers implements storage.UserFactsReader: the users LEFT JOINed
// with their partners, and whether each holds "*" on everything, in one
// statement for the whole page.
func (s *Store) FactsOfUsers(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]storage.UserFacts, error) {
	out := make(map[uuid.UUID]storage.UserFacts, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.query(ctx, "SELECT u.id, "+holdsAllCol+", "+partnerCols+" FROM users u "+
		"LEFT JOIN partner_members pm ON pm.user_id = u.id LEFT JOIN partners p ON p.id = pm.partner_id "+
		"WHERE u.id IN ("+placeholders(len(ids))+") ORDER BY u.id, pm.created_at, pm.seq", s.ids(ids)...)
	if err != nil {
		return nil, s.wrap(err, "user", "")
	}
	defer rows.Close()
	var (
		id  uuid.UUID
		all int64
		p   storage.PartnerRecord
	)
	// The partner is NULL for a user in none (outer), so it is zeroed for
	// each row.
	dst := append([]any{idCol{&id}, &all}, outer(s.partnerDst(&p))...)
	for rows.Next() {
		p = storage.PartnerRecord{}
		if err := rows.Scan(dst...); err != nil {
			return nil, s.wrap(err, "user", "")
		}
		f := out[id]
		f.HoldsAll = all == 1
		if p.ID != uuid.Nil {
			f.Partners = append(f.Partners, p)
		}
		out[id] = f
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "user", "")
	}
	return out, nil
}
