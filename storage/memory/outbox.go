package memory

import (
	"context"

	"github.com/userkit/userkit/storage"
)

// EventsAfter implements storage.EventLog: an event's Seq is its position
// in the commit order. The memory store runs one write transaction at a
// time, so the order of AppendEvent calls is the commit order; a
// rolled-back transaction takes its events back.
func (s *Store) EventsAfter(ctx context.Context, after int64, limit int) (out []storage.SeqEvent, err error) {
	out = []storage.SeqEvent{}
	if limit <= 0 {
		return out, nil
	}
	err = s.read(ctx, func(d *data) error {
		for i := max(after, 0); i < int64(d.events.rows.len()) && len(out) < limit; i++ {
			out = append(out, storage.SeqEvent{Seq: i + 1, EventRecord: d.events.record(int32(i))})
		}
		return nil
	})
	return out, err
}
