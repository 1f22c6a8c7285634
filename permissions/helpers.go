package permissions

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
)

// now is the service clock's time (UTC, microseconds).
func (s *Service) now() time.Time {
	return s.clock.Now()
}

// newID returns a fresh UUIDv7, so records sort by creation.
func newID() uuid.UUID { return uuid.Must(uuid.NewV7()) }

// requireSelfOr passes when the principal in ctx is principalID (a user or
// service account asking about itself), and otherwise requires action on
// everything. It serves the reads a principal may make about itself: own
// roles, own grants.
func (s *Service) requireSelfOr(ctx context.Context, action Action, principalID uuid.UUID) error {
	if p, ok := PrincipalFrom(ctx); ok && p.Kind != KindSystem && p.ID == principalID {
		return nil
	}
	return s.Require(ctx, action, All)
}

// checkVersion is the optimistic-concurrency guard of partial updates: a
// caller that read version v and sends it back fails when someone else wrote
// in between.
func checkVersion(want *int64, have int64) error {
	if want != nil && *want != have {
		return userkit.Errorf(userkit.PreconditionFailed, "the record was changed by someone else (version %d, expected %d)", have, *want)
	}
	return nil
}
