package admin

import (
	"net/http"
	"net/url"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/core"
)

// handlers makes the API's handlers; each resource file adds its own.
type handlers struct {
	api *core.API
}

// errStale answers an If-Match on a resource that has no version (roles,
// attributes): no entity tag can match one that was never sent (RFC 9110
// 13.1.1).
var errStale = userkit.Errorf(userkit.PreconditionFailed, "this resource has no ETag; send no If-Match")

// created sets what a 201 carries besides the body: the new object's
// location and its ETag (0: none).
func created(w http.ResponseWriter, r *http.Request, id string, version int64) {
	w.Header().Set("Location", r.URL.Path+"/"+url.PathEscape(id))
	if version > 0 {
		core.SetETag(w, version)
	}
}
