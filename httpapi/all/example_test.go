package all_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/all"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

func ExampleMount() {
	// One store and one set of services behind every API.
	// Cheap hashing for the example; leave Argon2 zero in production.
	k := kit.New(memory.New(), &kit.Options{Users: users.Options{Argon2: users.Argon2Params{Memory: 64, Time: 1}}})
	authz := k.Permissions

	// A service account whose key the back office sends as a Bearer token.
	sys := permissions.WithPrincipal(context.Background(), permissions.System)
	sa, err := authz.CreateServiceAccount(sys, permissions.ServiceAccountParams{
		Name:   "back office",
		Grants: []permissions.GrantParams{{Action: "*", Scope: permissions.All}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, key, err := authz.CreateKey(sys, sa.ID, permissions.KeyParams{})
	if err != nil {
		fmt.Println(err)
		return
	}

	// Every API under /userkit on the host's mux.
	mux := http.NewServeMux()
	all.Mount(mux, k.HTTP(), k.HTTPOptions(&httpapi.Options{
		Prefix:      "/userkit",
		TokenSecret: []byte("a long random secret from the host's config"),
	}))
	handler := httpapi.WithRequestID(mux)

	do := func(method, path, body string) (int, string) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		return rec.Code, strings.TrimSpace(rec.Body.String())
	}
	// Create a user through the Solvexia API…
	code, _ := do("POST", "/userkit/api/v1/users", `{"email":"mona.benson@example.com","firstName":"Mona","lastName":"Benson",
		"password":"Samplepassword12","userRole":"Designer","timezone":"(UTC+10:00) Canberra, Melbourne, Sydney"}`)
	fmt.Println("create:", code)
	// …and list users through the same API.
	code, body := do("GET", "/userkit/api/v1/users", "")
	fmt.Println("list:", code, body)
	// Outside the prefix the host's mux has nothing.
	code, _ = do("GET", "/api/v1/users", "")
	fmt.Println("unprefixed:", code)
	// Output:
	// create: 200
	// list: 200 [{"id":"u-1","loginName":"mona.benson"}]
	// unprefixed: 404
}
