package admin

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/apitest"
)

var requestIDRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

// checkProblem asserts the RFC 9457 shape of an error response.
func checkProblem(t *testing.T, w interface {
	Header() http.Header
}, body []byte, status int, path string) problem {
	t.Helper()
	is := is.NewRelaxed(t)
	is.Equal(w.Header().Get("Content-Type"), "application/problem+json") // problem media type
	var raw map[string]json.RawMessage
	is.NoErr(json.Unmarshal(body, &raw)) // body is a JSON object
	for k := range raw {
		is.True(strings.Contains(" type title status detail instance request_id errors ", " "+k+" ")) // only RFC 9457 members and ours
	}
	var p problem
	is.NoErr(json.Unmarshal(body, &p))                             // problem decodes
	is.Equal(p.Type, "about:blank")                                // type
	is.Equal(p.Title, http.StatusText(status))                     // title is the status text
	is.Equal(p.Status, status)                                     // status member matches
	is.True(p.Detail != "")                                        // detail says what happened
	is.Equal(p.Instance, Base+strings.Split(path, "?")[0])         // instance is the request path
	is.True(requestIDRE.MatchString(p.RequestID))                  // request id is 32 hex
	is.Equal(p.RequestID, w.Header().Get(httpapi.RequestIDHeader)) // and the header's
	if status != 400 && status != 422 {
		is.Equal(len(p.Errors), 0) // errors only for validation
	}
	return p
}

