// Command embed uses userkit's services directly from Go, over SQLite and
// without HTTP: the way a program embeds userkit as a library.
//
//	go run ./examples/embed                # on a temporary database
//	go run ./examples/embed -db demo.db    # keeps the new file to look at
//
// It opens the database, applies the migrations, wires the four services
// over one store and, as permissions.System (trusted in-process code):
// creates a partner and adds users to it (AddUser is create-or-attach and
// says which it did), attaches a known user to a second partner, gives a
// user the editor role on a resource and checks it with HasRole, adds a
// member to a partner portal, lists the partner's users with a search, two
// to a page, following the keyset cursor, and authenticates a user.
//
// The wiring is all a host needs:
//
//	db, err := sqlite.Open("userkit.db")
//	store := sqlite.New(db)
//	err = store.Migrate(ctx)
//	k := kit.New(store, nil) // every service, over one store
//	sys := permissions.WithPrincipal(ctx, permissions.System)
//	acme, err := k.Partners.Create(sys, partners.CreateParams{Name: "Acme"})
package main
