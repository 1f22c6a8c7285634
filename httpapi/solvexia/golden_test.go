package solvexia

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/userkit/userkit/users"
)

// signInAt logs Mona in at the seed's lastSignInDate, 2011-03-14 14:56.
func (s *server) signInAt(t *testing.T, at time.Time) {
	t.Helper()
	s.env.Clock.Set(at)
	if _, err := s.env.Svc.Users.Authenticate(s.env.Sys, "mona.benson@sample.com", "Samplepassword12"); err != nil {
		t.Fatal(err)
	}
}

var seedSignIn = time.Date(2011, 3, 14, 14, 56, 0, 0, time.UTC)

// TestGoldenUsers replays the seed's user examples: create Mona Benson,
// give her Sydney/Australia and a sign-in, read her, update her, list.
func TestGoldenUsers(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := newServer(t)

	w := s.do("POST", "/api/v1/users", s.admin, monaBody)
	is.Equal(w.Code, http.StatusOK) // create is 200, as documented
	is.Equal(w.Header().Get("ETag"), `"1"`)
	golden(t, "create_user", w)
	id := "u-1"

	w = s.do("POST", "/api/v1/users/"+id, s.admin, `{"city": "Sydney", "country": "Australia"}`)
	is.Equal(w.Code, http.StatusOK) // update city and country
	s.signInAt(t, seedSignIn)

	w = s.do("GET", "/api/v1/users/"+id, s.admin, "")
	is.Equal(w.Code, http.StatusOK) // get
	etag := w.Header().Get("ETag")
	is.True(etag != "") // get sets ETag
	golden(t, "get_user", w)

	// The seed's update example, sent with the current ETag.
	w = s.do("POST", "/api/v1/users/"+id, s.admin,
		`{"lastName": "Jordan", "accountStatus": "Suspended", "email": "mona.jordan@sample.com"}`,
		"If-Match", etag)
	is.Equal(w.Code, http.StatusOK) // update
	v, _ := strconv.Unquote(etag)
	n, _ := strconv.Atoi(v)
	is.Equal(w.Header().Get("ETag"), strconv.Quote(strconv.Itoa(n+1))) // update bumps the ETag
	golden(t, "update_user", w)

	w = s.do("POST", "/api/v1/users", s.admin,
		`{"email": "jill.watkin@sample.com", "firstName": "Jill", "lastName": "Watkin", "password": "Samplepassword12", "userRole": "Subscriber", "timezone": "(UTC-10:00) Hawaii"}`)
	is.Equal(w.Code, http.StatusOK) // create Jill

	w = s.do("GET", "/api/v1/users", s.admin, "")
	is.Equal(w.Code, http.StatusOK) // list
	golden(t, "list_users", w)
}

// TestGoldenUpdateAllFields sets and then clears every documented
// updatable field, including dateOfBirth in dd/MM/yyyy.
func TestGoldenUpdateAllFields(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := newServer(t)
	id := s.createMona(t)

	w := s.do("POST", "/api/v1/users/"+id, s.admin, `{
		"firstName": "Jane", "lastName": "Jordan", "email": "tom.jordan@sample.com",
		"accountStatus": "Locked", "city": "Brisbane", "country": "New Zeland",
		"dateOfBirth": "19/09/1999", "department": "Marketing",
		"phoneNumberLand": "0281538412", "phoneNumberMobile": "0481538412",
		"timezone": "(UTC-10:00) Hawaii", "userRole": "Subscriber"}`)
	is.Equal(w.Code, http.StatusOK) // update every field
	golden(t, "update_user_all_fields", w)

	w = s.do("POST", "/api/v1/users/"+id, s.admin, `{
		"city": null, "country": null, "dateOfBirth": null, "department": "",
		"phoneNumberLand": null, "phoneNumberMobile": null, "accountStatus": "active"}`)
	is.Equal(w.Code, http.StatusOK) // null clears optional fields
	golden(t, "update_user_cleared", w)
}

// TestGoldenPermissions replays the seed's permission examples.
func TestGoldenPermissions(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := newServer(t)
	id := s.createMona(t)
	s.resource(t, "p-2343", "Sales reconciliation")
	s.resource(t, "mt-4323", "Monthly Revenue")

	w := s.do("GET", "/api/v1/users/"+id+"/permissions", s.admin, "")
	is.Equal(w.Code, http.StatusOK) // empty list
	golden(t, "list_permissions_empty", w)

	w = s.do("POST", "/api/v1/users/"+id+"/permissions", s.admin, `{"resourceId": "p-2343", "role": "executor"}`)
	is.Equal(w.Code, http.StatusOK) // add
	golden(t, "add_permission", w)
	w = s.do("POST", "/api/v1/users/"+id+"/permissions", s.admin, `{"resourceId": "mt-4323", "role": "reader"}`)
	is.Equal(w.Code, http.StatusOK) // add a second

	w = s.do("GET", "/api/v1/users/"+id+"/permissions", s.admin, "")
	is.Equal(w.Code, http.StatusOK) // list
	golden(t, "list_permissions", w)

	w = s.do("POST", "/api/v1/users/"+id+"/permissions/p-2343", s.admin, `{"role": "editor"}`)
	is.Equal(w.Code, http.StatusOK) // add or update
	golden(t, "set_permission", w)

	w = s.do("DELETE", "/api/v1/users/"+id+"/permissions/p-2343", s.admin, "")
	is.Equal(w.Code, http.StatusOK)   // delete is 200
	is.Equal(w.Body.Len(), 0)         // with an empty body
	golden(t, "delete_permission", w) // (an empty golden file)

	w = s.do("GET", "/api/v1/users/"+id+"/permissions", s.admin, "")
	is.Equal(w.Code, http.StatusOK) // list after delete
	golden(t, "list_permissions_after_delete", w)
}

// TestForeignValues shows how values set through other APIs render: a role
// outside the enum is Solvexia's nearest role (users.ShowRole: Tyk's
// consumer-admin is ClientAdmin), a timezone outside it is the neutral
// users.DefaultSolvexiaTimezone, never null, so that posting the user back
// is accepted and changes nothing.
func TestForeignValues(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := newServer(t)
	id := s.createMona(t)
	num, err := parseUserID(id)
	is.NoErr(err)
	u, err := s.env.Svc.Users.GetByNum(s.env.Sys, num)
	is.NoErr(err)
	role, tz := "consumer-admin", "Australia/Sydney"
	_, err = s.env.Svc.Users.Update(s.env.Sys, u.ID, users.UpdateParams{Role: &role, Timezone: &tz})
	is.NoErr(err)

	w := s.do("GET", "/api/v1/users/"+id, s.admin, "")
	is.Equal(w.Code, http.StatusOK) // get
	golden(t, "get_user_foreign_values", w)
}
