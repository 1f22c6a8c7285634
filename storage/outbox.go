package storage

import "context"

// SeqEvent is an audit event with its position in the event log.
type SeqEvent struct {
	// Seq is assigned by the store: positive and increasing in the order
	// events became visible to readers, not necessarily dense.
	Seq int64
	EventRecord
}

// EventLog reads the audit log as an outbox: in the order events were
// committed, from a durable cursor.
//
// The guarantee a consumer builds on: once EventsAfter has returned an
// event with Seq n, no event with a Seq of n or less ever appears later.
// An event committed after that read gets a higher Seq. So a consumer that
// stores the Seq of the last event it handled, and reads on from it after
// a crash, neither misses nor repeats an event it acknowledged.
//
// Event IDs cannot serve as that cursor: UUIDv7s made by different
// processes (or by one process for transactions that commit out of
// order) are not in commit order, and a reader at "the newest ID seen"
// would skip an older ID that commits later. Nor can a plain database
// sequence on PostgreSQL or MySQL: values are handed out at insert time
// and transactions commit in any order. The SQL stores therefore number
// events when they are read, not when they are written (see sqlstore's
// EventsAfter); writers pay nothing.
type EventLog interface {
	// EventsAfter returns up to limit committed events with Seq > after,
	// by Seq ascending; after 0 reads from the start of the log.
	EventsAfter(ctx context.Context, after int64, limit int) ([]SeqEvent, error)
}
