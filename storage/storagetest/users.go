package storagetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

var userTests = []test{
	{"UserRoundTrip", testUserRoundTrip},
	{"UserOptionalTimesNil", testUserOptionalTimesNil},
	{"UserErrors", testUserErrors},
	{"UserEmailUniqueCaseInsensitive", testUserEmailUnique},
	{"UserLock", testUserLock},
	{"UserManagedUnsetIsAll", testUserManagedUnset},
	{"UserRecordsAreCopies", testUserCopies},
	{"UserListKeyset", testUserListKeyset},
	{"UserListNumbered", testUserListNumbered},
	{"UserListSearch", testUserListSearch},
	{"UserListHostileSearch", testUserListHostileSearch},
	{"UserListSearchIndexed", testUserListSearchIndexed},
	{"UserListSearchEmail", testUserListSearchEmail},
	{"UserListPartnerIsolation", testUserListPartnerIsolation},
	{"UserListPortalFilter", testUserListPortalFilter},
	{"LoginNamesWithPrefix", testLoginNamesWithPrefix},
	{"LoginNamesWithPrefixes", testLoginNamesWithPrefixes},
	{"CreateUsers", testCreateUsers},
	{"CreateUsersAllOrNothing", testCreateUsersAllOrNothing},
	{"EmptyLists", testEmptyLists},
}

// fullUser is user n with every field set.
func fullUser(n int) storage.UserRecord {
	u := newUser(n)
	u.Role = "admin"
	u.Provider = "local"
	u.Timezone = "Europe/Vienna"
	u.City = "Wien"
	u.Country = "AT"
	u.Department = "Sales"
	u.PhoneLand = "+43 1 234"
	u.PhoneMobile = "+43 664 123"
	u.DateOfBirth = ptr(time.Date(1990, 4, 5, 0, 0, 0, 0, time.UTC))
	u.MustResetPassword = true
	u.PasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"
	u.FailedLogins = 2
	u.LastLoginAt = ptr(u.CreatedAt.Add(-time.Hour))
	u.TokenVersion = 3
	u.APITokenCreatedAt = ptr(u.CreatedAt.Add(-2 * time.Hour))
	u.ManagedKind, u.ManagedID = storage.ScopePartner, newID() // no foreign key: kept as given
	return u
}

