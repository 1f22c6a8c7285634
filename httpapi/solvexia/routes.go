package solvexia

import (
	"net/http"

	"github.com/userkit/userkit/httpapi/internal/core"
)

// Register mounts the Solvexia-compatible API on mux under prefix + "/api/v1"
// (prefix "" gives the documented paths). Every success is 200, as
// Solvexia documents; errors are {"message", "supportId"}.
func Register(mux *http.ServeMux, prefix string, s core.Services, opts *core.Options) {
	a := core.New(s, opts, nil)
	a.Errors = newErrorWriter(a.Log)
	h := &handlers{api: a}
	base := core.Prefix(prefix) + "/api/v1"
	handle := func(method, path string, handler http.Handler) {
		mux.Handle(method+" "+base+path, core.WithRequestID(handler))
	}
	ok := http.StatusOK

	handle("GET", "/users", core.JSON(a, false, ok, h.listUsers))
	handle("POST", "/users", core.JSON(a, false, ok, h.createUser))
	handle("GET", "/users/{userId}", core.JSON(a, false, ok, h.getUser))
	handle("POST", "/users/{userId}", core.JSON(a, false, ok, h.updateUser))
	handle("GET", "/users/{userId}/permissions", core.JSON(a, false, ok, h.listPermissions))
	handle("POST", "/users/{userId}/permissions", core.JSON(a, false, ok, h.addPermission))
	handle("POST", "/users/{userId}/permissions/{resourceId}", core.JSON(a, false, ok, h.setPermission))
	handle("DELETE", "/users/{userId}/permissions/{resourceId}", a.Authed(false, h.deletePermission))
}
