package tyk

import (
	"net/http"
	"sort"

	"github.com/userkit/userkit/httpapi/internal/core"
)

// errorBody is the portal's OnlyErrors schema: {"errors": ["…"]}.
type errorBody struct {
	Errors []string `json:"errors"`
}

// statusBody is the portal's Status schema, the answer of every delete.
type statusBody struct {
	Status string `json:"status"`
}

var statusOK = statusBody{Status: "ok"}

// wireFields maps the Go field names the services report validation
// problems under to this API's field names. Names not listed (decode
// errors already carry wire names) are shown as they are.
var wireFields = map[string]string{
	"Email":             "Email",
	"FirstName":         "First",
	"LastName":          "Last",
	"Role":              "Role",
	"Provider":          "Provider",
	"Status":            "Active",
	"MustResetPassword": "ResetPassword",
	"Password":          "Password",
	"PasswordHash":      "Password",
	"Name":              "Name",
	"UserID":            "Users",
}

// writeError is the API's core.ErrorWriter. The portal answers validation
// errors, malformed bodies and taken emails with 422, so the Invalid
// (400) and Conflict (409) statuses of the shared table become 422. Field
// problems become one "<Field>: <problem>" string each, sorted by field.
func writeError(w http.ResponseWriter, _ *http.Request, status int, msg string, fields map[string]string) {
	if status == http.StatusBadRequest || status == http.StatusConflict {
		status = http.StatusUnprocessableEntity
	}
	body := errorBody{Errors: make([]string, 0, len(fields)+1)}
	for goName, problem := range fields {
		name, ok := wireFields[goName]
		if !ok {
			name = goName
		}
		body.Errors = append(body.Errors, name+": "+problem)
	}
	sort.Strings(body.Errors)
	if len(body.Errors) == 0 {
		body.Errors = append(body.Errors, msg)
	}
	core.Encode(w, status, body)
}
