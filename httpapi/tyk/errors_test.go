package tyk

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit/httpapi"
)

// TestErrors: every documented error status, with its exact body, and a
// store the refused request left unchanged.
func TestErrors(t *testing.T) {
	t.Parallel()
	big := `{"Email":"` + strings.Repeat("a", httpapi.DefaultMaxBodyBytes) + `"}`
	tests := []struct {
		name, method, path, body string
		header                   []string
		status                   int
		errors                   []string
	}{
		{"unknown user", "GET", "/portal-api/users/99", "", nil, 404, []string{"user not found"}},
		{"non-numeric user id", "GET", "/portal-api/users/abc", "", nil, 404, []string{"user not found"}},
		{"zero user id", "DELETE", "/portal-api/users/0", "", nil, 404, []string{"user not found"}},
		{"unknown user on update", "PUT", "/portal-api/users/99", `{"First":"X"}`, nil, 404, []string{"user not found"}},
		{"unknown organisation", "GET", "/portal-api/organisations/99", "", nil, 404, []string{"organisation not found"}},
		{"unknown team", "GET", "/portal-api/organisations/1/teams/99", "", nil, 404, []string{"team not found"}},
		{"team of another organisation", "GET", "/portal-api/organisations/1/teams/2", "", nil, 404, []string{"team not found"}},
		{"delete team of another organisation", "DELETE", "/portal-api/organisations/1/teams/3", "", nil, 404, []string{"team not found"}},

		{"malformed JSON", "POST", "/portal-api/users", `{"Email":`, nil, 422, []string{"request body is not valid JSON"}},
		{"not an object", "POST", "/portal-api/users", `[1,2]`, nil, 422, []string{"request body must be a JSON object"}},
		{"empty body", "POST", "/portal-api/organisations", ``, nil, 422, []string{"request body is empty"}},
		{"two values", "POST", "/portal-api/organisations", `{"Name":"A"} {}`, nil, 422, []string{"request body must hold a single JSON value"}},
		{"wrong type", "POST", "/portal-api/users", `{"Email":5}`, nil, 422, []string{"Email: must be a string"}},
		{"string boolean", "PUT", "/portal-api/users/1", `{"Active":"true"}`, nil, 422, []string{"Active: must be a boolean"}},
		{"Teams not an array", "PUT", "/portal-api/users/1", `{"Teams":"3"}`, nil, 422, []string{"Teams: must be an array"}},
		{"oversized body", "POST", "/portal-api/users", big, nil, 422, []string{"request body too large"}},
		{"invalid role", "POST", "/portal-api/users", `{"Email":"x@y.example","First":"X","Last":"Y","Role":"god"}`, nil, 422,
			[]string{"Role: must be one of: super-admin, provider-admin, consumer-admin, consumer-team-member"}},
		{"invalid role on update", "PUT", "/portal-api/users/1", `{"Role":"consumer-team-admin"}`, nil, 422,
			[]string{"Role: must be one of: super-admin, provider-admin, consumer-admin, consumer-team-member"}},
		{"validation", "POST", "/portal-api/users", `{"Email":"not-an-email","Last":"Y"}`, nil, 422,
			[]string{"Email: must be a valid email address", "First: is required"}},
		{"weak password", "POST", "/portal-api/users", `{"Email":"p@y.example","First":"X","Last":"Y","Password":"password"}`, nil, 422,
			[]string{"Password: must be at least 10 characters"}},
		{"duplicate email", "POST", "/portal-api/users", strings.Replace(johnBody, "admin@acme.com", "ADMIN@acme.com", 1), nil, 422, []string{"Email: already taken"}},
		{"duplicate email, no organisation", "POST", "/portal-api/users", `{"Email":"admin@acme.com","First":"X","Last":"Y"}`, nil, 422, []string{"Email: already taken"}},
		{"duplicate email on update", "PUT", "/portal-api/users/2", `{"Email":"admin@acme.com"}`, nil, 422, []string{"Email: already taken"}},
		{"unknown organisation in create", "POST", "/portal-api/users", `{"Email":"o@y.example","First":"X","Last":"Y","OrganisationID":42}`, nil, 422,
			[]string{"OrganisationID: does not name a known organisation"}},
		{"admin in an organisation", "POST", "/portal-api/users", `{"Email":"o@y.example","First":"X","Last":"Y","OrganisationID":1,"Role":"super-admin"}`, nil, 422,
			[]string{"OrganisationID: must be 0 for admin users"}},
		{"consumer out of organisation", "PUT", "/portal-api/users/1", `{"OrganisationID":0}`, nil, 422,
			[]string{"OrganisationID: is required: a consumer cannot leave their organisation; move them to another one or delete them"}},
		{"team of another organisation in Teams", "PUT", "/portal-api/users/1", `{"First":"Changed","Teams":["3"]}`, nil, 422,
			[]string{`Teams: does not name a known team of the user's organisation`}},
		{"non-numeric team in Teams", "PUT", "/portal-api/users/1", `{"Teams":["team-id-1"]}`, nil, 422,
			[]string{`Teams: does not name a known team of the user's organisation`}},
		{"Teams of a user without organisation", "PUT", "/portal-api/users/2", `{"Teams":["1"]}`, nil, 422,
			[]string{"Teams: is not a member of an organisation"}},
		{"organisation without name", "POST", "/portal-api/organisations", `{}`, nil, 422, []string{"Name: is required"}},
		{"blank organisation name", "PUT", "/portal-api/organisations/1", `{"Name":"  "}`, nil, 422, []string{"Name: is required"}},
		{"team without name", "POST", "/portal-api/organisations/1/teams", `{"Name":""}`, nil, 422, []string{"Name: is required"}},
		{"delete default team", "DELETE", "/portal-api/organisations/1/teams/1", "", nil, 422, []string{"the default team of a partner cannot be deleted"}},
		{"rename default team", "PUT", "/portal-api/organisations/1/teams/1", `{"Name":"Other"}`, nil, 422,
			[]string{"Name: cannot be changed: the default team is named after its partner; rename the partner"}},
		{"empty default team", "PUT", "/portal-api/organisations/1/teams/1", `{"Name":"Default Organisation All users","Users":[]}`, nil, 422,
			[]string{"Users: cannot be changed: the default team always holds every member of the organisation"}},
		{"team member of another organisation", "PUT", "/portal-api/organisations/1/teams/4", `{"Users":[1,3]}`, nil, 422,
			[]string{"Users: is not a member of the organisation"}},
		{"team member that does not exist", "PUT", "/portal-api/organisations/1/teams/4", `{"Users":[77]}`, nil, 422,
			[]string{"Users: is not a member of the organisation"}},
		{"team Users of wrong type", "PUT", "/portal-api/organisations/1/teams/4", `{"Users":["User#1"]}`, nil, 422, []string{"Users: must be a number"}},
		{"invalid page", "GET", "/portal-api/users?page=abc", "", nil, 422, []string{`page: must be an integer`}},
		{"invalid per_page", "GET", "/portal-api/organisations?per_page=0", "", nil, 422, []string{`per_page: must be at least 1`}},

		{"stale If-Match on user", "PUT", "/portal-api/users/1", `{"First":"X"}`, []string{"If-Match", `"7"`}, 412,
			[]string{"the user was changed by someone else; reload and retry"}},
		{"stale If-Match on organisation", "PUT", "/portal-api/organisations/1", `{"Name":"X"}`, []string{"If-Match", `"7"`}, 412,
			[]string{"changed by someone else; reload and retry"}},
		{"stale If-Match on team", "PUT", "/portal-api/organisations/1/teams/4", `{"Name":"X"}`, []string{"If-Match", `"7"`}, 412,
			[]string{"changed by someone else; reload and retry"}},
		{"malformed If-Match", "PUT", "/portal-api/users/1", `{"First":"X"}`, []string{"If-Match", `abc`}, 422,
			[]string{"If-Match must be an ETag returned by this API"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			s := errorFixture(t)
			before := s.snapshot(t)
			w := s.do(tt.method, tt.path, s.admin, tt.body, tt.header...)
			is.Equal(w.Code, tt.status) // status
			is.Equal(w.Header().Get("Content-Type"), "application/json")
			is.Equal(w.Header().Get("Cache-Control"), "no-store")
			is.Equal(errorsOf(t, w), tt.errors) // error body
			is.Equal(s.snapshot(t), before)     // nothing changed
		})
	}
}

