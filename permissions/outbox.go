package permissions

import (
	"context"
	"strconv"

	"github.com/userkit/userkit"
)

// LogEvent is an audit event read from the outbox (EventsAfter), with the
// cursor that acknowledges it.
type LogEvent struct {
	Event
	// Cursor is what to store once this event has been handled: passed to
	// EventsAfter, it reads the events that follow this one.
	Cursor string
}

// EventsAfter reads the audit log as an outbox: up to limit events that
// committed after the event whose Cursor is cursor ("" reads from the
// start), in the order they committed. limit 0 means
// userkit.DefaultLimit; it is capped at userkit.MaxLimit. It needs
// permissions.read on everything.
//
// A consumer that crashes loses and repeats nothing it acknowledged, when
// it stores the Cursor of each event it has handled (or of the last one of
// a batch) durably and reads on from the stored cursor:
//
//	cursor := load()
//	for {
//		evs, err := authz.EventsAfter(ctx, cursor, 100)
//		if err != nil { ... }
//		for _, e := range evs {
//			deliver(e)            // at least once: may repeat after a crash before save
//			cursor = e.Cursor
//			save(cursor)          // acknowledged: never delivered again
//		}
//		if len(evs) == 0 { time.Sleep(time.Second) }
//	}
//
// The order is the store's commit order, not event IDs or times: UUIDv7s
// made by different processes, or by transactions that commit out of
// order, are not in commit order, and an event that commits after the
// consumer read past a newer one is still read (see storage.EventLog for
// how stores keep that promise). Delivery is at least once: an event
// handled but not yet acknowledged when the consumer crashes is read
// again.
func (s *Service) EventsAfter(ctx context.Context, cursor string, limit int) ([]LogEvent, error) {
	if err := s.Require(ctx, PermissionsRead, All); err != nil {
		return nil, err
	}
	var after int64
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n < 0 {
			return nil, userkit.FieldError("Cursor", userkit.Problem{Rule: userkit.RuleCursor})
		}
		after = n
	}
	limit = userkit.PageRequest{Limit: limit}.Normalize().Limit
	recs, err := s.store.EventsAfter(ctx, after, limit)
	if err != nil {
		return nil, err
	}
	out := make([]LogEvent, len(recs))
	for i, r := range recs {
		out[i] = LogEvent{Event: toEvent(r.EventRecord), Cursor: strconv.FormatInt(r.Seq, 10)}
	}
	return out, nil
}
