package memory

import (
	"strings"
	"time"
	"unique"

	"github.com/google/uuid"
	"github.com/userkit/userkit/storage"
)

// userRow is how the store keeps a user: compactly, since a store may hold
// hundreds of thousands of them (memory per user, issue 9). A row is never
// changed once stored: an update stores a new row, so the indexes and the
// undo log only swap pointers.
//
//   - times are unix microseconds (the contract's precision); a time that
//     would not round-trip exactly that way keeps its time.Time in extra;
//   - the short enumerated fields repeat together across users and are one
//     interned handle (8 bytes for all of them, one copy for every user);
//   - names are interned strings; the lower-cased forms a search compares
//     are kept only for names that are not ASCII (ASCII ones are folded
//     while scanning);
//   - EmailNorm shares Email's bytes when they are equal, and the login
//     name shares EmailNorm's when it is a prefix of it;
//   - fields most users leave unset live in extra, allocated only when one
//     is set.
type userRow struct {
	id        uuid.UUID
	managedID uuid.UUID
	num       int64
	version   int64
	created   int64 // unix microseconds, UTC
	updated   int64

	email, emailNorm, login, hash string
	first, last                   string

	profile unique.Handle[profile]

	extra *userExtra
}

// userExtra holds the fields of a user that are usually unset.
type userExtra struct {
	city, department, phoneLand, phoneMobile string

	dateOfBirth, lastLoginAt, apiTokenCreatedAt *time.Time

	failedLogins int
	tokenVersion int64

	// createdAt and updatedAt are set only when the unix microseconds do
	// not give back the exact time.Time stored.
	createdAt, updatedAt *time.Time

	// low are the lower-cased first name, last name and email a search
	// compares, kept only when one of them is not ASCII.
	low *[3]string
}

// profile is the interned part of a user row: the few combinations of
// these fields are shared by every user that has them.
type profile struct {
	status, role, locale, timezone, country, provider string
	managedKind                                       string
	mustReset                                         bool
}

// micros returns t as unix microseconds, and whether that gives t back
// exactly (UTC, no nanoseconds, no monotonic reading).
func micros(t time.Time) (int64, bool) {
	m := t.UnixMicro()
	return m, fromMicros(m) == t
}

