package memory_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
)

const benchUsers = 100_000

var (
	firstNames = []string{"Mona", "Carl", "Eve", "Ada", "Linus", "Grace", "Ken", "Barbara", "Dennis", "Margaret"}
	lastNames  = []string{"Benson", "Smith", "Adams", "Lovelace", "Torvalds", "Hopper", "Thompson", "Liskov", "Ritchie", "Hamilton", "Nguyen", "Garcia"}
)

type benchData struct {
	store *memory.Store
	ids   []uuid.UUID
	norms []string
}

// benchStore builds the 100,000-user store once for every benchmark.
var benchStore = sync.OnceValue(func() benchData {
	ctx := context.Background()
	s := memory.New()
	d := benchData{store: s, ids: make([]uuid.UUID, benchUsers), norms: make([]string, benchUsers)}
	at := userkit.Clock(nil).Now()
	for i := range benchUsers {
		first, last := firstNames[i%len(firstNames)], lastNames[i%len(lastNames)]
		email := fmt.Sprintf("%s.%s%d@example.com", first, last, i)
		u := storage.UserRecord{
			ID: uuid.Must(uuid.NewV7()), Email: email, EmailNorm: strings.ToLower(email),
			FirstName: first, LastName: last, LoginName: strings.ToLower(fmt.Sprintf("%s.%s%d", first, last, i)),
			Status: "active", CreatedAt: at, UpdatedAt: at, Version: 1,
		}
		if err := s.CreateUser(ctx, &u); err != nil {
			panic(err)
		}
		d.ids[i], d.norms[i] = u.ID, u.EmailNorm
	}
	return d
})

func BenchmarkGetUser(b *testing.B) {
	d := benchStore()
	ctx := context.Background()
	i := 0
	for b.Loop() {
		if _, err := d.store.GetUser(ctx, d.ids[i%benchUsers]); err != nil {
			b.Fatal(err)
		}
		i += 7919 // a prime stride visits users all over the store
	}
}

func BenchmarkGetUserByEmail(b *testing.B) {
	d := benchStore()
	ctx := context.Background()
	i := 0
	for b.Loop() {
		if _, err := d.store.GetUserByEmail(ctx, d.norms[i%benchUsers]); err != nil {
			b.Fatal(err)
		}
		i += 7919
	}
}

// BenchmarkListUsersSearch pages a search that matches one user in twelve
// (last name "Hopper" or e-mail containing it), 20 at a time from the start.
func BenchmarkListUsersSearch(b *testing.B) {
	d := benchStore()
	ctx := context.Background()
	for b.Loop() {
		p, err := d.store.ListUsers(ctx, storage.UserFilter{Search: "hopper"}, userkit.PageRequest{Limit: 20})
		if err != nil || len(p.Items) != 20 {
			b.Fatal(err, len(p.Items))
		}
	}
}

// BenchmarkListUsersKeyset reads a page of 20 from the middle of the store.
func BenchmarkListUsersKeyset(b *testing.B) {
	d := benchStore()
	ctx := context.Background()
	after := d.ids[benchUsers/2].String()
	for b.Loop() {
		p, err := d.store.ListUsers(ctx, storage.UserFilter{}, userkit.PageRequest{Limit: 20, After: after})
		if err != nil || len(p.Items) != 20 {
			b.Fatal(err, len(p.Items))
		}
	}
}
