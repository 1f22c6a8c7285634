package storagetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// testUserListSearchIndexed checks search against its definition on data
// made to fool an index: a user matches when the lower-cased first name,
// last name or email contains the lower-cased term. Other users hold the
// term's trigrams (in other columns, in another order, around the '@'),
// and terms hold '%', '_', '\', quotes, upper case and non-ASCII letters.
// A store that narrows search with an index (SQLite's FTS5 trigrams, a
// few distinctive trigrams of the term, PostgreSQL's pg_trgm, an email's
// local part) must answer exactly as the plain substring scan does, on
// its own and within a partner, page by page and in the total.
func testUserListSearchIndexed(t *testing.T, s storage.Store) {
	people := []searchPerson{
		{"Anna", "Lund", "anna.lund12345@example.com"},
		{"Anna", "Lund", "anna.lund1234@example.com"},   // a prefix of the term's local part
		{"Anna", "Lund", "anna.lund123456@example.com"}, // holds the term's local part
		{"123x", "x345", "c@example.com"},               // the term's digit trigrams, split over columns
		{"Lars", "45@e", "ll2345@example.org"},          // trigrams around the '@'
		{"x@example.com", "Zed", "zed@other.test"},      // an address in a first name
		{"Perc", "Ent", "a%b@example.com"},
		{"Under", "Score", "a_b@example.com"},
		{"Back", "Slash", `a\b@example.com`},
		{"Axb", "Plain", "axb@example.com"}, // what '_' would match as a pattern
		{"ÉLODIE", "ÜBER", "élodie.über@exämple.com"},
		{"Zoë", "Øre", "zoë.øre@example.com"},
		{"O'Brien", `Say "Hi"`, "obrien@example.com"},
		{"Anna", "Lund12345", "al@example.net"}, // the digits in a last name
	}
	terms := []string{
		"anna.lund12345@example.com", "ANNA.LUND12345@EXAMPLE.COM", "anna.lund1234@example.com", "lund12345",
		"12345", "12345@", "2345@example.org", "45@e", "x@example.com", "@example.com", "example",
		"a%b@example.com", "a%b", "%b@", "a_b@example.com", "a_b", `a\b@example.com`, `\b@`,
		"élodie.über@exämple.com", "ÉLODIE.ÜBER@EXÄMPLE.COM", "über", "ÜBER@", "zoë.øre", "øre@example.com",
		"o'brien", `say "hi"`, "@", "nobody@example.com", "anna lund",
	}
	checkSearches(t, s, people, terms)
}

// testUserListSearchEmail checks search for whole and partial email
// addresses against its definition, on the cases an index of addresses
// could get wrong: an address that is a substring of another one (at
// either end, or across a second '@'), the address in a name, upper
// case, the same local part at another domain, a local part whose last
// bytes cut a character, and local parts shorter and longer than the
// part an index keeps.
func testUserListSearchEmail(t *testing.T, s storage.Store) {
	people := []searchPerson{
		{"Anna", "Lund", "annalund@x.com"},
		{"Jo", "Anna", "joannalund@x.com"},         // holds annalund@x.com after a prefix
		{"Anna", "Au", "annalund@x.com.au"},        // holds annalund@x.com before a suffix
		{"Anna", "Org", "annalund@x.org"},          // the same local part at another domain
		{"AnnaLund@X.com", "Name", "name1@y.org"},  // the address in a first name
		{"Last", "see annalund@x.com!", "l@y.org"}, // and in a last name
		{"Two", "At", "q@joannalund@x.com"},        // a second '@' in the address
		{"Z@Z", "Odd", "odd@x.com"},                // an '@' in a name, nothing else
		{"Up", "Case", "ANNALUND@X.COM.NZ"},        // stored upper case, kept lower case in EmailNorm
		{"Ann", "Alund", "ann.alund@x.com"},        // the same letters, split by a dot
		{"Jürgen", "Müller", "jürgen.müller@x.de"},
		{"Split", "Rune", "日éé@x.jp"}, // six bytes before the '@' start inside 日
		{"Pre", "Split", "a日éé@x.jp"}, // holds it
		{"Al", "Short", "al@x.com"},
	}
	terms := []string{
		"annalund@x.com", "ANNALUND@X.COM", "AnnaLund@X.Com", "joannalund@x.com", "annalund@x.com.au",
		"annalund@x.", "annalund@", "nalund@x.com", "alund@x.com", "q@joannalund@x.com", "joannalund@",
		"see annalund@x.com!", "z@z", "ann.alund@x.com", "JÜRGEN.MÜLLER@X.DE", "üller@x.de",
		"日éé@x.jp", "日ÉÉ@X", "éé@x.jp", "al@x.com", "nobody1@x.com", "annalund@x.com.au.nz",
	}
	checkSearches(t, s, people, terms)
}

