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

// Partners and teams addressed by their store-assigned numbers, as the
// Tyk portal's organisations and teams, one call per request. Every
// method here resolves the numbers itself and conceals a miss
// (permissions.Service.Conceal) for the action it needs; a team number of
// another partner is NotFound like a missing team.

// OrgView is a partner with its teams and members, as the portal's
// Organisation-show.
type OrgView struct {
	Partner
	Teams []Team
	// Members are the partner's users, ordered by ID, each with Role and
	// Admin set and Organisation the partner (nil for administrators).
	Members []PortalUser
}

// TeamSave is the change SaveTeam makes; nil fields stay as they are.
type TeamSave struct {
	// Name renames the team. The default team is named after its partner:
	// its own name is accepted and changes nothing, any other is Invalid.
	Name *string
	// UserNums replaces the team's members by the users with these
	// numbers (duplicates ignored), each a member of the partner. The
	// default team holds every member of the partner, so for it only that
	// set is accepted.
	UserNums *[]int64
	// Version, when set, makes the change compare-and-set on the team.
	Version *int64
}

// CreateWithTeams is Create returning the new partner's teams (its
// default team) too. It needs partners.create on everything.
func (s *Service) CreateWithTeams(ctx context.Context, p CreateParams) (Partner, []Team, error) {
	org, err := s.Create(ctx, p)
	if err != nil {
		return Partner{}, nil, err
	}
	// The caller made the partner, so it sees its default team.
	recs, err := s.store.ListTeams(ctx, org.ID)
	if err != nil {
		return Partner{}, nil, err
	}
	return org, teamsFrom(recs), nil
}

// byNum resolves a partner number and checks actions on the partner; a
// miss is concealed for the first action.
func (s *Service) byNum(ctx context.Context, num int64, actions ...permissions.Action) (storage.PartnerRecord, error) {
	rec, err := s.store.GetPartnerByNum(ctx, num)
	if err != nil {
		return storage.PartnerRecord{}, s.notFoundOr(ctx, actions[0], err)
	}
	if err := s.requireAll(ctx, rec.ID, actions); err != nil {
		return storage.PartnerRecord{}, err
	}
	return rec, nil
}

// requireAll checks actions on the partner.
func (s *Service) requireAll(ctx context.Context, partnerID uuid.UUID, actions []permissions.Action) error {
	for _, a := range actions {
		if err := s.authz.Require(ctx, a, permissions.PartnerScope(partnerID)); err != nil {
			return err
		}
	}
	return nil
}

// Show returns the partner with the number num with its teams and
// members. It needs partners.read and users.read on the partner.
func (s *Service) Show(ctx context.Context, num int64) (OrgView, error) {
	actions := []permissions.Action{permissions.PartnersRead, permissions.UsersRead}
	if vr, ok := s.store.(storage.PartnerViewReader); ok {
		// The partner with its teams and members in one statement. A
		// miss goes the way below, which conceals it as it should.
		v, err := vr.PartnerViewByNum(ctx, num)
		switch {
		case err == nil:
			if err := s.requireAll(ctx, v.Partner.ID, actions); err != nil {
				return OrgView{}, err
			}
			return orgViewOf(partnerFrom(v.Partner), v.Teams, v.Members), nil
		case !errors.Is(err, userkit.ErrNotFound):
			return OrgView{}, err
		}
	}
	rec, err := s.byNum(ctx, num, actions...)
	if err != nil {
		return OrgView{}, err
	}
	return s.orgView(ctx, partnerFrom(rec))
}

// UpdateByNum is Update for the partner with the number num, returning
// the same view as Show. It needs partners.update, and partners.read and
// users.read (the answer shows the teams and members) on the partner, all
// decided before anything is written.
func (s *Service) UpdateByNum(ctx context.Context, num int64, p UpdateParams) (OrgView, error) {
	rec, err := s.byNum(ctx, num, permissions.PartnersUpdate, permissions.PartnersRead, permissions.UsersRead)
	if err != nil {
		return OrgView{}, err
	}
	org, err := s.Update(ctx, rec.ID, p)
	if err != nil {
		return OrgView{}, err
	}
	return s.orgView(ctx, org)
}

// DeleteByNum is Delete for the partner with the number num.
func (s *Service) DeleteByNum(ctx context.Context, num int64) error {
	rec, err := s.byNum(ctx, num, permissions.PartnersDelete)
	if err != nil {
		return err
	}
	return s.Delete(ctx, rec.ID)
}

