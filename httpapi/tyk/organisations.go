package tyk

import (
	"context"
	"net/http"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/users"
)

// Organisations are partners, addressed by their Num; their teams are the
// partner's teams, addressed by the team's Num.

// listOrganisations: GET /organisations, a bare array of {ID, Name}.
func (h *handlers) listOrganisations(w http.ResponseWriter, r *http.Request) ([]organisation, error) {
	pg, err := pagingOf(r)
	if err != nil {
		return nil, err
	}
	page, err := h.a.Partners.List(r.Context(), pg.PageRequest)
	if err != nil {
		return nil, err
	}
	return mapSlice(capped(pg, page.Items), toOrganisation), nil
}

// createOrganisation: POST /organisations {Name} → Organisation-show with
// the new default team "<Name> All users" and no users.
func (h *handlers) createOrganisation(w http.ResponseWriter, r *http.Request) (organisationShow, error) {
	var in organisationInput
	if err := h.a.Decode(w, r, &in); err != nil {
		return organisationShow{}, err
	}
	var name string
	if in.Name != nil {
		name = *in.Name
	}
	ctx := r.Context()
	org, err := h.a.Partners.Create(ctx, partners.CreateParams{Name: name})
	if err != nil {
		return organisationShow{}, err
	}
	// The caller made the organisation, so it may see its default
	// team even without partners.read; a new one has no users.
	teams, err := h.a.Partners.ListTeams(system(ctx), org.ID)
	if err != nil {
		return organisationShow{}, err
	}
	core.SetETag(w, org.Version)
	return toOrganisationShow(org, teams, nil), nil
}

// getOrganisation: GET /organisations/{organisation_id} → Organisation-show.
func (h *handlers) getOrganisation(w http.ResponseWriter, r *http.Request) (organisationShow, error) {
	org, err := h.organisationOf(r)
	if err != nil {
		return organisationShow{}, err
	}
	return h.showOrganisation(r.Context(), w, org)
}

// updateOrganisation: PUT /organisations/{organisation_id} {Name} →
// Organisation-show. Only the name can change; the default team is
// renamed with it.
func (h *handlers) updateOrganisation(w http.ResponseWriter, r *http.Request) (organisationShow, error) {
	org, err := h.organisationOf(r)
	if err != nil {
		return organisationShow{}, err
	}
	var in organisationInput
	if err := h.a.Decode(w, r, &in); err != nil {
		return organisationShow{}, err
	}
	p := partners.UpdateParams{Name: in.Name}
	if p.Version, err = core.IfMatch(r); err != nil {
		return organisationShow{}, err
	}
	ctx := r.Context()
	// The response lists the members: checked first so that a
	// refused request changes nothing.
	if err := h.a.Permissions.Require(ctx, permissions.UsersRead, permissions.PartnerScope(org.ID)); err != nil {
		return organisationShow{}, err
	}
	if org, err = h.a.Partners.Update(ctx, org.ID, p); err != nil {
		return organisationShow{}, err
	}
	return h.showOrganisation(ctx, w, org)
}

// deleteOrganisation: DELETE /organisations/{organisation_id} →
// {"status":"ok"}. The organisation's teams go with it; its users stay,
// without an organisation.
func (h *handlers) deleteOrganisation(w http.ResponseWriter, r *http.Request) (statusBody, error) {
	org, err := h.organisationOf(r)
	if err != nil {
		return statusBody{}, err
	}
	if err := h.a.Partners.Delete(r.Context(), org.ID); err != nil {
		return statusBody{}, err
	}
	return statusOK, nil
}

// listTeams: GET /organisations/{organisation_id}/teams → [{Default, ID, Name}].
func (h *handlers) listTeams(w http.ResponseWriter, r *http.Request) ([]teamIndexElem, error) {
	org, err := h.organisationOf(r)
	if err != nil {
		return nil, err
	}
	pg, err := pagingOf(r)
	if err != nil {
		return nil, err
	}
	teams, err := h.a.Partners.ListTeams(r.Context(), org.ID)
	if err != nil {
		return nil, err
	}
	return mapSlice(pageOf(pg, teams), toTeamIndexElem), nil
}

