package memory

import (
	"context"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// AppendEvent adds an event to the audit log.
func (s *Store) AppendEvent(ctx context.Context, rec storage.EventRecord) error {
	return s.write(ctx, func(t *txn) error {
		if _, found := t.d.events.find(rec.ID); found {
			return conflict("ID", "event")
		}
		t.appendEvent(rec)
		return nil
	})
}

// ListEvents pages events newest first.
func (s *Store) ListEvents(ctx context.Context, f storage.EventFilter, p userkit.PageRequest) (out userkit.Page[storage.EventRecord], err error) {
	p = p.Normalize()
	err = s.read(ctx, func(d *data) error {
		l := &d.events
		n := len(l.byID)
		// Candidate i is the event at l.byID[n-1-i], so that i runs from
		// newest to oldest.
		start := 0
		if p.Page == 0 && p.After != "" {
			a, err := parseCursor(p.After)
			if err != nil {
				return err
			}
			older, _ := l.find(a)
			start = n - older
		}
		target := parseTarget(f.TargetID)
		match := func(i int) bool {
			pos := l.byID[n-1-i]
			row := l.at(pos)
			return (f.PartnerID == uuid.Nil || row.partner == f.PartnerID) &&
				(f.TargetID == "" || l.hasTarget(pos, target)) && f.MatchAction(row.kind.Value().action)
		}
		out = page(p, n, start, match,
			func(i int) storage.EventRecord { return l.record(l.byID[n-1-i]) },
			func(r storage.EventRecord) string { return r.ID.String() })
		return nil
	})
	return out, err
}

// GetSetting returns the value stored under key.
func (s *Store) GetSetting(ctx context.Context, key string) (v string, err error) {
	err = s.read(ctx, func(d *data) error {
		var ok bool
		if v, ok = d.settings[key]; !ok {
			return notFound("setting")
		}
		return nil
	})
	return v, err
}

// PutSetting creates or replaces the value stored under key.
func (s *Store) PutSetting(ctx context.Context, key, value string) error {
	return s.write(ctx, func(t *txn) error {
		put(t, t.d.settings, key, value)
		return nil
	})
}
