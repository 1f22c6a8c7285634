package partners

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/txn"
	"github.com/userkit/userkit/internal/validate"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// CreateTeam adds a team to the partner. It needs partners.update on the
// partner.
func (s *Service) CreateTeam(ctx context.Context, partnerID uuid.UUID, p TeamParams) (Team, error) {
	if err := s.authz.Require(ctx, permissions.PartnersUpdate, permissions.PartnerScope(partnerID)); err != nil {
		return Team{}, err
	}
	p.Name = strings.TrimSpace(p.Name)
	if err := validate.Struct(p); err != nil {
		return Team{}, err
	}
	now := s.clock.Now()
	rec := storage.TeamRecord{ID: uuid.Must(uuid.NewV7()), PartnerID: partnerID, Name: p.Name, CreatedAt: now, UpdatedAt: now, Version: 1}
	err := s.store.InTx(ctx, func(tx storage.Store) error {
		r := rec
		if err := tx.CreateTeam(ctx, &r); err != nil {
			return err
		}
		rec = r
		return s.audit(ctx, tx, permissions.PartnersUpdate, "team", r.ID.String(), partnerID)
	})
	if err != nil {
		return Team{}, err
	}
	return teamFrom(rec), nil
}

// team looks a team up and checks action on its partner; a missing team is
// NotFound only for principals holding action on everything.
func (s *Service) team(ctx context.Context, action permissions.Action, rec storage.TeamRecord, err error) (storage.TeamRecord, error) {
	if err != nil {
		return storage.TeamRecord{}, s.notFoundOr(ctx, action, err)
	}
	if err := s.authz.Require(ctx, action, permissions.PartnerScope(rec.PartnerID)); err != nil {
		return storage.TeamRecord{}, err
	}
	return rec, nil
}

// GetTeam returns the team with id. It needs partners.read on its partner.
func (s *Service) GetTeam(ctx context.Context, id uuid.UUID) (Team, error) {
	rec, err := s.store.GetTeam(ctx, id)
	rec, err = s.team(ctx, permissions.PartnersRead, rec, err)
	if err != nil {
		return Team{}, err
	}
	return teamFrom(rec), nil
}

// ErrNotInPartner is the NotFound of the methods addressed by a partner
// and one of its teams (GetTeamIn, UpdateTeamIn, DeleteTeamIn) when the
// team belongs to another partner.
var ErrNotInPartner = userkit.Errorf(userkit.NotFound, "not in this partner")

// teamIn reads the team id of the partner partnerID and checks action on
// it. Who may not read the team is refused as GetTeam refuses them, so the
// path's partner reveals nothing; who may read it learns that it is not in
// partnerID (ErrNotInPartner), and only then whether they may do action.
func (s *Service) teamIn(ctx context.Context, partnerID, id uuid.UUID, action permissions.Action) (storage.TeamRecord, error) {
	rec, err := s.store.GetTeam(ctx, id)
	if rec, err = s.team(ctx, permissions.PartnersRead, rec, err); err != nil {
		return rec, err
	}
	if rec.PartnerID != partnerID {
		return storage.TeamRecord{}, ErrNotInPartner
	}
	if action == permissions.PartnersRead {
		return rec, nil
	}
	if err := s.authz.Require(ctx, action, permissions.PartnerScope(rec.PartnerID)); err != nil {
		return storage.TeamRecord{}, err
	}
	return rec, nil
}

// GetTeamIn returns the team teamID of the partner partnerID; it needs
// partners.read on the partner. A team of another partner is
// ErrNotInPartner.
func (s *Service) GetTeamIn(ctx context.Context, partnerID, teamID uuid.UUID) (Team, error) {
	rec, err := s.teamIn(ctx, partnerID, teamID, permissions.PartnersRead)
	if err != nil {
		return Team{}, err
	}
	return teamFrom(rec), nil
}

// GetTeamByNum returns the team with the store-assigned number num. It
// needs partners.read on the team's partner; misses work as in GetByNum.
func (s *Service) GetTeamByNum(ctx context.Context, num int64) (Team, error) {
	rec, err := s.store.GetTeamByNum(ctx, num)
	rec, err = s.team(ctx, permissions.PartnersRead, rec, err)
	if err != nil {
		return Team{}, err
	}
	return teamFrom(rec), nil
}

