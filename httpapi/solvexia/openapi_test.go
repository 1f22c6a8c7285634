package solvexia_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/userkit/userkit/httpapi/internal/apispec"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/httpapi/solvexia"
	"github.com/userkit/userkit/permissions"
)

// TestOpenAPI sends a valid request to every route and validates each
// answer against the package's document read strictly: every User key
// present, null only where the document shows null, the enums as
// documented. The users are created through this API; users created
// through the others are the cross-API tests' concern.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.Opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := http.NewServeMux()
	solvexia.Register(mux, "", env.Svc.HTTP(), env.Opts)
	spec := apispec.New(t, solvexia.OpenAPI(), mux)
	admin := "Bearer " + env.AdminKey(t)
	for _, r := range []permissions.ResourceParams{{ID: "p-2343", Name: "Sales reconciliation"}, {ID: "mt-4323", Name: "Monthly Revenue"}} {
		if _, err := env.Svc.Permissions.CreateResource(env.Sys, r); err != nil {
			t.Fatal(err)
		}
	}
	do := func(method, path, body string) []byte {
		t.Helper()
		return spec.Do(t, apispec.Request{Method: method, Path: "/api/v1" + path, Auth: admin, Body: body}).Body.Bytes()
	}
	var mona struct{ ID string }
	if err := json.Unmarshal(do("POST", "/users", `{"email": "mona.benson@sample.com", "firstName": "Mona", "lastName": "Benson","password": "Samplepassword12","userRole": "Designer","timezone": "(UTC+10:00) Canberra, Melbourne, Sydney"}`), &mona); err != nil {
		t.Fatal(err)
	}
	do("POST", "/users", `{"email": "jill.watkin@sample.com", "firstName": "Jill", "lastName": "Watkin","password": "Samplepassword12","userRole": "SVXAdmin","timezone": "(UTC-10:00) Hawaii"}`)
	if _, err := env.Svc.Users.Authenticate(env.Sys, "mona.benson@sample.com", "Samplepassword12"); err != nil {
		t.Fatal(err) // a login, for lastSignInDate
	}
	u := "/users/" + mona.ID
	do("GET", "/users", "")
	do("GET", u, "")
	do("POST", u, `{"firstName": "Jane", "lastName": "Jordan", "email": "tom.jordan@sample.com", "accountStatus": "Locked", "city": "Brisbane", "country": "New Zeland", "dateOfBirth": "19/09/1999", "department": "Marketing", "phoneNumberLand": "0281538412", "phoneNumberMobile": "0481538412", "timezone": "(UTC-10:00) Hawaii", "userRole": "Subscriber"}`)
	do("POST", u, `{"accountStatus": "Active", "city": null, "dateOfBirth": null}`)
	do("POST", u+"/permissions", `{"resourceId": "p-2343", "role": "executor"}`)
	do("POST", u+"/permissions/mt-4323", `{"role": "reader"}`)
	do("POST", u+"/permissions/p-2343", `{"role": "editor"}`)
	do("GET", u+"/permissions", "")
	do("DELETE", u+"/permissions/p-2343", "")
	spec.Covered(t)
}
