package storagetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

var limitTests = []test{
	{"UnicodeRoundTrip", testUnicode},
	{"MaxLengths", testMaxLengths},
	{"TimesMicrosecondUTC", testTimes},
	{"ConcurrentCreateSameEmail", testConcurrentCreate},
	{"ConcurrentCASUpdates", testConcurrentCAS},
}

func testUnicode(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	u := newUser(1)
	// Emoji (4-byte UTF-8, with a ZWJ sequence), CJK, and a decomposed
	// "é" (e + U+0301): stored exactly, never normalised.
	u.FirstName = "Zoë 😀👩‍💻"
	u.LastName = "山田 Rene\u0301e"
	u.City = "Zürich"
	is.NoErr(s.CreateUser(ctx, &u)) // create
	got, err := s.GetUser(ctx, u.ID)
	is.NoErr(err)                        // GetUser
	is.Equal(got.FirstName, u.FirstName) // emoji round-trip exactly
	is.Equal(got.LastName, u.LastName)   // CJK and combining characters round-trip exactly
	is.Equal(got.City, u.City)           // other text too
	for _, q := range []string{"山田", "😀", "Rene\u0301e"} {
		p, err := s.ListUsers(ctx, storage.UserFilter{Search: q}, userkit.PageRequest{})
		is.NoErr(err)                                     // search non-ASCII
		is.Equal(ids(p.Items, userID), []uuid.UUID{u.ID}) // non-ASCII substrings match
	}
	// Decision: "Renée" with a precomposed é is different text. Search
	// compares code points after lower-casing, as LIKE over lower() does in
	// PostgreSQL and SQLite; no Unicode normalisation, no accent folding
	// (a MySQL adapter must compare with a binary collation).
	p, err := s.ListUsers(ctx, storage.UserFilter{Search: "Renée"}, userkit.PageRequest{})
	is.NoErr(err)             // search precomposed
	is.Equal(len(p.Items), 0) // precomposed does not match decomposed

	pa := newPartner(1)
	pa.Name = "株式会社 🚀 Ωmega"
	is.NoErr(s.CreatePartner(ctx, &pa)) // partner with Unicode name
	gp, err := s.GetPartner(ctx, pa.ID)
	is.NoErr(err)                                     // GetPartner
	is.Equal(gp.Name, pa.Name)                        // partner name round-trips
	is.NoErr(s.PutSetting(ctx, "ключ", "значение 🔑")) // Unicode setting
	v, err := s.GetSetting(ctx, "ключ")
	is.NoErr(err)             // GetSetting
	is.Equal(v, "значение 🔑") // setting round-trips
}

func testMaxLengths(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	u := newUser(1)
	domain := "@example.com"
	u.Email = strings.Repeat("A", MaxEmailLen-len(domain)) + domain
	u.EmailNorm = strings.ToLower(u.Email)
	// Names mix 2-, 3- and 4-byte runes, so a byte-sized column fails.
	u.FirstName = runes("é漢😀", MaxPersonNameLen)
	u.LastName = runes("😀", MaxPersonNameLen)
	u.LoginName = runes("ab.", MaxLoginNameLen)
	is.Equal(len(u.Email), MaxEmailLen)                 // test data: email at the limit
	is.Equal(len([]rune(u.LastName)), MaxPersonNameLen) // test data: name at the limit
	is.NoErr(s.CreateUser(ctx, &u))                     // the longest values are accepted
	got, err := s.GetUser(ctx, u.ID)
	is.NoErr(err)              // GetUser
	is.Equal(diff(u, got), "") // the longest values round-trip intact
	got, err = s.GetUserByEmail(ctx, u.EmailNorm)
	is.NoErr(err)          // the longest email is found
	is.Equal(got.ID, u.ID) // by email
	logins, err := s.LoginNamesWithPrefix(ctx, u.LoginName)
	is.NoErr(err)                           // the longest login name is found
	is.Equal(logins, []string{u.LoginName}) // by prefix

	long := runes("Ω漢😀a", MaxEntityNameLen)
	p := newPartner(1)
	p.Name = long
	is.NoErr(s.CreatePartner(ctx, &p)) // partner name at the limit
	gp, err := s.GetPartner(ctx, p.ID)
	is.NoErr(err)           // GetPartner
	is.Equal(gp.Name, long) // partner name intact
	team := newTeam(p.ID, long)
	is.NoErr(s.CreateTeam(ctx, &team)) // team name at the limit
	gt, err := s.GetTeam(ctx, team.ID)
	is.NoErr(err)           // GetTeam
	is.Equal(gt.Name, long) // team name intact
	portal := newPortal(p.ID, 1)
	portal.Name = long
	is.NoErr(s.CreatePortal(ctx, &portal)) // portal name at the limit
	gpo, err := s.GetPortal(ctx, portal.ID)
	is.NoErr(err)            // GetPortal
	is.Equal(gpo.Name, long) // portal name intact
	r := newResource(strings.Repeat("r", MaxResourceIDLen-2) + "-1")
	r.Name = long
	is.Equal(len(r.ID), MaxResourceIDLen) // test data: resource ID at the limit
	is.NoErr(s.CreateResource(ctx, &r))   // resource ID and name at the limit
	gr, err := s.GetResource(ctx, r.ID)
	is.NoErr(err)                                                                                                                                   // GetResource
	is.Equal(diff(r, gr), "")                                                                                                                       // resource intact
	is.NoErr(s.PutResourceRole(ctx, storage.ResourceRoleRecord{UserID: u.ID, ResourceID: r.ID, Role: "owner", CreatedAt: now(), UpdatedAt: now()})) // a role on the longest resource ID
	rr, err := s.ResourceRolesOfUser(ctx, u.ID)
	is.NoErr(err)                    // ResourceRolesOfUser
	is.Equal(rr[0].ResourceID, r.ID) // resource ID intact in roles
	value := strings.Repeat("v", MaxSettingValueLen)
	is.NoErr(s.PutSetting(ctx, "big", value)) // setting value at the limit
	v, err := s.GetSetting(ctx, "big")
	is.NoErr(err)      // GetSetting
	is.Equal(v, value) // setting value intact
}

