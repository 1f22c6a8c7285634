package venuzle_test

import (
	"net/http"
	"testing"

	"github.com/userkit/userkit/httpapi/internal/apispec"
	"github.com/userkit/userkit/httpapi/venuzle"
)

// TestOpenAPI sends a valid request to every route and validates each
// answer against the package's document read strictly, including the
// {data, meta, links} page past the end, whose from and to must still be
// integers.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mux := http.NewServeMux()
	venuzle.Register(mux, "", f.Svc.HTTP(), f.Opts)
	spec := apispec.New(t, venuzle.OpenAPI(), mux)
	do := func(method, path, body string) {
		t.Helper()
		spec.Do(t, apispec.Request{Method: method, Path: path, Auth: f.admin, Body: body})
	}

	do("GET", f.usersPath(f.a), "")
	do("GET", f.usersPath(f.a)+"?search=Doe&page=1", "")
	do("GET", f.usersPath(f.a)+"?search=Doe&page=2", "") // past the end: no users
	do("POST", f.usersPath(f.a), `{"first_name":"Mona","last_name":"Benson","email":"mona.benson@example.com","password":"Secret1234"}`)
	do("POST", f.usersPath(f.a), `{"first_name":"Bob","last_name":"Smith","email":"bob.smith@example.com","password":"Secret1234"}`) // attach
	do("GET", f.userPath(f.a, f.john), "")
	do("PUT", f.userPath(f.a, f.john), `{"first_name":"Johnny","new_password":"Secret12345","new_password_confirmation":"Secret12345"}`)
	do("GET", f.userPath(f.a, f.bob)+"/partners", "")
	do("DELETE", f.userPath(f.a, f.jane), "")
	spec.Covered(t)
}