// ListTeamsByNum is ListTeams for the partner with the number num.
func (s *Service) ListTeamsByNum(ctx context.Context, num int64) ([]Team, error) {
	rec, err := s.byNum(ctx, num, permissions.PartnersRead)
	if err != nil {
		return nil, err
	}
	recs, err := s.store.ListTeams(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	return teamsFrom(recs), nil
}

// CreateTeamByNum is CreateTeam for the partner with the number num.
func (s *Service) CreateTeamByNum(ctx context.Context, num int64, p TeamParams) (Team, error) {
	rec, err := s.byNum(ctx, num, permissions.PartnersUpdate)
	if err != nil {
		return Team{}, err
	}
	return s.CreateTeam(ctx, rec.ID, p)
}

// teamByNums resolves a partner and team number and checks actions on the
// partner.
func (s *Service) teamByNums(ctx context.Context, orgNum, teamNum int64, actions ...permissions.Action) (storage.TeamRecord, error) {
	org, err := s.byNum(ctx, orgNum, actions...)
	if err != nil {
		return storage.TeamRecord{}, err
	}
	t, err := s.store.GetTeamByNum(ctx, teamNum)
	if err == nil && t.PartnerID != org.ID {
		err = userkit.Errorf(userkit.NotFound, "team not found")
	}
	return t, err
}

// TeamByNums returns the team teamNum of the partner orgNum with its
// members, in the order joined. It needs partners.read on the partner.
func (s *Service) TeamByNums(ctx context.Context, orgNum, teamNum int64) (Team, []users.User, error) {
	if vr, ok := s.store.(storage.PartnerViewReader); ok {
		// The team with its partner and members in one statement; a miss
		// goes the way below, which conceals it.
		v, err := vr.TeamViewByNums(ctx, orgNum, teamNum)
		switch {
		case err == nil:
			if err := s.authz.Require(ctx, permissions.PartnersRead, permissions.PartnerScope(v.Partner.ID)); err != nil {
				return Team{}, nil, err
			}
			members := make([]users.User, len(v.Members))
			for i, u := range v.Members {
				members[i] = users.FromRecord(u)
			}
			return teamFrom(v.Team), members, nil
		case !errors.Is(err, userkit.ErrNotFound):
			return Team{}, nil, err
		}
	}
	t, err := s.teamByNums(ctx, orgNum, teamNum, permissions.PartnersRead)
	if err != nil {
		return Team{}, nil, err
	}
	members, err := s.teamMembers(ctx, s.store, t.ID)
	if err != nil {
		return Team{}, nil, err
	}
	return teamFrom(t), members, nil
}

// DeleteTeamByNums is DeleteTeam for the team teamNum of the partner
// orgNum.
func (s *Service) DeleteTeamByNums(ctx context.Context, orgNum, teamNum int64) error {
	t, err := s.teamByNums(ctx, orgNum, teamNum, permissions.PartnersUpdate)
	if err != nil {
		return err
	}
	return s.DeleteTeam(ctx, t.ID)
}

// SaveTeam renames the team teamNum of the partner orgNum and sets its
// members, in one transaction, and returns the team with its members. It
// needs partners.update and partners.read on the partner, decided before
// anything is read about the members. A user number that is no member of
// the partner (or no user at all: the two are not told apart) is Invalid
// (Fields["UserNums"]); every field problem is reported at once.
func (s *Service) SaveTeam(ctx context.Context, orgNum, teamNum int64, p TeamSave) (Team, []users.User, error) {
	t, err := s.teamByNums(ctx, orgNum, teamNum, permissions.PartnersUpdate, permissions.PartnersRead)
	if err != nil {
		return Team{}, nil, err
	}
	var name *string
	if p.Name != nil {
		n := strings.TrimSpace(*p.Name)
		name = &n
	}
	var (
		out     storage.TeamRecord
		members []users.User
	)
	err = txn.Update(ctx, s.store, storage.KindPartner, t.PartnerID.String(), func(tx storage.Store) error {
		rec, err := tx.GetTeam(ctx, t.ID)
		if err != nil {
			return err
		}
		if p.Version != nil && rec.Version != *p.Version {
			return errStale
		}
		fields := map[string]userkit.Problem{}
		rename := name != nil && !(rec.Default && *name == rec.Name)
		if rename {
			if rec.Default {
				fields["Name"] = userkit.Problem{Rule: userkit.RuleImmutable, Param: "the default team is named after its partner; rename the partner"}
			} else if err := validate.Struct(TeamParams{Name: *name}); err != nil {
				for k, v := range userkit.FieldsOf(err) {
					fields[k] = v
				}
			}
		}
		var add, remove []uuid.UUID
		if p.UserNums != nil {
			if add, remove, err = s.planTeamMembers(ctx, tx, rec, *p.UserNums); err != nil {
				problem, ok := userkit.FieldsOf(err)["UserNums"]
				if !ok {
					return err
				}
				fields["UserNums"] = problem
			}
			if rec.Default && (len(add) > 0 || len(remove) > 0) {
				fields["UserNums"] = userkit.Problem{Rule: userkit.RuleImmutable, Param: "the default team always holds every member of the organisation"}
			}
		}
		if len(fields) > 0 {
			return &userkit.Error{Kind: userkit.Invalid, Message: "invalid input", Fields: fields}
		}
		if (!rename || *name == rec.Name) && len(add) == 0 && len(remove) == 0 {
			// Nothing changes (writing back what was read): no new
			// version, no audit event.
			out = rec
			members, err = s.teamMembers(ctx, tx, rec.ID)
			return err
		}
		prev, now := rec.Version, s.clock.Now()
		if rename {
			rec.Name = *name
		}
		rec.Version, rec.UpdatedAt = prev+1, now
		if err := tx.UpdateTeam(ctx, rec, prev); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, permissions.PartnersUpdate, "team", rec.ID.String(), rec.PartnerID); err != nil {
			return err
		}
		for _, id := range add {
			if err := tx.AddTeamMember(ctx, rec.ID, id); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, actionAddTeamMember, "team", rec.ID.String(), rec.PartnerID); err != nil {
				return err
			}
		}
		for _, id := range remove {
			if err := tx.RemoveTeamMember(ctx, rec.ID, id); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, actionRemoveTeamMbr, "team", rec.ID.String(), rec.PartnerID); err != nil {
				return err
			}
		}
		out = rec
		members, err = s.teamMembers(ctx, tx, rec.ID)
		return err
	})
	if err != nil {
		return Team{}, nil, err
	}
	return teamFrom(out), members, nil
}

