// Package partners manages partners (tenants), their teams, and which users
// belong to them. Membership is many-to-many: a user may belong to several
// partners, the first one joined being the primary. Every partner has a
// default team, "<name> All users", that every member joins.
//
// AddUser is create-or-attach: a new email creates the user, a known one
// attaches the existing user; RemoveUser deletes a user who leaves their
// last partner.
//
//	store := memory.New()
//	authz := permissions.New(store, nil)
//	us := users.New(store, authz, nil)
//	ps := partners.New(store, authz, us, nil)
//	ctx := permissions.WithPrincipal(context.Background(), permissions.System)
//	acme, err := ps.Create(ctx, partners.CreateParams{Name: "Acme"})
//	u, created, err := ps.AddUser(ctx, acme.ID, users.CreateParams{
//		Email: "mona.benson@example.com", FirstName: "Mona", LastName: "Benson",
//	})
package partners