// errorFixture holds: organisation 1 with John (user 1, in team 4
// "Support") and its default team 1; user 2 without organisation;
// organisation 2 with its default team 2, team 3 and user 3.
func errorFixture(t *testing.T) *server {
	t.Helper()
	s := newServer(t)
	s.createJohn(t)
	s.user(t, "loner@y.example", RoleConsumerTeamMember, nil)
	other := s.partner(t, "Other")
	s.team(t, other, "Other team")
	s.user(t, "other@y.example", RoleConsumerTeamMember, &other)
	s.team(t, s.org, "Support")
	s.must(t, "PUT", "/portal-api/organisations/1/teams/4", `{"Users":[1]}`)
	return s
}

// TestInternalError: a failing store is answered with 500, a generic
// message and the request id, never the cause.
func TestInternalError(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := newServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // every store call now fails
	r := httptest.NewRequest("GET", "/portal-api/users", nil).WithContext(ctx)
	r.Header.Set("Authorization", s.admin)
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	is.Equal(w.Code, http.StatusInternalServerError) // 500
	id := w.Header().Get(httpapi.RequestIDHeader)
	is.True(id != "") // request id header
	is.Equal(errorsOf(t, w), []string{fmt.Sprintf("Internal server error. Quote request id %s when reporting it.", id)})
}

// TestETagAndIfMatch: single resources carry their version, and a current
// If-Match lets the update through.
func TestETagAndIfMatch(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := newServer(t)
	s.createJohn(t)
	w := s.do("GET", "/portal-api/users/1", s.admin, "")
	etag := w.Header().Get("ETag")
	is.Equal(etag, `"1"`) // version 1
	w = s.do("PUT", "/portal-api/users/1", s.admin, `{"Last":"Smith"}`, "If-Match", etag)
	is.Equal(w.Code, http.StatusOK)         // current version
	is.Equal(w.Header().Get("ETag"), `"2"`) // bumped
	w = s.do("PUT", "/portal-api/users/1", s.admin, `{"Last":"Jones"}`, "If-Match", etag)
	is.Equal(w.Code, http.StatusPreconditionFailed) // now stale
	w = s.do("GET", "/portal-api/organisations/1", s.admin, "")
	is.Equal(w.Header().Get("ETag"), `"1"`) // organisations too
	w = s.do("GET", "/portal-api/organisations/1/teams/1", s.admin, "")
	is.Equal(w.Header().Get("ETag"), `"1"`) // and teams
}
