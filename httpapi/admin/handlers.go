package admin

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/core"
)

// handlers makes the API's handlers; each resource file adds its own.
type handlers struct {
	api *core.API
}

// serve returns an authenticated handler that runs op and writes its
// result as JSON with status, or its error as a problem.
func serve[Out any](h *handlers, status int, op func(w http.ResponseWriter, r *http.Request) (Out, error)) http.Handler {
	return h.api.Authed(false, func(w http.ResponseWriter, r *http.Request) {
		out, err := op(w, r)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		core.Encode(w, status, out)
	})
}

// noContent is serve for operations with no result: 204, empty body.
func (h *handlers) noContent(op func(r *http.Request) error) http.Handler {
	return h.api.Authed(false, func(w http.ResponseWriter, r *http.Request) {
		if err := op(r); err != nil {
			h.fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// decode reads the body strictly into v; see decodeError for 400 vs 422.
func (h *handlers) decode(w http.ResponseWriter, r *http.Request, v any) error {
	if err := h.api.Decode(w, r, v, true); err != nil {
		return decodeError(err)
	}
	return nil
}

// decodeOptional is decode for bodies that may be left out entirely: no
// body leaves v as it is. It peeks rather than trusting Content-Length,
// which a chunked request does not send.
func (h *handlers) decodeOptional(w http.ResponseWriter, r *http.Request, v any) error {
	br := bufio.NewReader(r.Body)
	if _, err := br.Peek(1); err == io.EOF {
		return nil
	}
	r.Body = struct {
		io.Reader
		io.Closer
	}{br, r.Body}
	return h.decode(w, r, v)
}

// ifMatch returns the version an update must find (nil: unconditional).
func ifMatch(r *http.Request) (*int64, error) {
	v, err := core.IfMatch(r)
	return v, unreadable(err)
}

// errStale answers an If-Match on a resource that has no version (roles,
// attributes): no entity tag can match one that was never sent (RFC 9110
// 13.1.1).
var errStale = userkit.Errorf(userkit.PreconditionFailed, "this resource has no ETag; send no If-Match")

// noIfMatch refuses an If-Match other than "*" on unversioned resources.
func noIfMatch(r *http.Request) error {
	v, err := ifMatch(r)
	if err != nil {
		return err
	}
	if v != nil {
		return errStale
	}
	return nil
}

// created sets what a 201 carries besides the body: the new object's
// location and its ETag (0: none).
func created(w http.ResponseWriter, r *http.Request, id string, version int64) {
	w.Header().Set("Location", r.URL.Path+"/"+url.PathEscape(id))
	if version > 0 {
		core.SetETag(w, version)
	}
}

// encode writes v as JSON with a content type of its own (problems are
// application/problem+json); headers go out before the status.
func encode(w http.ResponseWriter, status int, contentType string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		core.Encode(w, http.StatusInternalServerError, map[string]string{"detail": "internal error"})
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
