package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlite"
	"github.com/userkit/userkit/storage/sqlstore"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
)

// The conformance suite checks what search finds; these tests check the
// FTS5 trigram index behind it on SQLite: that terms of three or more
// characters go through it, that it follows inserts, updates and deletes,
// and that FTS5 query syntax in a term is plain text.

func newUser(t *testing.T, s *sqlstore.Store, login, first, last, email string) storage.UserRecord {
	t.Helper()
	u := storage.UserRecord{ID: uuid.Must(uuid.NewV7()), Email: email, EmailNorm: strings.ToLower(email),
		FirstName: first, LastName: last, LoginName: login, Status: "active", Version: 1}
	if err := s.CreateUser(context.Background(), &u); err != nil {
		t.Fatalf("create %s: %v", login, err)
	}
	return u
}

func logins(t *testing.T, s *sqlstore.Store, q string) []string {
	t.Helper()
	p, err := s.ListUsers(context.Background(), storage.UserFilter{Search: q}, userkit.PageRequest{Total: true})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	if p.Total != len(p.Items) {
		t.Fatalf("search %q: total %d for %d items", q, p.Total, len(p.Items))
	}
	out := []string{}
	for _, u := range p.Items {
		out = append(out, u.LoginName)
	}
	return out
}

func TestSearchIndexFollowsWrites(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	ctx := context.Background()
	s := sqltest.SQLiteTarget.Store(t)
	mona := newUser(t, s, "mona", "Mona", "Benson", "mona@example.com")
	newUser(t, s, "carl", "Carl", "Bensonite", "carl@example.org")

	is.Equal(logins(t, s, "BENSON"), []string{"mona", "carl"}) // found through the index, case-insensitively
	is.Equal(logins(t, s, "le.or"), []string{"carl"})          // across the dot of an email

	mona.LastName, mona.Version = "Lovelace", 2
	is.NoErr(s.UpdateUser(ctx, mona, 1))                 // rename
	is.Equal(logins(t, s, "benson"), []string{"carl"})   // the old name is gone from the index
	is.Equal(logins(t, s, "lovelace"), []string{"mona"}) // and the new one is in it
	mona.FailedLogins, mona.Version = 3, 3
	is.NoErr(s.UpdateUser(ctx, mona, 2))                 // an update of other columns
	is.Equal(logins(t, s, "lovelace"), []string{"mona"}) // leaves the entry alone

	is.NoErr(s.DeleteUser(ctx, mona.ID))                     // delete
	is.Equal(logins(t, s, "lovelace"), []string{})           // gone from the index
	is.Equal(logins(t, s, "mona@"), []string{})              // email too
	is.Equal(logins(t, s, "carl@example"), []string{"carl"}) // the other user stays
}

// TestSearchIndexQuerySyntaxIsText: FTS5 operators, column filters,
// prefixes and quotes in a search term match only themselves.
func TestSearchIndexQuerySyntaxIsText(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := sqltest.SQLiteTarget.Store(t)
	names := []string{`say "hi"`, `a AND b`, `x OR y`, `NOT me`, `pre*`, `first_name_norm:abc`, `NEAR(a b)`, `^start`, `{a b}: c`, `o'neil`, `50% _off_ \x`}
	for i, n := range names {
		newUser(t, s, "u"+string(rune('a'+i)), n, "Plain", "u"+string(rune('a'+i))+"@example.com")
	}
	for i, n := range names {
		is.Equal(logins(t, s, n), []string{"u" + string(rune('a'+i))}) // each hostile name finds exactly its user
	}
	is.Equal(logins(t, s, `"hi`), []string{"ua"})       // an unbalanced quote
	is.Equal(logins(t, s, `"`), []string{"ua"})         // a lone quote (too short for the index)
	is.Equal(logins(t, s, `""`), []string{})            // two quotes are two quotes
	is.Equal(logins(t, s, "pre"), []string{"ue"})       // no prefix operator
	is.Equal(logins(t, s, "a b"), []string{"ug", "ui"}) // a space is a character
	is.Equal(logins(t, s, "AND"), []string{"ub"})       // an operator word is a word
	is.Equal(logins(t, s, "zzz OR plain"), []string{})  // and never an operator
}

