package memory_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
)

// A store is usually handed to the userkit services; here it is used
// directly, including a transaction that is rolled back.
func Example() {
	ctx := context.Background()
	store := memory.New()
	now := userkit.Clock(nil).Now()

	u := storage.UserRecord{
		ID: uuid.Must(uuid.NewV7()), Email: "Mona@example.com", EmailNorm: "mona@example.com",
		FirstName: "Mona", LastName: "Benson", LoginName: "mona.benson", Status: "active",
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if err := store.CreateUser(ctx, &u); err != nil {
		fmt.Println(err)
		return
	}
	got, _ := store.GetUserByEmail(ctx, "mona@example.com")
	fmt.Println(got.Num, got.LoginName)

	errAbort := errors.New("abort")
	err := store.InTx(ctx, func(tx storage.Store) error {
		p := storage.PartnerRecord{ID: uuid.Must(uuid.NewV7()), Name: "Acme", CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := tx.CreatePartner(ctx, &p); err != nil {
			return err
		}
		return errAbort // undoes the partner
	})
	partners, _ := store.ListPartners(ctx, userkit.PageRequest{Total: true})
	fmt.Println(errors.Is(err, errAbort), partners.Total)

	_, err = store.GetUser(ctx, uuid.Must(uuid.NewV7()))
	fmt.Println(errors.Is(err, userkit.ErrNotFound))
	// Output:
	// 1 mona.benson
	// true 0
	// true
}
