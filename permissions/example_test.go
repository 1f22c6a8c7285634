package permissions_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
)

// A service account gets a partner-scoped grant and an API key; a request
// carrying the key resolves to the account's principal, which the services
// then check.
func ExampleService_ResolveKey() {
	ctx := context.Background()
	store := memory.New()
	authz := permissions.New(store, nil)
	sys := permissions.WithPrincipal(ctx, permissions.System) // trusted set-up code

	now := userkit.Clock(nil).Now()
	acme := storage.PartnerRecord{ID: uuid.Must(uuid.NewV7()), Name: "Acme", CreatedAt: now, UpdatedAt: now, Version: 1}
	_ = store.CreatePartner(ctx, &acme)

	sa, err := authz.CreateServiceAccount(sys, permissions.ServiceAccountParams{
		Name:   "acme sync",
		Grants: []permissions.GrantParams{{Action: "users.*", Scope: permissions.PartnerScope(acme.ID)}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	key, secret, _ := authz.CreateKey(sys, sa.ID, permissions.KeyParams{})
	fmt.Println(strings.HasPrefix(secret, "sk:"), key.Prefix == secret[3:11])

	// Per request: resolve the key, then check.
	p, err := authz.ResolveKey(ctx, secret)
	fmt.Println(p.Kind, err)
	reqCtx := permissions.WithPrincipal(ctx, p)
	fmt.Println(authz.Require(reqCtx, permissions.UsersCreate, permissions.PartnerScope(acme.ID)))
	fmt.Println(authz.Require(reqCtx, permissions.UsersCreate, permissions.All))

	_, err = authz.ResolveKey(ctx, "sk:not-a-key")
	fmt.Println(err)
	// Output:
	// true true
	// service_account <nil>
	// <nil>
	// permission denied
	// invalid API key
}

// A host registers its own resources and gives users roles on them; an
// editor can do what a reader can.
func ExampleService_HasRole() {
	ctx := context.Background()
	store := memory.New()
	authz := permissions.New(store, nil)
	sys := permissions.WithPrincipal(ctx, permissions.System)

	now := userkit.Clock(nil).Now()
	mona := storage.UserRecord{
		ID: uuid.Must(uuid.NewV7()), Email: "mona@example.com", EmailNorm: "mona@example.com",
		FirstName: "Mona", LastName: "Benson", LoginName: "mona.benson", Status: "active",
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	_ = store.CreateUser(ctx, &mona) // normally through users.Service

	_, _ = authz.CreateResource(sys, permissions.ResourceParams{ID: "p-2343", Name: "Pricing process", Kind: "process"})
	role, _ := authz.SetRole(sys, mona.ID, "p-2343", permissions.RoleEditor)
	fmt.Println(role.ResourceName, role.Role)

	monaCtx := permissions.WithPrincipal(ctx, permissions.UserPrincipal(mona.ID)) // users may ask about themselves
	for _, want := range []permissions.Role{permissions.RoleReader, permissions.RoleEditor, permissions.RoleOwner} {
		ok, _ := authz.HasRole(monaCtx, mona.ID, "p-2343", want)
		fmt.Printf("at least %s: %v\n", want, ok)
	}
	// Output:
	// Pricing process editor
	// at least reader: true
	// at least editor: true
	// at least owner: false
}
