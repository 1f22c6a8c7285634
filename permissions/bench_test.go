package permissions_test

import (
	"testing"

	"github.com/userkit/userkit/permissions"
)

// BenchmarkRequire measures the permission check every service call makes,
// for a service account holding a partner-scoped grant among a few others.
func BenchmarkRequire(b *testing.B) {
	f := newFixture(b)
	partner, other := f.partner("Acme"), f.partner("Other")
	portal := f.portal("acme", partner)
	sa, err := f.authz.CreateServiceAccount(f.sys, permissions.ServiceAccountParams{
		Name: "acme sync",
		Grants: []permissions.GrantParams{
			{Action: "portals.read", Scope: permissions.PartnerScope(other)},
			{Action: "keys.read", Scope: permissions.PartnerScope(other)},
			{Action: "users.*", Scope: permissions.PartnerScope(partner)},
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := permissions.WithPrincipal(b.Context(), permissions.ServiceAccountPrincipal(sa.ID))
	for _, c := range []struct {
		name  string
		scope permissions.Scope
	}{
		{"partner", permissions.PartnerScope(partner)},
		{"portal-of-partner", permissions.PortalScope(portal)},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := f.authz.Require(ctx, permissions.UsersRead, c.scope); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
