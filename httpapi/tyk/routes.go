package tyk

import (
	"net/http"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/core"
)

// Register mounts the Tyk-portal-compatible admin API on mux under
// prefix + "/portal-api". prefix may be "" and must not end in "/". opts
// may be nil; opts.TokenSecret enables user API tokens (JWTToken). Every
// success is 200, as in the portal, create included.
func Register(mux *http.ServeMux, prefix string, s httpapi.Services, opts *httpapi.Options) {
	a := core.New(s, opts, core.Shape{Name: "tyk", Errors: writeError, Statuses: statuses, Every: noStore})
	h := &handlers{a: a}
	ok := http.StatusOK
	rt := a.Routes(mux, core.Prefix(prefix)+"/portal-api", "/", a.Authenticate(core.BearerOrRaw))
	rt.Document(core.Prefix(prefix), DocumentPath, openAPI)

	rt.Handle("GET /users", core.Endpoint(a, ok, h.listUsers))
	rt.Handle("POST /users", core.Endpoint(a, ok, h.createUser))
	rt.Handle("GET /users/{user_id}", core.Endpoint(a, ok, h.getUser))
	rt.Handle("PUT /users/{user_id}", core.Endpoint(a, ok, h.updateUser))
	rt.Handle("DELETE /users/{user_id}", core.Endpoint(a, ok, h.deleteUser))

	rt.Handle("GET /organisations", core.Endpoint(a, ok, h.listOrganisations))
	rt.Handle("POST /organisations", core.Endpoint(a, ok, h.createOrganisation))
	rt.Handle("GET /organisations/{organisation_id}", core.Endpoint(a, ok, h.getOrganisation))
	rt.Handle("PUT /organisations/{organisation_id}", core.Endpoint(a, ok, h.updateOrganisation))
	rt.Handle("DELETE /organisations/{organisation_id}", core.Endpoint(a, ok, h.deleteOrganisation))

	rt.Handle("GET /organisations/{organisation_id}/teams", core.Endpoint(a, ok, h.listTeams))
	rt.Handle("POST /organisations/{organisation_id}/teams", core.Endpoint(a, ok, h.createTeam))
	rt.Handle("GET /organisations/{organisation_id}/teams/{team_id}", core.Endpoint(a, ok, h.getTeam))
	rt.Handle("PUT /organisations/{organisation_id}/teams/{team_id}", core.Endpoint(a, ok, h.updateTeam))
	rt.Handle("DELETE /organisations/{organisation_id}/teams/{team_id}", core.Endpoint(a, ok, h.deleteTeam))
}

// statuses: the portal answers validation errors, malformed bodies and
// taken emails with 422.
var statuses = core.Statuses{Kinds: map[userkit.Kind]int{
	userkit.Invalid:  http.StatusUnprocessableEntity,
	userkit.Conflict: http.StatusUnprocessableEntity,
}}

// handlers holds what every handler needs.
type handlers struct {
	a *core.API
}