func testTimes(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	// Microseconds that are not a multiple of a millisecond, a time in
	// another zone given as UTC, and dates far from today (1901 and 2099:
	// outside a 32-bit TIMESTAMP, so MySQL needs DATETIME(6)).
	at := time.Date(2024, 2, 29, 23, 59, 59, 123456000, time.UTC)
	u := newUser(1)
	u.CreatedAt = at
	u.UpdatedAt = time.Date(2024, 3, 31, 1, 30, 0, 1000, time.FixedZone("CEST", 2*3600)).UTC()
	u.LastLoginAt = ptr(at.Add(999999 * time.Microsecond))
	u.DateOfBirth = ptr(time.Date(1901, 1, 1, 0, 0, 0, 0, time.UTC))
	u.APITokenCreatedAt = ptr(time.Date(2099, 12, 31, 23, 59, 59, 999999000, time.UTC))
	is.NoErr(s.CreateUser(ctx, &u)) // create
	got, err := s.GetUser(ctx, u.ID)
	is.NoErr(err)                                   // GetUser
	is.Equal(diff(u, got), "")                      // every time equal to the microsecond, and in UTC
	is.Equal(got.CreatedAt.Nanosecond(), 123456000) // microseconds kept, not rounded to milliseconds

	e := newEvent("users.read", "t", uuid.Nil)
	e.Time = at
	is.NoErr(s.AppendEvent(ctx, e)) // event
	evs, err := s.ListEvents(ctx, storage.EventFilter{}, userkit.PageRequest{})
	is.NoErr(err)                       // ListEvents
	is.Equal(diff(e, evs.Items[0]), "") // event time round-trips
}

func testConcurrentCreate(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	const n = 50
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			u := newUser(i)
			u.Email, u.EmailNorm = "Same@Example.com", "same@example.com"
			errs[i] = s.CreateUser(ctx, &u)
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		is.Equal(conflictOn(err, "EmailNorm"), "ok") // every loser gets a Conflict on EmailNorm
	}
	is.Equal(ok, 1) // exactly one create wins
	p, err := s.ListUsers(ctx, storage.UserFilter{}, userkit.PageRequest{Total: true})
	is.NoErr(err)        // ListUsers
	is.Equal(p.Total, 1) // exactly one user is stored
}

func testConcurrentCAS(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	u := createUser(t, s, 1)
	const workers, rounds = 20, 2
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			for range rounds {
				errs[w] = increment(ctx, s, u.ID)
				if errs[w] != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		is.NoErr(err) // every read-modify-write eventually succeeds
	}
	got, err := s.GetUser(ctx, u.ID)
	is.NoErr(err)                                  // GetUser
	is.Equal(got.FailedLogins, workers*rounds)     // no update is lost
	is.Equal(got.Version, int64(1+workers*rounds)) // one version per update
}

// increment adds one to FailedLogins with compare-and-set, retrying when
// another writer got there first.
func increment(ctx context.Context, s storage.Store, id uuid.UUID) error {
	for range 1000 {
		u, err := s.GetUser(ctx, id)
		if err != nil {
			return err
		}
		u.FailedLogins++
		u.Version++
		err = s.UpdateUser(ctx, u, u.Version-1)
		if errors.Is(err, userkit.ErrPreconditionFailed) {
			continue
		}
		return err
	}
	return fmt.Errorf("no progress after 1000 attempts")
}