// createTeam: POST /organisations/{organisation_id}/teams {Name} →
// Team-show of the new, empty team.
func (h *handlers) createTeam(w http.ResponseWriter, r *http.Request) (teamShow, error) {
	org, err := h.organisationOf(r)
	if err != nil {
		return teamShow{}, err
	}
	var in teamInput
	if err := h.a.Decode(w, r, &in); err != nil {
		return teamShow{}, err
	}
	var name string
	if in.Name != nil {
		name = *in.Name
	}
	t, err := h.a.Partners.CreateTeam(r.Context(), org.ID, partners.TeamParams{Name: name})
	if err != nil {
		return teamShow{}, err
	}
	core.SetETag(w, t.Version)
	return toTeamShow(t, nil), nil
}

// getTeam: GET /organisations/{organisation_id}/teams/{team_id} → Team-show.
func (h *handlers) getTeam(w http.ResponseWriter, r *http.Request) (teamShow, error) {
	_, t, err := h.teamOf(r)
	if err != nil {
		return teamShow{}, err
	}
	return h.showTeam(r.Context(), w, t)
}

// updateTeam: PUT /organisations/{organisation_id}/teams/{team_id}
// {Name, Users} → Team-show. Users, when present, replaces the members;
// each must belong to the organisation. The default team holds every
// member and is named after its organisation: its Users cannot differ
// from its members and its Name only be sent unchanged.
func (h *handlers) updateTeam(w http.ResponseWriter, r *http.Request) (teamShow, error) {
	org, t, err := h.teamOf(r)
	if err != nil {
		return teamShow{}, err
	}
	var in teamInput
	if err := h.a.Decode(w, r, &in); err != nil {
		return teamShow{}, err
	}
	p := partners.TeamUpdateParams{Name: in.Name}
	if t.Default && in.Name != nil && *in.Name == t.Name {
		p.Name = nil
	}
	if p.Version, err = core.IfMatch(r); err != nil {
		return teamShow{}, err
	}
	ctx := r.Context()
	// Checked before the members are looked into, so that a caller
	// who may not change the team learns nothing from the answer.
	if err := h.a.Permissions.Require(ctx, permissions.PartnersUpdate, permissions.PartnerScope(org.ID)); err != nil {
		return teamShow{}, err
	}
	current, err := h.a.Partners.TeamMembers(ctx, t.ID)
	if err != nil {
		return teamShow{}, err
	}
	var add, remove []users.User
	if in.Users != nil {
		if add, remove, err = h.planTeamMembers(ctx, org, current, *in.Users); err != nil {
			return teamShow{}, err
		}
		if t.Default && (len(add) > 0 || len(remove) > 0) {
			return teamShow{}, userkit.FieldError("Users", userkit.Problem{Rule: userkit.RuleImmutable, Param: "the default team always holds every member of the organisation"})
		}
	}
	if t, err = h.a.Partners.UpdateTeam(ctx, t.ID, p); err != nil {
		return teamShow{}, err
	}
	for _, u := range add {
		if err := h.a.Partners.AddTeamMember(ctx, t.ID, u.ID); err != nil {
			return teamShow{}, err
		}
	}
	for _, u := range remove {
		if err := h.a.Partners.RemoveTeamMember(ctx, t.ID, u.ID); err != nil {
			return teamShow{}, err
		}
	}
	return h.showTeam(ctx, w, t)
}

