package partners

import (
	"context"
	"errors"
	"slices"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// The Tyk portal's users: a user with the organisation (partner) and
// teams they belong to, as one view and one operation each, so that the
// portal API's handlers make one call per request.
//
// A portal administrator is a user holding the grant "*" on everything
// (users.Service.HoldsAll); the role the portal shows is
// users.ShowRole(users.Tyk, stored, admin). Administrators belong to no
// organisation in the portal, so their view has none.

// PortalUser is a user as the Tyk portal shows one.
type PortalUser struct {
	users.User
	// Role is the user's role in the Tyk vocabulary (users.ShowRole).
	Role string
	// Admin is whether the user holds "*" on everything.
	Admin bool
	// Organisation is the user's primary organisation among those the
	// caller may see (permissions.Service.VisiblePartner): the first one
	// joined. nil for none, and always for administrators.
	Organisation *Partner
	// Teams are the user's teams in Organisation, default team first
	// (teams in the order the store lists them). Lists leave it nil.
	Teams []Team
	// TokenVisible is whether the caller may see the user's API token:
	// only callers holding "*" on everything may, since the token carries
	// every grant the user holds.
	TokenVisible bool
}

// PortalUserParams describes a new portal user.
type PortalUserParams struct {
	// CreateParams is the user; Vocabulary should be users.Tyk, so that an
	// administrator role grants "*" on everything.
	users.CreateParams
	// OrganisationNum is the number of the partner the user joins (with
	// its default team); 0 means none. Administrators join none.
	OrganisationNum int64
}

// TeamRef names a team of the user's organisation in a PortalUserUpdate:
// by number, or by name when no team of the organisation has the number
// (the portal shows a user's teams by name, so a client writing back what
// it read sends names).
type TeamRef struct {
	Num  int64
	Name string
}

// PortalUserUpdate is a change to a portal user; nil fields stay as they
// are.
type PortalUserUpdate struct {
	// Profile is the user's own fields (users.Service.Update), Vocabulary
	// users.Tyk: writing an administrator role grants "*" on everything,
	// writing a consumer role to an administrator revokes it.
	Profile users.UpdateParams
	// Active sets the status to active or suspended, only when it flips
	// between active and not active: a locked user stays locked on false.
	// It overrides Profile.Status.
	Active *bool
	// OrganisationNum moves the user to the partner with that number
	// (joining its default team, leaving the old partner and its teams).
	// The number of the organisation the view shows, or 0 for a user in
	// none, changes nothing; 0 for a user in one is Invalid (a consumer
	// cannot leave their organisation, only move). Ignored for
	// administrators (after the update), who show 0.
	OrganisationNum *int64
	// Teams sets the user's teams in their organisation (after the
	// move): the default team is always kept. Ignored for administrators.
	Teams *[]TeamRef
}

// PortalUsers pages all users as portal users (without Teams). It needs
// users.read on everything.
func (s *Service) PortalUsers(ctx context.Context, p userkit.PageRequest) (userkit.Page[PortalUser], error) {
	page, err := s.users.List(ctx, users.ListParams{PageRequest: p})
	if err != nil {
		return userkit.Page[PortalUser]{}, err
	}
	token, err := s.tokenVisible(ctx)
	if err != nil {
		return userkit.Page[PortalUser]{}, err
	}
	out := userkit.Page[PortalUser]{Items: make([]PortalUser, len(page.Items)), Next: page.Next, Total: page.Total}
	if fr, ok := s.store.(storage.UserFactsReader); ok {
		// What the list shows of every user of the page, in one statement.
		ids := make([]uuid.UUID, len(page.Items))
		for i, u := range page.Items {
			ids[i] = u.ID
		}
		facts, err := fr.FactsOfUsers(ctx, ids)
		if err != nil {
			return userkit.Page[PortalUser]{}, err
		}
		for i, u := range page.Items {
			if out.Items[i], err = s.listView(ctx, u, facts[u.ID], token); err != nil {
				return userkit.Page[PortalUser]{}, err
			}
		}
		return out, nil
	}
	for i, u := range page.Items {
		if out.Items[i], err = s.portalView(ctx, u, false, token); err != nil {
			return userkit.Page[PortalUser]{}, err
		}
	}
	return out, nil
}

// PortalUser returns the user with the number num as a portal user. It
// needs users.read on a scope covering the user (users may read
// themselves); misses are concealed as in users.Service.GetByNum.
func (s *Service) PortalUser(ctx context.Context, num int64) (PortalUser, error) {
	if vr, ok := s.store.(storage.UserViewReader); ok {
		// The user with everything the view shows in one statement; the
		// checks start from the grants read with the credential.
		v, err := vr.UserViewByNum(ctx, num)
		if err != nil {
			return PortalUser{}, s.authz.Conceal(ctx, permissions.UsersRead, err)
		}
		if err := s.authz.RequireForUserIn(ctx, permissions.UsersRead, v.User.ID, v.Scopes); err != nil {
			return PortalUser{}, err
		}
		token, err := s.tokenVisible(ctx)
		if err != nil {
			return PortalUser{}, err
		}
		return s.viewOf(ctx, users.FromRecord(v.User), v, token)
	}
	u, err := s.users.GetByNum(ctx, num)
	if err != nil {
		return PortalUser{}, err
	}
	return s.portalUserView(ctx, u)
}

// viewOf is portalView (with teams) from a view read in one statement.
func (s *Service) viewOf(ctx context.Context, u users.User, sv storage.UserView, token bool) (PortalUser, error) {
	v, err := s.listView(ctx, u, storage.UserFacts{HoldsAll: sv.HoldsAll, Partners: sv.Partners}, token)
	if err != nil || v.Organisation == nil {
		return v, err
	}
	v.Teams = []Team{}
	for _, t := range sv.Teams {
		if t.PartnerID == v.Organisation.ID {
			v.Teams = append(v.Teams, teamFrom(t))
		}
	}
	return v, nil
}

// CreatePortalUser creates a user, in the organisation p.OrganisationNum
// names (and its default team) unless 0, in one transaction. An
// administrator role (in the Tyk vocabulary) grants the user "*" on
// everything in the same transaction, needs the caller to hold "*" on
// everything and OrganisationNum 0. Everything the operation needs is
// decided before anything is written: users.create and users.read (the
// answer shows the user) on the organisation, or on everything without
// one. An unknown organisation is Invalid for callers holding users.create
// on everything and Forbidden for others. A taken email is Conflict
// (Fields["Email"]): the portal never attaches an existing user.
func (s *Service) CreatePortalUser(ctx context.Context, p PortalUserParams) (PortalUser, error) {
	admin := p.Vocabulary == users.Tyk && users.IsTykAdminRole(p.Role)
	switch {
	case p.OrganisationNum < 0:
		return PortalUser{}, userkit.FieldError("OrganisationNum", userkit.Problem{Rule: userkit.RuleInvalid, Param: "0 or the ID of an organisation"})
	case p.OrganisationNum != 0 && admin:
		return PortalUser{}, userkit.FieldError("OrganisationNum", userkit.Problem{Rule: userkit.RuleInvalid, Param: "0 for admin users"})
	}
	var u users.User
	if p.OrganisationNum == 0 {
		if err := s.authz.Require(ctx, permissions.UsersRead, permissions.All); err != nil {
			return PortalUser{}, err
		}
		var err error
		if u, err = s.users.CreateIn(ctx, permissions.All, p.CreateParams, nil); err != nil {
			return PortalUser{}, err
		}
	} else {
		org, err := s.organisationField(ctx, p.OrganisationNum, permissions.UsersCreate)
		if err != nil {
			return PortalUser{}, err
		}
		for _, action := range []permissions.Action{permissions.UsersCreate, permissions.UsersRead} {
			if err := s.authz.Require(ctx, action, permissions.PartnerScope(org.ID)); err != nil {
				return PortalUser{}, err
			}
		}
		u, err = s.users.CreateIn(ctx, permissions.PartnerScope(org.ID), p.CreateParams, func(tx storage.Store, u users.User) error {
			if _, err := tx.GetPartner(ctx, org.ID); err != nil {
				return err
			}
			return s.join(ctx, tx, org.ID, u.ID)
		})
		if err != nil {
			return PortalUser{}, err
		}
	}
	return s.portalUserView(ctx, u)
}

// SavePortalUser changes the user with the number num: profile, role
// (and with it the administrator grant), organisation and teams, in one
// transaction. Writing back what PortalUser showed changes nothing (no new
// version, no audit event). Every permission the change needs is decided
// before anything is written: users.read on the user (the answer shows
// them), what users.Service.Update needs for the profile and role,
// users.create on the new organisation and users.delete on the old one
// for a move, and partners.update on the organisation whose teams are
// set. An unknown organisation or team is Invalid (an organisation only
// for callers holding users.create on everything, Forbidden for others).
// Misses of num are concealed as in users.Service.GetByNum.
//
// A user moved away from the partner that manages them becomes managed
// by everything (as partners.Service.RemoveUser does).
func (s *Service) SavePortalUser(ctx context.Context, num int64, p PortalUserUpdate) (PortalUser, error) {
	u, err := s.users.GetByNum(ctx, num)
	if err != nil {
		return PortalUser{}, err
	}
	if p.OrganisationNum != nil && *p.OrganisationNum < 0 {
		return PortalUser{}, userkit.FieldError("OrganisationNum", userkit.Problem{Rule: userkit.RuleInvalid, Param: "0 or the ID of an organisation"})
	}
	if p.Active != nil && *p.Active != (u.Status == users.StatusActive) {
		st := users.StatusSuspended
		if *p.Active {
			st = users.StatusActive
		}
		p.Profile.Status = &st
	}
	wasAdmin, err := s.authz.HoldsAll(ctx, u.ID)
	if err != nil {
		return PortalUser{}, err
	}
	admin := wasAdmin
	if p.Profile.Vocabulary == users.Tyk && p.Profile.Role != nil && *p.Profile.Role != users.ShowRole(users.Tyk, u.Role, wasAdmin) {
		admin = users.IsTykAdminRole(*p.Profile.Role)
	}
	var plan membershipPlan
	if !admin {
		if plan, err = s.planMemberships(ctx, u.ID, p); err != nil {
			return PortalUser{}, err
		}
	}
	u, err = s.users.UpdateWith(ctx, u.ID, p.Profile, func(tx storage.Store, _ users.User) error {
		return s.applyMemberships(ctx, tx, u.ID, plan)
	})
	if err != nil {
		return PortalUser{}, err
	}
	if plan.moved() {
		// The move may have changed who manages the user (and their
		// version); the caller was allowed to read them above.
		rec, err := s.store.GetUser(ctx, u.ID)
		if err != nil {
			return PortalUser{}, err
		}
		u = users.FromRecord(rec)
	}
	return s.portalUserView(ctx, u)
}

// membershipPlan is what SavePortalUser changes in a user's organisation
// and teams, decided (and permitted) before the transaction.
type membershipPlan struct {
	from, to *storage.PartnerRecord // the shown organisation before and after
	setTeams bool
	teams    []uuid.UUID // the wanted teams in to, default team included
}

func (m membershipPlan) moved() bool {
	return m.to != nil && (m.from == nil || m.from.ID != m.to.ID)
}

// planMemberships validates the organisation and teams of an update and
// checks the permissions their changes need.
func (s *Service) planMemberships(ctx context.Context, userID uuid.UUID, p PortalUserUpdate) (membershipPlan, error) {
	var m membershipPlan
	from, err := s.visiblePrimary(ctx, userID)
	if err != nil {
		return m, err
	}
	m.from, m.to = from, from
	var fromNum int64
	if from != nil {
		fromNum = from.Num
	}
	if p.OrganisationNum != nil && *p.OrganisationNum != fromNum {
		if *p.OrganisationNum == 0 {
			return m, userkit.FieldError("OrganisationNum", userkit.Problem{Rule: userkit.RuleRequired, Param: "a consumer cannot leave their organisation; move them to another one or delete them"})
		}
		org, err := s.organisationField(ctx, *p.OrganisationNum, permissions.UsersCreate)
		if err != nil {
			return m, err
		}
		if err := s.authz.Require(ctx, permissions.UsersCreate, permissions.PartnerScope(org.ID)); err != nil {
			return m, err
		}
		if from != nil {
			if err := s.authz.Require(ctx, permissions.UsersDelete, permissions.PartnerScope(from.ID)); err != nil {
				return m, err
			}
		}
		rec := storage.PartnerRecord{ID: org.ID, Num: org.Num, Name: org.Name}
		m.to = &rec
	}
	if p.Teams == nil {
		return m, nil
	}
	m.setTeams = true
	if m.to == nil {
		if len(*p.Teams) > 0 {
			return m, userkit.FieldError("Teams", userkit.Problem{Rule: userkit.RuleNotMember, Param: "an organisation"})
		}
		return m, nil
	}
	if err := s.authz.Require(ctx, permissions.PartnersUpdate, permissions.PartnerScope(m.to.ID)); err != nil {
		return m, err
	}
	teams, err := s.store.ListTeams(ctx, m.to.ID)
	if err != nil {
		return m, err
	}
	for _, t := range teams {
		if t.Default {
			m.teams = append(m.teams, t.ID)
		}
	}
	for _, ref := range *p.Teams {
		t, ok := findTeam(teams, ref)
		if !ok {
			return m, userkit.FieldError("Teams", userkit.Problem{Rule: userkit.RuleUnknown, Param: "team of the user's organisation"})
		}
		if !slices.Contains(m.teams, t.ID) {
			m.teams = append(m.teams, t.ID)
		}
	}
	return m, nil
}

// findTeam finds the team ref names: by number first, then by name.
func findTeam(teams []storage.TeamRecord, ref TeamRef) (storage.TeamRecord, bool) {
	if ref.Num > 0 {
		for _, t := range teams {
			if t.Num == ref.Num {
				return t, true
			}
		}
	}
	if ref.Name != "" {
		for _, t := range teams {
			if t.Name == ref.Name {
				return t, true
			}
		}
	}
	return storage.TeamRecord{}, false
}

// errMoved ends a SavePortalUser whose user changed organisation since
// the plan was made (and permitted).
var errMoved = userkit.Errorf(userkit.Conflict, "the user's organisation changed meanwhile; reload and retry")

// applyMemberships carries out a plan through tx, writing nothing when
// nothing changes: join the new organisation and its default team, leave
// the old one and its teams, then add and remove teams.
func (s *Service) applyMemberships(ctx context.Context, tx storage.Store, userID uuid.UUID, m membershipPlan) error {
	if m.from != nil {
		member, err := tx.IsPartnerMember(ctx, m.from.ID, userID)
		if err != nil {
			return err
		}
		if !member {
			return errMoved
		}
	}
	if m.moved() {
		if _, err := tx.GetPartner(ctx, m.to.ID); err != nil {
			return err // deleted since the plan
		}
		member, err := tx.IsPartnerMember(ctx, m.to.ID, userID)
		if err != nil {
			return err
		}
		if !member {
			if err := s.join(ctx, tx, m.to.ID, userID); err != nil {
				return err
			}
		}
		if m.from != nil {
			if err := s.leave(ctx, tx, m.from.ID, userID); err != nil {
				return err
			}
		}
	}
	if !m.setTeams || m.to == nil {
		return nil
	}
	all, err := tx.TeamsOfUser(ctx, userID)
	if err != nil {
		return err
	}
	var current []storage.TeamRecord
	for _, t := range all {
		if t.PartnerID == m.to.ID {
			current = append(current, t)
		}
	}
	for _, id := range m.teams {
		if !slices.ContainsFunc(current, func(t storage.TeamRecord) bool { return t.ID == id }) {
			if err := tx.AddTeamMember(ctx, id, userID); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, actionAddTeamMember, "team", id.String(), m.to.ID); err != nil {
				return err
			}
		}
	}
	for _, t := range current {
		if !t.Default && !slices.Contains(m.teams, t.ID) {
			if err := tx.RemoveTeamMember(ctx, t.ID, userID); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, actionRemoveTeamMbr, "team", t.ID.String(), m.to.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// join adds the user to the partner and its default team through tx.
func (s *Service) join(ctx context.Context, tx storage.Store, partnerID, userID uuid.UUID) error {
	team, err := defaultTeam(ctx, tx, partnerID)
	if err != nil {
		return err
	}
	if err := tx.AddPartnerMember(ctx, storage.PartnerMemberRecord{PartnerID: partnerID, UserID: userID, CreatedAt: s.clock.Now()}); err != nil {
		return err
	}
	if err := tx.AddTeamMember(ctx, team.ID, userID); err != nil {
		return err
	}
	return s.audit(ctx, tx, actionAddUser, "user", userID.String(), partnerID)
}

// leave detaches the user from the partner (and its teams) through tx,
// after they joined another one: a user leaving the partner that manages
// them becomes managed by everything, as in RemoveUser.
func (s *Service) leave(ctx context.Context, tx storage.Store, partnerID, userID uuid.UUID) error {
	rec, managed, err := s.detach(ctx, tx, partnerID, userID)
	if err != nil || !managed {
		return err
	}
	return s.handOver(ctx, tx, rec, partnerID)
}

// organisationField finds the partner an OrganisationID field names. An
// unknown one is a validation error for callers who may perform action on
// everything, and Forbidden for others, who learn nothing about which
// partners exist.
func (s *Service) organisationField(ctx context.Context, num int64, action permissions.Action) (Partner, error) {
	rec, err := s.store.GetPartnerByNum(ctx, num)
	if err != nil {
		if err = s.authz.Conceal(ctx, action, err); errors.Is(err, userkit.ErrNotFound) {
			err = userkit.FieldError("OrganisationNum", userkit.Problem{Rule: userkit.RuleUnknown, Param: "organisation"})
		}
		return Partner{}, err
	}
	return partnerFrom(rec), nil
}

// visiblePrimary returns the user's first partner the caller may see,
// nil for none.
func (s *Service) visiblePrimary(ctx context.Context, userID uuid.UUID) (*storage.PartnerRecord, error) {
	recs, err := s.store.PartnersOfUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		ok, err := s.authz.VisiblePartner(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		if ok {
			return &r, nil
		}
	}
	return nil, nil
}

// tokenVisible reports whether the caller holds "*" on everything.
func (s *Service) tokenVisible(ctx context.Context) (bool, error) {
	p, ok := permissions.PrincipalFrom(ctx)
	if !ok {
		return false, nil
	}
	return s.authz.Allowed(ctx, p, permissions.Action("*"), permissions.All)
}

// listView is portalView without teams, from facts read for the whole
// page: the first of the user's partners the caller may see is their
// organisation.
func (s *Service) listView(ctx context.Context, u users.User, f storage.UserFacts, token bool) (PortalUser, error) {
	v := PortalUser{User: u, Admin: f.HoldsAll, Role: users.ShowRole(users.Tyk, u.Role, f.HoldsAll), TokenVisible: token}
	if f.HoldsAll {
		return v, nil
	}
	for _, r := range f.Partners {
		ok, err := s.authz.VisiblePartner(ctx, r.ID)
		if err != nil {
			return PortalUser{}, err
		}
		if ok {
			p := partnerFrom(r)
			v.Organisation = &p
			break
		}
	}
	return v, nil
}

// portalUserView is the view of a user the caller was allowed to read,
// with teams.
func (s *Service) portalUserView(ctx context.Context, u users.User) (PortalUser, error) {
	token, err := s.tokenVisible(ctx)
	if err != nil {
		return PortalUser{}, err
	}
	return s.portalView(ctx, u, true, token)
}

// portalView builds the view of u; the caller's right to read u is
// checked before.
func (s *Service) portalView(ctx context.Context, u users.User, withTeams, token bool) (PortalUser, error) {
	admin, err := s.authz.HoldsAll(ctx, u.ID)
	if err != nil {
		return PortalUser{}, err
	}
	v := PortalUser{User: u, Admin: admin, Role: users.ShowRole(users.Tyk, u.Role, admin), TokenVisible: token}
	if admin {
		return v, nil
	}
	org, err := s.visiblePrimary(ctx, u.ID)
	if err != nil || org == nil {
		return v, err
	}
	p := partnerFrom(*org)
	v.Organisation = &p
	if !withTeams {
		return v, nil
	}
	teams, err := s.store.TeamsOfUser(ctx, u.ID)
	if err != nil {
		return PortalUser{}, err
	}
	v.Teams = []Team{}
	for _, t := range teams {
		if t.PartnerID == org.ID {
			v.Teams = append(v.Teams, teamFrom(t))
		}
	}
	return v, nil
}
