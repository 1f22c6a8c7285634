package sqlstore

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Bind-parameter encoders and column scanners. Values always travel as bind
// parameters; these only pick the representation each dialect stores.

// id encodes a UUID.
func (s *Store) id(u uuid.UUID) any {
	if s.d.BinaryUUID {
		b := u // copy: the slice must not alias the caller's array
		return b[:]
	}
	return u.String()
}

// nullID encodes a UUID that is NULL when uuid.Nil.
func (s *Store) nullID(u uuid.UUID) any {
	if u == uuid.Nil {
		return nil
	}
	return s.id(u)
}

// scanID reads a row of one UUID column (for collect).
func scanID(sc scanner) (uuid.UUID, error) {
	var id uuid.UUID
	return id, sc.Scan(idCol{&id})
}

// ids encodes a list of UUIDs.
func (s *Store) ids(us []uuid.UUID) []any {
	out := make([]any, len(us))
	for i, u := range us {
		out[i] = s.id(u)
	}
	return out
}

// time encodes a time in UTC.
func (s *Store) time(t time.Time) any {
	return s.d.Time(t.UTC())
}

// nullTime encodes an optional time.
func (s *Store) nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return s.time(*t)
}

// orZero scans a column of a record on the outer side of a LEFT JOIN,
// which is NULL when no record joined: NULL leaves the destination as it
// is (the zero value of a fresh record, so a record that did not join
// has the nil ID); any other value scans as into the destination itself.
type orZero struct{ dst any }

func (c orZero) Scan(src any) error {
	if src == nil {
		return nil
	}
	switch d := c.dst.(type) {
	case sql.Scanner:
		return d.Scan(src)
	case *string:
		return scanInto(d, src)
	case *int64:
		return scanInto(d, src)
	case *int:
		return scanInto(d, src)
	case *bool:
		return scanInto(d, src)
	}
	return fmt.Errorf("sqlstore: cannot scan into %T", c.dst)
}

// scanInto converts src as database/sql does for a *T destination.
func scanInto[T any](p *T, src any) error {
	var n sql.Null[T]
	err := n.Scan(src)
	*p = n.V
	return err
}

// outer makes each destination an orZero.
func outer(dst []any) []any {
	out := make([]any, len(dst))
	for i, d := range dst {
		out[i] = orZero{d}
	}
	return out
}

// idCol scans a UUID column (native uuid, 16 bytes or text). NULL scans as
// uuid.Nil.
type idCol struct{ p *uuid.UUID }

func (c idCol) Scan(src any) error {
	if src == nil {
		*c.p = uuid.Nil
		return nil
	}
	return c.p.Scan(src)
}

// textCol scans text that may be NULL (as "").
type textCol struct{ p *string }

func (c textCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.p = ""
	case string:
		*c.p = v
	case []byte:
		*c.p = string(v)
	default:
		return fmt.Errorf("sqlstore: cannot scan %T into text", src)
	}
	return nil
}

// timeCol scans a time: time.Time from drivers that parse it, text in the
// formats this package writes, or Unix microseconds. wallUTC says a
// time.Time holds a zone-less UTC wall clock (MySQL DATETIME), whatever
// location the driver attached.
type timeCol struct {
	p       *time.Time
	wallUTC bool
}

func (c timeCol) Scan(src any) error {
	t, err := parseTime(src, c.wallUTC)
	if err != nil {
		return err
	}
	*c.p = t
	return nil
}

// nullTimeCol scans an optional time; NULL scans as nil.
type nullTimeCol struct {
	p       **time.Time
	wallUTC bool
}

func (c nullTimeCol) Scan(src any) error {
	if src == nil {
		*c.p = nil
		return nil
	}
	t, err := parseTime(src, c.wallUTC)
	if err != nil {
		return err
	}
	*c.p = &t
	return nil
}

// TimeLayout is the text form SQLite and MySQL bind and store: UTC, fixed
// width, microseconds, so text order is time order.
const TimeLayout = "2006-01-02 15:04:05.000000"

// TimeText formats t in TimeLayout. Dialects storing text use it as their
// Time encoder.
func TimeText(t time.Time) any { return t.UTC().Format(TimeLayout) }

func parseTime(src any, wallUTC bool) (time.Time, error) {
	switch v := src.(type) {
	case time.Time:
		if wallUTC {
			return time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(), v.Nanosecond(), time.UTC), nil
		}
		return v.UTC(), nil
	case int64:
		return time.UnixMicro(v).UTC(), nil
	case []byte:
		return parseTimeText(string(v))
	case string:
		return parseTimeText(v)
	}
	return time.Time{}, fmt.Errorf("sqlstore: cannot scan %T into a time", src)
}

func parseTimeText(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{TimeLayout, "2006-01-02 15:04:05.999999999", time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMicro(n).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("sqlstore: cannot parse time %q", s)
}

// bytesCol scans a binary column into a fresh slice (drivers may reuse
// theirs).
type bytesCol struct{ p *[]byte }

func (c bytesCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.p = nil
	case []byte:
		*c.p = append([]byte(nil), v...)
	case string:
		*c.p = []byte(v)
	default:
		return fmt.Errorf("sqlstore: cannot scan %T into bytes", src)
	}
	return nil
}

// tc scans a time column.
func (s *Store) tc(p *time.Time) timeCol { return timeCol{p: p, wallUTC: s.d.WallClockUTC} }

// ntc scans an optional time column.
func (s *Store) ntc(p **time.Time) nullTimeCol { return nullTimeCol{p: p, wallUTC: s.d.WallClockUTC} }
