package portals_test

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

// Wire the services over the memory store (kit.New), define a portal with
// a role and an attribute, and add users to it: a new email creates the
// user, a known one adds that user.
func Example() {
	k := kit.New(memory.New(), nil)
	us, ps := k.Users, k.Portals
	ctx := permissions.WithPrincipal(context.Background(), permissions.System)

	portal, _ := ps.Create(ctx, portals.CreateParams{Name: "Acme partners", TechnicalName: "acme"})
	viewer, _ := ps.CreateRole(ctx, portal.ID, portals.RoleParams{Name: "Report Viewer"})
	tenant, _ := ps.CreateAttribute(ctx, portal.ID, portals.AttributeParams{Name: "tenant_id", Label: "Tenant ID", Type: portals.TypeString})

	m, err := ps.AddUser(ctx, portal.ID, portals.AddUserParams{
		Email: "mona@example.com", FirstName: "Mona", LastName: "Benson",
		RoleIDs:    []uuid.UUID{viewer.ID},
		Attributes: []portals.AttributeInput{{ID: tenant.ID, Value: "t-42"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.User.LoginName, m.Locale, m.Attributes[0].Values)

	ben, _ := us.Create(ctx, users.CreateParams{Email: "ben@example.com", FirstName: "Ben", LastName: "Ortiz"})
	m2, _ := ps.AddUser(ctx, portal.ID, portals.AddUserParams{Email: "ben@example.com", RoleIDs: []uuid.UUID{viewer.ID}})
	fmt.Println(m2.User.ID == ben.ID)

	_, err = ps.AddUser(ctx, portal.ID, portals.AddUserParams{Email: "ben@example.com", RoleIDs: []uuid.UUID{viewer.ID}})
	fmt.Println(userkit.KindOf(err))

	page, _ := ps.ListUsers(ctx, portal.ID, userkit.PageRequest{Limit: 10})
	for _, m := range page.Items {
		fmt.Println(m.User.Email)
	}
	removed, _ := ps.RemoveUser(ctx, portal.ID, ben.ID)
	fmt.Println(removed)
	// Output:
	// mona.benson en_US [t-42]
	// true
	// conflict
	// mona@example.com
	// ben@example.com
	// true
}
