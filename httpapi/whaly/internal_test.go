package whaly

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/permissions"
)

// TestLimiterBounded checks that the limiter forgets full buckets and,
// when still at capacity, the least recently used one.
func TestLimiterBounded(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	clk := &apitest.Clock{}
	clk.Set(apitest.Epoch)
	l := newLimiter(60, clk.Now, 2)
	l.take("a")
	clk.Advance(time.Millisecond)
	l.take("b")
	clk.Advance(time.Millisecond)
	l.take("c")
	is.Equal(len(l.buckets), 2) // capacity kept
	_, kept := l.buckets["a"]
	is.True(!kept) // the least recently used bucket went
	clk.Advance(2 * time.Minute)
	l.take("d")
	is.Equal(len(l.buckets), 1) // idle (full) buckets were swept
}

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
