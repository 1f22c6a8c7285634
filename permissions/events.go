package permissions

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// Event is an audit event: who did what to which target, and when. Every
// mutation of every service writes one in the same transaction as the
// change (see Audit).
type Event struct {
	ID         uuid.UUID
	Time       time.Time
	Principal  Principal
	Action     string // e.g. "users.create"
	TargetKind string // e.g. "user", "portal", "api_key"
	TargetID   string
	PartnerID  uuid.UUID // uuid.Nil when the change belongs to no partner
}

func toEvent(r storage.EventRecord) Event {
	return Event{
		ID: r.ID, Time: r.Time, Principal: Principal{Kind: PrincipalKind(r.PrincipalKind), ID: r.PrincipalID},
		Action: r.Action, TargetKind: r.TargetKind, TargetID: r.TargetID, PartnerID: r.PartnerID,
	}
}

// ListEvents pages audit events, newest first. It needs permissions.read on
// everything, or, when f.PartnerID is set, on that partner: a partner's
// administrators see their partner's events and no one else's.
func (s *Service) ListEvents(ctx context.Context, f storage.EventFilter, p userkit.PageRequest) (userkit.Page[Event], error) {
	scope := All
	if f.PartnerID != uuid.Nil {
		scope = PartnerScope(f.PartnerID)
	}
	if err := s.Require(ctx, PermissionsRead, scope); err != nil {
		return userkit.Page[Event]{}, err
	}
	page, err := s.store.ListEvents(ctx, f, p.Normalize())
	if err != nil {
		return userkit.Page[Event]{}, err
	}
	return userkit.MapPage(page, toEvent), nil
}