func fromMicros(m int64) time.Time { return time.UnixMicro(m).UTC() }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// containsFold reports whether strings.ToLower(s) contains sub, for an
// ASCII s and a lower-cased sub, without lower-casing s.
func containsFold(s, sub string) bool {
	n := len(sub)
	if n == 0 {
		return true
	}
	c0 := sub[0]
	for i := 0; i+n <= len(s); i++ {
		if lowerASCII(s[i]) != c0 {
			continue
		}
		j := 1
		for j < n && lowerASCII(s[i+j]) == sub[j] {
			j++
		}
		if j == n {
			return true
		}
	}
	return false
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// matches reports whether the row's first name, last name or email
// contains search (lower-cased), case-insensitively.
func (r *userRow) matches(search string) bool {
	if search == "" {
		return true
	}
	if r.extra != nil && r.extra.low != nil {
		l := r.extra.low
		return strings.Contains(l[0], search) || strings.Contains(l[1], search) || strings.Contains(l[2], search)
	}
	return containsFold(r.first, search) || containsFold(r.last, search) || containsFold(r.email, search)
}

func newUserRow(r storage.UserRecord) *userRow {
	managedKind := r.ManagedKind
	if managedKind == "" {
		managedKind = storage.ScopeAll // unset means every scope, the SQL column default
	}
	row := &userRow{
		id: r.ID, managedID: r.ManagedID, num: r.Num, version: r.Version,
		email: strings.Clone(r.Email), hash: strings.Clone(r.PasswordHash),
		first: intern(r.FirstName), last: intern(r.LastName),
		profile: unique.Make(profile{
			status: r.Status, role: r.Role, locale: r.Locale,
			timezone: r.Timezone, country: r.Country, provider: r.Provider,
			managedKind: managedKind, mustReset: r.MustResetPassword,
		}),
	}
	// The row's strings are its own copies, so that an index entry or
	// a row never pins a caller's larger buffer; EmailNorm and the login
	// name share bytes with the email when they can.
	switch {
	case r.EmailNorm == r.Email:
		row.emailNorm = row.email
	default:
		row.emailNorm = strings.Clone(r.EmailNorm)
	}
	switch {
	case strings.HasPrefix(row.emailNorm, r.LoginName):
		row.login = row.emailNorm[:len(r.LoginName)]
	case strings.HasPrefix(row.email, r.LoginName):
		row.login = row.email[:len(r.LoginName)]
	default:
		row.login = strings.Clone(r.LoginName)
	}
	var x userExtra
	set := false
	setStr := func(dst *string, v string, in bool) {
		if v != "" {
			if in {
				v = intern(v)
			} else {
				v = strings.Clone(v)
			}
			*dst, set = v, true
		}
	}
	setStr(&x.city, r.City, true)
	setStr(&x.department, r.Department, true)
	setStr(&x.phoneLand, r.PhoneLand, false)
	setStr(&x.phoneMobile, r.PhoneMobile, false)
	for _, t := range []struct {
		dst **time.Time
		v   *time.Time
	}{{&x.dateOfBirth, r.DateOfBirth}, {&x.lastLoginAt, r.LastLoginAt}, {&x.apiTokenCreatedAt, r.APITokenCreatedAt}} {
		if t.v != nil {
			*t.dst, set = cloneTime(t.v), true
		}
	}
	if r.FailedLogins != 0 || r.TokenVersion != 0 {
		x.failedLogins, x.tokenVersion, set = r.FailedLogins, r.TokenVersion, true
	}
	var exact bool
	if row.created, exact = micros(r.CreatedAt); !exact {
		x.createdAt, set = cloneTime(&r.CreatedAt), true
	}
	if row.updated, exact = micros(r.UpdatedAt); !exact {
		x.updatedAt, set = cloneTime(&r.UpdatedAt), true
	}
	if !isASCII(r.FirstName) || !isASCII(r.LastName) || !isASCII(r.Email) {
		x.low = &[3]string{intern(strings.ToLower(r.FirstName)), intern(strings.ToLower(r.LastName)), strings.ToLower(r.Email)}
		set = true
	}
	if set {
		row.extra = &x
	}
	return row
}

// record returns a copy of the user the row holds.
func (row *userRow) record() storage.UserRecord {
	p := row.profile.Value()
	r := storage.UserRecord{
		ID: row.id, Num: row.num, Email: row.email, EmailNorm: row.emailNorm,
		FirstName: row.first, LastName: row.last, LoginName: row.login,
		Status: p.status, Role: p.role, Locale: p.locale,
		Timezone: p.timezone, Country: p.country, Provider: p.provider,
		MustResetPassword: p.mustReset, PasswordHash: row.hash,
		CreatedAt: fromMicros(row.created), UpdatedAt: fromMicros(row.updated),
		Version: row.version, ManagedKind: p.managedKind, ManagedID: row.managedID,
	}
	if x := row.extra; x != nil {
		r.City, r.Department, r.PhoneLand, r.PhoneMobile = x.city, x.department, x.phoneLand, x.phoneMobile
		r.DateOfBirth, r.LastLoginAt, r.APITokenCreatedAt = cloneTime(x.dateOfBirth), cloneTime(x.lastLoginAt), cloneTime(x.apiTokenCreatedAt)
		r.FailedLogins, r.TokenVersion = x.failedLogins, x.tokenVersion
		if x.createdAt != nil {
			r.CreatedAt = *x.createdAt
		}
		if x.updatedAt != nil {
			r.UpdatedAt = *x.updatedAt
		}
	}
	return r
}
