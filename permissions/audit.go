package permissions

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit/storage"
)

// Audit appends an audit event through tx, so it commits or rolls back with
// the change it records. The principal is the one in ctx (System when none).
// Every service calls it inside the transaction of each mutation.
func Audit(ctx context.Context, tx storage.EventStore, now time.Time, action Action, targetKind, targetID string, partnerID uuid.UUID) error {
	p, ok := PrincipalFrom(ctx)
	if !ok {
		p = System
	}
	return tx.AppendEvent(ctx, storage.EventRecord{
		ID:            uuid.Must(uuid.NewV7()),
		Time:          now,
		PrincipalKind: string(p.Kind),
		PrincipalID:   p.ID,
		Action:        string(action),
		TargetKind:    targetKind,
		TargetID:      targetID,
		PartnerID:     partnerID,
	})
}
