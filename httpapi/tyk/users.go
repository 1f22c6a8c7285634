package tyk

import (
	"context"
	"errors"
	"net/http"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/users"
)

// listUsers: GET /users, a bare array of User-index-elem.
func (h *handlers) listUsers(w http.ResponseWriter, r *http.Request) ([]userIndexElem, error) {
	pg, err := pagingOf(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	page, err := h.a.Users.List(ctx, users.ListParams{PageRequest: pg.PageRequest})
	if err != nil {
		return nil, err
	}
	items := capped(pg, page.Items)
	out := make([]userIndexElem, len(items))
	for i, u := range items {
		org, err := h.primary(ctx, u)
		if err != nil {
			return nil, err
		}
		out[i] = toUserIndexElem(u, org.Num)
	}
	return out, nil
}

// createUser: POST /users → 200 User-show. A non-zero OrganisationID
// creates the user in that organisation (and its default team).
func (h *handlers) createUser(w http.ResponseWriter, r *http.Request) (userShow, error) {
	var in userCreate
	if err := h.a.Decode(w, r, &in); err != nil {
		return userShow{}, err
	}
	p, err := in.createParams()
	if err != nil {
		return userShow{}, err
	}
	ctx := r.Context()
	if err := h.a.RequireAllForAdmin(ctx, users.User{Role: p.Role}); err != nil {
		return userShow{}, err
	}
	var u users.User
	if in.OrganisationID == 0 {
		// The response shows the user, so reading must be allowed too:
		// checked first so that a refused request creates nothing.
		if err := h.a.Permissions.Require(ctx, permissions.UsersRead, permissions.All); err != nil {
			return userShow{}, err
		}
		u, err = h.a.Users.Create(ctx, p)
	} else {
		u, err = h.createInOrganisation(ctx, in.OrganisationID, p)
	}
	if err != nil {
		return userShow{}, err
	}
	return h.showUser(ctx, w, u)
}

// createInOrganisation creates a user as a member of the organisation
// with the number num. partners.AddUser attaches an existing user when the
// email is taken, but the portal refuses a taken email, so that is checked
// first (a user created concurrently in between would be attached).
func (h *handlers) createInOrganisation(ctx context.Context, num int64, p users.CreateParams) (users.User, error) {
	org, err := h.organisationField(ctx, num, permissions.UsersCreate)
	if err != nil {
		return users.User{}, err
	}
	for _, action := range []permissions.Action{permissions.UsersCreate, permissions.UsersRead} {
		if err := h.a.Permissions.Require(ctx, action, permissions.PartnerScope(org.ID)); err != nil {
			return users.User{}, err
		}
	}
	if _, err := h.a.Users.GetByEmail(system(ctx), p.Email); err == nil {
		return users.User{}, &userkit.Error{Kind: userkit.Conflict, Message: "email already taken",
			Fields: map[string]userkit.Problem{"Email": {Rule: userkit.RuleTaken}}}
	} else if !errors.Is(err, userkit.ErrNotFound) {
		return users.User{}, err
	}
	u, _, err := h.a.Partners.AddUser(ctx, org.ID, p)
	return u, err
}

// organisationField finds the organisation an OrganisationID field names.
// An unknown one is a validation error for callers who may perform action
// on everything, and Forbidden for others, who learn nothing about which
// organisations exist.
func (h *handlers) organisationField(ctx context.Context, num int64, action permissions.Action) (partners.Partner, error) {
	org, err := h.a.Partners.GetByNum(system(ctx), num)
	if errors.Is(err, userkit.ErrNotFound) {
		if err := h.a.Permissions.Require(ctx, action, permissions.All); err != nil {
			return partners.Partner{}, err
		}
		return partners.Partner{}, userkit.FieldError("OrganisationID", userkit.Problem{Rule: userkit.RuleUnknown, Param: "organisation"})
	}
	return org, err
}

// getUser: GET /users/{user_id} → User-show.
func (h *handlers) getUser(w http.ResponseWriter, r *http.Request) (userShow, error) {
	u, err := h.userOf(r)
	if err != nil {
		return userShow{}, err
	}
	return h.showUser(r.Context(), w, u)
}

// updateUser: PUT /users/{user_id} → User-show. Absent fields stay as
// they are. OrganisationID moves a consumer to another organisation;
// Teams sets the user's teams within their organisation (the default team
// is kept: every member is in it). Everything is validated before the
// first write.
func (h *handlers) updateUser(w http.ResponseWriter, r *http.Request) (userShow, error) {
	u, err := h.userOf(r)
	if err != nil {
		return userShow{}, err
	}
	var in userUpdate
	if err := h.a.Decode(w, r, &in); err != nil {
		return userShow{}, err
	}
	p, err := in.updateParams(u)
	if err != nil {
		return userShow{}, err
	}
	if p.Version, err = core.IfMatch(r); err != nil {
		return userShow{}, err
	}
	ctx := r.Context()
	if err := h.a.Permissions.RequireForUser(ctx, permissions.UsersRead, u.ID); err != nil {
		return userShow{}, err
	}
	role := u.Role
	if p.Role != nil {
		role = *p.Role
	}
	// Changing an administrator, or making one, needs "*" on everything.
	for _, rl := range []string{u.Role, role} {
		if err := h.a.RequireAllForAdmin(ctx, users.User{Role: rl}); err != nil {
			return userShow{}, err
		}
	}
	plan, err := h.planMemberships(ctx, u, role, in)
	if err != nil {
		return userShow{}, err
	}
	if u, err = h.a.Users.Update(ctx, u.ID, p); err != nil {
		return userShow{}, err
	}
	if err := h.applyMemberships(ctx, u, plan); err != nil {
		return userShow{}, err
	}
	return h.showUser(ctx, w, u)
}

// memberships is what an update changes in a user's organisation and
// teams.
type memberships struct {
	from, to *partners.Partner // the primary organisation before and after
	setTeams bool
	teams    []partners.Team // the wanted teams in to, default team included
	current  []partners.Team // the user's teams in to now
}

// planMemberships validates OrganisationID and Teams of an update and
// checks the permissions their changes need, before anything is written.
func (h *handlers) planMemberships(ctx context.Context, u users.User, role string, in userUpdate) (memberships, error) {
	var m memberships
	ps, err := h.a.Partners.PartnersOf(ctx, u.ID)
	if err != nil {
		return m, err
	}
	if len(ps) > 0 {
		m.from = &ps[0]
	}
	m.to = m.from
	var fromNum int64
	if m.from != nil {
		fromNum = m.from.Num
	}
	// Admins belong to no organisation, so their OrganisationID is
	// ignored (it reads 0 whatever their memberships).
	if in.OrganisationID != nil && *in.OrganisationID != fromNum && !isAdmin(role) {
		if *in.OrganisationID == 0 {
			return m, userkit.FieldError("OrganisationID", userkit.Problem{Rule: userkit.RuleRequired, Param: "a consumer cannot leave their organisation; move them to another one or delete them"})
		}
		org, err := h.organisationField(ctx, *in.OrganisationID, permissions.UsersCreate)
		if err != nil {
			return m, err
		}
		if err := h.a.Permissions.Require(ctx, permissions.UsersCreate, permissions.PartnerScope(org.ID)); err != nil {
			return m, err
		}
		if m.from != nil {
			if err := h.a.Permissions.Require(ctx, permissions.UsersDelete, permissions.PartnerScope(m.from.ID)); err != nil {
				return m, err
			}
		}
		m.to = &org
	}
	if in.Teams == nil {
		return m, nil
	}
	m.setTeams = true
	if m.to == nil {
		if len(*in.Teams) > 0 {
			return m, userkit.FieldError("Teams", userkit.Problem{Rule: userkit.RuleNotMember, Param: "an organisation"})
		}
		return m, nil
	}
	if err := h.a.Permissions.Require(ctx, permissions.PartnersUpdate, permissions.PartnerScope(m.to.ID)); err != nil {
		return m, err
	}
	teams, err := h.a.Partners.ListTeams(system(ctx), m.to.ID)
	if err != nil {
		return m, err
	}
	byNum := make(map[int64]partners.Team, len(teams))
	for _, t := range teams {
		byNum[t.Num] = t
		if t.Default {
			m.teams = append(m.teams, t)
		}
	}
	for _, s := range *in.Teams {
		n, ok := parseTeamID(s)
		t, found := byNum[n]
		if !ok || !found {
			return m, userkit.FieldError("Teams", userkit.Problem{Rule: userkit.RuleUnknown, Param: "team of the user's organisation"})
		}
		if !containsTeam(m.teams, t.ID) {
			m.teams = append(m.teams, t)
		}
	}
	if m.to == m.from {
		if m.current, err = h.teamsIn(ctx, u.ID, m.to.ID); err != nil {
			return m, err
		}
	}
	return m, nil
}

// applyMemberships carries out a plan: join the new organisation, leave
// the old one, then add and remove teams.
func (h *handlers) applyMemberships(ctx context.Context, u users.User, m memberships) error {
	if m.to != m.from {
		if _, _, err := h.a.Partners.AddUser(ctx, m.to.ID, users.CreateParams{Email: u.Email}); err != nil && !errors.Is(err, userkit.ErrConflict) {
			return err
		}
		if m.from != nil {
			if _, err := h.a.Partners.RemoveUser(ctx, m.from.ID, u.ID); err != nil {
				return err
			}
		}
		var err error
		if m.current, err = h.teamsIn(ctx, u.ID, m.to.ID); err != nil {
			return err
		}
	}
	if !m.setTeams || m.to == nil {
		return nil
	}
	for _, t := range m.teams {
		if !containsTeam(m.current, t.ID) {
			if err := h.a.Partners.AddTeamMember(ctx, t.ID, u.ID); err != nil {
				return err
			}
		}
	}
	for _, t := range m.current {
		if !t.Default && !containsTeam(m.teams, t.ID) {
			if err := h.a.Partners.RemoveTeamMember(ctx, t.ID, u.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

func containsTeam(ts []partners.Team, id uuid.UUID) bool {
	for _, t := range ts {
		if t.ID == id {
			return true
		}
	}
	return false
}

// deleteUser: DELETE /users/{user_id} → {"status":"ok"}. The user is
// deleted for good, as by the portal's admin API; force is accepted and
// has nothing to force.
func (h *handlers) deleteUser(w http.ResponseWriter, r *http.Request) (statusBody, error) {
	u, err := h.userOf(r)
	if err != nil {
		return statusBody{}, err
	}
	if err := h.a.RequireAllForAdmin(r.Context(), u); err != nil {
		return statusBody{}, err
	}
	if err := h.a.Users.Delete(r.Context(), u.ID); err != nil {
		return statusBody{}, err
	}
	return statusOK, nil
}

// userOf loads the user the path names.
func (h *handlers) userOf(r *http.Request) (users.User, error) {
	num, err := pathID(r, "user_id", "user")
	if err != nil {
		return users.User{}, err
	}
	return h.a.Users.GetByNum(r.Context(), num)
}

// primary returns the user's primary organisation (the first joined), or
// the zero Partner for none.
func (h *handlers) primary(ctx context.Context, u users.User) (partners.Partner, error) {
	ps, err := h.a.Partners.PartnersOf(ctx, u.ID)
	if err != nil || len(ps) == 0 {
		return partners.Partner{}, err
	}
	return ps[0], nil
}

// teamsIn lists the user's teams in one organisation.
func (h *handlers) teamsIn(ctx context.Context, userID, orgID uuid.UUID) ([]partners.Team, error) {
	all, err := h.a.Partners.TeamsOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]partners.Team, 0, len(all))
	for _, t := range all {
		if t.PartnerID == orgID {
			out = append(out, t)
		}
	}
	return out, nil
}

// showUser renders User-show with the user's ETag. Organisation and Teams
// come from the user's primary organisation (none for admins). JWTToken
// is shown only to callers who may do everything (portal administrators,
// keys granted "*" on everything): an admin's token runs as the system
// here, so showing it to anyone less would hand them more than they hold.
func (h *handlers) showUser(ctx context.Context, w http.ResponseWriter, u users.User) (userShow, error) {
	var (
		org   *partners.Partner
		names []string
	)
	if !isAdmin(u.Role) {
		p, err := h.primary(ctx, u)
		if err != nil {
			return userShow{}, err
		}
		if p.ID != uuid.Nil {
			org = &p
			teams, err := h.teamsIn(ctx, u.ID, p.ID)
			if err != nil {
				return userShow{}, err
			}
			for _, t := range teams {
				names = append(names, t.Name)
			}
		}
	}
	token, err := h.token(ctx, u)
	if err != nil {
		return userShow{}, err
	}
	core.SetETag(w, u.Version)
	return toUserShow(u, org, names, token), nil
}

// token returns the user's API token when the caller may see it.
func (h *handlers) token(ctx context.Context, u users.User) (string, error) {
	if len(h.a.Opts.TokenSecret) == 0 {
		return "", nil
	}
	err := h.a.Permissions.Require(ctx, permissions.Action("*"), permissions.All)
	switch {
	case errors.Is(err, userkit.ErrForbidden):
		return "", nil
	case err != nil:
		return "", err
	}
	return httpapi.UserToken(h.a.Opts.TokenSecret, u)
}

// truncate shortens s to n runes for an error message.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
