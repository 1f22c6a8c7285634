package tyk

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/userkit/userkit/httpapi/internal/apitest"
)

// TestSeedUserShow reproduces the seed's GET /users/{user_id} response
// key for key and value for value; only the token differs, as it is
// signed with the test secret.
func TestSeedUserShow(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := newServer(t)
	s.createJohn(t)
	w := s.do("GET", "/portal-api/users/1", s.admin, "")
	is.Equal(w.Code, http.StatusOK) // GET /users/1
	var u userShow
	decode(t, w.Body.Bytes(), &u)
	is.True(u.JWTToken != "") // an admin key sees the token
	apitest.Golden(t, "users_get", w.Body.Bytes(), u.JWTToken, "<JWTToken>")

	var indented bytes.Buffer
	is.NoErr(json.Indent(&indented, bytes.ReplaceAll(w.Body.Bytes(), []byte(u.JWTToken), []byte("<JWTToken>")), "", "  "))
	seed, err := os.ReadFile("testdata/seed_user_show.json")
	is.NoErr(err)
	is.Equal(indented.String(), string(seed)) // the seed's response, in its key order

	is.Equal(w.Header().Get("Content-Type"), "application/json") // content type
	is.Equal(w.Header().Get("Cache-Control"), "no-store")        // as the portal
	is.Equal(w.Header().Get("Pragma"), "no-cache")               // as the portal
	is.Equal(w.Header().Get("ETag"), `"1"`)                      // record version
}

// TestGolden walks every endpoint once, from the seed's user onwards, and
// locks each response body in a golden file.
func TestGolden(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	step := func(name, method, path, body string) []byte {
		t.Helper()
		w := s.do(method, path, s.admin, body)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %s %s: %d %s", name, method, path, w.Code, w.Body)
		}
		if ct := w.Header().Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q", name, ct)
		}
		if w.Header().Get("Cache-Control") != "no-store" || w.Header().Get("Pragma") != "no-cache" {
			t.Errorf("%s: cache headers %v", name, w.Header())
		}
		var u struct{ JWTToken string }
		_ = json.Unmarshal(w.Body.Bytes(), &u)
		repl := []string{}
		if u.JWTToken != "" {
			repl = append(repl, u.JWTToken, "<JWTToken>")
		}
		apitest.Golden(t, name, w.Body.Bytes(), repl...)
		return w.Body.Bytes()
	}

	step("users_create", "POST", "/portal-api/users", johnBody)
	step("users_create_admin", "POST", "/portal-api/users",
		`{"Active": true, "Email": "raava@tyk.io", "First": "Raava", "Last": "Admin", "OrganisationID": 0, "Role": "super-admin", "Provider": "password", "ResetPassword": false}`)
	step("users_list", "GET", "/portal-api/users?page=1&per_page=20", "")
	step("organisations_create", "POST", "/portal-api/organisations", `{"Name": "Acme"}`)
	step("organisations_list", "GET", "/portal-api/organisations", "")
	step("teams_create", "POST", "/portal-api/organisations/2/teams", `{"Name": "Developers"}`)
	step("teams_list", "GET", "/portal-api/organisations/2/teams", "")
	s.must(t, "POST", "/portal-api/organisations/1/teams", `{"Name": "Support"}`) // team 4

	s.env.Clock.Advance(90 * time.Minute)
	step("users_update", "PUT", "/portal-api/users/1", `{"First": "Johnny", "Teams": ["4"]}`)
	step("organisations_get", "GET", "/portal-api/organisations/1", "")
	step("teams_update", "PUT", "/portal-api/organisations/1/teams/4", `{"Name": "Support team", "Users": [1]}`)
	step("teams_get", "GET", "/portal-api/organisations/1/teams/4", "")
	step("organisations_update", "PUT", "/portal-api/organisations/2", `{"Name": "Acme Corp"}`)
	step("teams_delete", "DELETE", "/portal-api/organisations/1/teams/4", "")
	step("users_delete", "DELETE", "/portal-api/users/1", "")
	step("organisations_delete", "DELETE", "/portal-api/organisations/2", "")
}
