// Package all mounts every userkit HTTP API at once: the four documented
// user APIs (Solvexia, Venuzle, Whaly, Tyk) and the management API.
//
//	k := kit.New(store, &kit.Options{Logger: log})
//	all.Mount(mux, k.HTTP(), k.HTTPOptions(&httpapi.Options{TokenSecret: secret}))
//
// To mount only some APIs, call their packages' Register functions. Each
// API serves its OpenAPI 3.1.0 document (the four documented APIs' seeds
// restated in 3.1), without authentication, below the prefix:
//
//	API       document (below Options.Prefix)
//	Solvexia  /api/v1/openapi.json
//	Venuzle   /api/internal/v1/openapi.json
//	Whaly     /v1/partner-portals/openapi.json
//	Tyk       /portal-api/openapi.json
//	admin     /admin/v1/openapi.json
//
// Its servers entry names the prefix, so a client generated from the
// served document calls the mounted API. (Handler behind
// http.StripPrefix cannot know the host's prefix: its documents name the
// unprefixed paths; prefer Mount with Options.Prefix.)
package all

import (
	"net/http"

	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/admin"
	"github.com/userkit/userkit/httpapi/solvexia"
	"github.com/userkit/userkit/httpapi/tyk"
	"github.com/userkit/userkit/httpapi/venuzle"
	"github.com/userkit/userkit/httpapi/whaly"
)

// API names one of the mountable APIs.
type API string

// The APIs Mount registers, with their base paths below the prefix.
const (
	Solvexia API = "solvexia" // /api/v1/users…
	Venuzle  API = "venuzle"  // /api/internal/v1/partners/{partner_id}/users…
	Whaly    API = "whaly"    // /v1/partner-portals/{portalId}/users…
	Tyk      API = "tyk"      // /portal-api/…
	Admin    API = "admin"    // /admin/v1/…
)

// APIs lists every API in the order Mount registers them.
var APIs = []API{Solvexia, Venuzle, Whaly, Tyk, Admin}

var registers = map[API]func(*http.ServeMux, string, httpapi.Services, *httpapi.Options){
	Solvexia: solvexia.Register,
	Venuzle:  venuzle.Register,
	Whaly:    whaly.Register,
	Tyk:      tyk.Register,
	Admin:    admin.Register,
}

// Mount registers every API on mux under opts.Prefix ("" for the
// documented paths, or e.g. "/userkit" when the host's own routes would
// clash; a missing leading slash is added). Mounting twice under the same
// prefix panics, as any duplicate ServeMux pattern does.
func Mount(mux *http.ServeMux, s httpapi.Services, opts *httpapi.Options) {
	var prefix string
	if opts != nil {
		prefix = opts.Prefix
	}
	for _, api := range APIs {
		registers[api](mux, prefix, s, opts)
	}
}

// Handler returns every API on a private mux, at the documented paths, for
// hosts that prefer mux.Handle("/userkit/", http.StripPrefix("/userkit", h)).
func Handler(s httpapi.Services, opts *httpapi.Options) http.Handler {
	mux := http.NewServeMux()
	var o httpapi.Options
	if opts != nil {
		o = *opts
	}
	o.Prefix = ""
	Mount(mux, s, &o)
	return mux
}
