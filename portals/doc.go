// Package portals manages partner portals: branded login spaces, each with
// its own roles, user attribute definitions (STRING, BOOLEAN, NUMBER,
// TIME) and members. A member is a user of the users package with, in that
// portal, at least one of the portal's roles, a locale and attribute values
// checked against the portal's definitions.
//
// A portal may belong to a partner; a grant on the partner then covers the
// portal. Portal membership is independent of partner membership: adding a
// user to a partner's portal does not attach the user to the partner.
//
// Concurrency: a portal's memberships are written under the portal's row
// lock (storage.Store.Lock, the transaction's first statement): a login
// (RecordLogin), the rewrite of every member when an attribute is deleted,
// and a removal (which first locks the user, as it may write them). So
// writes that name no version wait for each other instead of losing a
// compare-and-set, on every store. Updates that change nothing write
// nothing: no new version, no audit event.
//
// Usage:
//
//	ps := portals.New(store, authz, us, nil)
//	portal, _ := ps.Create(ctx, portals.CreateParams{Name: "Acme partners", TechnicalName: "acme"})
//	viewer, _ := ps.CreateRole(ctx, portal.ID, portals.RoleParams{Name: "Report Viewer"})
//	tenant, _ := ps.CreateAttribute(ctx, portal.ID, portals.AttributeParams{Name: "tenant_id", Type: portals.TypeString})
//	m, err := ps.AddUser(ctx, portal.ID, portals.AddUserParams{
//		Email: "mona@example.com", FirstName: "Mona", LastName: "Benson",
//		RoleIDs:    []uuid.UUID{viewer.ID},
//		Attributes: []portals.AttributeInput{{ID: tenant.ID, Value: "t-42"}},
//	}) // creates the user when the email is new, else adds the existing one
package portals
