package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlstore"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
)

// Hostile input beyond the conformance suite's: NUL, invalid UTF-8, very
// long text, and pattern characters in lookups that are not searches. Every
// value is a bind parameter, so each must behave as plain text: stored and
// found exactly, or (where the database cannot hold it) refused as Invalid,
// never an Internal error and never a partial match.

func user(n string) storage.UserRecord {
	return storage.UserRecord{
		ID: uuid.Must(uuid.NewV7()), Email: n + "@example.com", EmailNorm: n + "@example.com",
		FirstName: "F" + n, LastName: "L" + n, LoginName: n, Status: "active", Version: 1,
	}
}

// storedOrInvalid reports "ok" when err is nil or an Invalid error.
func storedOrInvalid(err error) string {
	if err == nil || userkit.KindOf(err) == userkit.Invalid {
		return "ok"
	}
	return err.Error()
}

func search(t *testing.T, s storage.Store, q string) []string {
	t.Helper()
	p, err := s.ListUsers(context.Background(), storage.UserFilter{Search: q}, userkit.PageRequest{Total: true})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	if p.Total != len(p.Items) {
		t.Fatalf("search %q: total %d for %d items", q, p.Total, len(p.Items))
	}
	var out []string
	for _, u := range p.Items {
		out = append(out, u.LoginName)
	}
	return out
}

func TestHostileStrings(t *testing.T) {
	t.Parallel()
	for _, tg := range sqltest.Targets {
		t.Run(tg.Name, func(t *testing.T) {
			t.Parallel()
			s := tg.Store(t)
			t.Run("NUL", func(t *testing.T) { testNUL(t, s) })
			t.Run("InvalidUTF8", func(t *testing.T) { testInvalidUTF8(t, s) })
			t.Run("LongInput", func(t *testing.T) { testLongInput(t, s) })
			t.Run("PatternsInLookups", func(t *testing.T) { testPatternsInLookups(t, s) })
		})
	}
}

// testNUL: PostgreSQL text cannot hold U+0000, so a name with one is
// Invalid there and a search for one matches nothing; SQLite and MySQL
// store it exactly, and a search finds it without stopping at the NUL.
func testNUL(t *testing.T, s *sqlstore.Store) {
	is := is.New(t)
	ctx := context.Background()
	u := user("nul")
	u.LastName = "ab\x00cd"
	err := s.CreateUser(ctx, &u)
	if s.Dialect().StrictText {
		is.Equal(userkit.KindOf(err), userkit.Invalid) // NUL is refused as Invalid
		is.Equal(len(search(t, s, "b\x00c")), 0)       // and a search for it matches nothing
		_, err = s.GetUserByEmail(ctx, "nul\x00@example.com")
		is.Equal(userkit.KindOf(err), userkit.NotFound) // nor does a lookup
		return
	}
	is.NoErr(err) // NUL is stored
	got, err := s.GetUser(ctx, u.ID)
	is.NoErr(err)                                     // GetUser
	is.Equal(got.LastName, u.LastName)                // NUL and what follows it round-trip
	is.Equal(search(t, s, "b\x00c"), []string{"nul"}) // search matches across the NUL
	is.Equal(len(search(t, s, "b\x00x")), 0)          // and does not stop at it
}

// testInvalidUTF8: bytes that are not UTF-8 are stored exactly or refused
// as Invalid.
func testInvalidUTF8(t *testing.T, s *sqlstore.Store) {
	is := is.New(t)
	ctx := context.Background()
	u := user("utf")
	u.FirstName = "bad\xff\xfe"
	err := s.CreateUser(ctx, &u)
	is.Equal(storedOrInvalid(err), "ok") // stored or Invalid
	if err == nil {
		got, err := s.GetUser(ctx, u.ID)
		is.NoErr(err)                        // GetUser
		is.Equal(got.FirstName, u.FirstName) // the bytes round-trip
	}
	is.Equal(len(search(t, s, "\xff")), map[bool]int{true: 1, false: 0}[err == nil]) // search is exact bytes
}