// TestErrors covers every status the API documents: exact bodies in
// goldens, the problem shape, and no change to the store.
func TestErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	wd := f.world()
	pa, pb := wd.partnerA.ID.String(), wd.partnerB.ID.String()
	portal := wd.portalA.ID.String()
	f.name(pa, "partner_a")
	f.name(pb, "partner_b")
	f.name(portal, "portal_a")
	f.name(wd.teamB.ID.String(), "team_b")
	f.name(wd.roleA.ID.String(), "role_a")
	f.name(wd.roleB.ID.String(), "role_b")
	f.name(wd.attrB.ID.String(), "attr_b")
	noRights := "Bearer " + f.env.Key(t, apitest.Grant("users.read", scopeOf(wd.partnerB.ID)))
	huge := `{"name": "` + strings.Repeat("a", httpapi.DefaultMaxBodyBytes) + `"}`
	ifMatch := func(v string) map[string]string { return map[string]string{"If-Match": v} }

	cases := []struct {
		name   string
		r      req
		status int
		errors map[string]string // expected "errors" member, nil for none
	}{
		// 400: the request cannot be read.
		{"400_malformed_json", req{Method: "POST", Path: "/partners", Body: `{"name": `}, 400, nil},
		{"400_empty_body", req{Method: "POST", Path: "/partners"}, 400, nil},
		{"400_not_an_object", req{Method: "POST", Path: "/partners", Body: `["Acme"]`}, 400, nil},
		{"400_two_values", req{Method: "POST", Path: "/partners", Body: `{"name": "A"} {"name": "B"}`}, 400, nil},
		{"400_too_large", req{Method: "POST", Path: "/partners", Body: huge}, 400, nil},
		{"400_limit", req{Method: "GET", Path: "/partners?limit=101"}, 400, map[string]string{"limit": "must be an integer from 1 to 100"}},
		{"400_limit_not_a_number", req{Method: "GET", Path: "/partners?limit=ten"}, 400, map[string]string{"limit": "must be an integer from 1 to 100"}},
		{"400_after", req{Method: "GET", Path: "/partners?after=!!"}, 400, map[string]string{"after": "is not a cursor returned by this API"}},
		{"400_after_unknown", req{Method: "GET", Path: "/partners?after=bm90LWEtY3Vyc29y"}, 400, map[string]string{"after": "is not a cursor returned by this API"}},
		{"400_partner_filter", req{Method: "GET", Path: "/portals?partner_id=acme"}, 400, map[string]string{"partner_id": "must be a UUID"}},
		{"400_if_match", req{Method: "PATCH", Path: "/partners/" + pa, Body: `{"name": "X"}`, Header: ifMatch("yesterday")}, 400, nil},
		// 401: no or bad credential.
		{"401_no_credential", req{Method: "GET", Path: "/partners", Auth: "-"}, 401, nil},
		{"401_bad_key", req{Method: "GET", Path: "/partners", Auth: "Bearer sk:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, 401, nil},
		{"401_bad_token", req{Method: "GET", Path: "/partners", Auth: "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x"}, 401, nil},
		{"401_not_bearer", req{Method: "GET", Path: "/partners", Auth: "Basic YWRtaW46YWRtaW4="}, 401, nil},
		// 403: a valid principal without the grant.
		{"403_forbidden", req{Method: "POST", Path: "/partners", Body: `{"name": "Initech"}`, Auth: noRights}, 403, nil},
		// 404: unknown and malformed ids, sub-objects of another parent.
		{"404_unknown_partner", req{Method: "GET", Path: "/partners/0188f5c4-0000-7000-8000-000000000000"}, 404, nil},
		{"404_malformed_id", req{Method: "GET", Path: "/partners/42"}, 404, nil},
		{"404_team_of_other_partner", req{Method: "GET", Path: "/partners/" + pa + "/teams/" + wd.teamB.ID.String()}, 404, nil},
		{"404_team_of_other_partner_patch", req{Method: "PATCH", Path: "/partners/" + pa + "/teams/" + wd.teamB.ID.String(), Body: `{"name": "X"}`}, 404, nil},
		{"404_team_of_other_partner_delete", req{Method: "DELETE", Path: "/partners/" + pa + "/teams/" + wd.teamB.ID.String()}, 404, nil},
		{"404_role_of_other_portal", req{Method: "PATCH", Path: "/portals/" + portal + "/roles/" + wd.roleB.ID.String(), Body: `{"name": "X"}`}, 404, nil},
		{"404_attribute_of_other_portal", req{Method: "DELETE", Path: "/portals/" + portal + "/attributes/" + wd.attrB.ID.String()}, 404, nil},
		{"404_unknown_resource", req{Method: "GET", Path: "/resources/p-0000"}, 404, nil},
		{"404_grant_of_other_principal", req{Method: "DELETE", Path: "/users/" + wd.userA.ID.String() + "/grants/" + wd.grantUsr.ID.String()}, 404, nil},
		{"404_user_grants_of_service_account", req{Method: "GET", Path: "/users/" + wd.saOther.ID.String() + "/grants"}, 404, nil},
		// 409: taken names and ids.
		{"409_technical_name", req{Method: "POST", Path: "/portals", Body: `{"name": "Again", "technical_name": "acme-partners"}`}, 409, nil},
		{"409_resource_id", req{Method: "POST", Path: "/resources", Body: `{"id": "p-2343", "name": "Again"}`}, 409, nil},
		// 412: stale If-Match; any If-Match on an unversioned object.
		{"412_stale", req{Method: "PATCH", Path: "/partners/" + pa, Body: `{"name": "X"}`, Header: ifMatch(`"7"`)}, 412, nil},
		{"412_role_has_no_etag", req{Method: "PATCH", Path: "/portals/" + portal + "/roles/" + wd.roleA.ID.String(), Body: `{"name": "X"}`, Header: ifMatch(`"1"`)}, 412, nil},
		// 422: readable JSON with invalid content.
		{"422_required", req{Method: "POST", Path: "/partners", Body: `{}`}, 422, map[string]string{"name": "is required"}},
		{"422_wrong_type", req{Method: "POST", Path: "/partners", Body: `{"name": 42}`}, 422, map[string]string{"name": "must be a string"}},
		{"422_wrong_type_in_patch", req{Method: "PATCH", Path: "/partners/" + pa, Body: `{"name": true}`}, 422, map[string]string{"name": "must be a string"}},
		{"422_unknown_field", req{Method: "POST", Path: "/partners", Body: `{"name": "Initech", "is_admin": true}`}, 422, map[string]string{"is_admin": "is not a known field"}},
		{"422_read_only", req{Method: "PATCH", Path: "/partners/" + pa, Body: `{"num": 7, "version": 9}`}, 422, map[string]string{"num": "cannot be changed", "version": "cannot be changed"}},
		{"422_null", req{Method: "PATCH", Path: "/partners/" + pa, Body: `{"name": null}`}, 422, map[string]string{"name": "cannot be null"}},
		{"422_attribute_type", req{Method: "POST", Path: "/portals/" + portal + "/attributes", Body: `{"name": "region", "type": "COLOUR"}`}, 422, map[string]string{"type": "must be one of: STRING, BOOLEAN, NUMBER, TIME"}},
		{"422_scope", req{Method: "POST", Path: "/service-accounts", Body: `{"name": "x", "grants": [{"action": "users.read", "scope": "*"}, {"action": "users.read", "scope": "team:1"}]}`}, 422, map[string]string{"grants[1].scope": `must be "*", "partner:<partner id>" or "portal:<portal id>"`}},
		{"422_action", req{Method: "POST", Path: "/service-accounts", Body: `{"name": "x", "grants": [{"action": "users.fly", "scope": "*"}]}`}, 422, map[string]string{"grants[0].action": `must be "*", "<family>.*" or "<family>.<verb>" with a known family and verb`}},
		{"422_expires_at", req{Method: "POST", Path: "/service-accounts/" + wd.saOther.ID.String() + "/keys", Body: `{"expires_at": "tomorrow"}`}, 422, map[string]string{"expires_at": "must be an RFC 3339 time, e.g. 2024-06-23T21:02:00Z"}},
		{"422_partner_id", req{Method: "POST", Path: "/portals", Body: `{"partner_id": "acme", "name": "X", "technical_name": "x-portal"}`}, 422, map[string]string{"partner_id": "must be a partner id (a UUID) or null"}},
		{"422_default_team", req{Method: "DELETE", Path: "/partners/" + pb + "/teams/" + defaultTeam(t, f, wd.partnerB.ID)}, 422, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := f.with(t)
			is := is.New(t)
			before := f.eventCount()
			w := f.do(c.r)
			is.Equal(w.Code, c.status) // status
			p := checkProblem(t, w, w.Body.Bytes(), c.status, c.r.Path)
			if c.errors != nil {
				is.Equal(p.Errors, c.errors) // field problems by wire name
			} else if c.status != 422 {
				is.Equal(len(p.Errors), 0) // no field problems
			}
			if c.status == 401 {
				is.Equal(w.Header().Get("WWW-Authenticate"), `Bearer realm="userkit"`) // 401 names the scheme
			}
			is.Equal(f.eventCount(), before) // a rejected request changes nothing
			if c.name != "400_too_large" {
				f.golden("error_"+c.name, w)
			}
		})
	}
}

