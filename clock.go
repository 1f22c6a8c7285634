package userkit

import "time"

// Clock returns the current time. Services take one in their options so
// that tests can control time; a nil Clock means time.Now.
type Clock func() time.Time

// Now returns the clock's time in UTC, truncated to microseconds: the
// precision every store keeps, so a value read back equals the one written.
func (c Clock) Now() time.Time {
	var t time.Time
	if c == nil {
		t = time.Now()
	} else {
		t = c()
	}
	return t.UTC().Truncate(time.Microsecond)
}
