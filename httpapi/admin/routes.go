package admin

import (
	"net/http"

	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/core"
)

// Base is the path of the management API below the host's prefix.
const Base = "/admin/v1"

// Register mounts the management API on mux under prefix+"/admin/v1". opts
// may be nil (defaults). Every handler authenticates with
// "Authorization: Bearer <credential>" and leaves permission checks to the
// services.
func Register(mux *http.ServeMux, prefix string, s httpapi.Services, opts *httpapi.Options) {
	h := &handlers{api: core.New(s, opts, core.Shape{Name: "admin", Errors: writeProblem, Statuses: statuses, Unknown: core.RejectUnknown})}
	rt := h.api.Routes(mux, core.Prefix(prefix)+Base, "/", h.api.Authenticate(core.BearerOnly))
	rt.Document(core.Prefix(prefix), DocumentPath, openAPI)
	handle := rt.Handle

	handle("GET /partners", h.listPartners())
	handle("POST /partners", h.createPartner())
	handle("GET /partners/{id}", h.getPartner())
	handle("PATCH /partners/{id}", h.updatePartner())
	handle("DELETE /partners/{id}", h.deletePartner())
	handle("GET /partners/{id}/teams", h.listTeams())
	handle("POST /partners/{id}/teams", h.createTeam())
	handle("GET /partners/{id}/teams/{team_id}", h.getTeam())
	handle("PATCH /partners/{id}/teams/{team_id}", h.updateTeam())
	handle("DELETE /partners/{id}/teams/{team_id}", h.deleteTeam())

	handle("GET /portals", h.listPortals())
	handle("POST /portals", h.createPortal())
	handle("GET /portals/{id}", h.getPortal())
	handle("PATCH /portals/{id}", h.updatePortal())
	handle("DELETE /portals/{id}", h.deletePortal())
	handle("GET /portals/{id}/roles", h.listRoles())
	handle("POST /portals/{id}/roles", h.createRole())
	handle("GET /portals/{id}/roles/{role_id}", h.getRole())
	handle("PATCH /portals/{id}/roles/{role_id}", h.updateRole())
	handle("DELETE /portals/{id}/roles/{role_id}", h.deleteRole())
	handle("GET /portals/{id}/attributes", h.listAttributes())
	handle("POST /portals/{id}/attributes", h.createAttribute())
	handle("GET /portals/{id}/attributes/{attribute_id}", h.getAttribute())
	handle("PATCH /portals/{id}/attributes/{attribute_id}", h.updateAttribute())
	handle("DELETE /portals/{id}/attributes/{attribute_id}", h.deleteAttribute())

	handle("GET /resources", h.listResources())
	handle("POST /resources", h.createResource())
	handle("GET /resources/{id}", h.getResource())
	handle("PATCH /resources/{id}", h.updateResource())
	handle("DELETE /resources/{id}", h.deleteResource())

	handle("GET /service-accounts", h.listServiceAccounts())
	handle("POST /service-accounts", h.createServiceAccount())
	handle("GET /service-accounts/{id}", h.getServiceAccount())
	handle("PATCH /service-accounts/{id}", h.updateServiceAccount())
	handle("DELETE /service-accounts/{id}", h.deleteServiceAccount())
	handle("GET /service-accounts/{id}/grants", h.listGrants(serviceAccountPath))
	handle("POST /service-accounts/{id}/grants", h.addGrant(serviceAccountPath))
	handle("GET /service-accounts/{id}/grants/{grant_id}", h.getGrant(serviceAccountPath))
	handle("DELETE /service-accounts/{id}/grants/{grant_id}", h.removeGrant(serviceAccountPath))
	handle("GET /service-accounts/{id}/keys", h.listKeys())
	handle("POST /service-accounts/{id}/keys", h.createKey())
	handle("GET /service-accounts/{id}/keys/{key_id}", h.getKey())
	handle("DELETE /service-accounts/{id}/keys/{key_id}", h.revokeKey())

	handle("GET /users/{id}/grants", h.listGrants(userPath))
	handle("POST /users/{id}/grants", h.addGrant(userPath))
	handle("GET /users/{id}/grants/{grant_id}", h.getGrant(userPath))
	handle("DELETE /users/{id}/grants/{grant_id}", h.removeGrant(userPath))
	handle("POST /users/{id}/token", h.rotateToken())

	handle("GET /events", h.listEvents())
}
