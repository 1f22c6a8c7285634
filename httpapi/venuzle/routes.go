package venuzle

import (
	"net/http"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/core"
)

// base is the seed's path of a partner's users, below the host's prefix.
const base = "/api/internal/v1/partners/{partner_id}/users"

// Register mounts the Venuzle partner-users API on mux under prefix ("" for
// the documented paths). opts may be nil.
func Register(mux *http.ServeMux, prefix string, s httpapi.Services, opts *httpapi.Options) {
	a := core.New(s, opts, core.Shape{Name: "venuzle", Errors: writeError, Statuses: statuses})
	h := &handlers{api: a}
	ok := http.StatusOK
	rt := a.Routes(mux, core.Prefix(prefix)+base, "/", a.Authenticate(core.BearerOnly))
	rt.Document(core.Prefix(prefix), DocumentPath, openAPI)
	rt.Handle("GET ", core.Endpoint(a, ok, h.listUsers))
	rt.Handle("POST ", core.Endpoint(a, ok, h.createUser))
	rt.Handle("GET /{user_id}", core.Endpoint(a, ok, h.getUser))
	rt.Handle("PUT /{user_id}", core.Endpoint(a, ok, h.updateUser))
	rt.Handle("DELETE /{user_id}", core.Endpoint(a, ok, h.deleteUser))
	rt.Handle("GET /{user_id}/partners", core.Endpoint(a, ok, h.userPartners))
}

// statuses: per-field problems (validation, wrongly typed JSON fields,
// and a taken email, which the services report as Conflict) are Laravel's
// 422; other errors keep the shared status with a message.
var statuses = core.Statuses{Fields: map[userkit.Kind]int{
	userkit.Invalid:  http.StatusUnprocessableEntity,
	userkit.Conflict: http.StatusUnprocessableEntity,
}}
