package memory_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

const benchPartners = 100

// serviceBench is 100,000 users spread over 100 partners, the services over
// them, and a service account holding users.read on one partner: what a
// partner's API key sees on every request.
type serviceBench struct {
	store   *memory.Store
	authz   *permissions.Service
	users   *users.Service
	partner uuid.UUID
	// members are the ids and emails of the users of partner.
	members []uuid.UUID
	emails  []string
	asKey   context.Context
}

var benchServices = sync.OnceValue(func() serviceBench {
	ctx := context.Background()
	d := benchStore()
	at := userkit.Clock(nil).Now()
	partnerIDs := make([]uuid.UUID, benchPartners)
	for i := range partnerIDs {
		p := storage.PartnerRecord{ID: uuid.Must(uuid.NewV7()), Name: fmt.Sprintf("Partner %d", i), CreatedAt: at, UpdatedAt: at, Version: 1}
		if err := d.store.CreatePartner(ctx, &p); err != nil {
			panic(err)
		}
		partnerIDs[i] = p.ID
	}
	sb := serviceBench{store: d.store, partner: partnerIDs[7]}
	for i, id := range d.ids {
		pid := partnerIDs[i%benchPartners]
		if err := d.store.AddPartnerMember(ctx, storage.PartnerMemberRecord{PartnerID: pid, UserID: id, CreatedAt: at}); err != nil {
			panic(err)
		}
		if pid == sb.partner {
			sb.members = append(sb.members, id)
			sb.emails = append(sb.emails, d.norms[i])
		}
	}
	sb.authz = permissions.New(d.store, nil)
	sb.users = users.New(d.store, sb.authz, nil)
	sys := permissions.WithPrincipal(ctx, permissions.System)
	sa, err := sb.authz.CreateServiceAccount(sys, permissions.ServiceAccountParams{
		Name:   "partner 7 key",
		Grants: []permissions.GrantParams{{Action: "users.read", Scope: permissions.PartnerScope(sb.partner)}},
	})
	if err != nil {
		panic(err)
	}
	sb.asKey = permissions.WithPrincipal(ctx, permissions.ServiceAccountPrincipal(sa.ID))
	return sb
})

// BenchmarkServiceGet is users.Service.Get by a partner-scoped key: the
// permission check (the user's partners and portals, the key's grants)
// plus the lookup.
func BenchmarkServiceGet(b *testing.B) {
	sb := benchServices()
	i := 0
	for b.Loop() {
		if _, err := sb.users.Get(sb.asKey, sb.members[i%len(sb.members)]); err != nil {
			b.Fatal(err)
		}
		i += 31
	}
}

// BenchmarkServiceGetByEmail is users.Service.GetByEmail by the same key.
func BenchmarkServiceGetByEmail(b *testing.B) {
	sb := benchServices()
	i := 0
	for b.Loop() {
		if _, err := sb.users.GetByEmail(sb.asKey, strings.ToUpper(sb.emails[i%len(sb.emails)])); err != nil {
			b.Fatal(err)
		}
		i += 31
	}
}

// BenchmarkPermissionCheck is one Require of users.read on the key's
// partner: the check every partner-scoped call makes.
func BenchmarkPermissionCheck(b *testing.B) {
	sb := benchServices()
	scope := permissions.PartnerScope(sb.partner)
	for b.Loop() {
		if err := sb.authz.Require(sb.asKey, permissions.UsersRead, scope); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServiceSearchPage is the first page of 20 of a search within
// the key's partner (users.Service.List with PartnerID and Search).
func BenchmarkServiceSearchPage(b *testing.B) {
	sb := benchServices()
	p := users.ListParams{Search: "lovelace", PartnerID: sb.partner, PageRequest: userkit.PageRequest{Limit: 20}}
	for b.Loop() {
		page, err := sb.users.List(sb.asKey, p)
		if err != nil || len(page.Items) == 0 {
			b.Fatal(err, len(page.Items))
		}
	}
}
