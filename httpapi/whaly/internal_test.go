package whaly

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/permissions"
)

// TestInternalError checks that an internal error is a generic 500 in
// Whaly's shape, with the request id and without the error's text.
func TestInternalError(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	env := apitest.New(t)
	env.Opts.Logger = slog.New(slog.DiscardHandler)
	env.Opts.Authenticator = httpapi.AuthenticatorFunc(func(*http.Request) (permissions.Principal, error) {
		return permissions.System, nil
	})
	a := core.New(env.Svc.HTTP(), env.Opts, core.Shape{Errors: writeError})
	handler := httpapi.WithRequestID(a.Authenticate(core.BearerOnly)(core.Endpoint(a, 200, func(http.ResponseWriter, *http.Request) (any, error) {
		return nil, errors.New("database exploded at 10.0.0.7")
	})))
	w := apitest.Do(handler, apitest.Request{Method: "GET", Path: "/"})
	is.Equal(w.Code, 500) // internal error
	rid := w.Header().Get(httpapi.RequestIDHeader)
	is.Equal(strings.TrimSpace(w.Body.String()),
		`{"status_code":500,"message":"Internal server error. Quote request id `+rid+` when reporting it.","request_id":"`+rid+`"}`) // generic body
}
