package core

import "net/http"

// JSON returns a handler that authenticates the request (raw as in Authed),
// runs op with the principal in the context and writes op's result as JSON
// with the given status, or op's error in the API's shape. op receives w so
// that it can decode the size-limited body and set headers such as ETag.
func JSON[Out any](a *API, raw bool, status int, op func(w http.ResponseWriter, r *http.Request) (Out, error)) http.Handler {
	return a.Authed(raw, func(w http.ResponseWriter, r *http.Request) {
		out, err := op(w, r)
		if err != nil {
			a.Fail(w, r, err)
			return
		}
		Encode(w, status, out)
	})
}