func testUserRoundTrip(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()

	u := fullUser(1)
	is.NoErr(s.CreateUser(ctx, &u)) // create a user with every field set
	// A fresh store numbers from 1, like an identity column.
	is.Equal(u.Num, int64(1)) // first user gets Num 1
	u2 := createUser(t, s, 2)
	is.Equal(u2.Num, int64(2)) // second user gets Num 2

	got, err := s.GetUser(ctx, u.ID)
	is.NoErr(err)              // GetUser
	is.Equal(diff(u, got), "") // GetUser returns what was stored
	got, err = s.GetUserByNum(ctx, u.Num)
	is.NoErr(err)              // GetUserByNum
	is.Equal(diff(u, got), "") // GetUserByNum returns the user
	got, err = s.GetUserByEmail(ctx, u.EmailNorm)
	is.NoErr(err)              // GetUserByEmail
	is.Equal(diff(u, got), "") // GetUserByEmail returns the user

	// Change every writable field.
	upd := fullUser(3)
	upd.ID, upd.Num, upd.CreatedAt = u.ID, u.Num, u.CreatedAt
	upd.Status = "suspended"
	upd.MustResetPassword = false
	upd.UpdatedAt = u.UpdatedAt.Add(time.Minute)
	upd.Version = 2
	is.NoErr(s.UpdateUser(ctx, upd, 1)) // update at the current version
	got, err = s.GetUser(ctx, u.ID)
	is.NoErr(err)                // GetUser after update
	is.Equal(diff(upd, got), "") // update wrote the whole record
	_, err = s.GetUserByEmail(ctx, u.EmailNorm)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // the old email no longer finds the user
	got, err = s.GetUserByEmail(ctx, upd.EmailNorm)
	is.NoErr(err)            // the new email finds the user
	is.Equal(got.ID, upd.ID) // found by new email

	is.NoErr(s.DeleteUser(ctx, u.ID)) // delete
	_, err = s.GetUser(ctx, u.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // deleted user is gone
	_, err = s.GetUserByNum(ctx, u.Num)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // gone by Num too
	_, err = s.GetUserByEmail(ctx, upd.EmailNorm)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // gone by email too
	got, err = s.GetUser(ctx, u2.ID)
	is.NoErr(err)               // the other user is untouched
	is.Equal(diff(u2, got), "") // other user unchanged

	// The freed email and login name can be used again.
	again := newUser(3)
	is.NoErr(s.CreateUser(ctx, &again)) // email and login of a deleted user are free
	// Nums are never reused, as with an identity column.
	is.True(again.Num > u2.Num) // a new Num after the deleted one
}

func testUserOptionalTimesNil(t *testing.T, s storage.Store) {
	is := is.New(t)
	u := newUser(1)                         // DateOfBirth, LastLoginAt, APITokenCreatedAt nil
	is.NoErr(s.CreateUser(t.Context(), &u)) // create with unset optional times
	got, err := s.GetUser(t.Context(), u.ID)
	is.NoErr(err)                        // GetUser
	is.Equal(got.DateOfBirth, nil)       // unset DateOfBirth reads back nil
	is.Equal(got.LastLoginAt, nil)       // unset LastLoginAt reads back nil
	is.Equal(got.APITokenCreatedAt, nil) // unset APITokenCreatedAt reads back nil
	is.Equal(diff(u, got), "")           // the rest round-trips

	// Set, then unset again.
	set := got
	set.LastLoginAt = ptr(now())
	set.Version = 2
	is.NoErr(s.UpdateUser(t.Context(), set, 1)) // set LastLoginAt
	got, err = s.GetUser(t.Context(), u.ID)
	is.NoErr(err)                // GetUser
	is.Equal(diff(set, got), "") // LastLoginAt set
	set.LastLoginAt = nil
	set.Version = 3
	is.NoErr(s.UpdateUser(t.Context(), set, 2)) // clear LastLoginAt
	got, err = s.GetUser(t.Context(), u.ID)
	is.NoErr(err)                  // GetUser
	is.Equal(got.LastLoginAt, nil) // cleared time reads back nil
}

func testUserErrors(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	u := createUser(t, s, 1)
	other := createUser(t, s, 2)

	_, err := s.GetUser(ctx, newID())
	is.Equal(match(err, userkit.ErrNotFound), "ok") // GetUser of a missing ID
	_, err = s.GetUserByNum(ctx, 999)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // GetUserByNum of a missing Num
	_, err = s.GetUserByEmail(ctx, "nobody@example.com")
	is.Equal(match(err, userkit.ErrNotFound), "ok")                        // GetUserByEmail of a missing email
	is.Equal(match(s.DeleteUser(ctx, newID()), userkit.ErrNotFound), "ok") // DeleteUser of a missing ID
	missing := newUser(9)
	is.Equal(match(s.UpdateUser(ctx, missing, 1), userkit.ErrNotFound), "ok") // UpdateUser of a missing ID is NotFound, not PreconditionFailed

	dup := newUser(3)
	dup.ID = u.ID
	is.Equal(conflictOn(s.CreateUser(ctx, &dup), "ID"), "ok") // same ID
	dup = newUser(3)
	dup.EmailNorm = u.EmailNorm
	is.Equal(conflictOn(s.CreateUser(ctx, &dup), "EmailNorm"), "ok") // same EmailNorm
	dup = newUser(3)
	dup.LoginName = u.LoginName
	is.Equal(conflictOn(s.CreateUser(ctx, &dup), "LoginName"), "ok") // same LoginName
	page, err := s.ListUsers(ctx, storage.UserFilter{}, userkit.PageRequest{Total: true})
	is.NoErr(err)           // ListUsers
	is.Equal(page.Total, 2) // failed creates stored nothing

	// Updates: a clash or a stale version changes nothing.
	clash := u
	clash.EmailNorm = other.EmailNorm
	clash.FirstName = "Changed"
	clash.Version = 2
	is.Equal(conflictOn(s.UpdateUser(ctx, clash, 1), "EmailNorm"), "ok") // update onto another user's EmailNorm
	clash = u
	clash.LoginName = other.LoginName
	clash.FirstName = "Changed"
	clash.Version = 2
	is.Equal(conflictOn(s.UpdateUser(ctx, clash, 1), "LoginName"), "ok") // update onto another user's LoginName
	stale := u
	stale.FirstName = "Changed"
	stale.Version = 6
	is.Equal(match(s.UpdateUser(ctx, stale, 5), userkit.ErrPreconditionFailed), "ok") // update at a stale version
	got, err := s.GetUser(ctx, u.ID)
	is.NoErr(err)              // GetUser
	is.Equal(diff(u, got), "") // failed updates changed nothing
}

// testUserLock: LockUser finds an existing user, inside a transaction and
// out of one, and is NotFound for a missing one (the concurrency it
// provides is exercised by internal/servicetest).
func testUserLock(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := context.Background()
	u := newUser(1)
	is.NoErr(s.CreateUser(ctx, &u))                                                       // user stored
	is.NoErr(s.LockUser(ctx, u.ID))                                                       // an existing user outside a transaction
	is.NoErr(s.InTx(ctx, func(tx storage.Store) error { return tx.LockUser(ctx, u.ID) })) // and inside one
	err := s.InTx(ctx, func(tx storage.Store) error { return tx.LockUser(ctx, uuid.Must(uuid.NewV7())) })
	is.True(errors.Is(err, userkit.ErrNotFound)) // a missing user is NotFound
}

func testUserEmailUnique(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	// The service lower-cases EmailNorm; the store must enforce its
	// uniqueness whatever the case of Email.
	a := newUser(1)
	a.Email, a.EmailNorm = "Mona.Benson@Example.com", "mona.benson@example.com"
	is.NoErr(s.CreateUser(ctx, &a)) // first
	b := newUser(2)
	b.Email, b.EmailNorm = "MONA.BENSON@EXAMPLE.COM", "mona.benson@example.com"
	is.Equal(conflictOn(s.CreateUser(ctx, &b), "EmailNorm"), "ok") // same address in other case
	got, err := s.GetUserByEmail(ctx, "mona.benson@example.com")
	is.NoErr(err)                                  // found by EmailNorm
	is.Equal(got.Email, "Mona.Benson@Example.com") // Email keeps the case it was entered in

	// EmailNorm compares exactly, never through an accent- or
	// case-folding collation: "rené" and "rene" are different addresses.
	c := newUser(3)
	c.Email, c.EmailNorm = "rene@example.com", "rene@example.com"
	is.NoErr(s.CreateUser(ctx, &c)) // rene
	d := newUser(4)
	d.Email, d.EmailNorm = "rené@example.com", "rené@example.com"
	is.NoErr(s.CreateUser(ctx, &d)) // rené is another address
	got, err = s.GetUserByEmail(ctx, "rené@example.com")
	is.NoErr(err)          // GetUserByEmail with an accent
	is.Equal(got.ID, d.ID) // the accented address finds its own user
}

func testUserCopies(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	u := fullUser(1)
	is.NoErr(s.CreateUser(ctx, &u)) // create
	// want keeps its own copies of every optional time, so that changing
	// u's or got's cannot change what the assertions compare against.
	want := u
	want.DateOfBirth = ptr(*u.DateOfBirth)
	want.LastLoginAt = ptr(*u.LastLoginAt)
	want.APITokenCreatedAt = ptr(*u.APITokenCreatedAt)
	*u.DateOfBirth = u.DateOfBirth.AddDate(1, 0, 0)           // the caller reuses its values
	*u.LastLoginAt = u.LastLoginAt.Add(time.Hour)             //
	*u.APITokenCreatedAt = u.APITokenCreatedAt.Add(time.Hour) //
	got, err := s.GetUser(ctx, u.ID)
	is.NoErr(err)                                                 // GetUser
	is.True(got.DateOfBirth.Equal(*want.DateOfBirth))             // changing the created record does not change the store
	is.True(got.LastLoginAt.Equal(*want.LastLoginAt))             // for any optional time
	is.True(got.APITokenCreatedAt.Equal(*want.APITokenCreatedAt)) //
	*got.LastLoginAt = got.LastLoginAt.Add(time.Hour)             // the caller changes what it read
	*got.APITokenCreatedAt = got.APITokenCreatedAt.Add(time.Hour) //
	again, err := s.GetUser(ctx, u.ID)
	is.NoErr(err)                                                   // GetUser
	is.True(again.LastLoginAt.Equal(*want.LastLoginAt))             // changing a read record does not change the store
	is.True(again.APITokenCreatedAt.Equal(*want.APITokenCreatedAt)) //
}

func testUserListKeyset(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	var all []storage.UserRecord
	for i := range 7 {
		all = append(all, createUser(t, s, i))
	}
	first, err := s.ListUsers(ctx, storage.UserFilter{}, userkit.PageRequest{Limit: 3})
	is.NoErr(err)                                    // first page
	is.Equal(first.Total, -1)                        // Total is -1 when not asked for
	is.Equal(len(first.Items), 3)                    // a full first page
	is.Equal(first.Next, first.Items[2].ID.String()) // Next is the last ID of the page

	// Insert between pages: keyset paging must neither skip nor repeat.
	seen := ids(first.Items, userID)
	after := first.Next
	inserted := 0
	for after != "" {
		all = append(all, createUser(t, s, 100+inserted))
		inserted++
		p, err := s.ListUsers(ctx, storage.UserFilter{}, userkit.PageRequest{Limit: 3, After: after})
		is.NoErr(err)                             // next page
		is.True(len(p.Items) > 0 || p.Next == "") // a page with a cursor has items
		seen = append(seen, ids(p.Items, userID)...)
		after = p.Next
		is.True(inserted < 20) // paging ends
	}
	is.Equal(seen, ids(all, userID)) // every user once, in ID order, including those inserted meanwhile

	last, err := s.ListUsers(ctx, storage.UserFilter{}, userkit.PageRequest{Limit: 100, After: all[len(all)-2].ID.String()})
	is.NoErr(err)                                                    // page after the second-to-last user
	is.Equal(ids(last.Items, userID), ids(all[len(all)-1:], userID)) // only the last user follows
	is.Equal(last.Next, "")                                          // no Next on the last page

	exact, err := s.ListUsers(ctx, storage.UserFilter{}, userkit.PageRequest{Limit: len(all)})
	is.NoErr(err)            // a page exactly as long as the list
	is.Equal(exact.Next, "") // no Next when nothing follows, even when the page is full

	// Decision: a cursor that is not an ID is Invalid, as a SQL adapter's
	// parse of the cursor would report it, rather than an empty page.
	_, err = s.ListUsers(ctx, storage.UserFilter{}, userkit.PageRequest{After: "not-a-cursor"})
	is.Equal(match(err, userkit.ErrInvalid), "ok") // malformed cursor
}

func testUserListNumbered(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	var all []storage.UserRecord
	for i := range 7 {
		all = append(all, createUser(t, s, i))
	}
	var seen []storage.UserRecord
	for n, want := range []int{3, 3, 1, 0} {
		p, err := s.ListUsers(ctx, storage.UserFilter{}, userkit.PageRequest{Limit: 3, Page: n + 1, Total: true})
		is.NoErr(err)                 // numbered page
		is.Equal(p.Total, 7)          // Total counts every user on every page
		is.Equal(len(p.Items), want)  // page size
		is.Equal(p.Next != "", n < 2) // Next only when more items follow
		seen = append(seen, p.Items...)
	}
	is.Equal(ids(seen, userID), ids(all, userID)) // pages cover the list in ID order
	// Page wins over After.
	p, err := s.ListUsers(ctx, storage.UserFilter{}, userkit.PageRequest{Limit: 3, Page: 2, After: all[5].ID.String()})
	is.NoErr(err)                                         // page 2 with an After
	is.Equal(ids(p.Items, userID), ids(all[3:6], userID)) // After is ignored when Page is set
	is.Equal(p.Total, -1)                                 // Total is -1 when not asked for
}

func testUserListSearch(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	mk := func(n int, first, last, email, status string) storage.UserRecord {
		u := newUser(n)
		u.FirstName, u.LastName, u.Email, u.EmailNorm, u.Status = first, last, email, email, status
		u.City = "Zzcity"
		is.NoErr(s.CreateUser(ctx, &u)) // create
		return u
	}
	mona := mk(1, "Mona", "Benson", "mona@example.com", "active")
	carl := mk(2, "Carl", "MONAHAN", "carl@example.com", "suspended")
	eve := mk(3, "Eve", "Adams", "eve.monaco@example.org", "active")
	mk(4, "Bob", "Smith", "bob@example.com", "active")

	// Case-insensitivity is checked with ASCII only: SQLite's lower() folds
	// nothing else, and the service's own users rarely differ in case.
	search := func(f storage.UserFilter) []storage.UserRecord {
		p, err := s.ListUsers(ctx, f, userkit.PageRequest{Total: true})
		is.NoErr(err)                   // ListUsers
		is.Equal(p.Total, len(p.Items)) // Total counts the matches
		return p.Items
	}
	is.Equal(ids(search(storage.UserFilter{Search: "mOnA"}), userID), ids([]storage.UserRecord{mona, carl, eve}, userID))             // case-insensitive in first name, last name and email
	is.Equal(ids(search(storage.UserFilter{Search: "benson"}), userID), ids([]storage.UserRecord{mona}, userID))                      // last name
	is.Equal(ids(search(storage.UserFilter{Search: "EXAMPLE.ORG"}), userID), ids([]storage.UserRecord{eve}, userID))                  // email
	is.Equal(len(search(storage.UserFilter{Search: "zzcity"})), 0)                                                                    // other fields are not searched
	is.Equal(len(search(storage.UserFilter{Search: "nobody"})), 0)                                                                    // no match
	is.Equal(ids(search(storage.UserFilter{Search: "mona", Status: "active"}), userID), ids([]storage.UserRecord{mona, eve}, userID)) // search and status combine
	is.Equal(ids(search(storage.UserFilter{Status: "suspended"}), userID), ids([]storage.UserRecord{carl}, userID))                   // status alone

	// Keyset paging over a search.
	p, err := s.ListUsers(ctx, storage.UserFilter{Search: "mona"}, userkit.PageRequest{Limit: 2})
	is.NoErr(err)                                                                 // first search page
	is.Equal(ids(p.Items, userID), ids([]storage.UserRecord{mona, carl}, userID)) // first two matches
	p, err = s.ListUsers(ctx, storage.UserFilter{Search: "mona"}, userkit.PageRequest{Limit: 2, After: p.Next})
	is.NoErr(err)                                                          // second search page
	is.Equal(ids(p.Items, userID), ids([]storage.UserRecord{eve}, userID)) // the last match
	is.Equal(p.Next, "")                                                   // and no more
}

func testUserListHostileSearch(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	names := []string{"100%", "a_b", `back\slash`, "O'Brien", `say "hi"`, "'; DROP TABLE users; --", "plain"}
	var users []storage.UserRecord
	for i, name := range names {
		u := newUser(i)
		u.LastName = name
		is.NoErr(s.CreateUser(ctx, &u)) // a user with a hostile name
		users = append(users, u)
	}
	for i, name := range names {
		got, err := s.GetUser(ctx, users[i].ID)
		is.NoErr(err)                // GetUser
		is.Equal(got.LastName, name) // hostile name round-trips
	}
	// Each special string matches only the users whose names hold it.
	for _, c := range []struct {
		q    string
		want []int
	}{{"%", []int{0}}, {"_", []int{1}}, {`\`, []int{2}}, {"'", []int{3, 5}}, {`"`, []int{4}}, {"'; DROP TABLE users; --", []int{5}}, {"0%", []int{0}}} {
		var want []uuid.UUID
		for _, i := range c.want {
			want = append(want, users[i].ID)
		}
		p, err := s.ListUsers(ctx, storage.UserFilter{Search: c.q}, userkit.PageRequest{Total: true})
		is.NoErr(err)                        // search for a special string
		is.Equal(ids(p.Items, userID), want) // the special string matches literally
		is.Equal(p.Total, len(want))         // and counts only those
	}
	p, err := s.ListUsers(ctx, storage.UserFilter{Search: `\%`}, userkit.PageRequest{})
	is.NoErr(err)             // an escaped-looking search
	is.Equal(len(p.Items), 0) // `\%` is two plain characters, which no name holds
	p, err = s.ListUsers(ctx, storage.UserFilter{}, userkit.PageRequest{Total: true})
	is.NoErr(err)                 // the table is still there
	is.Equal(p.Total, len(names)) // and holds every user
}

func testUserListPartnerIsolation(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	a, b := createPartner(t, s, 1), createPartner(t, s, 2)
	var onlyA, onlyB, both []storage.UserRecord
	for i := range 3 {
		u := createUser(t, s, 10+i)
		join(t, s, a.ID, u.ID)
		onlyA = append(onlyA, u)
		v := createUser(t, s, 20+i)
		join(t, s, b.ID, v.ID)
		onlyB = append(onlyB, v)
	}
	w := createUser(t, s, 30)
	join(t, s, a.ID, w.ID)
	join(t, s, b.ID, w.ID)
	both = append(both, w)
	createUser(t, s, 40) // in no partner

	wantA := ids(append(slices.Clone(onlyA), both...), userID)
	slices.SortFunc(wantA, cmpUUID)
	p, err := s.ListUsers(ctx, storage.UserFilter{PartnerID: a.ID}, userkit.PageRequest{Total: true})
	is.NoErr(err)                         // list partner A
	is.Equal(ids(p.Items, userID), wantA) // exactly A's members, by ID
	is.Equal(p.Total, 4)                  // Total counts A's members only

	// Search for a string every user's email holds: still only A's.
	p, err = s.ListUsers(ctx, storage.UserFilter{PartnerID: a.ID, Search: "example"}, userkit.PageRequest{Total: true})
	is.NoErr(err)                         // search within A
	is.Equal(ids(p.Items, userID), wantA) // search does not leave the partner
	is.Equal(p.Total, 4)                  // search total within A

	// Page through A one by one: never a user only in B.
	var seen []uuid.UUID
	after := ""
	for range 10 {
		p, err := s.ListUsers(ctx, storage.UserFilter{PartnerID: a.ID}, userkit.PageRequest{Limit: 1, After: after})
		is.NoErr(err) // keyset page within A
		for _, u := range p.Items {
			seen = append(seen, u.ID)
		}
		if after = p.Next; after == "" {
			break
		}
	}
	is.Equal(seen, wantA) // keyset paging within A yields exactly A's members
	p, err = s.ListUsers(ctx, storage.UserFilter{PartnerID: a.ID}, userkit.PageRequest{Limit: 3, Page: 2, Total: true})
	is.NoErr(err)                             // numbered page within A
	is.Equal(ids(p.Items, userID), wantA[3:]) // the second page of A
	is.Equal(p.Total, 4)                      // numbered total within A
	p, err = s.ListUsers(ctx, storage.UserFilter{PartnerID: b.ID, Search: "first1"}, userkit.PageRequest{})
	is.NoErr(err)             // search in B for A's names
	is.Equal(len(p.Items), 0) // A's users are not found through B
}

func testUserListPortalFilter(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	pa := createPartner(t, s, 1)
	portal := createPortal(t, s, uuid.Nil, 1)
	role := createRole(t, s, portal.ID, "viewer")
	in1, in2, out := createUser(t, s, 1), createUser(t, s, 2), createUser(t, s, 3)
	for _, u := range []storage.UserRecord{in1, in2} {
		m := newMember(portal.ID, u.ID, role.ID)
		is.NoErr(s.AddPortalMember(ctx, &m)) // join the portal
	}
	join(t, s, pa.ID, in2.ID)
	join(t, s, pa.ID, out.ID)
	p, err := s.ListUsers(ctx, storage.UserFilter{PortalID: portal.ID}, userkit.PageRequest{Total: true})
	is.NoErr(err)                                                               // list the portal's users
	is.Equal(ids(p.Items, userID), ids([]storage.UserRecord{in1, in2}, userID)) // only portal members
	is.Equal(p.Total, 2)                                                        // portal total
	p, err = s.ListUsers(ctx, storage.UserFilter{PortalID: portal.ID, PartnerID: pa.ID}, userkit.PageRequest{Total: true})
	is.NoErr(err)                                                          // portal and partner filters
	is.Equal(ids(p.Items, userID), ids([]storage.UserRecord{in2}, userID)) // both filters apply
	is.Equal(p.Total, 1)                                                   // combined total
}

func testLoginNamesWithPrefix(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	for i, login := range []string{"mona.benson", "mona.benson2", "mona.benson10", "mona.bens", "carl.mona.benson", "mona_benson", "monaXbenson"} {
		u := newUser(i)
		u.LoginName = login
		is.NoErr(s.CreateUser(ctx, &u)) // create
	}
	got, err := s.LoginNamesWithPrefix(ctx, "mona.benson")
	is.NoErr(err) // LoginNamesWithPrefix
	slices.Sort(got)
	is.Equal(got, []string{"mona.benson", "mona.benson10", "mona.benson2"}) // the name itself and names that start with it
	// '_' and '%' are plain characters (no LIKE wildcards).
	got, err = s.LoginNamesWithPrefix(ctx, "mona_")
	is.NoErr(err)                          // prefix with '_'
	is.Equal(got, []string{"mona_benson"}) // '_' matches only itself
	got, err = s.LoginNamesWithPrefix(ctx, "mona%")
	is.NoErr(err)             // prefix with '%'
	is.Equal(got, []string{}) // '%' matches nothing here, and the list is empty, not nil
}

func testEmptyLists(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	x := newID()
	// Decision: listing what hangs off a parent that does not exist is an
	// empty list, not NotFound, as a SQL query with no rows is.
	users, err := s.ListUsers(ctx, storage.UserFilter{}, userkit.PageRequest{Total: true})
	is.NoErr(err)                                        // ListUsers
	is.True(users.Items != nil && len(users.Items) == 0) // users: empty, not nil
	is.Equal(users.Total, 0)                             // zero total
	is.Equal(users.Next, "")                             // no next page
	filtered, err := s.ListUsers(ctx, storage.UserFilter{PartnerID: x, PortalID: x, Search: "a"}, userkit.PageRequest{Page: 3})
	is.NoErr(err)                                              // filtered ListUsers
	is.True(filtered.Items != nil && len(filtered.Items) == 0) // filtered users: empty, not nil
	logins, err := s.LoginNamesWithPrefix(ctx, "a")
	is.NoErr(err)                              // LoginNamesWithPrefix
	is.True(logins != nil && len(logins) == 0) // logins: empty, not nil

	partners, err := s.ListPartners(ctx, userkit.PageRequest{})
	is.NoErr(err)                  // ListPartners
	is.True(empty(partners.Items)) // partners
	pou, err := s.PartnersOfUser(ctx, x)
	is.NoErr(err)       // PartnersOfUser
	is.True(empty(pou)) // partners of a user
	teams, err := s.ListTeams(ctx, x)
	is.NoErr(err)         // ListTeams
	is.True(empty(teams)) // teams
	tm, err := s.TeamMembers(ctx, x)
	is.NoErr(err)      // TeamMembers
	is.True(empty(tm)) // team members
	tou, err := s.TeamsOfUser(ctx, x)
	is.NoErr(err)       // TeamsOfUser
	is.True(empty(tou)) // teams of a user
	portals, err := s.ListPortals(ctx, x, userkit.PageRequest{})
	is.NoErr(err)                 // ListPortals
	is.True(empty(portals.Items)) // portals
	roles, err := s.ListPortalRoles(ctx, x)
	is.NoErr(err)         // ListPortalRoles
	is.True(empty(roles)) // roles
	attrs, err := s.ListAttributes(ctx, x)
	is.NoErr(err)         // ListAttributes
	is.True(empty(attrs)) // attributes
	pm, err := s.ListPortalMembers(ctx, x, userkit.PageRequest{Total: true})
	is.NoErr(err)            // ListPortalMembers
	is.True(empty(pm.Items)) // portal members
	is.Equal(pm.Total, 0)    // zero portal members
	pou2, err := s.PortalsOfUser(ctx, x)
	is.NoErr(err)        // PortalsOfUser
	is.True(empty(pou2)) // portals of a user
	res, err := s.ListResources(ctx, userkit.PageRequest{})
	is.NoErr(err)             // ListResources
	is.True(empty(res.Items)) // resources
	rr, err := s.ResourceRolesOfUser(ctx, x)
	is.NoErr(err)      // ResourceRolesOfUser
	is.True(empty(rr)) // resource roles of a user
	rr, err = s.ResourceRolesOfResource(ctx, "p-1")
	is.NoErr(err)      // ResourceRolesOfResource
	is.True(empty(rr)) // resource roles of a resource
	sas, err := s.ListServiceAccounts(ctx, userkit.PageRequest{})
	is.NoErr(err)             // ListServiceAccounts
	is.True(empty(sas.Items)) // service accounts
	grants, err := s.GrantsOf(ctx, x)
	is.NoErr(err)          // GrantsOf
	is.True(empty(grants)) // grants
	keys, err := s.ListAPIKeys(ctx, x)
	is.NoErr(err)        // ListAPIKeys
	is.True(empty(keys)) // keys
	evs, err := s.ListEvents(ctx, storage.EventFilter{}, userkit.PageRequest{})
	is.NoErr(err)             // ListEvents
	is.True(empty(evs.Items)) // events
	is.Equal(evs.Total, -1)   // Total not asked for
}

// empty reports whether s is an empty, non-nil slice.
func empty[T any](s []T) bool { return s != nil && len(s) == 0 }

func testLoginNamesWithPrefixes(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	for i, login := range []string{"mona.benson", "mona.benson2", "carl.mona", "carl", "eve_x", "evex", "zed"} {
		u := newUser(i)
		u.LoginName = login
		is.NoErr(s.CreateUser(ctx, &u)) // create
	}
	got, err := s.LoginNamesWithPrefixes(ctx, []string{"mona.benson", "carl", "eve_", "mona", "nobody"})
	is.NoErr(err)                                                                        // LoginNamesWithPrefixes
	is.Equal(got, []string{"carl", "carl.mona", "eve_x", "mona.benson", "mona.benson2"}) // sorted, each once, '_' literal
	got, err = s.LoginNamesWithPrefixes(ctx, nil)
	is.NoErr(err)
	is.Equal(got, []string{})   // no prefixes: empty, not nil
	many := make([]string, 450) // more prefixes than one query takes
	for i := range many {
		many[i] = fmt.Sprintf("x%d", i)
	}
	many = append(many, "zed")
	got, err = s.LoginNamesWithPrefixes(ctx, many)
	is.NoErr(err)
	is.Equal(got, []string{"zed"}) // found past the first chunk of prefixes
}

func testCreateUsers(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	is.NoErr(s.CreateUsers(ctx, nil)) // nothing to create

	first := fullUser(0)
	is.NoErr(s.CreateUser(ctx, &first))
	const n = 1203 // more than two chunks of a SQL store
	recs := make([]*storage.UserRecord, n)
	for i := range recs {
		u := newUser(i + 1)
		if i%2 == 0 {
			u = fullUser(i + 1)
		}
		recs[i] = &u
	}
	is.NoErr(s.CreateUsers(ctx, recs)) // CreateUsers
	seen := map[int64]bool{first.Num: true}
	for i, r := range recs {
		is.True(r.Num > first.Num) // every Num assigned, after the users before
		is.True(!seen[r.Num])      // and unique
		seen[r.Num] = true
		if i > 0 {
			is.True(r.Num > recs[i-1].Num) // in the order given
		}
	}
	for _, i := range []int{0, 1, 499, 500, 501, 1000, n - 1} {
		got, err := s.GetUser(ctx, recs[i].ID)
		is.NoErr(err)           // each user is stored
		is.Equal(got, *recs[i]) // as given, with its Num
		byNum, err := s.GetUserByNum(ctx, recs[i].Num)
		is.NoErr(err)
		is.Equal(byNum.ID, recs[i].ID) // and found by its Num
	}
	p, err := s.ListUsers(ctx, storage.UserFilter{}, userkit.PageRequest{Total: true})
	is.NoErr(err)
	is.Equal(p.Total, n+1)
	p, err = s.ListUsers(ctx, storage.UserFilter{Search: "last1202"}, userkit.PageRequest{Total: true})
	is.NoErr(err)
	is.Equal(p.Total, 1) // searchable like any user
	is.Equal(p.Items[0].ID, recs[1201].ID)

	err = s.InTx(ctx, func(tx storage.Store) error { // inside a transaction too
		u := newUser(5000)
		return tx.CreateUsers(ctx, []*storage.UserRecord{&u})
	})
	is.NoErr(err)
}

func testCreateUsersAllOrNothing(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	stored := newUser(0)
	is.NoErr(s.CreateUser(ctx, &stored))
	batch := func(clash func(recs []*storage.UserRecord)) []*storage.UserRecord {
		recs := make([]*storage.UserRecord, 600)
		for i := range recs {
			u := newUser(i + 1)
			recs[i] = &u
		}
		clash(recs)
		return recs
	}
	for _, c := range []struct {
		name  string
		field string
		clash func(recs []*storage.UserRecord)
	}{
		{"email of a stored user", "EmailNorm", func(r []*storage.UserRecord) { r[550].EmailNorm = stored.EmailNorm }},
		{"login within the batch", "LoginName", func(r []*storage.UserRecord) { r[3].LoginName = r[2].LoginName }},
		{"id within the batch", "ID", func(r []*storage.UserRecord) { r[10].ID = r[9].ID }},
	} {
		recs := batch(c.clash)
		err := s.CreateUsers(ctx, recs)
		is.Equal(userkit.KindOf(err), userkit.Conflict) // a clash is Conflict
		if _, ok := userkit.FieldsOf(err)[c.field]; !ok {
			t.Errorf("%s: fields %v, want %s", c.name, userkit.FieldsOf(err), c.field)
		}
		for _, r := range recs {
			if r.Num != 0 {
				t.Fatalf("%s: Num set after a failed CreateUsers", c.name)
			}
		}
		p, err := s.ListUsers(ctx, storage.UserFilter{}, userkit.PageRequest{Total: true})
		is.NoErr(err)
		is.Equal(p.Total, 1) // nothing of the batch was stored
	}
}

// testUserManagedUnset: a record written without a managing scope reads
// back as managed by everything, on create and on update.
func testUserManagedUnset(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	u := newUser(1)
	u.ManagedKind = ""
	is.NoErr(s.CreateUser(ctx, &u))
	got, err := s.GetUser(ctx, u.ID)
	is.NoErr(err)
	is.Equal(got.ManagedKind, storage.ScopeAll) // "" is stored as "*"
	is.Equal(got.ManagedID, uuid.Nil)           // with the nil ID
	got.ManagedKind, got.ManagedID = storage.ScopePortal, newID()
	got.Version = 2
	is.NoErr(s.UpdateUser(ctx, got, 1))
	again, err := s.GetUser(ctx, u.ID)
	is.NoErr(err)
	is.Equal(again.ManagedKind, storage.ScopePortal) // update writes the managing scope
	is.Equal(again.ManagedID, got.ManagedID)         // and its ID
	again.ManagedKind, again.ManagedID = "", uuid.Nil
	again.Version = 3
	is.NoErr(s.UpdateUser(ctx, again, 2))
	got, err = s.GetUser(ctx, u.ID)
	is.NoErr(err)
	is.Equal(got.ManagedKind, storage.ScopeAll) // "" on update is stored as "*"
}
