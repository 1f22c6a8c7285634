package core

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/userkit/userkit"
)

// ErrorWriter writes one API's error body. status comes from StatusOf
// (an API may substitute its documented code, e.g. 422 for Invalid); msg is
// client-safe; fields are the per-field problems keyed by Go field name.
type ErrorWriter func(w http.ResponseWriter, r *http.Request, status int, msg string, fields map[string]string)

// Fail answers err in the API's error shape. Internal errors are logged
// with the request id and answered with a generic message, so no internal
// detail reaches a client.
func (a *API) Fail(w http.ResponseWriter, r *http.Request, err error) {
	kind := userkit.KindOf(err)
	status := StatusOf(kind)
	if kind == userkit.Internal {
		a.Log.ErrorContext(r.Context(), "internal error",
			slog.String("request_id", RequestID(r.Context())),
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("error", err.Error()))
		a.Errors(w, r, status, "Internal server error. Quote request id "+RequestID(r.Context())+" when reporting it.", nil)
		return
	}
	var e *userkit.Error
	errors.As(err, &e)
	a.Errors(w, r, status, userkit.MessageOf(err), Texts(e.Fields))
}

// Texts renders field problems as their default English sentences.
func Texts(fields map[string]userkit.Problem) map[string]string {
	if fields == nil {
		return nil
	}
	out := make(map[string]string, len(fields))
	for k, p := range fields {
		out[k] = p.String()
	}
	return out
}