// planTeamMembers resolves the wanted member ids and compares them with
// the current members. An id that is no member of the organisation (or no
// user at all: the two are not told apart) is a validation error.
func (h *handlers) planTeamMembers(ctx context.Context, org partners.Partner, current []users.User, want []int64) (add, remove []users.User, err error) {
	wanted := make(map[int64]bool, len(want))
	have := make(map[int64]bool, len(current))
	for _, u := range current {
		have[u.Num] = true
	}
	for _, num := range want {
		if wanted[num] {
			continue
		}
		wanted[num] = true
		if have[num] {
			continue
		}
		u, err := h.a.Users.GetByNum(system(ctx), num)
		if err == nil {
			_, err = h.a.Partners.GetUser(system(ctx), org.ID, u.ID)
		}
		switch {
		case userkit.KindOf(err) == userkit.NotFound:
			return nil, nil, userkit.FieldError("Users", userkit.Problem{Rule: userkit.RuleNotMember, Param: "the organisation"})
		case err != nil:
			return nil, nil, err
		}
		add = append(add, u)
	}
	for _, u := range current {
		if !wanted[u.Num] {
			remove = append(remove, u)
		}
	}
	return add, remove, nil
}

// deleteTeam: DELETE /organisations/{organisation_id}/teams/{team_id} →
// {"status":"ok"}. The default team cannot be deleted (422).
func (h *handlers) deleteTeam(w http.ResponseWriter, r *http.Request) (statusBody, error) {
	_, t, err := h.teamOf(r)
	if err != nil {
		return statusBody{}, err
	}
	if err := h.a.Partners.DeleteTeam(r.Context(), t.ID); err != nil {
		return statusBody{}, err
	}
	return statusOK, nil
}

// organisationOf loads the organisation the path names.
func (h *handlers) organisationOf(r *http.Request) (partners.Partner, error) {
	num, err := pathID(r, "organisation_id", "organisation")
	if err != nil {
		return partners.Partner{}, err
	}
	org, err := h.a.Partners.GetByNum(r.Context(), num)
	if userkit.KindOf(err) == userkit.NotFound {
		err = userkit.Errorf(userkit.NotFound, "organisation not found") // not "partner"
	}
	return org, err
}

// teamOf loads the organisation and team the path names; a team of
// another organisation is NotFound.
func (h *handlers) teamOf(r *http.Request) (partners.Partner, partners.Team, error) {
	org, err := h.organisationOf(r)
	if err != nil {
		return partners.Partner{}, partners.Team{}, err
	}
	num, err := pathID(r, "team_id", "team")
	if err != nil {
		return partners.Partner{}, partners.Team{}, err
	}
	t, err := h.a.Partners.GetTeamByNum(r.Context(), num)
	if err == nil && t.PartnerID != org.ID {
		err = userkit.Errorf(userkit.NotFound, "team not found")
	}
	return org, t, err
}

// showOrganisation renders Organisation-show with the organisation's ETag:
// its teams and all its members.
func (h *handlers) showOrganisation(ctx context.Context, w http.ResponseWriter, org partners.Partner) (organisationShow, error) {
	teams, err := h.a.Partners.ListTeams(ctx, org.ID)
	if err != nil {
		return organisationShow{}, err
	}
	var members []users.User
	req := partners.ListUsersParams{PageRequest: userkit.PageRequest{Limit: userkit.MaxLimit}}
	for {
		page, err := h.a.Partners.ListUsers(ctx, org.ID, req)
		if err != nil {
			return organisationShow{}, err
		}
		members = append(members, page.Items...)
		if page.Next == "" {
			break
		}
		req.After = page.Next
	}
	core.SetETag(w, org.Version)
	return toOrganisationShow(org, teams, members), nil
}

func toOrganisationShow(org partners.Partner, teams []partners.Team, members []users.User) organisationShow {
	s := organisationShow{ID: org.Num, Name: org.Name, CreatedAt: wireTime(org.CreatedAt), UpdatedAt: wireTime(org.UpdatedAt),
		Teams: mapSlice(teams, toTeamIndexElem), Users: make([]userIndexElem, len(members))}
	for i, u := range members {
		s.Users[i] = toUserIndexElem(u, org.Num)
	}
	return s
}

// showTeam renders Team-show with the team's ETag.
func (h *handlers) showTeam(ctx context.Context, w http.ResponseWriter, t partners.Team) (teamShow, error) {
	members, err := h.a.Partners.TeamMembers(ctx, t.ID)
	if err != nil {
		return teamShow{}, err
	}
	core.SetETag(w, t.Version)
	return toTeamShow(t, members), nil
}