// planTeamMembers resolves the wanted member numbers through tx and
// compares them with the team's members.
func (s *Service) planTeamMembers(ctx context.Context, tx storage.Store, team storage.TeamRecord, want []int64) (add, remove []uuid.UUID, err error) {
	current, err := tx.TeamMembers(ctx, team.ID)
	if err != nil {
		return nil, nil, err
	}
	wanted := map[uuid.UUID]bool{}
	for _, num := range want {
		u, err := tx.GetUserByNum(ctx, num)
		member := false
		if err == nil {
			member, err = tx.IsPartnerMember(ctx, team.PartnerID, u.ID)
		}
		switch {
		case errors.Is(err, userkit.ErrNotFound) || (err == nil && !member):
			return nil, nil, userkit.FieldError("UserNums", userkit.Problem{Rule: userkit.RuleNotMember, Param: "the organisation"})
		case err != nil:
			return nil, nil, err
		}
		if wanted[u.ID] {
			continue
		}
		wanted[u.ID] = true
		if !containsID(current, u.ID) {
			add = append(add, u.ID)
		}
	}
	for _, id := range current {
		if !wanted[id] {
			remove = append(remove, id)
		}
	}
	return add, remove, nil
}

func containsID(ids []uuid.UUID, id uuid.UUID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// orgView reads a partner's teams and members; the caller's rights are
// checked before.
func (s *Service) orgView(ctx context.Context, org Partner) (OrgView, error) {
	if vr, ok := s.store.(storage.PartnerViewReader); ok {
		// The teams and members in one statement, not a read per member.
		v, err := vr.PartnerViewByNum(ctx, org.Num)
		if err != nil {
			return OrgView{}, err
		}
		return orgViewOf(org, v.Teams, v.Members), nil
	}
	recs, err := s.store.ListTeams(ctx, org.ID)
	if err != nil {
		return OrgView{}, err
	}
	var members []storage.HeldUser
	f := storage.UserFilter{PartnerID: org.ID}
	req := userkit.PageRequest{Limit: userkit.MaxLimit}
	for {
		page, err := s.store.ListUsers(ctx, f, req.Normalize())
		if err != nil {
			return OrgView{}, err
		}
		for _, r := range page.Items {
			admin, err := s.authz.HoldsAll(ctx, r.ID)
			if err != nil {
				return OrgView{}, err
			}
			members = append(members, storage.HeldUser{User: r, HoldsAll: admin})
		}
		if page.Next == "" {
			return orgViewOf(org, recs, members), nil
		}
		req.After = page.Next
	}
}

// orgViewOf is the view of org with its teams and members, by ID.
func orgViewOf(org Partner, teams []storage.TeamRecord, members []storage.HeldUser) OrgView {
	v := OrgView{Partner: org, Teams: teamsFrom(teams), Members: make([]PortalUser, len(members))}
	for i, m := range members {
		admin := m.HoldsAll
		v.Members[i] = PortalUser{User: users.FromRecord(m.User), Admin: admin, Role: users.ShowRole(users.Tyk, m.User.Role, admin)}
		if !admin {
			v.Members[i].Organisation = &v.Partner
		}
	}
	return v
}

// teamMembers reads a team's users through st, in the order they joined.
func (s *Service) teamMembers(ctx context.Context, st storage.Store, teamID uuid.UUID) ([]users.User, error) {
	ids, err := st.TeamMembers(ctx, teamID)
	if err != nil {
		return nil, err
	}
	out := make([]users.User, 0, len(ids))
	if ur, ok := st.(storage.UsersReader); ok {
		// The members in one statement, not a read per member.
		us, err := ur.UsersByIDs(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if u, ok := us[id]; ok { // else deleted since the list was read
				out = append(out, users.FromRecord(u))
			}
		}
		return out, nil
	}
	for _, id := range ids {
		u, err := st.GetUser(ctx, id)
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
