// Package permissions decides what callers may do and keeps the data those
// decisions rest on.
//
//   - Principals: a user, a service account, or System (trusted in-process
//     code). Services read the principal from ctx (WithPrincipal) and deny
//     by default.
//   - Grants: an action ("users.read", or a pattern such as "users.*") on a
//     scope (everything, one partner, or one portal; a partner grant also
//     covers the partner's portals). Require checks them. Nobody can give a
//     grant they do not hold.
//   - Resource roles: hosts register their own resources ("p-2343") and give
//     users a role on each, ordered owner > editor > executor > reader;
//     HasRole answers "at least this role?".
//   - Service accounts and API keys: a key is "sk:" plus 256 random bits,
//     shown once, stored as its SHA-256, compared in constant time, with an
//     optional expiry, a last-used time and revocation. ResolveKey turns a
//     key into the service account's principal; ResolveKeyGrants returns
//     its grants too, and reuses a key it resolved for Options.KeyCacheTTL
//     (500 ms by default): a revocation or grant change made through the
//     Service takes effect at once, one made by another instance of the
//     application within the TTL.
//   - Audit: every mutation of every service records an Event in the same
//     transaction (Audit); ListEvents pages them, newest first, and
//     EventsAfter reads them as an outbox, in commit order from a durable
//     cursor (see its documentation and examples/webhooks).
//
// Usage:
//
//	authz := permissions.New(store, nil)
//	sys := permissions.WithPrincipal(ctx, permissions.System)
//	sa, _ := authz.CreateServiceAccount(sys, permissions.ServiceAccountParams{
//		Name:   "billing sync",
//		Grants: []permissions.GrantParams{{Action: "users.read", Scope: permissions.PartnerScope(partnerID)}},
//	})
//	_, secret, _ := authz.CreateKey(sys, sa.ID, permissions.KeyParams{})
//	// later, per request:
//	p, err := authz.ResolveKey(ctx, secret)          // Unauthenticated if unusable
//	ctx = permissions.WithPrincipal(ctx, p)
//	err = authz.Require(ctx, permissions.UsersRead, permissions.PartnerScope(partnerID))
package permissions
