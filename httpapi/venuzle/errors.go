package venuzle

import (
	"net/http"
	"sort"
	"strings"
	"unicode"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/core"
)

// errorBody is Laravel's JSON error response. Errors is present only on
// 422 (validation) answers.
type errorBody struct {
	Message string              `json:"message"`
	Errors  map[string][]string `json:"errors,omitempty"`
}

// The fixed messages of Laravel's exception handler.
const (
	msgUnauthenticated = "Unauthenticated."
	msgUnauthorized    = "This action is unauthorized."
	msgInvalid         = "The given data was invalid."
)

// wireFields maps the Go field names the services report validation
// problems under to this API's JSON names. Names not listed are already
// wire names (decode errors name the JSON field).
var wireFields = map[string]string{
	"Email":     "email",
	"FirstName": "first_name",
	"LastName":  "last_name",
	"Password":  "password",
	"Search":    "search",
	// Laravel's "confirmed" rule reports a mismatch on the field itself,
	// so both problems of a new password are listed under new_password.
	"NewPassword":             "new_password",
	"NewPasswordConfirmation": "new_password",
}

// writeError is the core.ErrorWriter of this API: Laravel's "errors"
// object for field problems (422), else Laravel's message for the kind.
func writeError(w http.ResponseWriter, _ *http.Request, f core.Failure) {
	msg := f.Message
	switch {
	case len(f.Fields) > 0 && f.Status == http.StatusUnprocessableEntity:
		// The problems found on the wire (keyed by wire name, e.g. a
		// blank required field) win over the services' for the same
		// field, as Laravel stops at a failed "required".
		errs := make(map[string][]string, len(f.Fields))
		for name, p := range f.Fields {
			if _, service := wireFields[name]; !service {
				errs[name] = append(errs[name], sentence(name, p))
			}
		}
		wire := make(map[string]bool, len(errs))
		for name := range errs {
			wire[name] = true
		}
		for name, p := range f.Fields {
			to, service := wireFields[name]
			if service && !wire[to] {
				errs[to] = append(errs[to], sentence(to, p))
			}
		}
		for _, s := range errs {
			sort.Strings(s)
		}
		core.Encode(w, f.Status, errorBody{Message: msgInvalid, Errors: errs})
		return
	case f.Kind == userkit.Unauthenticated:
		msg = msgUnauthenticated
	case f.Kind == userkit.Forbidden:
		msg = msgUnauthorized
	case f.Kind != userkit.Internal && msg != "" && unicode.IsLower([]rune(msg)[0]):
		// The services' messages ("request body is not valid JSON", "the
		// user was changed by someone else; …") read as Laravel's sentences.
		msg = asSentence(msg)
	}
	core.Encode(w, f.Status, errorBody{Message: msg})
}

// sentence renders a field problem as the sentence Laravel 10's validator
// writes for the matching rule, e.g. "The first name field is required.".
func sentence(field string, p userkit.Problem) string {
	attr := strings.ReplaceAll(field, "_", " ")
	switch p.Rule {
	case userkit.RuleRequired:
		return "The " + attr + " field is required."
	case userkit.RuleTaken, userkit.RuleMember:
		return "The " + attr + " has already been taken."
	case userkit.RuleEmail:
		return "The " + attr + " field must be a valid email address."
	case userkit.RuleMax:
		return "The " + attr + " field must not be greater than " + p.Param + " characters."
	case userkit.RuleMin:
		return "The " + attr + " field must be at least " + p.Param + " characters."
	case userkit.RuleOneOf:
		return "The selected " + attr + " is invalid."
	case userkit.RuleMismatch:
		return "The " + attr + " field confirmation does not match."
	case userkit.RuleContains:
		what := map[string]string{"digit": "number", "upper-case letter": "uppercase letter",
			"lower-case letter": "lowercase letter"}[p.Param]
		if what == "" {
			what = p.Param
		}
		return "The " + attr + " field must contain at least one " + what + "."
	case userkit.RuleCommon:
		return "The given " + attr + " has appeared in a data leak. Please choose a different " + attr + "."
	case core.RuleInteger:
		return "The " + attr + " field must be an integer."
	case core.RuleGTE:
		return "The " + attr + " field must be at least " + p.Param + "."
	case core.RuleLTE:
		return "The " + attr + " field must not be greater than " + p.Param + "."
	}
	return "The " + attr + " field " + strings.TrimSuffix(core.Text(p), ".") + "."
}

// asSentence capitalises msg and ends it with a period.
func asSentence(msg string) string {
	if msg == "" {
		return msg
	}
	r := []rune(msg)
	r[0] = unicode.ToUpper(r[0])
	s := string(r)
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