// UpdateTeam renames a team. The default team follows its partner's name
// and cannot be renamed directly (Invalid). It needs partners.update on
// the team's partner. Version works as in Update, and so does an update
// that changes nothing (it writes nothing).
func (s *Service) UpdateTeam(ctx context.Context, id uuid.UUID, p TeamUpdateParams) (Team, error) {
	rec, err := s.store.GetTeam(ctx, id)
	if rec, err = s.team(ctx, permissions.PartnersUpdate, rec, err); err != nil {
		return Team{}, err
	}
	return s.updateTeam(ctx, rec, p)
}

// UpdateTeamIn is UpdateTeam on the team teamID of the partner partnerID:
// a team of another partner is ErrNotInPartner, and changes nothing.
func (s *Service) UpdateTeamIn(ctx context.Context, partnerID, teamID uuid.UUID, p TeamUpdateParams) (Team, error) {
	rec, err := s.teamIn(ctx, partnerID, teamID, permissions.PartnersUpdate)
	if err != nil {
		return Team{}, err
	}
	return s.updateTeam(ctx, rec, p)
}

// updateTeam is UpdateTeam once the caller is checked on the team rec.
func (s *Service) updateTeam(ctx context.Context, rec storage.TeamRecord, p TeamUpdateParams) (Team, error) {
	id := rec.ID
	if p.Name != nil {
		name := strings.TrimSpace(*p.Name)
		if err := validate.Struct(TeamParams{Name: name}); err != nil {
			return Team{}, err
		}
		p.Name = &name
	}
	if rec.Default && p.Name != nil {
		return Team{}, userkit.FieldError("Name", userkit.Problem{Rule: userkit.RuleImmutable, Param: "the default team is named after its partner; rename the partner"})
	}
	var out storage.TeamRecord
	// The partner's lock, as a partner's rename writes its default team.
	err := txn.Update(ctx, s.store, storage.KindPartner, rec.PartnerID.String(), func(tx storage.Store) error {
		rec, err := tx.GetTeam(ctx, id)
		if err != nil {
			return err
		}
		if p.Version != nil && rec.Version != *p.Version {
			return errStale
		}
		if p.Name == nil || *p.Name == rec.Name {
			out = rec // nothing changes: no new version, no audit event
			return nil
		}
		prev := rec.Version
		rec.Name = *p.Name
		rec.Version, rec.UpdatedAt = prev+1, s.clock.Now()
		if err := tx.UpdateTeam(ctx, rec, prev); err != nil {
			return err
		}
		out = rec
		return s.audit(ctx, tx, permissions.PartnersUpdate, "team", id.String(), rec.PartnerID)
	})
	if err != nil {
		return Team{}, err
	}
	return teamFrom(out), nil
}

// DeleteTeam removes a team (not its users). The default team cannot be
// deleted (Invalid). It needs partners.update on the team's partner.
func (s *Service) DeleteTeam(ctx context.Context, id uuid.UUID) error {
	rec, err := s.store.GetTeam(ctx, id)
	if rec, err = s.team(ctx, permissions.PartnersUpdate, rec, err); err != nil {
		return err
	}
	return s.deleteTeam(ctx, rec)
}

// DeleteTeamIn is DeleteTeam on the team teamID of the partner partnerID:
// a team of another partner is ErrNotInPartner, and stays.
func (s *Service) DeleteTeamIn(ctx context.Context, partnerID, teamID uuid.UUID) error {
	rec, err := s.teamIn(ctx, partnerID, teamID, permissions.PartnersUpdate)
	if err != nil {
		return err
	}
	return s.deleteTeam(ctx, rec)
}

// deleteTeam is DeleteTeam once the caller is checked on the team rec.
func (s *Service) deleteTeam(ctx context.Context, rec storage.TeamRecord) error {
	if rec.Default {
		return userkit.Errorf(userkit.Invalid, "the default team of a partner cannot be deleted")
	}
	return s.store.InTx(ctx, func(tx storage.Store) error {
		if err := tx.DeleteTeam(ctx, rec.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, permissions.PartnersUpdate, "team", rec.ID.String(), rec.PartnerID)
	})
}

