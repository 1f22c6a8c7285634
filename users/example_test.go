package users_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

func Example() {
	store := memory.New()
	authz := permissions.New(store, nil)
	// Cheap hashing for the example; leave Argon2 zero in production.
	us := users.New(store, authz, &users.Options{Argon2: users.Argon2Params{Memory: 64, Time: 1}})

	// Administration runs as a principal; in-process code can use System.
	ctx := permissions.WithPrincipal(context.Background(), permissions.System)
	mona, err := us.Create(ctx, users.CreateParams{
		Email: "Mona.Benson@example.com", FirstName: "Mona", LastName: "Benson",
		Password: "Samplepassword12",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	namesake, _ := us.Create(ctx, users.CreateParams{
		Email: "mona.b@example.com", FirstName: "Mona", LastName: "Benson",
	})
	fmt.Println(mona.LoginName, namesake.LoginName)

	_, err = us.Create(ctx, users.CreateParams{Email: "MONA.BENSON@example.com", FirstName: "M", LastName: "B"})
	fmt.Println(errors.Is(err, userkit.ErrConflict), userkit.FieldsOf(err))

	_, err = us.Create(ctx, users.CreateParams{Email: "x@example.com", FirstName: "X", LastName: "Y", Password: "tooweak"})
	fmt.Println(userkit.FieldsOf(err))

	// Logging in needs no principal: it is how one is established.
	u, err := us.Authenticate(context.Background(), "mona.benson@EXAMPLE.com", "Samplepassword12")
	fmt.Println(u.Email, err)
	_, err = us.Authenticate(context.Background(), "mona.benson@example.com", "guess")
	fmt.Println(userkit.KindOf(err))

	// u is stale now (the failed login counted), so a compare-and-set
	// update with its version fails; reload and retry.
	city := "Berlin"
	_, err = us.Update(ctx, u.ID, users.UpdateParams{City: &city, Version: &u.Version})
	fmt.Println(userkit.KindOf(err))
	u, _ = us.Get(ctx, u.ID)
	u, err = us.Update(ctx, u.ID, users.UpdateParams{City: &city, Version: &u.Version})
	fmt.Println(u.City, u.Version, err)
	// Output:
	// mona.benson mona.benson2
	// true map[Email:already taken]
	// map[Password:must be at least 10 characters]
	// Mona.Benson@example.com <nil>
	// unauthenticated
	// precondition failed
	// Berlin 4 <nil>
}
