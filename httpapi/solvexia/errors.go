package solvexia

import (
	"context"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/core"
)

// errorBody is Solvexia's error response (response_codes.md), the body of
// every non-200 answer.
type errorBody struct {
	Message   string `json:"message"`
	SupportID string `json:"supportId"`
}

// wireFields maps the Go field names the services report validation
// problems under to this API's JSON names. Names not listed are already
// wire names (decode errors name the JSON field).
var wireFields = map[string]string{
	"Email":       "email",
	"FirstName":   "firstName",
	"LastName":    "lastName",
	"Password":    "password",
	"Role":        "userRole",
	"Timezone":    "timezone",
	"Status":      "accountStatus",
	"City":        "city",
	"Country":     "country",
	"Department":  "department",
	"PhoneLand":   "phoneNumberLand",
	"PhoneMobile": "phoneNumberMobile",
	"DateOfBirth": "dateOfBirth",
	"LoginName":   "loginName",
}

// permissionFields is wireFields for the permission endpoints, where the
// permissions service's "Role" is the permission role, not the user role.
var permissionFields = map[string]string{
	"Role":       "role",
	"ResourceID": "resourceId",
}

// internalMessage answers every 500; the supportId finds the log line.
const internalMessage = "An internal error occurred. Quote the supportId when reporting it."

// newErrorWriter returns the core.ErrorWriter of this API: the message,
// or the field problems as one sentence, and the supportId.
func newErrorWriter(log *slog.Logger) core.ErrorWriter {
	return func(w http.ResponseWriter, r *http.Request, f core.Failure) {
		msg := f.Message
		if f.Kind == userkit.Internal {
			msg = internalMessage
		} else if len(f.Fields) > 0 {
			msg = fieldMessage(f.Fields)
		}
		core.Encode(w, f.Status, errorBody{Message: msg, SupportID: supportID(r.Context(), log)})
	}
}

// fieldMessage renders per-field problems as one sentence per field,
// sorted by wire name: "email: must be a valid email address; password: …".
func fieldMessage(fields map[string]userkit.Problem) string {
	// A problem found on the wire (keyed by wire name: a required field
	// left out, a value outside an enum) wins over the service's for the
	// same field.
	byWire := make(map[string]userkit.Problem, len(fields))
	for name, problem := range fields {
		if _, service := wireFields[name]; !service {
			byWire[name] = problem
		}
	}
	for name, problem := range fields {
		if wire, service := wireFields[name]; service {
			if _, seen := byWire[wire]; !seen {
				byWire[wire] = problem
			}
		}
	}
	parts := make([]string, 0, len(byWire))
	for name, problem := range byWire {
		parts = append(parts, name+": "+core.Text(problem))
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}

// supportID returns the request id (32 hex digits) written as a UUID, so
// the id in the body, the X-Request-Id header and the log all agree. When
// an outer middleware set an id of another form, a fresh UUID is used and
// logged next to the request id.
func supportID(ctx context.Context, log *slog.Logger) string {
	rid := httpapi.RequestID(ctx)
	if len(rid) == 32 {
		if _, err := hex.DecodeString(rid); err == nil {
			rid = strings.ToLower(rid)
			return rid[0:8] + "-" + rid[8:12] + "-" + rid[12:16] + "-" + rid[16:20] + "-" + rid[20:32]
		}
	}
	id := uuid.NewString()
	log.InfoContext(ctx, "solvexia error", slog.String("support_id", id), slog.String("request_id", rid))
	return id
}

// renameFields returns err with its field names translated by names, so
// that the generic wireFields mapping does not apply to them.
func renameFields(err error, names map[string]string) error {
	var e *userkit.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	fields := make(map[string]userkit.Problem, len(e.Fields))
	for k, v := range e.Fields {
		if wire, ok := names[k]; ok {
			k = wire
		}
		fields[k] = v
	}
	c := *e
	c.Fields = fields
	return &c
}

// errUserNotFound answers every user id that names no user, including ids
// that are not of the form u-<number>.
var errUserNotFound = userkit.Errorf(userkit.NotFound, "user not found")
