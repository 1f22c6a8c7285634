package storagetest

import (
	"errors"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit/storage"
)

var outboxTests = []test{
	{"EventLog", testEventLog},
	{"EventLogConcurrentWriters", testEventLogConcurrent},
}

func seqEventID(e storage.SeqEvent) uuid.UUID { return e.ID }

func testEventLog(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	evs, err := s.EventsAfter(ctx, 0, 10)
	is.NoErr(err)         // empty log
	is.Equal(len(evs), 0) // nothing yet

	var want []storage.EventRecord
	for i := range 3 {
		e := newEvent("users.create", "u-1", uuid.Nil)
		if i == 1 {
			e.PartnerID = newID()
		}
		is.NoErr(s.AppendEvent(ctx, e)) // append
		want = append(want, e)
	}
	// A rolled-back transaction's events never appear.
	errBoom := errors.New("boom")
	err = s.InTx(ctx, func(tx storage.Store) error {
		is.NoErr(tx.AppendEvent(ctx, newEvent("users.delete", "u-9", uuid.Nil))) // append in tx
		return errBoom
	})
	is.True(errors.Is(err, errBoom)) // rolled back

	evs, err = s.EventsAfter(ctx, 0, 2)
	is.NoErr(err)                                          // first two
	is.Equal(ids(evs, seqEventID), ids(want[:2], eventID)) // in commit order
	is.Equal(diff(want[1], evs[1].EventRecord), "")        // full records
	is.True(evs[0].Seq > 0 && evs[1].Seq > evs[0].Seq)     // increasing
	rest, err := s.EventsAfter(ctx, evs[1].Seq, 10)
	is.NoErr(err)                                           // the rest
	is.Equal(ids(rest, seqEventID), ids(want[2:], eventID)) // the third only
	more, err := s.EventsAfter(ctx, rest[0].Seq, 10)
	is.NoErr(err)          // caught up
	is.Equal(len(more), 0) // nothing after the last
	again, err := s.EventsAfter(ctx, 0, 10)
	is.NoErr(err)                                        // reread from the start
	is.Equal(ids(again, seqEventID), ids(want, eventID)) // same events
	is.Equal(again[2].Seq, rest[0].Seq)                  // with the same numbers

	later := newEvent("users.update", "u-2", uuid.Nil)
	is.NoErr(s.AppendEvent(ctx, later)) // append after reading
	more, err = s.EventsAfter(ctx, rest[0].Seq, 10)
	is.NoErr(err)                                          // read on
	is.Equal(ids(more, seqEventID), []uuid.UUID{later.ID}) // the new event follows
	none, err := s.EventsAfter(ctx, 0, 0)
	is.NoErr(err)          // limit 0
	is.Equal(len(none), 0) // reads nothing
}

// testEventLogConcurrent: writers commit events while a consumer reads
// from its cursor; the consumer sees every event exactly once, in
// increasing Seq.
func testEventLogConcurrent(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	const writers, txs, perTx = 4, 10, 3
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for range writers {
		wg.Go(func() {
			for range txs {
				err := s.InTx(ctx, func(tx storage.Store) error {
					for range perTx {
						if err := tx.AppendEvent(ctx, newEvent("users.update", "u-1", uuid.Nil)); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()

	seen := map[uuid.UUID]bool{}
	var cursor int64
	read := func() {
		evs, err := s.EventsAfter(ctx, cursor, 7)
		is.NoErr(err) // read
		for _, e := range evs {
			is.True(e.Seq > cursor) // increasing
			is.True(!seen[e.ID])    // never twice
			seen[e.ID] = true
			cursor = e.Seq
		}
	}
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true
		default:
		}
		read()
	}
	close(errs)
	for err := range errs {
		is.NoErr(err) // writer
	}
	for len(seen) < writers*txs*perTx {
		before := len(seen)
		read()
		is.True(len(seen) > before) // progress until every event is read
	}
	is.Equal(len(seen), writers*txs*perTx) // every event once
}

// EventLogInterleaved checks the case that breaks cursors over IDs or
// insert-time sequences: a transaction appends an event, another event
// commits and is read while the first is still open, and then the first
// commits. The late event must still be read after the cursor that passed
// the other one. Call it for stores whose write transactions run
// concurrently (PostgreSQL, MySQL); on a store that runs one writer at a
// time it would wait for ever.
func EventLogInterleaved(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	early := newEvent("users.create", "u-early", uuid.Nil) // its ID sorts first
	late := newEvent("users.create", "u-late", uuid.Nil)
	appended, commit := make(chan struct{}), make(chan struct{})
	txErr := make(chan error, 1)
	go func() {
		txErr <- s.InTx(ctx, func(tx storage.Store) error {
			if err := tx.AppendEvent(ctx, early); err != nil {
				return err
			}
			select {
			case <-appended: // a retried attempt: already signalled
			default:
				close(appended)
			}
			<-commit
			return nil
		})
	}()
	<-appended
	is.NoErr(s.AppendEvent(ctx, late)) // commits while early is open
	evs, err := s.EventsAfter(ctx, 0, 10)
	is.NoErr(err)                                        // read while early is open
	is.Equal(ids(evs, seqEventID), []uuid.UUID{late.ID}) // only the committed one
	cursor := evs[0].Seq
	close(commit)
	is.NoErr(<-txErr) // early commits
	evs, err = s.EventsAfter(ctx, cursor, 10)
	is.NoErr(err)                                         // read on from the cursor
	is.Equal(ids(evs, seqEventID), []uuid.UUID{early.ID}) // the late-committing event is not skipped
}