// ListTeams lists the partner's teams. It needs partners.read on the
// partner.
func (s *Service) ListTeams(ctx context.Context, partnerID uuid.UUID) ([]Team, error) {
	if err := s.authz.Require(ctx, permissions.PartnersRead, permissions.PartnerScope(partnerID)); err != nil {
		return nil, err
	}
	if _, err := s.store.GetPartner(ctx, partnerID); err != nil {
		return nil, err
	}
	recs, err := s.store.ListTeams(ctx, partnerID)
	if err != nil {
		return nil, err
	}
	return teamsFrom(recs), nil
}

func teamsFrom(recs []storage.TeamRecord) []Team {
	out := make([]Team, len(recs))
	for i, r := range recs {
		out[i] = teamFrom(r)
	}
	return out
}

// AddTeamMember puts a member of the team's partner in the team. A user
// who is not a member of the partner is Invalid (NotFound when there is
// no such user); one already in the team is Conflict. It needs
// partners.update on the team's partner.
func (s *Service) AddTeamMember(ctx context.Context, teamID, userID uuid.UUID) error {
	rec, err := s.store.GetTeam(ctx, teamID)
	if rec, err = s.team(ctx, permissions.PartnersUpdate, rec, err); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx storage.Store) error {
		member, err := tx.IsPartnerMember(ctx, rec.PartnerID, userID)
		if err != nil {
			return err
		}
		if !member {
			if _, err := tx.GetUser(ctx, userID); err != nil {
				return err
			}
			return userkit.FieldError("UserID", userkit.Problem{Rule: userkit.RuleNotMember, Param: "the team's partner"})
		}
		if err := tx.AddTeamMember(ctx, teamID, userID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actionAddTeamMember, "team", teamID.String(), rec.PartnerID)
	})
}

// RemoveTeamMember takes a user out of a team; one not in it is NotFound.
// Members cannot leave the default team other than by leaving the partner
// (Invalid). It needs partners.update on the team's partner.
func (s *Service) RemoveTeamMember(ctx context.Context, teamID, userID uuid.UUID) error {
	rec, err := s.store.GetTeam(ctx, teamID)
	if rec, err = s.team(ctx, permissions.PartnersUpdate, rec, err); err != nil {
		return err
	}
	if rec.Default {
		return userkit.Errorf(userkit.Invalid, "members leave the default team by leaving the partner")
	}
	return s.store.InTx(ctx, func(tx storage.Store) error {
		if err := tx.RemoveTeamMember(ctx, teamID, userID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actionRemoveTeamMbr, "team", teamID.String(), rec.PartnerID)
	})
}

// TeamMembers lists the team's users in the order they joined. It needs
// partners.read on the team's partner.
func (s *Service) TeamMembers(ctx context.Context, teamID uuid.UUID) ([]users.User, error) {
	rec, err := s.store.GetTeam(ctx, teamID)
	if _, err = s.team(ctx, permissions.PartnersRead, rec, err); err != nil {
		return nil, err
	}
	ids, err := s.store.TeamMembers(ctx, teamID)
	if err != nil {
		return nil, err
	}
	out := make([]users.User, 0, len(ids))
	for _, id := range ids {
		u, err := s.store.GetUser(ctx, id)
		if errors.Is(err, userkit.ErrNotFound) {
			continue // deleted since the list was read
		}
		if err != nil {
			return nil, err
		}
		out = append(out, users.FromRecord(u))
	}
	return out, nil
}

// TeamsOf lists the user's teams in the partners the caller may see
// (permissions.Service.VisiblePartner), by team ID. It needs users.read on
// a scope covering the user.
func (s *Service) TeamsOf(ctx context.Context, userID uuid.UUID) ([]Team, error) {
	if err := s.authz.RequireForUser(ctx, permissions.UsersRead, userID); err != nil {
		return nil, err
	}
	recs, err := s.store.TeamsOfUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	seen := map[uuid.UUID]bool{}
	out := make([]Team, 0, len(recs))
	for _, r := range recs {
		ok, known := seen[r.PartnerID]
		if !known {
			var err error
			if ok, err = s.authz.VisiblePartner(ctx, r.PartnerID); err != nil {
				return nil, err
			}
			seen[r.PartnerID] = ok
		}
		if ok {
			out = append(out, teamFrom(r))
		}
	}
	return out, nil
}
