package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/all"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/users"
)

// The concrete services are what httpapi.Services holds.
var (
	_ httpapi.UserService       = (*users.Service)(nil)
	_ httpapi.PartnerService    = (*partners.Service)(nil)
	_ httpapi.PortalService     = (*portals.Service)(nil)
	_ httpapi.PermissionService = (*permissions.Service)(nil)
)

// errorShape checks that an error answer is in one API's error shape.
type errorShape struct {
	api         all.API
	contentType string
	keys        []string // the top-level JSON keys, sorted
}

var errorShapes = map[all.API]errorShape{
	all.Solvexia: {all.Solvexia, "application/json", []string{"message", "supportId"}},
	all.Venuzle:  {all.Venuzle, "application/json", []string{"message"}},
	all.Whaly:    {all.Whaly, "application/json", []string{"message", "request_id", "status_code"}},
	all.Tyk:      {all.Tyk, "application/json", []string{"errors"}},
	all.Admin:    {all.Admin, "application/problem+json", []string{"detail", "instance", "request_id", "status", "title", "type"}},
}

// check asserts w is an error answer with status in the shape.
func (s errorShape) check(t *testing.T, w *httptest.ResponseRecorder, status int) map[string]any {
	t.Helper()
	is := is.NewRelaxed(t)
	is.Equal(w.Code, status)                                // status
	is.Equal(w.Header().Get("Content-Type"), s.contentType) // the API's media type
	var body map[string]any
	is.NoErr(json.Unmarshal(w.Body.Bytes(), &body)) // JSON, not ServeMux's plain text
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	is.Equal(keys, s.keys) // the API's error shape
	return body
}