// searchPerson is one user of a search test.
type searchPerson struct{ first, last, email string }

// checkSearches stores people (every other one a member of a partner)
// and checks each term against the definition of search: a user matches
// when the lower-cased first name, last name or email contains the
// lower-cased term. It checks alone and within the partner, the first
// page with its total, every keyset page of one, and numbered pages with
// their total (the second, and one past the end).
func checkSearches(t *testing.T, s storage.Store, people []searchPerson, terms []string) {
	is := is.New(t)
	ctx := t.Context()
	pa := createPartner(t, s, 1)
	var users []storage.UserRecord
	for i, p := range people {
		u := newUser(500 + i)
		u.FirstName, u.LastName, u.Email, u.EmailNorm = p.first, p.last, p.email, strings.ToLower(p.email)
		is.NoErr(s.CreateUser(ctx, &u)) // an adversarial user
		if i%2 == 0 {
			join(t, s, pa.ID, u.ID)
		}
		users = append(users, u)
	}
	member := func(u storage.UserRecord) bool {
		i := slices.IndexFunc(users, func(v storage.UserRecord) bool { return v.ID == u.ID })
		return i%2 == 0
	}
	want := func(term string, partner bool) []uuid.UUID {
		q := strings.ToLower(term)
		out := []uuid.UUID{}
		for _, u := range users {
			if partner && !member(u) {
				continue
			}
			if strings.Contains(strings.ToLower(u.FirstName), q) || strings.Contains(strings.ToLower(u.LastName), q) ||
				strings.Contains(u.EmailNorm, q) {
				out = append(out, u.ID)
			}
		}
		slices.SortFunc(out, cmpUUID)
		return out
	}
	for _, term := range terms {
		for _, partner := range []bool{false, true} {
			f := storage.UserFilter{Search: term}
			if partner {
				f.PartnerID = pa.ID
			}
			exp := want(term, partner)
			p, err := s.ListUsers(ctx, f, userkit.PageRequest{Total: true})
			is.NoErr(err)                       // search
			is.Equal(ids(p.Items, userID), exp) // the same users as the substring definition, by id
			is.Equal(p.Total, len(exp))         // the total counts them
			got := []uuid.UUID{}
			after := ""
			for range len(users) + 1 {
				p, err := s.ListUsers(ctx, f, userkit.PageRequest{Limit: 1, After: after})
				is.NoErr(err) // keyset page of a search
				got = append(got, ids(p.Items, userID)...)
				if after = p.Next; after == "" {
					break
				}
			}
			is.Equal(got, exp) // keyset pages hold the same users in id order
			for _, page := range []int{2, len(exp) + 2} {
				p, err := s.ListUsers(ctx, f, userkit.PageRequest{Page: page, Limit: 1, Total: true})
				is.NoErr(err)                                                                  // numbered page of a search
				is.Equal(p.Total, len(exp))                                                    // counts every match, on a page past the end too
				is.Equal(ids(p.Items, userID), exp[min(page-1, len(exp)):min(page, len(exp))]) // and holds the page's user
			}
		}
	}
}
