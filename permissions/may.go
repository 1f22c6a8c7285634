package permissions

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
)

// MayOnUser reports whether the principal in ctx may perform action on the
// user as RequireOnUser decides it (the managing scope and no escalation;
// no self-service rule), so that a user interface offers only what the
// caller can do: a partner that merely has the user as a member sees the
// profile read-only instead of a form that is refused when sent. A refusal
// is false with a nil error; any other error is returned.
func (s *Service) MayOnUser(ctx context.Context, action Action, userID uuid.UUID) (bool, error) {
	err := s.RequireOnUser(ctx, action, userID)
	var e *userkit.Error
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &e) && e.Kind == userkit.Forbidden:
		return false, nil
	}
	return false, err
}
