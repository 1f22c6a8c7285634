package whaly

import (
	"net/http"
	"sort"
	"strings"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/core"
)

// errorBody is Whaly's error response (developers.whaly.io/errors), the
// body of every non-200 answer. RequestID is the request's 32-hex id, also
// sent as the X-Request-Id header.
type errorBody struct {
	StatusCode int    `json:"status_code"`
	Message    string `json:"message"`
	RequestID  string `json:"request_id"`
}

// wireFields maps the Go field names the services report validation
// problems under to this API's JSON names. Names not listed are already
// wire names (decode errors and the handlers' own checks use them).
var wireFields = map[string]string{
	"Email":      "email",
	"FirstName":  "first_name",
	"LastName":   "last_name",
	"Password":   "password",
	"RoleIDs":    "roles",
	"Locale":     "locale",
	"Attributes": "attributes",
	"ID":         "id",
	"Value":      "value",
	"After":      "after",
	"Limit":      "limit",
}

// wireName renames a service field path such as "Attributes[0].Value"
// part by part: "attributes[0].value".
func wireName(name string) string {
	parts := strings.Split(name, ".")
	for i, part := range parts {
		base, idx, _ := strings.Cut(part, "[")
		if wire, ok := wireFields[base]; ok {
			base = wire
		}
		if idx != "" {
			base += "[" + idx
		}
		parts[i] = base
	}
	return strings.Join(parts, ".")
}

// writeError is the core.ErrorWriter of this API. 401, 403 and 429 carry
// the HTTP reason phrase, as in Whaly's own example ("Unauthorized");
// field problems are listed in the message, sorted by wire name.
func writeError(w http.ResponseWriter, r *http.Request, f core.Failure) {
	msg := f.Message
	switch {
	case f.Kind == userkit.Unauthenticated, f.Kind == userkit.Forbidden, f.Kind == userkit.TooManyRequests:
		msg = http.StatusText(f.Status)
	case len(f.Fields) > 0:
		msg = fieldMessage(f.Fields)
	}
	core.Encode(w, f.Status, errorBody{StatusCode: f.Status, Message: msg, RequestID: httpapi.RequestID(r.Context())})
}

// fieldMessage renders per-field problems as one clause per field:
// "email: must be a valid email address; roles: is required".
// A field reported twice, under its wire name (the handler's problem)
// and its service name, is listed once, with the handler's problem.
func fieldMessage(fields map[string]userkit.Problem) string {
	byWire := make(map[string]string, len(fields))
	for name, problem := range fields {
		wire := wireName(name)
		if _, seen := byWire[wire]; seen && name != wire {
			continue
		}
		byWire[wire] = core.Text(problem)
	}
	parts := make([]string, 0, len(byWire))
	for wire, text := range byWire {
		parts = append(parts, wire+": "+text)
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}
