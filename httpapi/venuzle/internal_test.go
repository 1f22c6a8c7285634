package venuzle

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/permissions"
)

// TestInternalError checks that an internal error is a generic 500 in
// Laravel's shape, naming the request id and not the error's text.
func TestInternalError(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	env := apitest.New(t)
	env.Opts.Logger = slog.New(slog.DiscardHandler)
	env.Opts.Authenticator = httpapi.AuthenticatorFunc(func(*http.Request) (permissions.Principal, error) {
		return permissions.System, nil
	})
	a := core.New(env.Svc.HTTP(), env.Opts, core.Shape{Errors: writeError, Statuses: statuses})
	handler := httpapi.WithRequestID(a.Authenticate(core.BearerOnly)(core.Endpoint(a, 200, func(http.ResponseWriter, *http.Request) (any, error) {
		return nil, errors.New("database exploded at 10.0.0.7")
	})))
	w := apitest.Do(handler, apitest.Request{Method: "GET", Path: "/"})
	is.Equal(w.Code, 500) // internal error
	rid := w.Header().Get(httpapi.RequestIDHeader)
	is.Equal(strings.TrimSpace(w.Body.String()), `{"message":"Internal server error. Quote request id `+rid+` when reporting it."}`) // generic body
}

// TestSentence checks the translation of the services' problems into
// Laravel's sentences.
func TestSentence(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	for _, tt := range []struct {
		field   string
		problem userkit.Problem
		want    string
	}{
		{"first_name", userkit.Problem{Rule: userkit.RuleRequired}, "The first name field is required."},
		{"email", userkit.Problem{Rule: userkit.RuleEmail}, "The email field must be a valid email address."},
		{"email", userkit.Problem{Rule: userkit.RuleTaken}, "The email has already been taken."},
		{"last_name", userkit.Problem{Rule: userkit.RuleMax, Param: "100"}, "The last name field must not be greater than 100 characters."},
		{"password", userkit.Problem{Rule: userkit.RuleMin, Param: "10"}, "The password field must be at least 10 characters."},
		{"new_password", userkit.Problem{Rule: userkit.RuleContains, Param: "upper-case letter"}, "The new password field must contain at least one uppercase letter."},
		{"new_password", userkit.Problem{Rule: userkit.RuleContains, Param: "digit"}, "The new password field must contain at least one number."},
		{"new_password", userkit.Problem{Rule: userkit.RuleCommon}, "The given new password has appeared in a data leak. Please choose a different new password."},
		{"new_password", userkit.Problem{Rule: userkit.RuleMismatch, Param: "new_password_confirmation"}, "The new password field confirmation does not match."},
		{"status", userkit.Problem{Rule: userkit.RuleOneOf, Param: "active suspended"}, "The selected status is invalid."},
		{"page", userkit.Problem{Rule: core.RuleInteger}, "The page field must be an integer."},
		{"page", userkit.Problem{Rule: core.RuleGTE, Param: "1"}, "The page field must be at least 1."},
		{"page", userkit.Problem{Rule: core.RuleLTE, Param: "9"}, "The page field must not be greater than 9."},
		{"email", userkit.Problem{Rule: userkit.RuleText}, "The email field must be valid UTF-8 text without control characters."},
	} {
		is.Equal(sentence(tt.field, tt.problem), tt.want) // Laravel sentence
	}
}
