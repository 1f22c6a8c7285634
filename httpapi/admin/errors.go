package admin

import (
	"errors"
	"net/http"
	"strings"
	"unicode"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/core"
)

// problemContentType is the media type of RFC 9457 error bodies.
const problemContentType = "application/problem+json"

// problem is the RFC 9457 error body. Errors is present only for
// validation failures (400 for an unreadable request, 422 for a readable one
// with invalid content), keyed by wire field name.
type problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail"`
	Instance  string            `json:"instance"`
	RequestID string            `json:"request_id"`
	Errors    map[string]string `json:"errors,omitempty"`
}

// writeProblem is the API's core.ErrorWriter. fields are keyed by Go field
// name (or by JSON path, for decoding errors) and translated to wire names.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, msg string, fields map[string]string) {
	p := problem{
		Type:      "about:blank",
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    msg,
		Instance:  r.URL.Path,
		RequestID: core.RequestID(r.Context()),
	}
	// Field problems belong to validation only (400, 422); a conflict's
	// detail says what is taken.
	if len(fields) > 0 && (status == http.StatusBadRequest || status == http.StatusUnprocessableEntity) {
		p.Errors = make(map[string]string, len(fields))
		for k, v := range fields {
			p.Errors[wireField(k)] = v
		}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="userkit"`)
	}
	encode(w, status, problemContentType, p)
}

// wireFields maps the Go field names the services report to wire names.
// Names not listed are converted from CamelCase to snake_case.
var wireFields = map[string]string{
	"ID":                  "id",
	"Name":                "name",
	"Kind":                "kind",
	"PartnerID":           "partner_id",
	"TechnicalName":       "technical_name",
	"DefaultLocale":       "default_locale",
	"IsSystem":            "is_system",
	"Label":               "label",
	"Type":                "type",
	"AllowMultipleValues": "allow_multiple_values",
	"Grants":              "grants",
	"Action":              "action",
	"Scope":               "scope",
	"ExpiresAt":           "expires_at",
	"After":               "after",
	"Limit":               "limit",
	"TargetID":            "target_id",
	"Version":             "version",
}

// wireField translates a field path such as "Grants[1].Scope" (a service's
// validation error) or "grants.1.scope" (a decoding error) to its wire form,
// "grants[1].scope".
func wireField(path string) string {
	var b strings.Builder
	for i, seg := range strings.Split(path, ".") {
		name, index, _ := strings.Cut(seg, "[")
		if i > 0 {
			if isDigits(name) && index == "" {
				b.WriteString("[" + name + "]")
				continue
			}
			b.WriteByte('.')
		}
		if w, ok := wireFields[name]; ok {
			b.WriteString(w)
		} else {
			b.WriteString(snake(name))
		}
		if index != "" {
			b.WriteString("[" + index)
		}
	}
	return b.String()
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// snake converts CamelCase to snake_case, keeping runs of capitals (an
// acronym such as "ID") together; names already in snake_case pass through.
func snake(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, c := range rs {
		if unicode.IsUpper(c) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]))) {
				b.WriteByte('_')
			}
			c = unicode.ToLower(c)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// readError marks a request that could not be read: malformed JSON, an
// empty or oversized body, a bad query parameter or If-Match header. It is
// answered with 400; an Invalid error about readable content gets 422.
type readError struct{ err error }

func (e readError) Error() string { return e.err.Error() }
func (e readError) Unwrap() error { return e.err }

// unreadable marks err (an Invalid error) as a readError; nil stays nil.
func unreadable(err error) error {
	if err == nil {
		return nil
	}
	return readError{err}
}

// queryError is a bad query parameter: an unreadable request (400).
func queryError(param string, problem userkit.Problem) error {
	return unreadable(&userkit.Error{Kind: userkit.Invalid, Message: "invalid query parameter",
		Fields: map[string]userkit.Problem{param: problem}})
}

// decodeError classifies an error of core.API.Decode: one naming a field
// (a wrong type, an unknown field) is about content, 422; any other (bad
// syntax, empty, too large, not an object) is an unreadable request, 400.
func decodeError(err error) error {
	if len(userkit.FieldsOf(err)) > 0 {
		return err
	}
	return unreadable(err)
}

// fail answers err as a problem: Invalid errors with 400 or 422 (see
// readError), everything else through core's one Kind→status table, which
// also logs internal errors and hides their text.
func (h *handlers) fail(w http.ResponseWriter, r *http.Request, err error) {
	if userkit.KindOf(err) != userkit.Invalid {
		h.api.Fail(w, r, err)
		return
	}
	status := http.StatusUnprocessableEntity
	var re readError
	if errors.As(err, &re) {
		status = http.StatusBadRequest
	}
	writeProblem(w, r, status, userkit.MessageOf(err), core.Texts(userkit.FieldsOf(err)))
}
