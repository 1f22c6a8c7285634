package admin

import (
	"net/http"
	"strings"
	"unicode"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
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

// writeProblem is the API's core.ErrorWriter. Fields are keyed by Go
// field name (or by JSON path, for decoding errors) and translated to wire
// names.
func writeProblem(w http.ResponseWriter, r *http.Request, f core.Failure) {
	p := problem{
		Type:      "about:blank",
		Title:     http.StatusText(f.Status),
		Status:    f.Status,
		Detail:    f.Message,
		Instance:  r.URL.Path,
		RequestID: httpapi.RequestID(r.Context()),
	}
	// Field problems belong to validation only (400, 422); a conflict's
	// detail says what is taken.
	if len(f.Fields) > 0 && f.Kind == userkit.Invalid {
		p.Errors = make(map[string]string, len(f.Fields))
		for k, v := range f.Fields {
			p.Errors[wireField(k)] = core.Text(v)
		}
	}
	if f.Kind == userkit.Unauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="userkit"`)
	}
	core.EncodeAs(w, f.Status, problemContentType, p)
}

// statuses: a request that cannot be read (malformed JSON, an empty or
// oversized body, a bad query parameter or If-Match header) is 400; an
// Invalid error about readable content is 422.
var statuses = core.Statuses{
	Malformed: http.StatusBadRequest,
	Kinds:     map[userkit.Kind]int{userkit.Invalid: http.StatusUnprocessableEntity},
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

// queryError is a bad query parameter: an unreadable request (400).
func queryError(param string, problem userkit.Problem) error {
	return core.Malformed(&userkit.Error{Kind: userkit.Invalid, Message: "invalid query parameter",
		Fields: map[string]userkit.Problem{param: problem}})
}
