package tyk

import (
	"context"
	"net/http"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
)

var errConsumerToken = userkit.Errorf(userkit.Forbidden, "only portal administrators (super-admin, provider-admin) may use the admin API")

// asPortalAdmin is middleware deciding what a user principal may do here. In the Tyk
// portal the admin API is for admins, and admins can do everything on it:
// a user whose role is super-admin or provider-admin therefore runs the
// service calls as permissions.System, and any other user is Forbidden.
// Service accounts keep their own grants.
func (h *handlers) asPortalAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, err := h.portalAdmin(r.Context())
		if err != nil {
			h.a.Fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (h *handlers) portalAdmin(ctx context.Context) (context.Context, error) {
	p, ok := permissions.PrincipalFrom(ctx)
	if !ok || p.Kind != permissions.KindUser {
		return ctx, nil
	}
	u, err := h.a.Users.Get(system(ctx), p.ID)
	if err != nil {
		if userkit.KindOf(err) == userkit.NotFound {
			return nil, userkit.Errorf(userkit.Unauthenticated, "Unauthenticated")
		}
		return nil, err
	}
	if !isAdmin(u.Role) {
		return nil, errConsumerToken
	}
	return system(ctx), nil
}

// system returns ctx running as the system principal, for look-ups whose
// permission the caller's own call checks.
func system(ctx context.Context) context.Context {
	return permissions.WithPrincipal(ctx, permissions.System)
}

// noStore sets the cache headers the portal sends with every answer.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Pragma", "no-cache")
		next.ServeHTTP(w, r)
	})
}
