package partners_test

import (
	"context"
	"fmt"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

func Example() {
	ps := kit.New(memory.New(), nil).Partners
	ctx := permissions.WithPrincipal(context.Background(), permissions.System)

	acme, _ := ps.Create(ctx, partners.CreateParams{Name: "Acme"})
	globex, _ := ps.Create(ctx, partners.CreateParams{Name: "Globex"})
	teams, _ := ps.ListTeams(ctx, acme.ID)
	fmt.Println(teams[0].Name, teams[0].Default)

	// A new email creates the user (no password: they cannot log in yet).
	mona, created, err := ps.AddUser(ctx, acme.ID, users.CreateParams{
		Email: "mona.benson@example.com", FirstName: "Mona", LastName: "Benson",
	})
	fmt.Println(mona.LoginName, created, err)

	// A known email attaches the existing user; the names given are ignored.
	same, created, _ := ps.AddUser(ctx, globex.ID, users.CreateParams{
		Email: "MONA.BENSON@example.com", FirstName: "Ramona", LastName: "B",
	})
	fmt.Println(same.ID == mona.ID, same.FirstName, created)

	_, _, err = ps.AddUser(ctx, globex.ID, users.CreateParams{Email: "mona.benson@example.com"})
	fmt.Println(userkit.KindOf(err))

	page, _ := ps.ListUsers(ctx, acme.ID, partners.ListUsersParams{Search: "benson"})
	fmt.Println(len(page.Items), page.Items[0].Email)

	// Globex only has Mona as a member: removing her there detaches her.
	// Acme manages her (it created her): leaving Acme, in no other partner
	// or portal, deletes her.
	deleted, _ := ps.RemoveUser(ctx, globex.ID, mona.ID)
	fmt.Println(deleted)
	deleted, _ = ps.RemoveUser(ctx, acme.ID, mona.ID)
	fmt.Println(deleted)
	// Output:
	// Acme All users true
	// mona.benson true <nil>
	// true Mona false
	// conflict
	// 1 mona.benson@example.com
	// false
	// true
}
