package tyk

import (
	"net/http"

	"github.com/userkit/userkit/httpapi/internal/core"
)

// Register mounts the Tyk-portal-compatible admin API on mux under
// prefix + "/portal-api". prefix may be "" and must not end in "/". opts
// may be nil; opts.TokenSecret enables user API tokens (JWTToken).
func Register(mux *http.ServeMux, prefix string, s core.Services, opts *core.Options) {
	h := &handlers{a: core.New(s, opts, writeError)}
	base := core.Prefix(prefix) + "/portal-api"
	handle := func(pattern string, hd http.Handler) {
		mux.Handle(pattern, core.WithRequestID(noStore(hd)))
	}

	handle("GET "+base+"/users", h.listUsers())
	handle("POST "+base+"/users", h.createUser())
	handle("GET "+base+"/users/{user_id}", h.getUser())
	handle("PUT "+base+"/users/{user_id}", h.updateUser())
	handle("DELETE "+base+"/users/{user_id}", h.deleteUser())

	handle("GET "+base+"/organisations", h.listOrganisations())
	handle("POST "+base+"/organisations", h.createOrganisation())
	handle("GET "+base+"/organisations/{organisation_id}", h.getOrganisation())
	handle("PUT "+base+"/organisations/{organisation_id}", h.updateOrganisation())
	handle("DELETE "+base+"/organisations/{organisation_id}", h.deleteOrganisation())

	handle("GET "+base+"/organisations/{organisation_id}/teams", h.listTeams())
	handle("POST "+base+"/organisations/{organisation_id}/teams", h.createTeam())
	handle("GET "+base+"/organisations/{organisation_id}/teams/{team_id}", h.getTeam())
	handle("PUT "+base+"/organisations/{organisation_id}/teams/{team_id}", h.updateTeam())
	handle("DELETE "+base+"/organisations/{organisation_id}/teams/{team_id}", h.deleteTeam())
}

// handlers holds what every handler needs.
type handlers struct {
	a *core.API
}
