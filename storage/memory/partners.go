package memory

import (
	"cmp"
	"context"
	"slices"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// CreatePartner stores a new partner and assigns its Num.
func (s *Store) CreatePartner(ctx context.Context, rec *storage.PartnerRecord) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		if _, ok := d.partners[rec.ID]; ok {
			return conflict("ID", "partner")
		}
		rec.Num, rec.MemberCount = next(t, &d.partnerSeq), 0
		put(t, d.partners, rec.ID, *rec)
		put(t, d.partnerByNum, rec.Num, rec.ID)
		insertSorted(t, &d.partnerIDs, rec.ID, cmpID)
		return nil
	})
}

// GetPartner returns the partner with the ID.
func (s *Store) GetPartner(ctx context.Context, id uuid.UUID) (rec storage.PartnerRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		var ok bool
		if rec, ok = d.partner(id); !ok {
			return notFound("partner")
		}
		return nil
	})
	return rec, err
}

// partner is the stored partner with its MemberCount, which is not kept
// in the record: it is the size of the partner's member set, so every
// join and leave keeps it exact.
func (d *data) partner(id uuid.UUID) (storage.PartnerRecord, bool) {
	rec, ok := d.partners[id]
	rec.MemberCount = int64(len(d.membersOf[id]))
	return rec, ok
}

// GetPartnerByNum returns the partner with the Num.
func (s *Store) GetPartnerByNum(ctx context.Context, num int64) (rec storage.PartnerRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		id, ok := d.partnerByNum[num]
		if !ok {
			return notFound("partner")
		}
		rec, _ = d.partner(id)
		return nil
	})
	return rec, err
}

// UpdatePartner writes rec when the stored version is expectVersion.
func (s *Store) UpdatePartner(ctx context.Context, rec storage.PartnerRecord, expectVersion int64) error {
	return s.write(ctx, func(t *txn) error {
		old, ok := t.d.partners[rec.ID]
		if !ok {
			return notFound("partner")
		}
		if old.Version != expectVersion {
			return stale("partner")
		}
		rec.Num, rec.MemberCount = old.Num, 0
		put(t, t.d.partners, rec.ID, rec)
		return nil
	})
}

// DeletePartner removes the partner with its memberships and teams. Its
// portals stay, without an owner (like ON DELETE SET NULL).
func (s *Store) DeletePartner(ctx context.Context, id uuid.UUID) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		rec, ok := d.partners[id]
		if !ok {
			return notFound("partner")
		}
		for _, team := range children(d.teamsOf, id, cmpID) {
			t.deleteTeam(d.teams[team])
		}
		for _, u := range children(d.membersOf, id, cmpID) {
			t.removePartnerMember(id, u)
		}
		for pid, p := range d.portals {
			if p.PartnerID == id {
				p.PartnerID = uuid.Nil
				put(t, d.portals, pid, p)
			}
		}
		del(t, d.partners, id)
		del(t, d.partnerByNum, rec.Num)
		removeSorted(t, &d.partnerIDs, id, cmpID)
		return nil
	})
}

// ListPartners pages partners by ID.
func (s *Store) ListPartners(ctx context.Context, p userkit.PageRequest) (out userkit.Page[storage.PartnerRecord], err error) {
	p = p.Normalize()
	err = s.read(ctx, func(d *data) error {
		start, err := idAfter(d.partnerIDs, p)
		if err != nil {
			return err
		}
		ids := d.partnerIDs
		out = page(p, len(ids), start, func(int) bool { return true },
			func(i int) storage.PartnerRecord { rec, _ := d.partner(ids[i]); return rec },
			func(r storage.PartnerRecord) string { return r.ID.String() })
		return nil
	})
	return out, err
}

// AddPartnerMember makes the user a member of the partner.
func (s *Store) AddPartnerMember(ctx context.Context, rec storage.PartnerMemberRecord) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		if _, ok := d.partners[rec.PartnerID]; !ok {
			return notFound("partner")
		}
		if _, ok := d.users[rec.UserID]; !ok {
			return notFound("user")
		}
		k := pair{rec.PartnerID, rec.UserID}
		if _, ok := d.partnerMembers[k]; ok {
			return conflict("UserID", "partner membership")
		}
		put(t, d.partnerMembers, k, joined{rec: rec, seq: next(t, &d.joinSeq)})
		link(t, d.membersOf, rec.PartnerID, rec.UserID)
		link(t, d.partnersOf, rec.UserID, rec.PartnerID)
		return nil
	})
}

// RemovePartnerMember ends the membership and the user's membership of the
// partner's teams.
func (s *Store) RemovePartnerMember(ctx context.Context, partnerID, userID uuid.UUID) error {
	return s.write(ctx, func(t *txn) error {
		if _, ok := t.d.partnerMembers[pair{partnerID, userID}]; !ok {
			return notFound("partner membership")
		}
		t.removePartnerMember(partnerID, userID)
		return nil
	})
}

func (t *txn) removePartnerMember(partnerID, userID uuid.UUID) {
	d := t.d
	for team := range d.teamsOf[partnerID] {
		t.removeTeamMember(team, userID)
	}
	del(t, d.partnerMembers, pair{partnerID, userID})
	unlink(t, d.membersOf, partnerID, userID)
	unlink(t, d.partnersOf, userID, partnerID)
}

// IsPartnerMember reports whether the user is a member of the partner.
func (s *Store) IsPartnerMember(ctx context.Context, partnerID, userID uuid.UUID) (ok bool, err error) {
	err = s.read(ctx, func(d *data) error {
		_, ok = d.partnerMembers[pair{partnerID, userID}]
		return nil
	})
	return ok, err
}

