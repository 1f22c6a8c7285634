package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/google/uuid"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlite"
)

func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "userkit")
	defer os.RemoveAll(dir)

	db, err := sqlite.Open(filepath.Join(dir, "userkit.db"))
	if err != nil {
		panic(err)
	}
	defer db.Close()
	store := sqlite.New(db)
	if err := store.Migrate(ctx); err != nil {
		panic(err)
	}

	u := storage.UserRecord{ID: uuid.Must(uuid.NewV7()), Email: "Mona@Example.com", EmailNorm: "mona@example.com",
		LoginName: "mona", Status: "active", Version: 1}
	if err := store.CreateUser(ctx, &u); err != nil {
		panic(err)
	}
	got, err := store.GetUserByEmail(ctx, "mona@example.com")
	fmt.Println(got.Num, got.Email, err)
	// Output: 1 Mona@Example.com <nil>
}
