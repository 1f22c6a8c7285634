package userkit

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Kind classifies an error so that callers (and the HTTP layer, in one table)
// can react to it without parsing messages.
type Kind uint8

// The error kinds. KindOf returns Internal for any error that is not a *Error.
// New kinds are only ever appended, so the values are stable.
const (
	Internal           Kind = iota // a bug or an unavailable dependency; details stay in Err
	Invalid                        // bad input; Fields says which field and why
	NotFound                       // no such record (or membership)
	Conflict                       // a unique value is taken, or the record is already there
	Unauthenticated                // no usable credential or principal
	Forbidden                      // the principal lacks a grant for the action
	PreconditionFailed             // a compare-and-set update saw a stale Version
	TooManyRequests                // a limit was reached (rate, concurrent hashing); retry later
	Unavailable                    // the service is overloaded or a dependency is down; retry later
)

var kindNames = [...]string{
	Internal:           "internal",
	Invalid:            "invalid",
	NotFound:           "not found",
	Conflict:           "conflict",
	Unauthenticated:    "unauthenticated",
	Forbidden:          "forbidden",
	PreconditionFailed: "precondition failed",
	TooManyRequests:    "too many requests",
	Unavailable:        "unavailable",
}

// String returns the kind's name in lower case, for example "not found".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Error is the error type every userkit package returns for expected
// failures. Fields holds per-field problems keyed by Go field name (for
// example "Email"); the HTTP packages translate those keys to wire names
// and render each Problem in their API's own words.
type Error struct {
	Kind Kind
	// Message is shown to API clients, so it carries no internal detail.
	// By convention it is lower case, without trailing punctuation.
	Message string
	// Fields maps a Go field name ("Email", "Attributes[0].Value") to
	// what is wrong with it (Problem{Rule: "taken"}).
	Fields map[string]Problem
	// RetryAfter, when positive, is how long a client should wait before
	// trying again (TooManyRequests, Unavailable); the HTTP layer sends it
	// as a Retry-After header.
	RetryAfter time.Duration
	// Err is an underlying cause. It is never shown to API clients.
	Err error
}

// Error returns the message, followed by the field problems in a stable order.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	if b.Len() == 0 {
		b.WriteString(e.Kind.String())
	}
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(" (")
		for i, k := range keys {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(k)
			b.WriteString(": ")
			b.WriteString(e.Fields[k].String())
		}
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is the sentinel of e's kind, so that
// errors.Is(err, userkit.ErrNotFound) works for every not-found error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	return t.Kind == e.Kind && t.Message == "" && t.Fields == nil && t.Err == nil && t.RetryAfter == 0
}

// Sentinels for errors.Is. Each matches every *Error of its kind.
var (
	ErrInternal           = &Error{Kind: Internal}
	ErrInvalid            = &Error{Kind: Invalid}
	ErrNotFound           = &Error{Kind: NotFound}
	ErrConflict           = &Error{Kind: Conflict}
	ErrUnauthenticated    = &Error{Kind: Unauthenticated}
	ErrForbidden          = &Error{Kind: Forbidden}
	ErrPreconditionFailed = &Error{Kind: PreconditionFailed}
	ErrTooManyRequests    = &Error{Kind: TooManyRequests}
	ErrUnavailable        = &Error{Kind: Unavailable}
)

// Errorf returns a *Error of the given kind with a formatted message. The
// message reaches API clients (see MessageOf), so keep internal detail out
// of it; put a cause in Error.Err instead.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an Invalid error about a single field.
func FieldError(field string, problem Problem) *Error {
	return &Error{Kind: Invalid, Message: "invalid input", Fields: map[string]Problem{field: problem}}
}

// KindOf returns the kind of the first *Error in err's chain, or Internal.
// KindOf(nil) is Internal too; check err != nil first.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// FieldsOf returns the per-field problems of the first *Error in err's chain.
func FieldsOf(err error) map[string]Problem {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// RetryAfterOf returns the RetryAfter of the first *Error in err's chain,
// or 0.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// MessageOf returns the client-safe message of err: the Message of its
// *Error, or a generic text for internal errors so that no internal detail
// reaches a client.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != Internal && e.Message != "" {
		return e.Message
	}
	if e != nil && e.Kind != Internal {
		return e.Kind.String()
	}
	return "internal error"
}