// PartnersOfUser lists the user's partners in the order they were joined.
func (s *Store) PartnersOfUser(ctx context.Context, userID uuid.UUID) (out []storage.PartnerRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		out = d.partnersOfUser(userID)
		return nil
	})
	return out, err
}

// CreateTeam stores a new team of an existing partner and assigns its Num.
func (s *Store) CreateTeam(ctx context.Context, rec *storage.TeamRecord) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		if _, ok := d.teams[rec.ID]; ok {
			return conflict("ID", "team")
		}
		if _, ok := d.partners[rec.PartnerID]; !ok {
			return notFound("partner")
		}
		rec.Num = next(t, &d.teamSeq)
		put(t, d.teams, rec.ID, *rec)
		put(t, d.teamByNum, rec.Num, rec.ID)
		link(t, d.teamsOf, rec.PartnerID, rec.ID)
		return nil
	})
}

// GetTeam returns the team with the ID.
func (s *Store) GetTeam(ctx context.Context, id uuid.UUID) (rec storage.TeamRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		var ok bool
		if rec, ok = d.teams[id]; !ok {
			return notFound("team")
		}
		return nil
	})
	return rec, err
}

// GetTeamByNum returns the team with the Num.
func (s *Store) GetTeamByNum(ctx context.Context, num int64) (rec storage.TeamRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		id, ok := d.teamByNum[num]
		if !ok {
			return notFound("team")
		}
		rec = d.teams[id]
		return nil
	})
	return rec, err
}

// UpdateTeam writes rec when the stored version is expectVersion. A team
// keeps its Num and its partner.
func (s *Store) UpdateTeam(ctx context.Context, rec storage.TeamRecord, expectVersion int64) error {
	return s.write(ctx, func(t *txn) error {
		old, ok := t.d.teams[rec.ID]
		if !ok {
			return notFound("team")
		}
		if old.Version != expectVersion {
			return stale("team")
		}
		rec.Num, rec.PartnerID = old.Num, old.PartnerID
		put(t, t.d.teams, rec.ID, rec)
		return nil
	})
}

// DeleteTeam removes the team and its memberships.
func (s *Store) DeleteTeam(ctx context.Context, id uuid.UUID) error {
	return s.write(ctx, func(t *txn) error {
		rec, ok := t.d.teams[id]
		if !ok {
			return notFound("team")
		}
		t.deleteTeam(rec)
		return nil
	})
}

func (t *txn) deleteTeam(rec storage.TeamRecord) {
	d := t.d
	for _, u := range children(d.teamMembersX, rec.ID, cmpID) {
		t.removeTeamMember(rec.ID, u)
	}
	del(t, d.teams, rec.ID)
	del(t, d.teamByNum, rec.Num)
	unlink(t, d.teamsOf, rec.PartnerID, rec.ID)
}

// ListTeams lists a partner's teams by ID.
func (s *Store) ListTeams(ctx context.Context, partnerID uuid.UUID) (out []storage.TeamRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		out = d.teamList(children(d.teamsOf, partnerID, cmpID))
		return nil
	})
	return out, err
}

func (d *data) teamList(ids []uuid.UUID) []storage.TeamRecord {
	out := make([]storage.TeamRecord, len(ids))
	for i, id := range ids {
		out[i] = d.teams[id]
	}
	return out
}

// AddTeamMember makes the user a member of the team.
func (s *Store) AddTeamMember(ctx context.Context, teamID, userID uuid.UUID) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		if _, ok := d.teams[teamID]; !ok {
			return notFound("team")
		}
		if _, ok := d.users[userID]; !ok {
			return notFound("user")
		}
		k := pair{teamID, userID}
		if _, ok := d.teamMembers[k]; ok {
			return conflict("UserID", "team membership")
		}
		put(t, d.teamMembers, k, next(t, &d.joinSeq))
		link(t, d.teamMembersX, teamID, userID)
		link(t, d.teamsOfUser, userID, teamID)
		return nil
	})
}

// RemoveTeamMember ends the user's membership of the team.
func (s *Store) RemoveTeamMember(ctx context.Context, teamID, userID uuid.UUID) error {
	return s.write(ctx, func(t *txn) error {
		if _, ok := t.d.teamMembers[pair{teamID, userID}]; !ok {
			return notFound("team membership")
		}
		t.removeTeamMember(teamID, userID)
		return nil
	})
}

func (t *txn) removeTeamMember(teamID, userID uuid.UUID) {
	d := t.d
	del(t, d.teamMembers, pair{teamID, userID})
	unlink(t, d.teamMembersX, teamID, userID)
	unlink(t, d.teamsOfUser, userID, teamID)
}

// TeamMembers lists the team's user IDs in the order they joined.
func (s *Store) TeamMembers(ctx context.Context, teamID uuid.UUID) (out []uuid.UUID, err error) {
	err = s.read(ctx, func(d *data) error {
		out = d.teamMemberIDs(teamID)
		return nil
	})
	return out, err
}

// teamMemberIDs lists the team's users in the order they joined.
func (d *data) teamMemberIDs(teamID uuid.UUID) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(d.teamMembersX[teamID]))
	for u := range d.teamMembersX[teamID] {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b uuid.UUID) int {
		return cmp.Compare(d.teamMembers[pair{teamID, a}], d.teamMembers[pair{teamID, b}])
	})
	return out
}

// TeamsOfUser lists the user's teams by team ID.
func (s *Store) TeamsOfUser(ctx context.Context, userID uuid.UUID) (out []storage.TeamRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		out = d.teamList(children(d.teamsOfUser, userID, cmpID))
		return nil
	})
	return out, err
}
