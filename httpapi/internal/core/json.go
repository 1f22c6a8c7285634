package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/userkit/userkit"
)

// ErrBodyTooLarge is returned by Decode when the body exceeds the limit.
var ErrBodyTooLarge = userkit.Errorf(userkit.Invalid, "request body too large")

// Decode reads one JSON value from the size-limited body into v. Unknown
// fields are rejected when strict is set. Every failure is an Invalid
// *userkit.Error whose message says what was wrong (never echoing the body)
// and, for a wrongly typed field, whose Fields names the JSON field.
func (a *API) Decode(w http.ResponseWriter, r *http.Request, v any, strict bool) error {
	body := http.MaxBytesReader(w, r.Body, a.Opts.maxBody())
	dec := json.NewDecoder(body)
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return ErrBodyTooLarge
		}
		return userkit.Errorf(userkit.Invalid, "request body must hold a single JSON value")
	}
	return nil
}

func decodeError(err error) error {
	var (
		mbe *http.MaxBytesError
		se  *json.SyntaxError
		te  *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &mbe):
		return ErrBodyTooLarge
	case errors.Is(err, io.EOF):
		return userkit.Errorf(userkit.Invalid, "request body is empty")
	case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF):
		return userkit.Errorf(userkit.Invalid, "request body is not valid JSON")
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return userkit.Errorf(userkit.Invalid, "request body must be a JSON object")
		}
		return &userkit.Error{Kind: userkit.Invalid, Message: "invalid input",
			Fields: map[string]userkit.Problem{field: {Rule: userkit.RuleInvalid, Param: jsonType(te.Type.Kind().String())}}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &userkit.Error{Kind: userkit.Invalid, Message: "invalid input",
			Fields: map[string]userkit.Problem{name: {Rule: userkit.RuleField}}}
	default:
		return userkit.Errorf(userkit.Invalid, "request body is not valid JSON")
	}
}

// jsonType names, with its article, the JSON type a Go kind decodes from.
func jsonType(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	default:
		return "a number"
	}
}

// Encode writes v as JSON with the status. It marshals first so that an
// encoding failure becomes a 500 instead of a half-written body.
func Encode(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"message":"internal error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// SetETag sets the ETag of a single resource from its record version.
func SetETag(w http.ResponseWriter, version int64) {
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(version, 10)))
}

// IfMatch returns the version named by the If-Match header, or nil when the
// header is absent or "*". A malformed header is Invalid.
func IfMatch(r *http.Request) (*int64, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return nil, nil
	}
	h = strings.TrimPrefix(h, "W/")
	v, err := strconv.ParseInt(strings.Trim(h, `"`), 10, 64)
	if err != nil || v < 1 {
		return nil, userkit.Errorf(userkit.Invalid, "If-Match must be an ETag returned by this API")
	}
	return &v, nil
}

// QueryInt parses an optional positive integer query parameter; def is
// returned when it is absent.
func QueryInt(r *http.Request, name string, def int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, userkit.FieldError(name, userkit.Problem{Rule: userkit.RuleInvalid, Param: fmt.Sprintf("a positive integer, not %q", truncate(s, 32))})
	}
	return n, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
