package memory

import (
	"slices"
	"time"
	"unique"

	"github.com/google/uuid"
	"github.com/userkit/userkit/storage"
)

// eventRow is how the store keeps an audit event: every write of every
// service appends one, so a store holds about as many events as changes
// made (memory per user, issue 9). 80 bytes instead of a 136-byte
// storage.EventRecord plus its target's 48-byte string:
//
//   - the time is unix microseconds (the contract's precision);
//   - the principal kind, action and target kind repeat across events and
//     share one interned handle, which also says how the row keeps its
//     target and time;
//   - the target, almost always an ID, is kept as 16 bytes when it is the
//     canonical text of a UUID; other targets, and times that would not
//     round-trip as microseconds, live in eventLog.extra.
type eventRow struct {
	id, principal, partner, target uuid.UUID
	at                             int64 // unix microseconds, UTC
	kind                           unique.Handle[eventKind]
}

// eventKind is the interned part of an event row.
type eventKind struct {
	principalKind, action, targetKind string
	target                            uint8 // targetUUID, targetNone or targetText
	exactTime                         bool  // false: the time is in eventLog.extra
}

const (
	targetUUID uint8 = iota
	targetNone
	targetText
)

// eventExtra is what a row cannot hold itself.
type eventExtra struct {
	target string
	at     time.Time
}

// eventLog is the audit log in commit order, so that an event's position
// is its outbox Seq, with the positions sorted by event ID for listing.
type eventLog struct {
	rows  column[eventRow]
	byID  []int32 // positions, sorted by the events' IDs (4 bytes each; 2³¹ events would be 170 GB of rows)
	extra map[int32]eventExtra
}

func (l *eventLog) at(pos int32) *eventRow { return l.rows.at(int(pos)) }

func (l *eventLog) cmpPos(a, b int32) int { return cmpID(l.at(a).id, l.at(b).id) }

// find returns where id is or would be in byID, and whether it is there.
func (l *eventLog) find(id uuid.UUID) (int, bool) {
	return slices.BinarySearchFunc(l.byID, id, func(p int32, id uuid.UUID) int { return cmpID(l.at(p).id, id) })
}

// appendEvent adds rec at the end of the log; its ID must be new.
func (t *txn) appendEvent(rec storage.EventRecord) {
	l := &t.d.events
	pos := int32(l.rows.len())
	k := eventKind{principalKind: rec.PrincipalKind, action: rec.Action, targetKind: rec.TargetKind}
	row := eventRow{id: rec.ID, principal: rec.PrincipalID, partner: rec.PartnerID}
	var x eventExtra
	hasExtra := false
	switch tg := parseTarget(rec.TargetID); {
	case tg.isUUID:
		row.target = tg.id
	case rec.TargetID == "":
		k.target = targetNone
	default:
		k.target, x.target, hasExtra = targetText, rec.TargetID, true
	}
	if row.at, k.exactTime = micros(rec.Time); !k.exactTime {
		x.at, hasExtra = rec.Time, true
	}
	row.kind = unique.Make(k)
	l.rows.push(t, row)
	if hasExtra {
		if l.extra == nil {
			l.extra = map[int32]eventExtra{}
		}
		put(t, l.extra, pos, x)
	}
	insertSorted(t, &l.byID, pos, l.cmpPos)
}

// record returns a copy of the event at pos.
func (l *eventLog) record(pos int32) storage.EventRecord {
	row := l.at(pos)
	k := row.kind.Value()
	r := storage.EventRecord{
		ID: row.id, PrincipalKind: k.principalKind, PrincipalID: row.principal,
		Action: k.action, TargetKind: k.targetKind, PartnerID: row.partner,
	}
	if k.target == targetUUID {
		r.TargetID = row.target.String()
	}
	if k.exactTime {
		r.Time = fromMicros(row.at)
	}
	if k.target == targetText || !k.exactTime {
		x := l.extra[pos]
		if k.target == targetText {
			r.TargetID = x.target
		}
		if !k.exactTime {
			r.Time = x.at
		}
	}
	return r
}

// hasTarget reports whether the event at pos has the target id, parsed
// by parseTarget.
func (l *eventLog) hasTarget(pos int32, want eventTarget) bool {
	row := l.at(pos)
	switch k := row.kind.Value(); k.target {
	case targetUUID:
		return want.isUUID && row.target == want.id
	case targetText:
		return !want.isUUID && l.extra[pos].target == want.text
	}
	return false
}

// eventTarget is a target ID as the rows compare it.
type eventTarget struct {
	isUUID bool
	id     uuid.UUID
	text   string
}

func parseTarget(s string) eventTarget {
	if u, err := uuid.Parse(s); err == nil && u.String() == s {
		return eventTarget{isUUID: true, id: u}
	}
	return eventTarget{text: s}
}
