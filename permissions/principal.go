package permissions

import (
	"context"

	"github.com/google/uuid"
)

// PrincipalKind says what kind of caller a Principal is.
type PrincipalKind string

// The principal kinds.
const (
	KindUser           PrincipalKind = "user"
	KindServiceAccount PrincipalKind = "service_account"
	KindSystem         PrincipalKind = "system"
)

// Principal is who is calling: a user, a service account, or the trusted
// in-process system.
type Principal struct {
	Kind PrincipalKind
	ID   uuid.UUID // uuid.Nil for System
}

// System is the principal of trusted in-process code: every check passes.
// Use it for bootstrapping and for code that has done its own checks.
var System = Principal{Kind: KindSystem}

// UserPrincipal returns the principal of the user with the given ID.
func UserPrincipal(id uuid.UUID) Principal { return Principal{Kind: KindUser, ID: id} }

// ServiceAccountPrincipal returns the principal of the service account with
// the given ID. (ServiceAccount is taken: it names the account itself.)
func ServiceAccountPrincipal(id uuid.UUID) Principal {
	return Principal{Kind: KindServiceAccount, ID: id}
}

type principalKey struct{}

// WithPrincipal returns a context carrying p. Every service method checks the
// principal in its ctx; a ctx without one is refused as Unauthenticated.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal carried by ctx, and false when ctx
// carries none (or the zero Principal).
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok && p.Kind != ""
}