// do serves one request through h.
func do(h http.Handler, method, path, auth, contentType, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// writes is one creating request per API, with a valid body.
func (f *fixture) writes() []struct {
	api        all.API
	path, body string
} {
	return []struct {
		api        all.API
		path, body string
	}{
		{all.Solvexia, "/api/v1/users", `{"email":"new.user@example.com","firstName":"New","lastName":"User","userRole":"Designer"}`},
		{all.Venuzle, fmt.Sprintf("/api/internal/v1/partners/%d/users", f.partner.Num), `{"first_name":"New","last_name":"User","email":"new.user@example.com","password":"Secret12345"}`},
		{all.Whaly, "/v1/partner-portals/" + f.portal.ID.String() + "/users", `{"first_name":"New","last_name":"User","email":"new.user@example.com","roles":[]}`},
		{all.Tyk, "/portal-api/users", `{"First":"New","Last":"User","Email":"new.user@example.com","Password":"Secret12345"}`},
		{all.Admin, "/admin/v1/partners", `{"name":"New partner"}`},
	}
}

func TestMethodNotAllowedInEachShape(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := all.Handler(f.Svc.HTTP(), f.Opts)
	for _, tt := range []struct {
		api    all.API
		method string
		path   string
		allow  string
	}{
		{all.Solvexia, "DELETE", "/api/v1/users", "GET, HEAD, POST"},
		{all.Solvexia, "PUT", "/api/v1/users/u-1", "GET, HEAD, POST"},
		{all.Venuzle, "PATCH", fmt.Sprintf("/api/internal/v1/partners/%d/users/1", f.partner.Num), "GET, HEAD, PUT, DELETE"},
		{all.Whaly, "PUT", "/v1/partner-portals/" + f.portal.ID.String() + "/users", "GET, HEAD, POST"},
		{all.Tyk, "PATCH", "/portal-api/organisations/1", "GET, HEAD, PUT, DELETE"},
		{all.Admin, "PUT", "/admin/v1/partners/" + f.partner.ID.String(), "GET, HEAD, PATCH, DELETE"},
	} {
		t.Run(string(tt.api)+" "+tt.method, func(t *testing.T) {
			is := is.New(t)
			w := do(h, tt.method, tt.path, f.admin, "", "")
			errorShapes[tt.api].check(t, w, http.StatusMethodNotAllowed)
			is.Equal(w.Header().Get("Allow"), tt.allow)                // the methods the path serves
			is.Equal(len(w.Header().Get(httpapi.RequestIDHeader)), 32) // with a request id
			is.True(strings.Contains(w.Body.String(), tt.method))      // the message names the method
			if tt.api == all.Tyk {
				is.Equal(w.Header().Get("Cache-Control"), "no-store") // as every portal answer
			}
		})
	}
}

func TestUnknownPathInEachShape(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := all.Handler(f.Svc.HTTP(), f.Opts)
	for api, path := range map[all.API]string{
		all.Solvexia: "/api/v1/users/u-1/nothing",
		all.Venuzle:  fmt.Sprintf("/api/internal/v1/partners/%d/users/1/nothing", f.partner.Num),
		all.Whaly:    "/v1/partner-portals/" + f.portal.ID.String() + "/users/x/y",
		all.Tyk:      "/portal-api/nothing",
		all.Admin:    "/admin/v1/nothing",
	} {
		errorShapes[api].check(t, do(h, "GET", path, f.admin, "", ""), http.StatusNotFound)
	}
}

// userCount is how many users the store holds.
func (f *fixture) userCount(t *testing.T) int {
	t.Helper()
	pg, err := f.Svc.Users.List(f.Sys, users.ListParams{PageRequest: userkit.PageRequest{Limit: userkit.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	return len(pg.Items)
}

func TestBodyMustBeJSON(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := all.Handler(f.Svc.HTTP(), f.Opts)
	for _, wr := range f.writes() {
		t.Run(string(wr.api), func(t *testing.T) {
			is := is.New(t)
			auth := f.admin
			before := f.userCount(t)
			for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "application/jsonx", "text/json"} {
				w := do(h, "POST", wr.path, auth, ct, wr.body)
				errorShapes[wr.api].check(t, w, http.StatusUnsupportedMediaType)
			}
			is.Equal(f.userCount(t), before) // nothing stored
			// Parameters and +json types are JSON.
			for _, ct := range []string{"application/json; charset=utf-8", "application/merge-patch+json"} {
				w := do(h, "POST", wr.path, auth, ct, "{")
				is.True(w.Code == 400 || w.Code == 422) // read as JSON (and refused as malformed)
			}
		})
	}
}

func TestInvalidUTF8Refused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := all.Handler(f.Svc.HTTP(), f.Opts)
	for _, wr := range f.writes() {
		t.Run(string(wr.api), func(t *testing.T) {
			is := is.New(t)
			before := f.userCount(t)
			body := strings.Replace(wr.body, "New", "N\xffw", 1)
			w := do(h, "POST", wr.path, f.admin, "application/json", body)
			is.True(w.Code >= 400 && w.Code < 500)                // refused, not stored with U+FFFD
			is.True(!strings.Contains(w.Body.String(), "\uFFFD")) // nothing replaced
			is.Equal(f.userCount(t), before)                      // nothing stored
		})
	}
	// The admin API stores partners, not users: check the name is not there.
	pg, err := f.Svc.Partners.List(f.Sys, userkit.PageRequest{Limit: 100})
	is.New(t).NoErr(err)
	for _, p := range pg.Items {
		is.New(t).True(!strings.Contains(p.Name, "\uFFFD")) // no partner with a replaced name
	}
}

func TestNumericQuerySpellings(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := all.Handler(f.Svc.HTTP(), f.Opts)
	// Every numeric query parameter of every API, set to q.
	paths := func(q string) []string {
		return []string{
			"/v1/partner-portals/" + f.portal.ID.String() + "/users?limit=" + q,
			"/portal-api/users?page=" + q + "&per_page=" + q + "&limit=" + q,
			fmt.Sprintf("/api/internal/v1/partners/%d/users?page=", f.partner.Num) + q,
			"/admin/v1/partners?limit=" + q,
		}
	}
	for _, tt := range []struct {
		spellings []string
		ok        bool
	}{
		{[]string{"2", "2.0", "2.0000000000", "2e0", "0.2e1"}, true},
		{[]string{"2.5", "NaN", "1e400", "99999999999999999999"}, false},
	} {
		for _, q := range tt.spellings {
			for _, path := range paths(q) {
				is := is.New(t)
				w := do(h, "GET", path, f.admin, "", "")
				is.Equal(w.Code == 200, tt.ok)                           // whole numbers in any spelling, and only those
				is.True(w.Code == 200 || w.Code == 400 || w.Code == 422) // a refusal is the client's error
			}
		}
	}
}

// unavailable makes every list call fail as Unavailable, retry after 1.2s.
type (
	unavailableUsers    struct{ httpapi.UserService }
	unavailablePartners struct{ httpapi.PartnerService }
	unavailablePortals  struct{ httpapi.PortalService }
)

var errUnavailable = &userkit.Error{Kind: userkit.Unavailable, Message: "the store is overloaded", RetryAfter: 1200 * time.Millisecond}

func (unavailableUsers) List(context.Context, users.ListParams) (userkit.Page[users.User], error) {
	return userkit.Page[users.User]{}, errUnavailable
}

func (unavailableUsers) ListAll(context.Context, users.ListParams) iter.Seq2[users.User, error] {
	return func(yield func(users.User, error) bool) { yield(users.User{}, errUnavailable) }
}

func (unavailablePartners) ListUsersByNum(context.Context, int64, partners.ListUsersParams) (userkit.Page[users.User], error) {
	return userkit.Page[users.User]{}, errUnavailable
}

func (unavailablePartners) List(context.Context, userkit.PageRequest) (userkit.Page[partners.Partner], error) {
	return userkit.Page[partners.Partner]{}, errUnavailable
}

func (unavailablePartners) ListUsers(context.Context, uuid.UUID, partners.ListUsersParams) (userkit.Page[users.User], error) {
	return userkit.Page[users.User]{}, errUnavailable
}

func (unavailablePartners) PortalUsers(context.Context, userkit.PageRequest) (userkit.Page[partners.PortalUser], error) {
	return userkit.Page[partners.PortalUser]{}, errUnavailable
}

func (unavailablePortals) ListUsers(context.Context, uuid.UUID, userkit.PageRequest) (userkit.Page[portals.Member], error) {
	return userkit.Page[portals.Member]{}, errUnavailable
}

func TestUnavailableIs503WithRetryAfter(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	svc := f.Svc.HTTP()
	svc.Users = unavailableUsers{svc.Users}
	svc.Partners = unavailablePartners{svc.Partners}
	svc.Portals = unavailablePortals{svc.Portals}
	h := all.Handler(svc, f.Opts)
	for _, lp := range f.listPaths() {
		t.Run(string(lp.api), func(t *testing.T) {
			is := is.New(t)
			w := do(h, "GET", lp.path, lp.auth, "", "")
			errorShapes[lp.api].check(t, w, http.StatusServiceUnavailable)
			is.Equal(w.Header().Get("Retry-After"), "2")                                           // whole seconds, rounded up
			is.True(strings.Contains(strings.ToLower(w.Body.String()), "the store is overloaded")) // the error's message, not a 500's
		})
	}
}

func TestRateLimitRetryAfter(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	opts := *f.Opts
	opts.RateLimit = 1
	h := all.Handler(f.Svc.HTTP(), &opts)
	path := "/v1/partner-portals/" + f.portal.ID.String() + "/users"
	is.Equal(do(h, "GET", path, f.admin, "", "").Code, 200) // the one request of the minute
	w := do(h, "GET", path, f.admin, "", "")
	errorShapes[all.Whaly].check(t, w, http.StatusTooManyRequests)
	is.Equal(w.Header().Get("Retry-After"), "60") // a token a minute
}

// TestVenuzleListsEveryInvalidField: like Laravel's validator, a 422 names
// every invalid field at once, missing ones and badly formed ones alike.
func TestVenuzleListsEveryInvalidField(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	h := all.Handler(f.Svc.HTTP(), f.Opts)
	path := fmt.Sprintf("/api/internal/v1/partners/%d/users", f.partner.Num)
	w := do(h, "POST", path, f.admin, "application/json", `{"last_name":"`+strings.Repeat("x", 300)+`","email":"not an email","password":"Secret12345"}`)
	is.Equal(w.Code, http.StatusUnprocessableEntity)
	var body struct {
		Errors map[string][]string `json:"errors"`
	}
	is.NoErr(json.Unmarshal(w.Body.Bytes(), &body))
	is.Equal(body.Errors["first_name"], []string{"The first name field is required."})                       // missing
	is.Equal(body.Errors["email"], []string{"The email field must be a valid email address."})               // malformed
	is.Equal(len(body.Errors["last_name"]), 1)                                                               // too long
	is.True(strings.HasPrefix(body.Errors["last_name"][0], "The last name field must not be greater than ")) // in Laravel's words
}
