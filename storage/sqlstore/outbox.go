package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/userkit/userkit/storage"
)

// numberBatch is how many events one pass of numberEvents numbers.
const numberBatch = 500

// EventsAfter implements storage.EventLog.
//
// Events are written with seq NULL, so writers pay nothing and take no
// shared lock. A reader first numbers the events that have committed
// since (numberEvents), then reads "seq > after". Numbering runs in a
// transaction that locks the one event_log row before it looks for
// unnumbered events, and it commits before the read, so numbering
// transactions run one after the other and each hands out numbers above
// every number already committed. An event whose transaction has not
// committed is invisible to the numbering and is numbered by a later
// reader, above everything a reader may have seen: a cursor never passes
// an event that appears later. This holds on every engine and needs
// neither a clock nor PostgreSQL's transaction-id snapshots.
func (s *Store) EventsAfter(ctx context.Context, after int64, limit int) ([]storage.SeqEvent, error) {
	if limit <= 0 {
		return []storage.SeqEvent{}, nil
	}
	if err := s.numberEvents(ctx); err != nil {
		return nil, err
	}
	return collect(ctx, s, "event", func(sc scanner) (storage.SeqEvent, error) {
		var e storage.SeqEvent
		r := &e.EventRecord
		err := sc.Scan(&e.Seq, idCol{&r.ID}, s.tc(&r.Time), &r.PrincipalKind, idCol{&r.PrincipalID}, &r.Action,
			&r.TargetKind, &r.TargetID, idCol{&r.PartnerID})
		return e, err
	}, "SELECT seq, "+eventCols+" FROM events WHERE seq > ? ORDER BY seq LIMIT ?", after, int64(limit))
}

// numberEvents gives every committed, unnumbered event the next sequence
// number, in ID order within one pass. It costs one indexed read when
// there is nothing to number.
func (s *Store) numberEvents(ctx context.Context) error {
	var one int
	err := s.queryRow(ctx, "SELECT 1 FROM events WHERE seq IS NULL LIMIT 1").Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return s.wrap(err, "event", "")
	}
	return s.atomic(ctx, func(s *Store) error {
		var last int64
		// The lock comes first: only after it is held does the transaction
		// look for events, so it sees every number committed before it.
		if err := s.queryRow(ctx, "SELECT last_seq FROM event_log WHERE id = 1"+s.d.RowLock).Scan(&last); err != nil {
			return s.wrap(err, "event log", "")
		}
		start := last
		for {
			ids, err := collect(ctx, s, "event", scanID, "SELECT id FROM events WHERE seq IS NULL ORDER BY id LIMIT ?", int64(numberBatch))
			if err != nil {
				return err
			}
			for _, id := range ids {
				last++
				if _, err := s.exec(ctx, "UPDATE events SET seq = ? WHERE id = ?", last, s.id(id)); err != nil {
					return s.wrap(err, "event", "")
				}
			}
			if len(ids) < numberBatch {
				break
			}
		}
		if last == start {
			return nil
		}
		_, err := s.exec(ctx, "UPDATE event_log SET last_seq = ? WHERE id = 1", last)
		return s.wrap(err, "event log", "")
	})
}
