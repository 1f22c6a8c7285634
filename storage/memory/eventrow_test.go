package memory_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
)

// The compact event row gives back exactly the event stored, whatever the
// shape of its target and time, through both ListEvents and EventsAfter.
func TestEventRoundTrip(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	ctx := t.Context()
	s := memory.New()
	at := time.Date(2026, 12, 2, 10, 0, 0, 123456000, time.UTC)
	target := uuid.Must(uuid.NewV7())
	evs := []storage.EventRecord{
		{Time: at, PrincipalKind: "system", Action: "users.create", TargetKind: "user", TargetID: target.String()},
		{Time: at.Add(1), PrincipalKind: "user", PrincipalID: uuid.New(), Action: "users.update", TargetKind: "user",
			TargetID: strings.ToUpper(target.String()), PartnerID: uuid.New()}, // not the canonical text of a UUID
		{Time: at.In(time.FixedZone("CET", 3600)), PrincipalKind: "service_account", PrincipalID: uuid.New(),
			Action: "permissions.update", TargetKind: "resource_role", TargetID: "u-1/doc-7"},
		{Time: time.Now(), Action: "settings.update"}, // a monotonic reading, no target
		{Time: at, PrincipalKind: "system", Action: "users.delete", TargetKind: "user", TargetID: uuid.Nil.String()},
	}
	for i := range evs {
		evs[i].ID = uuid.Must(uuid.NewV7())
		is.NoErr(s.AppendEvent(ctx, evs[i])) // append
	}
	log, err := s.EventsAfter(ctx, 0, 10)
	is.NoErr(err) // outbox
	is.Equal(len(log), len(evs))
	for i, e := range log {
		is.Equal(e.Seq, int64(i+1))     // dense in commit order
		is.Equal(e.EventRecord, evs[i]) // the event stored
	}
	p, err := s.ListEvents(ctx, storage.EventFilter{}, userkit.PageRequest{Limit: 10})
	is.NoErr(err) // list
	newest := slices.Clone(evs)
	slices.Reverse(newest)
	is.Equal(p.Items, newest) // every event, newest first

	for _, c := range []struct {
		target string
		want   []storage.EventRecord
	}{
		{target.String(), evs[:1]},
		{strings.ToUpper(target.String()), evs[1:2]},
		{"u-1/doc-7", evs[2:3]},
		{uuid.Nil.String(), evs[4:5]},
		{"u-1", nil},
	} {
		p, err := s.ListEvents(ctx, storage.EventFilter{TargetID: c.target}, userkit.PageRequest{Limit: 10})
		is.NoErr(err)                       // by target
		is.Equal(len(p.Items), len(c.want)) // the target's events only
		for i := range c.want {
			is.Equal(p.Items[i], c.want[i])
		}
	}
}

// Events live in fixed chunks; a rolled-back transaction that crossed into
// a new chunk takes its events and the chunk back, and an ID older than
// the newest lists in ID order while the outbox keeps commit order.
func TestEventsRollBackAcrossChunks(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	ctx := t.Context()
	s := memory.New()
	newEvent := func(target string) storage.EventRecord {
		return storage.EventRecord{ID: uuid.Must(uuid.NewV7()), Time: time.Now().UTC().Truncate(time.Microsecond),
			PrincipalKind: "system", Action: "users.update", TargetKind: "user", TargetID: target}
	}
	old := newEvent("first") // an ID older than every event below
	const n = 1023           // one short of a chunk
	for range n {
		is.NoErr(s.AppendEvent(ctx, newEvent(uuid.NewString())))
	}
	errBoom := errors.New("boom")
	err := s.InTx(ctx, func(tx storage.Store) error {
		for range 3 {
			is.NoErr(tx.AppendEvent(ctx, newEvent("gone")))
		}
		return errBoom
	})
	is.True(errors.Is(err, errBoom)) // rolled back
	p, err := s.ListEvents(ctx, storage.EventFilter{TargetID: "gone"}, userkit.PageRequest{Total: true})
	is.NoErr(err)
	is.Equal(p.Total, 0) // none of the rolled-back events lists

	last := newEvent("last")
	is.NoErr(s.AppendEvent(ctx, last))
	is.NoErr(s.AppendEvent(ctx, old))
	err = s.AppendEvent(ctx, old)
	is.Equal(userkit.KindOf(err), userkit.Conflict) // an ID is appended once

	log, err := s.EventsAfter(ctx, n-1, 10)
	is.NoErr(err)
	is.Equal(len(log), 3)
	is.Equal(log[1].Seq, int64(n+1)) // the first event after the rollback takes the next Seq
	is.Equal(log[1].EventRecord, last)
	is.Equal(log[2].EventRecord, old) // commit order

	p, err = s.ListEvents(ctx, storage.EventFilter{}, userkit.PageRequest{Limit: 1, Total: true})
	is.NoErr(err)
	is.Equal(p.Total, n+2)
	is.Equal(p.Items[0], last) // newest ID first
	p, err = s.ListEvents(ctx, storage.EventFilter{}, userkit.PageRequest{Limit: 1, Page: n + 2})
	is.NoErr(err)
	is.Equal(p.Items[0], old) // oldest ID last
}
