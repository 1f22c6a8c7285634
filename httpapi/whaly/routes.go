package whaly

import (
	"net/http"

	"github.com/userkit/userkit/httpapi/internal/core"
)

// base is the seed's path of a portal's users, below the host's prefix.
const base = "/v1/partner-portals/{portalId}/users"

// Register mounts the Whaly partner-portal users API on mux under prefix
// ("" for the documented paths). opts may be nil. Each call makes its own
// rate limiter, shared by the API's endpoints.
func Register(mux *http.ServeMux, prefix string, s core.Services, opts *core.Options) {
	api := core.New(s, opts, writeError)
	h := &handlers{api: api, limiter: newLimiter(api.Opts.RateLimit, api.Opts.Clock, maxBuckets)}
	p := core.Prefix(prefix) + base
	mux.Handle("GET "+p, core.WithRequestID(h.listUsers()))
	mux.Handle("POST "+p, core.WithRequestID(h.createUser()))
	mux.Handle("GET "+p+"/{userId}", core.WithRequestID(h.getUser()))
	mux.Handle("DELETE "+p+"/{userId}", core.WithRequestID(h.deleteUser()))
}
