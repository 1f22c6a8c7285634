package tyk_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/userkit/userkit/httpapi/internal/apispec"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/httpapi/tyk"
	"github.com/userkit/userkit/users"
)

// TestOpenAPI sends a valid request to every route and validates each
// answer against the package's document read strictly: the user the seed
// shows, and the organisations and teams of the portal's published
// document.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.Opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := http.NewServeMux()
	tyk.Register(mux, "", env.Svc.HTTP(), env.Opts)
	spec := apispec.New(t, tyk.OpenAPI(), mux)
	admin := env.AdminKey(t)
	do := func(method, path, body string) map[string]any {
		t.Helper()
		w := spec.Do(t, apispec.Request{Method: method, Path: "/portal-api" + path, Auth: admin, Body: body})
		var v any
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		m, _ := v.(map[string]any)
		return m
	}
	id := func(m map[string]any) int { return int(m["ID"].(float64)) }

	org := id(do("POST", "/organisations", `{"Name":"Acme"}`))
	do("GET", "/organisations", "")
	do("PUT", fmt.Sprintf("/organisations/%d", org), `{"Name":"Acme Corp"}`)
	team := id(do("POST", fmt.Sprintf("/organisations/%d/teams", org), `{"Name":"Developers"}`))
	do("GET", fmt.Sprintf("/organisations/%d/teams", org), "")

	john := id(do("POST", "/users", fmt.Sprintf(`{"Active":true,"Email":"admin@acme.com","First":"John","Last":"Doe","OrganisationID":%d,"Role":"consumer-team-member","Provider":"password","ResetPassword":false}`, org)))
	admin2 := id(do("POST", "/users", `{"Active":true,"Email":"raava@tyk.io","First":"Raava","Last":"Admin","OrganisationID":0,"Role":"super-admin","Provider":"password","Password":"Secret1234"}`))
	do("PUT", fmt.Sprintf("/users/%d", john), fmt.Sprintf(`{"First":"Johnny","Teams":["%d"]}`, team))
	do("PUT", fmt.Sprintf("/organisations/%d/teams/%d", org, team), fmt.Sprintf(`{"Name":"Dev team","Users":[%d]}`, john))
	do("GET", fmt.Sprintf("/organisations/%d/teams/%d", org, team), "")
	do("GET", fmt.Sprintf("/organisations/%d", org), "")
	do("GET", "/users", "")
	do("GET", fmt.Sprintf("/users/%d", john), "")
	do("GET", fmt.Sprintf("/users/%d", admin2), "")

	// A user created elsewhere: in no organisation, with another API's role.
	other, err := env.Svc.Users.Create(env.Sys, users.CreateParams{Email: "mona.benson@sample.com",
		FirstName: "Mona", LastName: "Benson", Role: "Designer", Timezone: "(UTC-10:00) Hawaii"})
	if err != nil {
		t.Fatal(err)
	}
	do("GET", fmt.Sprintf("/users/%d", other.Num), "")

	do("DELETE", fmt.Sprintf("/organisations/%d/teams/%d", org, team), "")
	do("DELETE", fmt.Sprintf("/users/%d", john), "")
	do("DELETE", fmt.Sprintf("/organisations/%d", org), "")
	spec.Covered(t)
}