func defaultTeam(t *testing.T, f *fixture, partnerID interface{ String() string }) string {
	t.Helper()
	teams, err := f.env.Svc.Partners.ListTeams(f.env.Sys, mustUUID(t, partnerID.String()))
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range teams {
		if tm.Default {
			f.name(tm.ID.String(), "default_team_b")
			return tm.ID.String()
		}
	}
	t.Fatal("no default team")
	return ""
}

// TestInternalError: a 500 is logged with the request id and answered with
// a generic detail; the user's token is not rotated.
func TestInternalError(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	env := apitest.New(t)
	var logs bytes.Buffer
	opts := *env.Opts
	opts.TokenSecret = nil
	opts.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	mux := http.NewServeMux()
	Register(mux, "", env.Svc.HTTP(), &opts)
	f := &fixture{t: t, env: env, h: mux, admin: "Bearer " + env.AdminKey(t), names: map[string]string{}}
	wd := f.world()
	f.name(wd.userA.ID.String(), "user")

	w := f.do(req{Method: "POST", Path: "/users/" + wd.userA.ID.String() + "/token"})
	is.Equal(w.Code, 500) // no token secret is the host's misconfiguration
	p := checkProblem(t, w, w.Body.Bytes(), 500, "/users/"+wd.userA.ID.String()+"/token")
	is.Equal(p.Detail, "Internal server error. Quote request id "+p.RequestID+" when reporting it.") // generic detail
	is.True(strings.Contains(logs.String(), p.RequestID))                                            // logged with the request id
	is.True(strings.Contains(logs.String(), "TokenSecret"))                                          // and the cause
	u, err := env.Svc.Users.Get(env.Sys, wd.userA.ID)
	is.NoErr(err)
	is.Equal(u.TokenVersion, wd.userA.TokenVersion) // nothing rotated
	f.golden("error_500", w)
}
