package solvexia

import (
	"net/http"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/users"
)

// endpoint is one operation of the API with a valid request for it and
// the actions it needs beyond reading the user.
type endpoint struct {
	name, method, path, body string
	needs                    permissions.Action // the action a key lacks in the 403 row
}

// endpoints returns every operation, aimed at the user with wire id id and
// the resource p-2343 (on which the user holds a role).
func endpoints(id string) []endpoint {
	return []endpoint{
		{"list users", "GET", "/api/v1/users", "", permissions.UsersRead},
		{"create user", "POST", "/api/v1/users", createBody("email", "new.user@sample.com"), permissions.UsersCreate},
		{"get user", "GET", "/api/v1/users/" + id, "", permissions.UsersRead},
		{"update user", "POST", "/api/v1/users/" + id, `{"lastName": "Jordan", "accountStatus": "Suspended"}`, permissions.UsersUpdate},
		{"list permissions", "GET", "/api/v1/users/" + id + "/permissions", "", permissions.PermissionsRead},
		{"add permission", "POST", "/api/v1/users/" + id + "/permissions", `{"resourceId": "p-2343", "role": "owner"}`, permissions.PermissionsUpdate},
		{"set permission", "POST", "/api/v1/users/" + id + "/permissions/p-2343", `{"role": "editor"}`, permissions.PermissionsUpdate},
		{"delete permission", "DELETE", "/api/v1/users/" + id + "/permissions/p-2343", "", permissions.PermissionsDelete},
	}
}

// allActions are the actions this API's endpoints need.
var allActions = []permissions.Action{
	permissions.UsersRead, permissions.UsersCreate, permissions.UsersUpdate, permissions.UsersDelete,
	permissions.PermissionsRead, permissions.PermissionsCreate, permissions.PermissionsUpdate, permissions.PermissionsDelete,
}

// TestAuthorizationMatrix sends every endpoint without a credential, with
// a key lacking its action, and with a key of another partner; each is
// refused and changes nothing. The admin key then succeeds on each, which
// proves the refused requests were valid ones.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ctx := s.env.Sys
	pa, err := s.env.Svc.Partners.Create(ctx, partners.CreateParams{Name: "Partner A"})
	is.New(t).NoErr(err)
	pb, err := s.env.Svc.Partners.Create(ctx, partners.CreateParams{Name: "Partner B"})
	is.New(t).NoErr(err)
	alice := addMember(t, s, pa.ID, "alice@a.example")
	bob := addMember(t, s, pb.ID, "bob@b.example")
	s.resource(t, "p-2343", "Sales reconciliation")
	_, err = s.env.Svc.Permissions.SetRole(ctx, bob.ID, "p-2343", permissions.RoleReader)
	is.New(t).NoErr(err)

	bobID := formatUserID(bob.Num)
	partnerA := s.key(t, apitest.Grant("*", permissions.PartnerScope(pa.ID)))

	for _, e := range endpoints(bobID) {
		t.Run(e.name, func(t *testing.T) {
			is := is.New(t)
			var lacking []permissions.GrantParams
			for _, a := range allActions {
				if a != e.needs {
					lacking = append(lacking, apitest.Grant(string(a), permissions.All))
				}
			}
			rows := []struct {
				who    string
				auth   string
				status []int
			}{
				{"no credential", "", []int{http.StatusUnauthorized}},
				{"bad credential", "Bearer sk:nope", []int{http.StatusUnauthorized}},
				{"key without " + string(e.needs), s.key(t, lacking...), []int{http.StatusForbidden}},
				{"key of partner A", partnerA, []int{http.StatusForbidden, http.StatusNotFound}},
			}
			for _, row := range rows {
				before := s.snapshot(t)
				w := s.do(e.method, e.path, row.auth, e.body)
				is.True(slices.Contains(row.status, w.Code))                   // refused
				is.Equal(w.Header().Get("Content-Type"), "application/json")   // in the error shape
				is.True(len(w.Body.String()) > 0 && w.Body.String()[0] == '{') // an error object
				is.Equal(s.snapshot(t), before)                                // nothing changed
				if t.Failed() {
					t.Logf("%s: %d %s", row.who, w.Code, w.Body)
					return
				}
			}
		})
	}

	// Positive controls, after the matrix since they change the store.
	is := is.New(t)
	w := s.do("GET", "/api/v1/users/"+formatUserID(alice.Num), partnerA, "")
	is.Equal(w.Code, http.StatusOK) // a partner key reads its own partner's users
	for _, e := range endpoints(bobID) {
		w := s.do(e.method, e.path, s.admin, e.body)
		is.Equal(w.Code, http.StatusOK) // the admin key may do each request
	}
}

func addMember(t *testing.T, s *server, partnerID uuid.UUID, email string) users.User {
	t.Helper()
	u, _, err := s.env.Svc.Partners.AddUser(s.env.Sys, partnerID, users.CreateParams{
		Email: email, FirstName: "Test", LastName: "User", Password: "Samplepassword12",
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestUserToken checks that a user's own API token reads and updates the
// user's profile but cannot change their own accountStatus or userRole.
func TestUserToken(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := newServer(t)
	id := s.createMona(t)
	num, _ := parseUserID(id)
	u, err := s.env.Svc.Users.GetByNum(s.env.Sys, num)
	is.NoErr(err)
	tok, err := httpapi.UserToken(apitest.TokenSecret, u)
	is.NoErr(err)
	auth := "Bearer " + tok

	w := s.do("GET", "/api/v1/users/"+id, auth, "")
	is.Equal(w.Code, http.StatusOK) // read self
	w = s.do("POST", "/api/v1/users/"+id, auth, `{"city": "Hobart"}`)
	is.Equal(w.Code, http.StatusOK) // update own profile
	before := s.snapshot(t)
	w = s.do("POST", "/api/v1/users/"+id, auth, `{"userRole": "SVXAdmin"}`)
	is.Equal(w.Code, http.StatusForbidden) // no self-promotion
	w = s.do("GET", "/api/v1/users", auth, "")
	is.Equal(w.Code, http.StatusForbidden) // no listing of all users
	is.Equal(s.snapshot(t), before)        // nothing changed
}
