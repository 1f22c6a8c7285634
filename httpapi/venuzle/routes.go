package venuzle

import (
	"net/http"

	"github.com/userkit/userkit/httpapi/internal/core"
)

// base is the seed's path of a partner's users, below the host's prefix.
const base = "/api/internal/v1/partners/{partner_id}/users"

// Register mounts the Venuzle partner-users API on mux under prefix ("" for
// the documented paths). opts may be nil.
func Register(mux *http.ServeMux, prefix string, s core.Services, opts *core.Options) {
	h := &handlers{api: core.New(s, opts, writeError)}
	p := core.Prefix(prefix) + base
	mux.Handle("GET "+p, core.WithRequestID(h.listUsers()))
	mux.Handle("POST "+p, core.WithRequestID(h.createUser()))
	mux.Handle("GET "+p+"/{user_id}", core.WithRequestID(h.getUser()))
	mux.Handle("PUT "+p+"/{user_id}", core.WithRequestID(h.updateUser()))
	mux.Handle("DELETE "+p+"/{user_id}", core.WithRequestID(h.deleteUser()))
	mux.Handle("GET "+p+"/{user_id}/partners", core.WithRequestID(h.userPartners()))
}
