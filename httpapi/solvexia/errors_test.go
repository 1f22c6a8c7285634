package solvexia

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/permissions"
)

// TestErrors covers every status the API answers with, each in the exact
// documented shape, and checks that no refused request changed anything.
func TestErrors(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	mona := s.createMona(t)
	s.resource(t, "p-2343", "Sales reconciliation")
	noGrants := s.key(t, apitest.Grant("portals.read", permissions.All))
	big := `{"firstName": "` + strings.Repeat("a", httpapi.DefaultMaxBodyBytes) + `"}`

	cases := []struct {
		name, method, path, auth, body string
		header                         []string
		status                         int
		message                        string
	}{
		// 400
		{"short password", "POST", "/api/v1/users", s.admin, strings.Replace(monaBody, "Samplepassword12", "Sample12", 1), nil,
			400, "password: must be at least 10 characters"},
		{"password without digit", "POST", "/api/v1/users", s.admin, createBody("email", "x@sample.com", "password", "Samplepassword"), nil,
			400, "password: must contain at least one digit"},
		{"password without upper case", "POST", "/api/v1/users", s.admin, createBody("email", "x@sample.com", "password", "samplepassword12"), nil,
			400, "password: must contain at least one upper-case letter"},
		{"missing fields", "POST", "/api/v1/users", s.admin, `{"email": "x@sample.com"}`, nil,
			400, "firstName: is required; lastName: is required; password: is required; timezone: is required; userRole: is required"},
		{"invalid email", "POST", "/api/v1/users", s.admin, createBody("email", "not-an-email"), nil,
			400, "email: must be a valid email address"},
		{"invalid userRole", "POST", "/api/v1/users", s.admin, createBody("email", "x@sample.com", "userRole", "Admin"), nil,
			400, "userRole: must be one of: Subscriber, Designer, ClientAdmin, SVXAdmin"},
		{"invalid timezone", "POST", "/api/v1/users", s.admin, createBody("email", "x@sample.com", "timezone", "Europe/Vienna"), nil,
			400, `timezone: must be one of the documented TimeZone names, e.g. "(UTC+10:00) Canberra, Melbourne, Sydney"`},
		{"duplicate email", "POST", "/api/v1/users", s.admin, createBody("email", "MONA.BENSON@sample.com"), nil,
			400, "email: already taken"},
		{"malformed JSON", "POST", "/api/v1/users", s.admin, `{"email": `, nil,
			400, "request body is not valid JSON"},
		{"not an object", "POST", "/api/v1/users", s.admin, `[1, 2]`, nil,
			400, "request body must be a JSON object"},
		{"two values", "POST", "/api/v1/users", s.admin, monaBody + `{}`, nil,
			400, "request body must hold a single JSON value"},
		{"empty body", "POST", "/api/v1/users", s.admin, ``, nil,
			400, "request body is empty"},
		{"wrong type on create", "POST", "/api/v1/users", s.admin, `{"email": 5}`, nil,
			400, "email: must be a string"},
		{"wrong type on update", "POST", "/api/v1/users/" + mona, s.admin, `{"city": ["Sydney"]}`, nil,
			400, "city: must be a string"},
		{"oversized body", "POST", "/api/v1/users/" + mona, s.admin, big, nil,
			400, "request body too large"},
		{"invalid accountStatus", "POST", "/api/v1/users/" + mona, s.admin, `{"accountStatus": "Deleted"}`, nil,
			400, "accountStatus: must be one of: Active, Suspended, Locked"},
		{"null for a required field", "POST", "/api/v1/users/" + mona, s.admin, `{"firstName": null, "userRole": null}`, nil,
			400, "firstName: cannot be null; userRole: cannot be null"},
		{"empty first name", "POST", "/api/v1/users/" + mona, s.admin, `{"firstName": " "}`, nil,
			400, "firstName: is required"},
		{"dateOfBirth format", "POST", "/api/v1/users/" + mona, s.admin, `{"dateOfBirth": "1999-09-19"}`, nil,
			400, "dateOfBirth: must be a date in the form dd/MM/yyyy"},
		{"dateOfBirth too early", "POST", "/api/v1/users/" + mona, s.admin, `{"dateOfBirth": "01/01/1850"}`, nil,
			400, "dateOfBirth: must be 01/01/1900 or later"},
		{"dateOfBirth not a date", "POST", "/api/v1/users/" + mona, s.admin, `{"dateOfBirth": "31/02/2000"}`, nil,
			400, "dateOfBirth: must be a date in the form dd/MM/yyyy"},
		{"malformed If-Match", "POST", "/api/v1/users/" + mona, s.admin, `{"city": "Perth"}`, []string{"If-Match", "yesterday"},
			400, "If-Match must be an ETag returned by this API"},
		{"invalid permission role", "POST", "/api/v1/users/" + mona + "/permissions", s.admin, `{"resourceId": "p-2343", "role": "admin"}`, nil,
			400, "role: must be one of: owner, editor, executor, reader"},
		{"missing permission fields", "POST", "/api/v1/users/" + mona + "/permissions", s.admin, `{}`, nil,
			400, "resourceId: is required; role: is required"},
		{"invalid role on set", "POST", "/api/v1/users/" + mona + "/permissions/p-2343", s.admin, `{"role": 1}`, nil,
			400, "role: must be a string"},
		// 401
		{"no credential", "GET", "/api/v1/users", "", "", nil,
			401, "Unauthenticated"},
		{"unknown key", "GET", "/api/v1/users", "Bearer sk:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "", nil,
			401, "Unauthenticated"},
		{"bad token", "GET", "/api/v1/users", "Bearer syPHeMY5H--kdRtfpoXTgYFF7LHgVOhIjOQ5QkIvSD68VZvc2_uAew.P07tEVThD5SqNCV_tFwbAg", "", nil,
			401, "Unauthenticated"},
		{"not bearer", "GET", "/api/v1/users", "Basic dXNlcjpwYXNz", "", nil,
			401, "Unauthenticated"},
		// 403
		{"forbidden list", "GET", "/api/v1/users", noGrants, "", nil,
			403, "permission denied"},
		{"forbidden create", "POST", "/api/v1/users", noGrants, createBody("email", "x@sample.com"), nil,
			403, "permission denied"},
		{"forbidden unknown user", "GET", "/api/v1/users/u-999", noGrants, "", nil,
			403, "permission denied"},
		// 404
		{"unknown user", "GET", "/api/v1/users/u-999", s.admin, "", nil,
			404, "user not found"},
		{"id without prefix", "GET", "/api/v1/users/1", s.admin, "", nil,
			404, "user not found"},
		{"id not a number", "GET", "/api/v1/users/u-abc", s.admin, "", nil,
			404, "user not found"},
		{"id with leading zero", "GET", "/api/v1/users/u-01", s.admin, "", nil,
			404, "user not found"},
		{"id zero", "GET", "/api/v1/users/u-0", s.admin, "", nil,
			404, "user not found"},
		{"id overflow", "GET", "/api/v1/users/u-99999999999999999999", s.admin, "", nil,
			404, "user not found"},
		{"update unknown user", "POST", "/api/v1/users/u-999", s.admin, `{"city": "Perth"}`, nil,
			404, "user not found"},
		{"permissions of unknown user", "GET", "/api/v1/users/u-999/permissions", s.admin, "", nil,
			404, "user not found"},
		{"unknown resource", "POST", "/api/v1/users/" + mona + "/permissions", s.admin, `{"resourceId": "p-1", "role": "reader"}`, nil,
			404, "resource not found"},
		{"unknown resource on set", "POST", "/api/v1/users/" + mona + "/permissions/mt-1", s.admin, `{"role": "reader"}`, nil,
			404, "resource not found"},
		{"delete missing permission", "DELETE", "/api/v1/users/" + mona + "/permissions/p-2343", s.admin, "", nil,
			404, "the user has no permission on this resource"},
		{"delete for unknown user", "DELETE", "/api/v1/users/u-999/permissions/p-2343", s.admin, "", nil,
			404, "user not found"},
		// 412
		{"stale If-Match", "POST", "/api/v1/users/" + mona, s.admin, `{"city": "Perth"}`, []string{"If-Match", `"7"`},
			412, "the user was changed by someone else; reload and retry"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := s.snapshot(t)
			w := s.do(c.method, c.path, c.auth, c.body, c.header...)
			errorOf(t, w, c.status, c.message)
			is.New(t).Equal(s.snapshot(t), before) // a refused request changes nothing
		})
	}
}

