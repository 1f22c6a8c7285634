// Package kit wires userkit's four services over one store in one call, so
// that a host does not repeat the constructors and their order:
//
//	store := sqlite.New(db) // and store.Migrate(ctx) once at start-up
//	k := kit.New(store, &kit.Options{Users: users.Options{Policy: users.NISTPolicy}})
//	all.Mount(mux, k.HTTP(), &httpapi.Options{TokenSecret: secret})
//	u, err := k.Users.Get(permissions.WithPrincipal(ctx, p), id)
//
// The services stay separate values (Users, Partners, Portals,
// Permissions) because each is useful alone; Kit only builds them with one
// clock and one set of password settings.
package kit
