package tyk

import (
	"net/http"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/partners"
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
	org, teams, err := h.a.Partners.CreateWithTeams(r.Context(), partners.CreateParams{Name: name})
	if err != nil {
		return organisationShow{}, err
	}
	core.SetETag(w, org.Version)
	return toOrganisationShow(partners.OrgView{Partner: org, Teams: teams}), nil
}

// getOrganisation: GET /organisations/{organisation_id} → Organisation-show.
func (h *handlers) getOrganisation(w http.ResponseWriter, r *http.Request) (organisationShow, error) {
	num, err := pathID(r, "organisation_id", "organisation")
	if err != nil {
		return organisationShow{}, err
	}
	v, err := h.a.Partners.Show(r.Context(), num)
	if err != nil {
		return organisationShow{}, orgErr(err)
	}
	core.SetETag(w, v.Version)
	return toOrganisationShow(v), nil
}

// updateOrganisation: PUT /organisations/{organisation_id} {Name} →
// Organisation-show. Only the name can change; the default team is
// renamed with it.
func (h *handlers) updateOrganisation(w http.ResponseWriter, r *http.Request) (organisationShow, error) {
	num, err := pathID(r, "organisation_id", "organisation")
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
	v, err := h.a.Partners.UpdateByNum(r.Context(), num, p)
	if err != nil {
		return organisationShow{}, orgErr(err)
	}
	core.SetETag(w, v.Version)
	return toOrganisationShow(v), nil
}

// deleteOrganisation: DELETE /organisations/{organisation_id} →
// {"status":"ok"}. The organisation's teams go with it; its users stay,
// without an organisation.
func (h *handlers) deleteOrganisation(w http.ResponseWriter, r *http.Request) (statusBody, error) {
	num, err := pathID(r, "organisation_id", "organisation")
	if err != nil {
		return statusBody{}, err
	}
	if err := h.a.Partners.DeleteByNum(r.Context(), num); err != nil {
		return statusBody{}, orgErr(err)
	}
	return statusOK, nil
}

// listTeams: GET /organisations/{organisation_id}/teams → [{Default, ID, Name}].
func (h *handlers) listTeams(w http.ResponseWriter, r *http.Request) ([]teamIndexElem, error) {
	num, err := pathID(r, "organisation_id", "organisation")
	if err != nil {
		return nil, err
	}
	pg, err := pagingOf(r)
	if err != nil {
		return nil, err
	}
	teams, err := h.a.Partners.ListTeamsByNum(r.Context(), num)
	if err != nil {
		return nil, orgErr(err)
	}
	return mapSlice(pageOf(pg, teams), toTeamIndexElem), nil
}

// createTeam: POST /organisations/{organisation_id}/teams {Name} →
// Team-show of the new, empty team.
func (h *handlers) createTeam(w http.ResponseWriter, r *http.Request) (teamShow, error) {
	num, err := pathID(r, "organisation_id", "organisation")
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
	t, err := h.a.Partners.CreateTeamByNum(r.Context(), num, partners.TeamParams{Name: name})
	if err != nil {
		return teamShow{}, orgErr(err)
	}
	core.SetETag(w, t.Version)
	return toTeamShow(t, nil), nil
}

// getTeam: GET /organisations/{organisation_id}/teams/{team_id} → Team-show.
func (h *handlers) getTeam(w http.ResponseWriter, r *http.Request) (teamShow, error) {
	org, team, err := teamPath(r)
	if err != nil {
		return teamShow{}, err
	}
	t, members, err := h.a.Partners.TeamByNums(r.Context(), org, team)
	if err != nil {
		return teamShow{}, orgErr(err)
	}
	core.SetETag(w, t.Version)
	return toTeamShow(t, members), nil
}

// updateTeam: PUT /organisations/{organisation_id}/teams/{team_id}
// {Name, Users} → Team-show. Users, when present, replaces the members;
// each must belong to the organisation. The default team holds every
// member and is named after its organisation: its Users cannot differ
// from its members and its Name only be sent unchanged.
func (h *handlers) updateTeam(w http.ResponseWriter, r *http.Request) (teamShow, error) {
	org, team, err := teamPath(r)
	if err != nil {
		return teamShow{}, err
	}
	var in teamInput
	if err := h.a.Decode(w, r, &in); err != nil {
		return teamShow{}, err
	}
	p := partners.TeamSave{Name: in.Name, UserNums: in.Users}
	if p.Version, err = core.IfMatch(r); err != nil {
		return teamShow{}, err
	}
	t, members, err := h.a.Partners.SaveTeam(r.Context(), org, team, p)
	if err != nil {
		return teamShow{}, orgErr(err)
	}
	core.SetETag(w, t.Version)
	return toTeamShow(t, members), nil
}

// deleteTeam: DELETE /organisations/{organisation_id}/teams/{team_id} →
// {"status":"ok"}. The default team cannot be deleted (422).
func (h *handlers) deleteTeam(w http.ResponseWriter, r *http.Request) (statusBody, error) {
	org, team, err := teamPath(r)
	if err != nil {
		return statusBody{}, err
	}
	if err := h.a.Partners.DeleteTeamByNums(r.Context(), org, team); err != nil {
		return statusBody{}, orgErr(err)
	}
	return statusOK, nil
}

// teamPath reads the organisation and team numbers of a team path. A
// malformed organisation number is reported first.
func teamPath(r *http.Request) (org, team int64, err error) {
	if org, err = pathID(r, "organisation_id", "organisation"); err != nil {
		return 0, 0, err
	}
	team, err = pathID(r, "team_id", "team")
	return org, team, err
}

// orgErr words the services' "partner not found" in the portal's terms.
func orgErr(err error) error {
	if userkit.KindOf(err) == userkit.NotFound && userkit.MessageOf(err) == "partner not found" {
		return userkit.Errorf(userkit.NotFound, "organisation not found")
	}
	return err
}

func toOrganisationShow(v partners.OrgView) organisationShow {
	return organisationShow{ID: v.Num, Name: v.Name, CreatedAt: wireTime(v.CreatedAt), UpdatedAt: wireTime(v.UpdatedAt),
		Teams: mapSlice(v.Teams, toTeamIndexElem), Users: mapSlice(v.Members, toUserIndexElem)}
}
