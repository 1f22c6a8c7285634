// Package partners manages partners (tenants), their teams, and which users
// belong to them. Membership is many-to-many: a user may belong to several
// partners, the first one joined being the primary. Every partner has a
// default team, "<name> All users", that every member joins.
//
// AddUser is create-or-attach: a new email creates the user, a known one
// attaches the existing user; RemoveUser deletes a user who leaves their
// last partner.
//
// The service is built with the others over one store (package kit; by
// hand, partners.New takes the store, the permissions and users services
// and Options):
//
//	k := kit.New(memory.New(), nil)
//	ps := k.Partners
//	ctx := permissions.WithPrincipal(context.Background(), permissions.System)
//	acme, err := ps.Create(ctx, partners.CreateParams{Name: "Acme"})
//	u, created, err := ps.AddUser(ctx, acme.ID, users.CreateParams{
//		Email: "mona.benson@example.com", FirstName: "Mona", LastName: "Benson",
//	})
package partners