// TestSearchIndexChoosesPlan: a term of three or more characters with
// few matches is narrowed to the rows the index lists; a shorter term,
// text FTS5 cannot take, and a term with more matches than the list holds
// are left to the scan, which finds the same users.
func TestSearchIndexChoosesPlan(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	ctx := context.Background()
	s := sqltest.SQLiteTarget.Store(t)
	ben := newUser(t, s, "ben", "Ben", "Benson", "ben@example.com")
	q := s.DB()

	cond, args, err := sqlite.Dialect.SearchIndex(ctx, q, "benson")
	is.NoErr(err)                                        // a rare term
	is.True(strings.Contains(cond, "json_each"))         // is narrowed to a list
	is.Equal(args, []any{fmt.Sprint("[", ben.Num, "]")}) // of its matches' nums
	for _, term := range []string{"be", "a\x00bc", "ab\xff"} {
		cond, _, err := sqlite.Dialect.SearchIndex(ctx, q, term)
		is.NoErr(err)      // a term the index cannot serve
		is.Equal(cond, "") // is left to the scan
	}
	cond, _, err = sqlite.Dialect.SearchIndex(ctx, q, "zzz")
	is.NoErr(err)                                // no match at all
	is.True(strings.Contains(cond, "json_each")) // is an empty list, not a scan

	const many = 2001 // one more than the list holds
	is.NoErr(s.InTx(ctx, func(tx storage.Store) error {
		for i := range many {
			u := storage.UserRecord{ID: uuid.Must(uuid.NewV7()), Email: fmt.Sprint("c", i, "@common.test"), EmailNorm: fmt.Sprint("c", i, "@common.test"),
				FirstName: "Com", LastName: "Mon", LoginName: fmt.Sprint("c", i), Status: "active", Version: 1}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
		}
		return nil
	})) // many users share a term
	cond, _, err = sqlite.Dialect.SearchIndex(ctx, q, "common.test")
	is.NoErr(err)      // a common term
	is.Equal(cond, "") // is left to the id-order scan
	p, err := s.ListUsers(ctx, storage.UserFilter{Search: "COMMON.TEST"}, userkit.PageRequest{Limit: 5, Total: true})
	is.NoErr(err)                        // and searching for it
	is.Equal(p.Total, many)              // counts every match
	is.Equal(p.Items[0].LoginName, "c0") // in id order
}

// TestSearchEmailTail: a term with an '@' and at least six bytes before it
// takes its candidates from the email tail index (and the partial index
// of users it cannot speak for), never from FTS5, and finds every match,
// including in addresses PostgreSQL could not store: a NUL or invalid
// UTF-8 before the local part the term holds.
func TestSearchEmailTail(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	ctx := context.Background()
	s := sqltest.SQLiteTarget.Store(t)
	q := s.DB()

	rows, err := q.QueryContext(ctx, "EXPLAIN QUERY PLAN "+sqlite.TailQuery, []byte("nalund@x.com"), []byte("nalund@x.con"))
	is.NoErr(err)
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		is.NoErr(rows.Scan(&id, &parent, &unused, &detail))
		plan = append(plan, detail)
	}
	is.NoErr(rows.Err())
	is.NoErr(rows.Close())
	joined := strings.Join(plan, "\n")
	is.True(strings.Contains(joined, "SEARCH users USING COVERING INDEX users_email_tail_idx (<expr>>? AND <expr><?)")) // a range of the tail index
	is.True(strings.Contains(joined, "SCAN users USING INDEX users_search_at_idx"))                                     // and the partial index

	anna := newUser(t, s, "anna", "Anna", "Lund", "annalund@x.com")
	odd := newUser(t, s, "odd", "Z@Z", "Odd", "odd@x.com")
	newUser(t, s, "other", "Other", "Lund", "otherlund@x.com")
	cond, args, err := sqlite.Dialect.SearchIndex(ctx, q, "annalund@x.com")
	is.NoErr(err)                                                         // a whole address
	is.Equal(cond, "u.num IN ("+sqlite.TailQuery+")")                     // is narrowed by the tail index
	is.Equal(args, []any{[]byte("nalund@x.com"), []byte("nalund@x.con")}) // to the range of its last six bytes before the '@' and its domain
	var nums []int64
	rows, err = q.QueryContext(ctx, "SELECT num FROM users u WHERE "+cond, args...)
	is.NoErr(err)
	for rows.Next() {
		var n int64
		is.NoErr(rows.Scan(&n))
		nums = append(nums, n)
	}
	is.NoErr(rows.Err())
	is.NoErr(rows.Close())
	is.Equal(nums, []int64{anna.Num, odd.Num}) // its candidates: that user, and the one with an '@' in a name, which FTS5 would not list

	nul := newUser(t, s, "nul", "Nul", "Byte", "a\x00annalund@x.com")
	bad := newUser(t, s, "bad", "Bad", "Bytes", "\x80\xffannalund@x.com")
	two := newUser(t, s, "two", "Two", "At", "b@annalund@x.com")
	newUser(t, s, "short", "Short", "Local", "lund@x.com")
	is.Equal(logins(t, s, "ANNALUND@x.com"), []string{anna.LoginName, nul.LoginName, bad.LoginName, two.LoginName}) // every address that holds it
	is.Equal(logins(t, s, "lund@x.com"), []string{"anna", "other", "nul", "bad", "two", "short"})                   // a short local part goes to FTS5, same answer
	is.Equal(logins(t, s, "z@z"), []string{"odd"})                                                                  // the name with an '@'
}

