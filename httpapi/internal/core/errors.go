package core

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
)

// Failure is one error answer, as an API's ErrorWriter renders it.
type Failure struct {
	// Status is the HTTP status, from the API's Statuses.
	Status int
	// Kind is the error's kind.
	Kind userkit.Kind
	// Message is client-safe: the error's own message, or a generic text
	// quoting the request id for internal errors.
	Message string
	// Fields are the per-field problems, keyed by Go field name (or by the
	// JSON name, for decoding errors and query parameters). Each API renders
	// them in its own words; Text gives the shared English default.
	Fields map[string]userkit.Problem
	// Err is the error being answered.
	Err error
}

// ErrorWriter writes one API's error body for f, status included.
type ErrorWriter func(w http.ResponseWriter, r *http.Request, f Failure)

// statusOf is the one table mapping error kinds to HTTP status codes.
var statusOf = map[userkit.Kind]int{
	userkit.Invalid:            http.StatusBadRequest,
	userkit.NotFound:           http.StatusNotFound,
	userkit.Conflict:           http.StatusConflict,
	userkit.Unauthenticated:    http.StatusUnauthorized,
	userkit.Forbidden:          http.StatusForbidden,
	userkit.PreconditionFailed: http.StatusPreconditionFailed,
	userkit.TooManyRequests:    http.StatusTooManyRequests,
	userkit.Unavailable:        http.StatusServiceUnavailable,
}

// StatusOf returns the status of a kind in the one table (500 for
// Internal and any kind without a row). An API departs from it only
// through its Statuses.
func StatusOf(k userkit.Kind) int {
	if st, ok := statusOf[k]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// Statuses declare how one API departs from StatusOf, in the order they
// are consulted: an error of the protocol itself (405, 415) always keeps
// its status; then Malformed for an unreadable request; then Fields for an
// error naming fields; then Kinds.
type Statuses struct {
	// Malformed, when not zero, is the status of an unreadable request:
	// syntactically bad JSON, an empty body, a bad query parameter or
	// If-Match header (see Malformed).
	Malformed int
	// Fields are the statuses of errors that name fields, by kind.
	Fields map[userkit.Kind]int
	// Kinds are the statuses of every other error, by kind.
	Kinds map[userkit.Kind]int
}

// Status returns the status of err under s.
func (s Statuses) Status(err error) int {
	var pe *protocolError
	if errors.As(err, &pe) {
		return pe.status
	}
	kind := userkit.KindOf(err)
	var me malformed
	if s.Malformed != 0 && kind == userkit.Invalid && errors.As(err, &me) {
		return s.Malformed
	}
	if st, ok := s.Fields[kind]; ok && len(userkit.FieldsOf(err)) > 0 {
		return st
	}
	if st, ok := s.Kinds[kind]; ok {
		return st
	}
	return StatusOf(kind)
}

// malformed marks an Invalid error about a request that could not be read
// at all, as opposed to one whose content is invalid.
type malformed struct{ err error }

func (e malformed) Error() string { return e.err.Error() }
func (e malformed) Unwrap() error { return e.err }

// Malformed marks err (an Invalid error) as an unreadable request; nil
// stays nil.
func Malformed(err error) error {
	if err == nil {
		return nil
	}
	return malformed{err}
}

// protocolError is an Invalid error whose HTTP status is fixed by the
// protocol, whatever the API: 405, 415.
type protocolError struct {
	status int
	err    *userkit.Error
}

func (e *protocolError) Error() string { return e.err.Error() }
func (e *protocolError) Unwrap() error { return e.err }

func protocolErrorf(status int, msg string) error {
	return &protocolError{status: status, err: userkit.Errorf(userkit.Invalid, "%s", msg)}
}

// Fail answers err in the API's error shape. Internal errors are logged
// with the request id and answered with a generic message, so no internal
// detail reaches a client. An error that says when to retry
// (userkit.RetryAfterOf) sets Retry-After, in whole seconds rounded up.
func (a *API) Fail(w http.ResponseWriter, r *http.Request, err error) {
	f := Failure{Status: a.Shape.Statuses.Status(err), Kind: userkit.KindOf(err), Err: err}
	if d := userkit.RetryAfterOf(err); d > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10))
	}
	if f.Kind == userkit.Internal {
		a.Log.ErrorContext(r.Context(), "internal error",
			slog.String("request_id", httpapi.RequestID(r.Context())),
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("error", err.Error()))
		f.Message = "Internal server error. Quote request id " + httpapi.RequestID(r.Context()) + " when reporting it."
	} else {
		f.Message = userkit.MessageOf(err)
		f.Fields = userkit.FieldsOf(err)
	}
	a.Shape.Errors(w, r, f)
}
