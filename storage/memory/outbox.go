package memory

import (
	"context"
	"slices"

	"github.com/google/uuid"
	"github.com/userkit/userkit/storage"
)

// appendLog records that event id commits after every event before it.
// The memory store runs one write transaction at a time, so the order of
// AppendEvent calls is the commit order; a rolled-back transaction takes
// its entries back.
func appendLog(t *txn, id uuid.UUID) {
	t.d.eventLog = append(t.d.eventLog, id)
	n := len(t.d.eventLog) - 1
	t.undo = append(t.undo, func() { t.d.eventLog = t.d.eventLog[:n] })
}

// EventsAfter implements storage.EventLog: an event's Seq is its position
// in the commit order.
func (s *Store) EventsAfter(ctx context.Context, after int64, limit int) (out []storage.SeqEvent, err error) {
	out = []storage.SeqEvent{}
	if limit <= 0 {
		return out, nil
	}
	err = s.read(ctx, func(d *data) error {
		start := max(after, 0)
		for i := start; i < int64(len(d.eventLog)) && len(out) < limit; i++ {
			j, found := slices.BinarySearchFunc(d.events, d.eventLog[i], func(e storage.EventRecord, id uuid.UUID) int { return cmpID(e.ID, id) })
			if !found {
				continue // not kept any more
			}
			out = append(out, storage.SeqEvent{Seq: i + 1, EventRecord: d.events[j]})
		}
		return nil
	})
	return out, err
}
