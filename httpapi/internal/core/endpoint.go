package core

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
)

// Empty is the result of an operation whose success has no body: the
// endpoint writes only its status.
type Empty struct{}

// Result is a body whose success status the operation chooses (Venuzle
// answers 201 for a created user and 200 for an attached one).
type Result[T any] struct {
	Status int
	Body   T
}

func (r Result[T]) result() (int, any) { return r.Status, r.Body }

type result interface{ result() (int, any) }

// Endpoint is the one handler shape of every API: it runs op (which
// decodes, makes one service call and returns the wire result) and writes
// the result as JSON with status, or op's error in the API's shape. op
// receives w to decode the size-limited body and set headers such as ETag.
// Authentication and the like are Middleware, applied by Routes.
func Endpoint[Out any](a *API, status int, op func(w http.ResponseWriter, r *http.Request) (Out, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out, err := op(w, r)
		if err != nil {
			a.Fail(w, r, err)
			return
		}
		switch v := any(out).(type) {
		case Empty:
			w.WriteHeader(status)
		case result:
			status, body := v.result()
			Encode(w, status, body)
		case streamer:
			v.stream(a, w, r, status)
		default:
			Encode(w, status, out)
		}
	})
}

// Routes registers one API's operations on a mux.
type Routes struct {
	a       *API
	mux     *http.ServeMux
	base    string
	mw      []Middleware
	methods map[string][]string // full path → methods served, for Allow
}

// Routes returns the registrar of the API's routes below base, each to be
// wrapped in mw (outermost first) and given a request id. Every path also
// answers the methods it does not serve with 405 and an Allow header, and
// every other path below root (a subtree pattern such as "/users/", or ""
// for none) with 404, both in the API's error shape, where ServeMux would
// answer in plain text.
func (a *API) Routes(mux *http.ServeMux, base, root string, mw ...Middleware) *Routes {
	if a.Shape.Every != nil {
		mw = append([]Middleware{a.Shape.Every}, mw...)
	}
	rt := &Routes{a: a, mux: mux, base: base, mw: mw, methods: map[string][]string{}}
	if root != "" {
		mux.Handle(base+root, rt.every(base+root, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			a.Fail(w, r, errNoRoute)
		})))
	}
	return rt
}

// Handle registers h for pattern, a ServeMux pattern without the base path
// ("GET /users/{id}").
func (rt *Routes) Handle(pattern string, h http.Handler) {
	method, path, _ := strings.Cut(pattern, " ")
	for _, m := range slices.Backward(rt.mw) {
		h = m(h)
	}
	full := method + " " + rt.base + path
	rt.mux.Handle(full, httpapi.WithRequestID(rt.a.observe(full, h)))
	rt.allow(method, rt.base+path)
}

// allow records that path (a full path pattern) serves method, for the
// 405 answer's Allow header, which it registers with the path's first
// method.
func (rt *Routes) allow(method, path string) {
	if _, seen := rt.methods[path]; !seen {
		rt.mux.Handle(path, rt.every(path, rt.methodNotAllowed(path)))
	}
	rt.methods[path] = append(rt.methods[path], method)
	if method == http.MethodGet {
		rt.methods[path] = append(rt.methods[path], http.MethodHead)
	}
}

// every wraps a handler that answers for the API as a whole (405, 404)
// and is registered with pattern: a request id, telemetry and the Shape's
// Every middleware.
func (rt *Routes) every(pattern string, h http.Handler) http.Handler {
	if rt.a.Shape.Every != nil {
		h = rt.a.Shape.Every(h)
	}
	return httpapi.WithRequestID(rt.a.observe(pattern, h))
}

var errNoRoute = userkit.Errorf(userkit.NotFound, "There is no such path in this API.")

// methodNotAllowed answers every request with 405 and the allowed methods.
// The methods are read when a request comes, after registration.
func (rt *Routes) methodNotAllowed(path string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		allow := strings.Join(rt.methods[path], ", ")
		w.Header().Set("Allow", allow)
		rt.a.Fail(w, r, protocolErrorf(http.StatusMethodNotAllowed,
			fmt.Sprintf("The %s method is not supported for this path. Supported methods: %s.", r.Method, allow)))
	})
}
