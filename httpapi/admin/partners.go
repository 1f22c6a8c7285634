package admin

import (
	"net/http"

	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/partners"
)

func (h *handlers) listPartners() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (list[partnerDTO], error) {
		pr, err := pageRequest(r)
		if err != nil {
			return list[partnerDTO]{}, err
		}
		p, err := h.api.Partners.List(r.Context(), pr)
		return listOf(p, err, toPartner)
	})
}

func (h *handlers) createPartner() http.Handler {
	return core.Endpoint(h.api, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (partnerDTO, error) {
		var in partnerCreate
		if err := h.api.Decode(w, r, &in); err != nil {
			return partnerDTO{}, err
		}
		p, err := h.api.Partners.Create(r.Context(), partners.CreateParams{Name: in.Name})
		if err != nil {
			return partnerDTO{}, err
		}
		created(w, r, p.ID.String(), p.Version)
		return toPartner(p), nil
	})
}

func (h *handlers) getPartner() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (partnerDTO, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return partnerDTO{}, err
		}
		p, err := h.api.Partners.Get(r.Context(), id)
		if err != nil {
			return partnerDTO{}, err
		}
		core.SetETag(w, p.Version)
		return toPartner(p), nil
	})
}

func (h *handlers) updatePartner() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (partnerDTO, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return partnerDTO{}, err
		}
		ver, err := core.IfMatch(r)
		if err != nil {
			return partnerDTO{}, err
		}
		var in partnerPatch
		if err := h.api.Decode(w, r, &in); err != nil {
			return partnerDTO{}, err
		}
		params, err := in.params(ver)
		if err != nil {
			return partnerDTO{}, err
		}
		p, err := h.api.Partners.Update(r.Context(), id, params)
		if err != nil {
			return partnerDTO{}, err
		}
		core.SetETag(w, p.Version)
		return toPartner(p), nil
	})
}

func (h *handlers) deletePartner() http.Handler {
	return core.Endpoint(h.api, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request) (core.Empty, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return core.Empty{}, err
		}
		return core.Empty{}, h.api.Partners.Delete(r.Context(), id)
	})
}

func (h *handlers) listTeams() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (list[teamDTO], error) {
		pr, err := pageRequest(r)
		if err != nil {
			return list[teamDTO]{}, err
		}
		id, err := pathID(r, "id")
		if err != nil {
			return list[teamDTO]{}, err
		}
		teams, err := h.api.Partners.ListTeams(r.Context(), id)
		return listOf(pageOf(teams, func(t partners.Team) string { return t.ID.String() }, pr), err, toTeam)
	})
}

func (h *handlers) createTeam() http.Handler {
	return core.Endpoint(h.api, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (teamDTO, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return teamDTO{}, err
		}
		var in teamCreate
		if err := h.api.Decode(w, r, &in); err != nil {
			return teamDTO{}, err
		}
		t, err := h.api.Partners.CreateTeam(r.Context(), id, partners.TeamParams{Name: in.Name})
		if err != nil {
			return teamDTO{}, err
		}
		created(w, r, t.ID.String(), t.Version)
		return toTeam(t), nil
	})
}

func (h *handlers) getTeam() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (teamDTO, error) {
		pid, tid, err := partPath(r, "team_id")
		if err != nil {
			return teamDTO{}, err
		}
		t, err := h.api.Partners.GetTeamIn(r.Context(), pid, tid)
		if err != nil {
			return teamDTO{}, partAnswer(err)
		}
		core.SetETag(w, t.Version)
		return toTeam(t), nil
	})
}

func (h *handlers) updateTeam() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (teamDTO, error) {
		pid, tid, err := partPath(r, "team_id")
		if err != nil {
			return teamDTO{}, err
		}
		ver, err := core.IfMatch(r)
		if err != nil {
			return teamDTO{}, err
		}
		var in teamPatch
		if err := h.api.Decode(w, r, &in); err != nil {
			return teamDTO{}, err
		}
		params, err := in.params(ver)
		if err != nil {
			return teamDTO{}, err
		}
		t, err := h.api.Partners.UpdateTeamIn(r.Context(), pid, tid, params)
		if err != nil {
			return teamDTO{}, partAnswer(err)
		}
		core.SetETag(w, t.Version)
		return toTeam(t), nil
	})
}

func (h *handlers) deleteTeam() http.Handler {
	return core.Endpoint(h.api, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request) (core.Empty, error) {
		pid, tid, err := partPath(r, "team_id")
		if err != nil {
			return core.Empty{}, err
		}
		return core.Empty{}, partAnswer(h.api.Partners.DeleteTeamIn(r.Context(), pid, tid))
	})
}
