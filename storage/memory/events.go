package memory

import (
	"context"
	"slices"
	"sort"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

func cmpEvent(a, b storage.EventRecord) int { return cmpID(a.ID, b.ID) }

// AppendEvent adds an event to the audit log.
func (s *Store) AppendEvent(ctx context.Context, rec storage.EventRecord) error {
	return s.write(ctx, func(t *txn) error {
		if _, found := slices.BinarySearchFunc(t.d.events, rec, cmpEvent); found {
			return conflict("ID", "event")
		}
		insertSorted(t, &t.d.events, rec, cmpEvent)
		appendLog(t, rec.ID)
		return nil
	})
}

// ListEvents pages events newest first.
func (s *Store) ListEvents(ctx context.Context, f storage.EventFilter, p userkit.PageRequest) (out userkit.Page[storage.EventRecord], err error) {
	p = p.Normalize()
	err = s.read(ctx, func(d *data) error {
		evs := d.events
		n := len(evs)
		// Candidate i is evs[n-1-i], so that i runs from newest to oldest.
		start := 0
		if p.Page == 0 && p.After != "" {
			a, err := parseCursor(p.After)
			if err != nil {
				return err
			}
			older := sort.Search(n, func(j int) bool { return cmpID(evs[j].ID, a) >= 0 })
			start = n - older
		}
		match := func(i int) bool {
			e := evs[n-1-i]
			return (f.PartnerID == uuid.Nil || e.PartnerID == f.PartnerID) &&
				(f.TargetID == "" || e.TargetID == f.TargetID) && f.MatchAction(e.Action)
		}
		out = page(p, n, start, match,
			func(i int) storage.EventRecord { return evs[n-1-i] },
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
