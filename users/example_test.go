package users_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

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

// Authenticate establishes who a caller is, so it needs no principal. Every
// failure is the same Unauthenticated error; consecutive failures lock the
// account, and an administrator unlocks it by setting StatusActive.
func ExampleService_Authenticate() {
	store := memory.New()
	authz := permissions.New(store, nil)
	us := users.New(store, authz, &users.Options{
		Argon2:          users.Argon2Params{Memory: 64, Time: 1}, // cheap for the example
		MaxFailedLogins: 2,
	})
	sys := permissions.WithPrincipal(context.Background(), permissions.System)
	mona, _ := us.Create(sys, users.CreateParams{
		Email: "mona.benson@example.com", FirstName: "Mona", LastName: "Benson",
		Password: "Samplepassword12",
	})

	ctx := context.Background() // no principal: logging in is how one is established
	u, err := us.Authenticate(ctx, "Mona.Benson@example.com", "Samplepassword12")
	fmt.Println(u.LoginName, u.LastLoginAt != nil, err)

	_, err = us.Authenticate(ctx, "nobody@example.com", "Samplepassword12")
	fmt.Println(err)
	for range 2 {
		_, err = us.Authenticate(ctx, "mona.benson@example.com", "Wrongpassword1")
	}
	_, err = us.Authenticate(ctx, "mona.benson@example.com", "Samplepassword12")
	fmt.Println(userkit.KindOf(err))
	u, _ = us.Get(sys, mona.ID)
	fmt.Println(u.Status)

	active := users.StatusActive
	_, _ = us.Update(sys, mona.ID, users.UpdateParams{Status: &active})
	_, err = us.Authenticate(ctx, "mona.benson@example.com", "Samplepassword12")
	fmt.Println(err)
	// Output:
	// mona.benson true <nil>
	// invalid email or password
	// unauthenticated
	// locked
	// <nil>
}

// List pages by keyset: pass each page's Next as the following request's
// After until Next is "". Every page costs the same, however deep.
func ExampleService_List() {
	store := memory.New()
	authz := permissions.New(store, nil)
	us := users.New(store, authz, nil)
	ctx := permissions.WithPrincipal(context.Background(), permissions.System)
	for _, name := range []string{"Ada", "Bob", "Cleo", "Dan", "Eve"} {
		_, _ = us.Create(ctx, users.CreateParams{
			Email: strings.ToLower(name) + "@example.com", FirstName: name, LastName: "Example",
		})
	}

	p := users.ListParams{PageRequest: userkit.PageRequest{Limit: 2}}
	for {
		page, err := us.List(ctx, p)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, u := range page.Items {
			fmt.Print(u.LoginName, " ")
		}
		fmt.Println("| more:", page.Next != "")
		if page.Next == "" {
			break
		}
		p.After = page.Next
	}

	// Filters and a total count combine with paging.
	page, _ := us.List(ctx, users.ListParams{Search: "DA", PageRequest: userkit.PageRequest{Limit: 1, Total: true}})
	fmt.Println(page.Items[0].LoginName, page.Total)
	// Output:
	// ada.example bob.example | more: true
	// cleo.example dan.example | more: true
	// eve.example | more: false
	// ada.example 2
}
