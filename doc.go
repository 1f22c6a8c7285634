// Package userkit is an embeddable library for user management in
// multi-tenant B2B applications: users, partners (tenants), partner portals
// and permissions as services over storage the host chooses, plus net/http
// handlers that speak four documented user APIs.
//
// This root package holds only the shared vocabulary: error kinds
// ([Error], [KindOf], the Err* sentinels), the paging model ([PageRequest],
// [Page]) and the [Clock]. The services live in sub-packages:
//
//	users/        users, passwords, authentication
//	partners/     partners (tenants), teams, membership
//	portals/      partner portals, portal roles, attributes, portal users
//	permissions/  principals, grants, resource roles, service-account keys, audit events
//	storage/      the storage contract; memory/, sqlite/, postgres/, mysql/ adapters
//	httpapi/      handlers to mount on a *http.ServeMux
//
// Quick start over the in-memory store:
//
//	k := kit.New(memory.New(), nil) // every service over one store
//	ctx := permissions.WithPrincipal(context.Background(), permissions.System)
//	u, err := k.Users.Create(ctx, users.CreateParams{
//		Email: "mona.benson@example.com", FirstName: "Mona", LastName: "Benson",
//		Password: "Samplepassword12",
//	})
//
// Over SQL, open the database with storage/sqlite (or postgres, mysql),
// call store.Migrate(ctx) once at start-up and pass the store the same way.
// Package kit builds the four services with one set of options (clock,
// logger, password settings, OpenTelemetry providers). Services are safe for concurrent use; build them once and share them.
//
// Every failure a caller can act on is a *[Error]; test it with errors.Is
// against a sentinel or with [KindOf]:
//
//	if errors.Is(err, userkit.ErrConflict) { /* the email is taken */ }
package userkit
