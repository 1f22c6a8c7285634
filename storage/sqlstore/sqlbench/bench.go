package sqlbench

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// stride walks the users in a scattered order (a prime far from any
// power of two), so lookups do not just re-read one cached page.
const stride = 7919

// Run runs the 1M-user benchmarks on the store open returns: lookups,
// keyset, numbered and search pages through the store, and the permission
// check and create through the services.
func Run(b *testing.B, open func(*testing.B) Env) {
	env := open(b)
	if env.Load > 0 {
		b.Logf("loaded %d users in %v", Users, env.Load.Round(100*1e6))
	}
	s := env.Store
	ctx := context.Background()
	partner := PartnerID(7)

	b.Run("GetUser", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := s.GetUser(ctx, ID(i%Users)); err != nil {
				b.Fatal(err)
			}
			i += stride
		}
	})
	b.Run("GetUserByEmail", func(b *testing.B) {
		// The emails are made up front: formatting is not the store's cost.
		emails := make([]string, 1024)
		for k := range emails {
			emails[k] = normEmail((k * stride * 13) % Users)
		}
		i := 0
		for b.Loop() {
			if _, err := s.GetUserByEmail(ctx, emails[i%len(emails)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	page := func(name string, f storage.UserFilter, p userkit.PageRequest, want int) {
		b.Run(name, func(b *testing.B) {
			var pg userkit.Page[storage.UserRecord]
			for b.Loop() {
				var err error
				if pg, err = s.ListUsers(ctx, f, p); err != nil {
					b.Fatal(err)
				}
				if len(pg.Items) != want {
					b.Fatalf("%d items, want %d", len(pg.Items), want)
				}
			}
			if p.Total {
				b.ReportMetric(float64(pg.Total), "total")
			}
		})
	}
	page("KeysetFirstPage", storage.UserFilter{}, userkit.PageRequest{Limit: 20}, 20)
	// After the 200,000th user: page 10,001 of 20.
	page("KeysetPage10000", storage.UserFilter{}, userkit.PageRequest{Limit: 20, After: ID(199_999).String()}, 20)
	for _, term := range []string{RareTerm, CommonTerm} {
		page("SearchPage/"+term, storage.UserFilter{Search: term}, userkit.PageRequest{Limit: 20}, 20)
		page("SearchPageTotal/"+term, storage.UserFilter{Search: term}, userkit.PageRequest{Limit: 20, Total: true}, 20)
	}
	page("SearchInPartnerTotal/"+CommonTerm, storage.UserFilter{Search: CommonTerm, PartnerID: partner}, userkit.PageRequest{Limit: 20, Total: true}, 20)
	page("SearchInPartnerTotal/"+RareTerm, storage.UserFilter{Search: RareTerm, PartnerID: partner}, userkit.PageRequest{Limit: 20, Total: true}, countInPartner(7, RareTerm))
	page("NumberedPage2Total/partner", storage.UserFilter{PartnerID: partner}, userkit.PageRequest{Page: 2, Limit: 20, Total: true}, 20)
	page("NumberedPage2Total/portal", storage.UserFilter{PortalID: PortalID(7)}, userkit.PageRequest{Page: 2, Limit: 20, Total: true}, 20)

	// The services, as a partner's API key uses them.
	authz := permissions.New(s, nil)
	sys := permissions.WithPrincipal(ctx, permissions.System)
	sa, err := authz.CreateServiceAccount(sys, permissions.ServiceAccountParams{
		Name: "partner 7 key",
		Grants: []permissions.GrantParams{
			{Action: "portals.read", Scope: permissions.PartnerScope(PartnerID(8))},
			{Action: "users.read", Scope: permissions.PartnerScope(partner)},
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	asKey := permissions.WithPrincipal(ctx, permissions.ServiceAccountPrincipal(sa.ID))
	b.Run("PermissionRequire", func(b *testing.B) {
		for b.Loop() {
			if err := authz.Require(asKey, permissions.UsersRead, permissions.PartnerScope(partner)); err != nil {
				b.Fatal(err)
			}
		}
	})
	cheap := users.New(s, authz, &users.Options{Argon2: users.Argon2Params{Memory: 64, Time: 1, Threads: 1}})
	b.Run("ServiceGet", func(b *testing.B) {
		// Users of partner 7 are 7, 1007, 2007, ...: the key may read them.
		i := 0
		for b.Loop() {
			if _, err := cheap.Get(asKey, ID((7+(i%Users/Partners)*Partners)%Users)); err != nil {
				b.Fatal(err)
			}
			i += stride
		}
	})
	create := func(name string, us *users.Service) {
		b.Run(name, func(b *testing.B) {
			run := uuid.NewString()[:8] // new names on every run, so login names stay unique
			i := 0
			for b.Loop() {
				_, err := us.Create(sys, users.CreateParams{
					Email: fmt.Sprintf("new.%s.%d@example.com", run, i), FirstName: "New" + run, LastName: fmt.Sprintf("Person%d", i),
					Password: "Correct-horse-9",
				})
				if err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
	create("ServiceCreate/cheap-argon2", cheap)
	create("ServiceCreate/default-argon2", users.New(s, authz, &users.Options{Argon2: users.DefaultArgon2}))
}

func normEmail(i int) string { return strings.ToLower(Email(i)) }

// countInPartner is how many users of partner j match term (at most a
// page): what the in-partner search page holds.
func countInPartner(j int, term string) int {
	n := 0
	for i := j; i < Users && n < 20; i += Partners {
		if matches(i, term) {
			n++
		}
	}
	return n
}

func matches(i int, term string) bool {
	return strings.Contains(strings.ToLower(FirstName(i)), term) || strings.Contains(strings.ToLower(LastName(i)), term) ||
		strings.Contains(normEmail(i), term)
}
