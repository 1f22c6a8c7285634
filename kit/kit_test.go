package kit_test

import (
	"context"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

func TestNewSharesStoreAndClock(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	k := kit.New(memory.New(), &kit.Options{Clock: func() time.Time { return at }, Users: users.Options{Argon2: users.Argon2Params{Memory: 64, Time: 1, Threads: 1}}})
	ctx := permissions.WithPrincipal(context.Background(), permissions.System)
	u, err := k.Users.Create(ctx, users.CreateParams{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace", Password: "Samplepassword12"})
	is.NoErr(err)
	is.Equal(u.CreatedAt, at) // the users service runs on the kit's clock
	p, err := k.Partners.Create(ctx, partners.CreateParams{Name: "Acme"})
	is.NoErr(err)
	is.Equal(p.CreatedAt, at) // so do the others
	_, created, err := k.Partners.AddUser(ctx, p.ID, users.CreateParams{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace"})
	is.NoErr(err)
	is.True(!created) // one store: the partner sees the user the users service made
	svc := k.HTTP()
	is.True(svc.Users != nil && svc.Partners != nil && svc.Portals != nil && svc.Permissions != nil) // every API service set
}