// testLongInput: a 10,000-character search, name and email.
func testLongInput(t *testing.T, s *sqlstore.Store) {
	is := is.New(t)
	ctx := context.Background()
	long := strings.Repeat("x😀'%_\\", 10000/6+1)[:10000]
	is.Equal(len(search(t, s, long)), 0) // a long search is fine and matches nothing

	u := user("long")
	u.FirstName = strings.Repeat("y", 10000) + "needle"
	is.NoErr(s.CreateUser(ctx, &u)) // a 10,000-character name is stored
	got, err := s.GetUser(ctx, u.ID)
	is.NoErr(err)                                      // GetUser
	is.Equal(got.FirstName, u.FirstName)               // intact
	is.Equal(search(t, s, "NEEDLE"), []string{"long"}) // found at its end, case-insensitively

	v := user("longmail")
	v.EmailNorm = strings.Repeat("e", 10000) + "@example.com"
	err = s.CreateUser(ctx, &v)
	is.Equal(storedOrInvalid(err), "ok") // an over-long unique key is stored or Invalid
	_, err = s.GetUserByEmail(ctx, strings.Repeat("e", 10001)+"@example.com")
	is.Equal(userkit.KindOf(err), userkit.NotFound) // a long lookup key is simply not found
}

// testPatternsInLookups: exact lookups and the login-name prefix take
// '%', '_' and '\' literally.
func testPatternsInLookups(t *testing.T, s *sqlstore.Store) {
	is := is.New(t)
	ctx := context.Background()
	for _, login := range []string{"p%q", "p_q", `p\q`, "pxq", "p'q", "P%Q"} {
		u := user(login)
		is.NoErr(s.CreateUser(ctx, &u)) // a login name with a pattern character
	}
	names, err := s.LoginNamesWithPrefix(ctx, "p%")
	is.NoErr(err)                    // prefix with '%'
	is.Equal(names, []string{"p%q"}) // '%' is literal and case matters
	names, err = s.LoginNamesWithPrefix(ctx, "p_")
	is.NoErr(err)                    // prefix with '_'
	is.Equal(names, []string{"p_q"}) // '_' is literal
	names, err = s.LoginNamesWithPrefix(ctx, "p")
	is.NoErr(err)                                                // a plain prefix
	is.Equal(names, []string{"p%q", "p'q", `p\q`, "p_q", "pxq"}) // in byte order
	_, err = s.GetUserByEmail(ctx, "p%@example.com")
	is.Equal(userkit.KindOf(err), userkit.NotFound) // '%' in an email lookup is no wildcard
	got, err := s.GetUserByEmail(ctx, "p%q@example.com")
	is.NoErr(err)                  // the exact email
	is.Equal(got.LoginName, "p%q") // finds its user

	for _, id := range []string{"r%", "r_", `r\`, "r'; DROP TABLE resources; --"} {
		r := storage.ResourceRecord{ID: id, Name: id, Kind: "k", Version: 1}
		is.NoErr(s.CreateResource(ctx, &r)) // a resource ID with hostile characters
		got, err := s.GetResource(ctx, id)
		is.NoErr(err)          // found by its exact ID
		is.Equal(got.Name, id) // intact
	}
	_, err = s.GetResource(ctx, "r")
	is.Equal(userkit.KindOf(err), userkit.NotFound) // no prefix or pattern match
	page, err := s.ListResources(ctx, userkit.PageRequest{After: "r%", Total: true})
	is.NoErr(err)           // keyset after a hostile ID
	is.Equal(page.Total, 4) // every resource is still there
	var ids []string
	for _, r := range page.Items {
		ids = append(ids, r.ID)
	}
	is.Equal(ids, []string{"r'; DROP TABLE resources; --", `r\`, "r_"}) // byte order after "r%"

	is.NoErr(s.PutSetting(ctx, "k'%_\\", "v'%_\\")) // a hostile setting
	v, err := s.GetSetting(ctx, "k'%_\\")
	is.NoErr(err)         // GetSetting
	is.Equal(v, "v'%_\\") // intact
	_, err = s.GetSetting(ctx, "k'%")
	is.Equal(userkit.KindOf(err), userkit.NotFound) // no pattern match
}
