package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/userkit/userkit"
)

// UnknownFields says what Decode does with a JSON field the request type
// does not have.
type UnknownFields uint8

const (
	// IgnoreUnknown skips them, so a client may post back what it read.
	IgnoreUnknown UnknownFields = iota
	// RejectUnknown refuses the request, naming the field.
	RejectUnknown
)

// ErrBodyTooLarge is returned by Decode when the body exceeds the limit.
var ErrBodyTooLarge = Malformed(userkit.Errorf(userkit.Invalid, "request body too large"))

var (
	errEmptyBody     = Malformed(userkit.Errorf(userkit.Invalid, "request body is empty"))
	errNotJSON       = Malformed(userkit.Errorf(userkit.Invalid, "request body is not valid JSON"))
	errNotUTF8       = Malformed(userkit.Errorf(userkit.Invalid, "request body is not valid UTF-8"))
	errNotObject     = Malformed(userkit.Errorf(userkit.Invalid, "request body must be a JSON object"))
	errTwoValues     = Malformed(userkit.Errorf(userkit.Invalid, "request body must hold a single JSON value"))
	errUnsupportedCT = protocolErrorf(http.StatusUnsupportedMediaType, "request body must be sent as Content-Type: application/json")
)

// Decode reads one JSON value from the size-limited body into v, which
// must be sent as application/json (or a +json type). Unknown fields are
// treated as the API's Shape says. Every failure is an Invalid
// *userkit.Error whose message says what was wrong (never echoing the
// body): one naming the JSON field for a wrongly typed or unknown field,
// else a Malformed one, or 415 for another content type. A body that is
// not valid UTF-8 is refused, not decoded with replacement characters.
func (a *API) Decode(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := a.readBody(w, r)
	if err != nil {
		return err
	}
	if len(body) == 0 {
		return errEmptyBody
	}
	return a.decode(body, v)
}

// DecodeOptional is Decode for a body a client may leave out: an empty
// body leaves v as it is, whatever the Content-Type.
func (a *API) DecodeOptional(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := a.readBody(w, r)
	if err != nil || len(body) == 0 {
		return err
	}
	return a.decode(body, v)
}

// readBody reads the whole size-limited body, refusing a non-empty body
// that is not declared JSON or is not UTF-8.
func (a *API) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.maxBody()))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, ErrBodyTooLarge
		}
		return nil, errNotJSON
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	if !isJSON(r.Header.Get("Content-Type")) {
		return nil, errUnsupportedCT
	}
	if !utf8.Valid(body) {
		return nil, errNotUTF8
	}
	return body, nil
}

// isJSON reports whether a Content-Type names JSON: application/json or
// any type with a +json suffix, with any parameters.
func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

func (a *API) decode(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if a.Shape.Unknown == RejectUnknown {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errTwoValues
	}
	return nil
}

func decodeError(err error) error {
	var (
		se *json.SyntaxError
		te *json.UnmarshalTypeError
	)
	switch {
	case errors.Is(err, io.EOF):
		return errEmptyBody
	case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF):
		return errNotJSON
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return errNotObject
		}
		return &userkit.Error{Kind: userkit.Invalid, Message: "invalid input",
			Fields: map[string]userkit.Problem{field: {Rule: userkit.RuleInvalid, Param: jsonType(te.Type.Kind().String())}}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &userkit.Error{Kind: userkit.Invalid, Message: "invalid input",
			Fields: map[string]userkit.Problem{name: {Rule: userkit.RuleField}}}
	default:
		return errNotJSON
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

// Encode writes v as application/json with the status.
func Encode(w http.ResponseWriter, status int, v any) {
	EncodeAs(w, status, "application/json", v)
}

// EncodeAs writes v as JSON of the given media type (problems are
// application/problem+json) with the status. It marshals first so that an
// encoding failure becomes a 500 instead of a half-written body; headers
// go out before the status.
func EncodeAs(w http.ResponseWriter, status int, contentType string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"message":"internal error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// SetETag sets the ETag of a single resource from its record version.
func SetETag(w http.ResponseWriter, version int64) {
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(version, 10)))
}

// IfMatch returns the version named by the If-Match header, or nil when the
// header is absent or "*". A malformed header is a Malformed Invalid.
func IfMatch(r *http.Request) (*int64, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return nil, nil
	}
	h = strings.TrimPrefix(h, "W/")
	v, err := strconv.ParseInt(strings.Trim(h, `"`), 10, 64)
	if err != nil || v < 1 {
		return nil, Malformed(userkit.Errorf(userkit.Invalid, "If-Match must be an ETag returned by this API"))
	}
	return &v, nil
}
