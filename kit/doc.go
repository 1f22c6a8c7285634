// Package kit wires userkit's four services over one store in one call, so
// that a host does not repeat the constructors and their order:
//
//	store := sqlite.New(db) // and store.Migrate(ctx) once at start-up
//	k := kit.New(store, &kit.Options{Logger: log, Users: users.Options{Policy: users.NISTPolicy}})
//	all.Mount(mux, k.HTTP(), k.HTTPOptions(&httpapi.Options{TokenSecret: secret}))
//	u, err := k.Users.Get(permissions.WithPrincipal(ctx, p), id)
//
// The services stay separate values (Users, Partners, Portals,
// Permissions) because each is useful alone; Kit only builds them with one
// clock and one set of password settings. Options also carries the host's
// logger and OpenTelemetry providers, which HTTPOptions hands to the HTTP
// APIs (each request gets a span and request metrics; with no providers
// set, OpenTelemetry's global ones are used, no-ops until the host
// installs an SDK). The library depends on the OpenTelemetry API only,
// never on its SDK.
package kit
