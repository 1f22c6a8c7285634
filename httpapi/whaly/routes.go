package whaly

import (
	"net/http"

	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/core"
)

// base is the seed's path of a portal's users, below the host's prefix.
const base = "/v1/partner-portals/{portalId}/users"

// Register mounts the Whaly partner-portal users API on mux under prefix
// ("" for the documented paths). opts may be nil. The API's endpoints share
// opts.RateLimiter, or a per-process limiter this call makes. The limit applies to every
// request, keyed by its principal or, when authentication failed, by its
// remote IP, before an unauthenticated request is refused.
func Register(mux *http.ServeMux, prefix string, s httpapi.Services, opts *httpapi.Options) {
	a := core.New(s, opts, core.Shape{Name: "whaly", Errors: writeError})
	h := &handlers{api: a}
	ok := http.StatusOK
	rt := a.Routes(mux, core.Prefix(prefix)+base, "/", a.Identify(core.BearerOnly), rateLimited(a, limiterFor(a.Opts)), a.Authenticated)
	rt.Document(core.Prefix(prefix), DocumentPath, openAPI)
	rt.Handle("GET ", core.Endpoint(a, ok, h.listUsers))
	rt.Handle("POST ", core.Endpoint(a, ok, h.createUser))
	rt.Handle("GET /{userId}", core.Endpoint(a, ok, h.getUser))
	rt.Handle("DELETE /{userId}", core.Endpoint(a, ok, h.deleteUser))
}
