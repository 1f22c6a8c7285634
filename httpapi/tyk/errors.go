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
	"UserNums":          "Users",
	"OrganisationNum":   "OrganisationID",
}

// writeError is the API's core.ErrorWriter. Field problems become one
// "<Field>: <problem>" string each, sorted by field.
func writeError(w http.ResponseWriter, _ *http.Request, f core.Failure) {
	body := errorBody{Errors: make([]string, 0, len(f.Fields)+1)}
	for goName, problem := range f.Fields {
		name, ok := wireFields[goName]
		if !ok {
			name = goName
		}
		body.Errors = append(body.Errors, name+": "+core.Text(problem))
	}
	sort.Strings(body.Errors)
	if len(body.Errors) == 0 {
		body.Errors = append(body.Errors, f.Message)
	}
	core.Encode(w, f.Status, body)
}