// createBody is the seed's create body with some fields replaced (name,
// value pairs).
func createBody(kv ...string) string {
	m := map[string]string{}
	_ = json.Unmarshal([]byte(monaBody), &m)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// TestInternalError checks the 500 answer: a generic message, and a
// supportId that the log line of the error carries too (as request id).
func TestInternalError(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	var logs bytes.Buffer
	env := apitest.New(t)
	env.Opts.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	a := core.New(env.Svc.HTTP(), env.Opts, core.Shape{})
	a.Shape.Errors = newErrorWriter(a.Log)

	var rid string
	h := httpapi.WithRequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rid = httpapi.RequestID(r.Context())
		a.Fail(w, r, errors.New("database on fire: dsn=secret"))
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/users", nil))

	is.Equal(w.Code, http.StatusInternalServerError) // 500
	var body errorBody
	is.NoErr(json.Unmarshal(w.Body.Bytes(), &body))
	is.Equal(body.Message, internalMessage)                            // generic message
	is.True(!strings.Contains(w.Body.String(), "fire"))                // no internal detail
	is.Equal(strings.ReplaceAll(body.SupportID, "-", ""), rid)         // supportId is the request id
	is.Equal(w.Header().Get(httpapi.RequestIDHeader), rid)             // and the header's
	is.True(strings.Contains(logs.String(), `"request_id":"`+rid+`"`)) // and the log's
	is.True(strings.Contains(logs.String(), "database on fire"))       // the cause is logged
	is.Equal(w.Body.String(), `{"message":"`+internalMessage+`","supportId":"`+body.SupportID+`"}`+"\n")
}

// TestSupportID checks the derivation from a request id and the fallback
// to a fresh UUID.
func TestSupportID(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := httpapi.ContextWithRequestID(t.Context(), "0123456789ABCDEF0123456789ABCDEF")
	is.Equal(supportID(ctx, log), testSupportID) // hex request id → UUID

	a := supportID(httpapi.ContextWithRequestID(t.Context(), "req-1"), log)
	b := supportID(t.Context(), log)
	is.Equal(len(a), 36)       // other ids → a UUID
	is.True(a != b)            // fresh per error
	is.Equal(a[14], byte('4')) // random (v4)
}

// TestUnknownFieldsIgnored checks that keys outside the request DTO are
// never applied: posting back a whole User changes only updatable fields.
func TestUnknownFieldsIgnored(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := newServer(t)
	id := s.createMona(t)
	w := s.do("POST", "/api/v1/users/"+id, s.admin,
		`{"id": "u-77", "loginName": "root", "lastSignInDate": "2011-03-14T14:56:00.0000000", "passwordHash": "x", "version": 99, "city": "Perth"}`)
	is.Equal(w.Code, http.StatusOK) // unknown keys are ignored
	var u userDTO
	is.NoErr(json.Unmarshal(w.Body.Bytes(), &u))
	is.Equal(u.ID, id)                   // id not taken from the body
	is.Equal(u.LoginName, "mona.benson") // loginName not taken from the body
	is.Equal(u.LastSignInDate, nil)      // lastSignInDate not taken from the body
	is.Equal(*u.City, "Perth")           // the documented field applied

	w = s.do("GET", "/api/v1/users/u-77", s.admin, "")
	is.Equal(w.Code, http.StatusNotFound) // no user got id u-77

	_, err := s.env.Svc.Users.Authenticate(s.env.Sys, "mona.benson@sample.com", "Samplepassword12")
	is.NoErr(err) // the password is unchanged
}
