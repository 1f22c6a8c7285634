package memory

import (
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit/storage"
)

// The compact row gives back exactly the record stored, including what
// the contract does not promise (nanoseconds, a zone, an unknown managing
// kind) and the fields kept on the side.
func TestUserRowRoundTrip(t *testing.T) {
	at := time.Date(2024, 2, 29, 23, 59, 59, 123456000, time.UTC)
	dob := time.Date(1901, 1, 1, 0, 0, 0, 0, time.UTC)
	recs := []storage.UserRecord{
		{ID: uuid.New(), Num: 1, Email: "Ada@Example.com", EmailNorm: "ada@example.com", LoginName: "ada",
			FirstName: "Ada", LastName: "Lovelace", Status: "active", CreatedAt: at, UpdatedAt: at, Version: 1, ManagedKind: storage.ScopeAll},
		{ID: uuid.New(), Num: 2, Email: "zoë@example.com", EmailNorm: "zoë@example.com", LoginName: "zz-top",
			FirstName: "Zoë", LastName: "Ÿilmaz", Status: "locked", Role: "Admin", Provider: "ldap", Locale: "de", Timezone: "UTC",
			City: "Wien", Country: "AT", Department: "IT", PhoneLand: "+43 1", PhoneMobile: "+43 660", DateOfBirth: &dob,
			MustResetPassword: true, PasswordHash: "$argon2id$x", FailedLogins: 3, LastLoginAt: &at, TokenVersion: 7, APITokenCreatedAt: &at,
			CreatedAt: at.Add(1), UpdatedAt: at.In(time.FixedZone("CEST", 7200)), Version: 9,
			ManagedKind: storage.ScopePartner, ManagedID: uuid.New()},
		{ID: uuid.New(), Num: 3, Email: "x@y", EmailNorm: "x@y", LoginName: "x", CreatedAt: at, UpdatedAt: at,
			ManagedKind: "elsewhere", ManagedID: uuid.New()},
		{ID: uuid.New(), Num: 4, Email: "p@q", EmailNorm: "p@q", LoginName: "p", CreatedAt: at, UpdatedAt: at,
			ManagedKind: storage.ScopePortal, ManagedID: uuid.New()},
	}
	for _, r := range recs {
		got := newUserRow(r).record()
		if got.DateOfBirth != nil && got.DateOfBirth == r.DateOfBirth {
			t.Fatal("a time pointer is shared with the caller")
		}
		if !equalUser(got, r) {
			t.Fatalf("round trip\n got %+v\nwant %+v", got, r)
		}
	}
	if newUserRow(recs[0]).extra != nil {
		t.Fatal("a user with nothing optional set has a side struct")
	}
}

func equalUser(a, b storage.UserRecord) bool {
	ta := []*time.Time{a.DateOfBirth, a.LastLoginAt, a.APITokenCreatedAt}
	tb := []*time.Time{b.DateOfBirth, b.LastLoginAt, b.APITokenCreatedAt}
	for i := range ta {
		if (ta[i] == nil) != (tb[i] == nil) || ta[i] != nil && *ta[i] != *tb[i] {
			return false
		}
	}
	a.DateOfBirth, a.LastLoginAt, a.APITokenCreatedAt = nil, nil, nil
	b.DateOfBirth, b.LastLoginAt, b.APITokenCreatedAt = nil, nil, nil
	return a == b
}

func TestUserRowMatches(t *testing.T) {
	ascii := newUserRow(storage.UserRecord{FirstName: "Grace", LastName: "Hopper", Email: "GHopper@Navy.mil"})
	uni := newUserRow(storage.UserRecord{FirstName: "Zoë", LastName: "ÖZTÜRK", Email: "z@x"})
	for _, c := range []struct {
		row    *userRow
		search string
		want   bool
	}{
		{ascii, "", true}, {ascii, "grace", true}, {ascii, "ace", true}, {ascii, "hopp", true},
		{ascii, "navy.mil", true}, {ascii, "ghopper@", true}, {ascii, "gracie", false}, {ascii, "x", false},
		{uni, "zoë", true}, {uni, "öztürk", true}, {uni, "zoe", false},
	} {
		if got := c.row.matches(strings.ToLower(c.search)); got != c.want {
			t.Errorf("%q in %s %s %s: %v, want %v", c.search, c.row.first, c.row.last, c.row.email, got, c.want)
		}
	}
}

// The rows' sizes decide the heap per user (TestServiceBytesPerUser); a
// field added to a row fails here, exactly, before it shows as bytes.
func TestRowSizes(t *testing.T) {
	is := is.New(t)
	const word = unsafe.Sizeof(uintptr(0))
	// two UUIDs, four int64s, six strings, the profile handle and extra
	is.Equal(unsafe.Sizeof(userRow{}), 2*16+4*8+6*2*word+word+word)
	// four UUIDs, the time and the kind handle
	is.Equal(unsafe.Sizeof(eventRow{}), 4*16+8+word)
}
