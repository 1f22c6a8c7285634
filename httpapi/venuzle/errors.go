package venuzle

import (
	"errors"
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
}

// invalid is a validation failure already in Laravel's terms: sentences
// per wire field. Handlers return it for the rules they check themselves.
type invalid map[string][]string

func (e invalid) Error() string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return "invalid input: " + strings.Join(keys, ", ")
}

// As lets userkit.KindOf see an invalid as an Invalid error naming its
// fields, so that it takes the status of field problems.
func (e invalid) As(target any) bool {
	t, ok := target.(**userkit.Error)
	if !ok {
		return false
	}
	fields := make(map[string]string, len(e))
	for k, v := range e {
		fields[k] = strings.Join(v, " ")
	}
	*t = &userkit.Error{Kind: userkit.Invalid, Message: msgInvalid, Fields: fields}
	return true
}

func invalidField(field, sentence string) invalid { return invalid{field: {sentence}} }

// add appends the Laravel sentences of the services' field problems,
// renaming fields through rename first (nil for none).
func (e invalid) add(fields map[string]string, rename map[string]string) {
	for name, problem := range fields {
		if to, ok := rename[name]; ok {
			name = to
		} else if to, ok := wireFields[name]; ok {
			name = to
		}
		e[name] = append(e[name], sentence(name, problem))
	}
}

// writeError is the core.ErrorWriter of this API: Laravel's "errors"
// object for field problems, else Laravel's message for the kind.
func writeError(w http.ResponseWriter, _ *http.Request, f core.Failure) {
	var inv invalid
	if errors.As(f.Err, &inv) {
		core.Encode(w, f.Status, errorBody{Message: msgInvalid, Errors: inv})
		return
	}
	msg := f.Message
	switch {
	case len(f.Fields) > 0 && f.Status == http.StatusUnprocessableEntity:
		e := invalid{}
		e.add(f.Fields, nil)
		core.Encode(w, f.Status, errorBody{Message: msgInvalid, Errors: e})
		return
	case f.Kind == userkit.Unauthenticated:
		msg = msgUnauthenticated
	case f.Kind == userkit.Forbidden:
		msg = msgUnauthorized
	case f.Status < 500 && msg != "" && unicode.IsLower([]rune(msg)[0]):
		// The services' messages ("request body is not valid JSON", "the
		// user was changed by someone else; …") read as Laravel's sentences.
		msg = asSentence(msg)
	}
	core.Encode(w, f.Status, errorBody{Message: msg})
}

// sentence turns a service's field problem ("is required", "must be a
// valid email address", …) into the sentence Laravel 10's validator
// writes for the matching rule, e.g. "The first name field is required.".
func sentence(field, problem string) string {
	attr := strings.ReplaceAll(field, "_", " ")
	switch {
	case problem == "already taken" || problem == "already a member":
		return "The " + attr + " has already been taken."
	case strings.HasPrefix(problem, "must be at most "):
		return "The " + attr + " field must not be greater than " + strings.TrimPrefix(problem, "must be at most ") + "."
	case strings.HasPrefix(problem, "must be one of"):
		return "The selected " + attr + " is invalid."
	case problem == "must contain at least one digit":
		return "The " + attr + " field must contain at least one number."
	case problem == "must contain at least one upper-case letter":
		return "The " + attr + " field must contain at least one uppercase letter."
	case problem == "must contain at least one lower-case letter":
		return "The " + attr + " field must contain at least one lowercase letter."
	case problem == "is too common":
		return "The given " + attr + " has appeared in a data leak. Please choose a different " + attr + "."
	}
	return "The " + attr + " field " + strings.TrimSuffix(problem, ".") + "."
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
