package kit_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/all"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

func ExampleNew() {
	// Every service over one store, in one call.
	k := kit.New(memory.New(), &kit.Options{
		Logger: slog.New(slog.DiscardHandler), // the host's logger
		// Cheap hashing for the example; leave Argon2 zero in production.
		Users: users.Options{Argon2: users.Argon2Params{Memory: 64, Time: 1}},
	})

	// Call the services directly, as some principal…
	sys := permissions.WithPrincipal(context.Background(), permissions.System)
	acme, err := k.Partners.Create(sys, partners.CreateParams{Name: "Acme"})
	if err != nil {
		fmt.Println(err)
		return
	}
	mona, _, err := k.Partners.AddUser(sys, acme.ID, users.CreateParams{Email: "mona.benson@example.com", FirstName: "Mona", LastName: "Benson"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(acme.Name, mona.Email)

	// …or serve every HTTP API with the kit's logger, clock and telemetry.
	mux := http.NewServeMux()
	all.Mount(mux, k.HTTP(), k.HTTPOptions(&httpapi.Options{TokenSecret: []byte("a long random secret from the host's config")}))
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/admin/v1/openapi.json", nil))
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	// Output:
	// Acme mona.benson@example.com
	// 200 application/json
}
