package users

import (
	"context"

	"github.com/google/uuid"
	"github.com/userkit/userkit/permissions"
)

// IsAdmin reports whether the user holds the grant "*" on everything: what
// the Tyk portal shows as super-admin or provider-admin (User.Role stays a
// label). It needs what Get needs: users.read on a partner or portal the
// user belongs to, or on the managing scope, or being the user.
func (s *Service) IsAdmin(ctx context.Context, id uuid.UUID) (bool, error) {
	if err := s.authz.RequireForUser(ctx, permissions.UsersRead, id); err != nil {
		return false, err
	}
	return s.authz.HoldsAll(ctx, id)
}