// FuzzSearchTerm: whatever the term, SQLite's search (the email tail
// index, FTS5 or the scan, as the term's shape chooses) finds exactly
// the users whose lower-cased first name, last name or email contains
// the lower-cased term, alone and within a partner, with the exact total.
func FuzzSearchTerm(f *testing.F) {
	ctx := context.Background()
	s := sqltest.SQLiteTarget.Store(f)
	type person struct{ first, last, email string }
	people := []person{
		{"Anna", "Lund", "annalund@x.com"},
		{"Jo", "Anna", "joannalund@x.com"},
		{"Anna", "Au", "annalund@x.com.au"},
		{"AnnaLund@X.com", "Name", "name1@y.org"},
		{"Two", "At", "q@joannalund@x.com"},
		{"Z@Z", "Odd", "odd@x.com"},
		{"Split", "Rune", "日éé@x.jp"},
		{"Pre", "Split", "a日éé@x.jp"},
		{"Al", "Short", "al@x.com"},
		{"Mona", "Nordvik", "mona.nordvik1234@example.com"},
	}
	var users []storage.UserRecord
	partner := storage.PartnerRecord{ID: uuid.Must(uuid.NewV7()), Name: "P", Version: 1}
	if err := s.CreatePartner(ctx, &partner); err != nil {
		f.Fatal(err)
	}
	for i, p := range people {
		u := storage.UserRecord{ID: uuid.Must(uuid.NewV7()), Email: p.email, EmailNorm: strings.ToLower(p.email),
			FirstName: p.first, LastName: p.last, LoginName: fmt.Sprint("u", i), Status: "active", Version: 1}
		if err := s.CreateUser(ctx, &u); err != nil {
			f.Fatal(err)
		}
		if i%2 == 0 {
			if err := s.AddPartnerMember(ctx, storage.PartnerMemberRecord{PartnerID: partner.ID, UserID: u.ID}); err != nil {
				f.Fatal(err)
			}
		}
		users = append(users, u)
	}
	for _, term := range []string{"annalund@x.com", "ANNALUND@x.COM", "nalund@x.com", "q@joannalund@x.com", "z@z", "日éé@x.jp", "éé@x", "nordvik", "@", "al@"} {
		f.Add(term)
	}
	f.Fuzz(func(t *testing.T, term string) {
		q := strings.ToLower(term)
		for _, inPartner := range []bool{false, true} {
			want := []string{}
			for i, u := range users {
				if inPartner && i%2 != 0 {
					continue
				}
				if strings.Contains(strings.ToLower(u.FirstName), q) || strings.Contains(strings.ToLower(u.LastName), q) || strings.Contains(u.EmailNorm, q) {
					want = append(want, u.LoginName)
				}
			}
			filter := storage.UserFilter{Search: term}
			if inPartner {
				filter.PartnerID = partner.ID
			}
			p, err := s.ListUsers(ctx, filter, userkit.PageRequest{Limit: 100, Total: true})
			if err != nil {
				t.Fatalf("search %q: %v", term, err)
			}
			got := []string{}
			for _, u := range p.Items {
				got = append(got, u.LoginName)
			}
			if strings.Join(got, ",") != strings.Join(want, ",") || p.Total != len(want) {
				t.Fatalf("search %q (partner %v): %v, total %d; want %v", term, inPartner, got, p.Total, want)
			}
		}
	})
}
