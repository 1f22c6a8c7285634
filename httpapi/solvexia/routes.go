package solvexia

import (
	"net/http"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/core"
)

// Register mounts the Solvexia-compatible API on mux under prefix + "/api/v1"
// (prefix "" gives the documented paths). Every success is 200, as
// Solvexia documents; errors are {"message", "supportId"}.
func Register(mux *http.ServeMux, prefix string, s httpapi.Services, opts *httpapi.Options) {
	a := core.New(s, opts, core.Shape{Name: "solvexia", Statuses: statuses})
	a.Shape.Errors = newErrorWriter(a.Log)
	h := &handlers{api: a}
	ok := http.StatusOK
	rt := a.Routes(mux, core.Prefix(prefix)+"/api/v1", "/users/", a.Authenticate(core.BearerOnly))
	rt.Document(core.Prefix(prefix), DocumentPath, openAPI)
	rt.Handle("GET /users", core.Endpoint(a, ok, h.listUsers))
	rt.Handle("POST /users", core.Endpoint(a, ok, h.createUser))
	rt.Handle("GET /users/{userId}", core.Endpoint(a, ok, h.getUser))
	rt.Handle("POST /users/{userId}", core.Endpoint(a, ok, h.updateUser))
	rt.Handle("GET /users/{userId}/permissions", core.Endpoint(a, ok, h.listPermissions))
	rt.Handle("POST /users/{userId}/permissions", core.Endpoint(a, ok, h.addPermission))
	rt.Handle("POST /users/{userId}/permissions/{resourceId}", core.Endpoint(a, ok, h.setPermission))
	rt.Handle("DELETE /users/{userId}/permissions/{resourceId}", core.Endpoint(a, ok, h.deletePermission))
}

// statuses: Solvexia documents 400, 403, 404 and 500; a taken email
// (Conflict) is the documented 400, and the kinds it has no code for keep
// their shared status in the same shape.
var statuses = core.Statuses{Kinds: map[userkit.Kind]int{userkit.Conflict: http.StatusBadRequest}}
