package servicetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
	"github.com/userkit/userkit/users"
	"golang.org/x/crypto/bcrypt"
)

// importFlows run users.Service.Import over every store.
var importFlows = []struct {
	name string
	run  func(t *testing.T, e env)
}{
	{"Mixed", testImportMixed},
	{"Permissions", testImportPermissions},
	{"LoginNames", testImportLoginNames},
	{"Concurrent", testImportConcurrent},
}

func TestImport(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			if st.dsnEnv != "" {
				sqltest.DSN(t, st.dsnEnv)
			}
			for _, f := range importFlows {
				t.Run(f.name, func(t *testing.T) {
					t.Parallel()
					f.run(t, newEnv(st.open(t)))
				})
			}
		})
	}
}

func statuses(res []users.ImportResult) []users.ImportStatus {
	out := make([]users.ImportStatus, len(res))
	for i, r := range res {
		out[i] = r.Status
	}
	return out
}

// testImportMixed: one import with new users (password, bcrypt and
// argon2id hashes), invalid items, a repeated email and existing users,
// with and without a partner, across chunks.
func testImportMixed(t *testing.T, e env) {
	is := is.New(t)
	ctx := context.Background()
	p := e.partner(t, "Acme")
	loner := e.createUser(t, users.CreateParams{Email: "loner@example.com", FirstName: "Lo", LastName: "Ner", Password: goodPassword})
	member := e.member(t, p.ID, "member@example.com", "Mem", "Ber")
	bc, err := bcrypt.GenerateFromPassword([]byte("Bcrypt-pass1"), bcrypt.MinCost)
	is.NoErr(err) // bcrypt hash
	phc := e.record(t, loner.ID).PasswordHash

	items := []users.ImportItem{
		{CreateParams: users.CreateParams{Email: "new1@example.com", FirstName: "New", LastName: "One", Password: goodPassword}},
		{CreateParams: users.CreateParams{Email: "new2@example.com", FirstName: "New", LastName: "Two", PasswordHash: string(bc)}},
		{CreateParams: users.CreateParams{Email: "not-an-email", FirstName: "", LastName: "Bad"}},
		{CreateParams: users.CreateParams{Email: "new3@example.com", FirstName: "New", LastName: "Three", PasswordHash: phc}, PartnerID: p.ID},
		{CreateParams: users.CreateParams{Email: "NEW3@example.com", FirstName: "Again", LastName: "Three"}},
		{CreateParams: users.CreateParams{Email: "loner@example.com", FirstName: "X", LastName: "Y"}},
		{CreateParams: users.CreateParams{Email: "Loner@Example.com", FirstName: "X", LastName: "Y"}, PartnerID: p.ID},
		{CreateParams: users.CreateParams{Email: "member@example.com", FirstName: "X", LastName: "Y"}, PartnerID: p.ID},
		{CreateParams: users.CreateParams{Email: "weak@example.com", FirstName: "We", LastName: "Ak", Password: "short"}},
		{CreateParams: users.CreateParams{Email: "hash@example.com", FirstName: "Ha", LastName: "Sh", PasswordHash: "$2a$nonsense"}},
	}
	res, err := e.users.Import(e.sys, items, &users.ImportOptions{ChunkSize: 5})
	is.NoErr(err) // import
	is.Equal(statuses(res), []users.ImportStatus{
		users.ImportCreated, users.ImportCreated, users.ImportFailed, users.ImportCreated,
		users.ImportExists, // the same email again, after it was created
		users.ImportExists, // existing, no partner
		users.ImportAttached,
		users.ImportExists, // already a member
		users.ImportFailed, users.ImportFailed,
	})
	for i, r := range res {
		is.Equal(r.Index, i) // results in item order
	}
	is.Equal(userkit.KindOf(res[2].Err), userkit.Invalid) // invalid item
	fields := userkit.FieldsOf(res[2].Err)
	is.Equal(fields["Email"].Rule, "email")        // every problem reported
	is.Equal(fields["FirstName"].Rule, "required") // together
	_, ok := userkit.FieldsOf(res[8].Err)["Password"]
	is.True(ok) // password policy per item
	_, ok = userkit.FieldsOf(res[9].Err)["PasswordHash"]
	is.True(ok)                           // unusable hash per item
	is.Equal(res[6].User.ID, loner.ID)    // attached user is the existing one
	is.Equal(res[6].User.FirstName, "Lo") // profile kept as it was
	is.True(res[0].User.Num > 0)          // store-assigned number
	is.Equal(res[0].User.LoginName, "new.one")
	is.Equal(res[5].User, users.User{}) // an import reveals nothing of untouched users

	for _, c := range []struct{ email, pw string }{{"new1@example.com", goodPassword}, {"new2@example.com", "Bcrypt-pass1"}, {"new3@example.com", goodPassword}} {
		_, err := e.users.Authenticate(ctx, c.email, c.pw)
		is.NoErr(err) // imported passwords and hashes verify
	}
	for _, id := range []uuid.UUID{res[3].User.ID, loner.ID, member.ID} {
		ok, err := e.store.IsPartnerMember(ctx, p.ID, id)
		is.NoErr(err)
		is.True(ok) // partner items are members
	}
	pr, err := e.store.GetPartner(ctx, p.ID)
	is.NoErr(err)                                                   // GetPartner
	is.Equal(pr.MemberCount, int64(3))                              // the partner counts its three members
	is.Equal(res[3].User.ManagedBy, permissions.PartnerScope(p.ID)) // the importing partner manages whom it creates
	is.Equal(res[0].User.ManagedBy, permissions.All)                // an import without a partner: managed by everything
	lonerNow, err := e.store.GetUser(ctx, loner.ID)
	is.NoErr(err)
	is.Equal(lonerNow.ManagedKind, storage.ScopeAll) // attaching by import hands over no control
	teams, err := e.store.TeamsOfUser(ctx, res[3].User.ID)
	is.NoErr(err)
	is.Equal(len(teams), 1) // and in the default team

	is.Equal(e.actions(t, res[0].User.ID.String()), []string{"users.create"})
	is.Equal(e.actions(t, res[3].User.ID.String()), []string{"users.create", "partners.add_user"})
	is.Equal(e.actions(t, loner.ID.String()), []string{"users.create", "partners.add_user"})
	partnerEvents := e.events(t, storage.EventFilter{PartnerID: p.ID})
	is.True(len(partnerEvents) >= 2) // partner-scoped events carry the partner

	again, err := e.users.Import(e.sys, items, nil)
	is.NoErr(err) // importing the same items again
	is.Equal(statuses(again), []users.ImportStatus{
		users.ImportExists, users.ImportExists, users.ImportFailed, users.ImportExists, users.ImportExists,
		users.ImportExists, users.ImportExists, users.ImportExists, users.ImportFailed, users.ImportFailed,
	}) // changes nothing
}

// testImportPermissions: one decision per scope; a denied scope writes
// nothing of its chunk.
func testImportPermissions(t *testing.T, e env) {
	is := is.New(t)
	p := e.partner(t, "Acme")
	other := e.partner(t, "Other")
	sa, err := e.authz.CreateServiceAccount(e.sys, permissions.ServiceAccountParams{
		Name: "acme import", Grants: []permissions.GrantParams{{Action: "users.create", Scope: permissions.PartnerScope(p.ID)}}})
	is.NoErr(err)
	ctx := permissions.WithPrincipal(context.Background(), permissions.ServiceAccountPrincipal(sa.ID))

	res, err := e.users.Import(ctx, []users.ImportItem{
		{CreateParams: users.CreateParams{Email: "a@example.com", FirstName: "A", LastName: "A"}, PartnerID: p.ID},
	}, nil)
	is.NoErr(err) // partner import with users.create on the partner
	is.Equal(statuses(res), []users.ImportStatus{users.ImportCreated})

	for _, it := range []users.ImportItem{
		{CreateParams: users.CreateParams{Email: "b@example.com", FirstName: "B", LastName: "B"}},
		{CreateParams: users.CreateParams{Email: "b@example.com", FirstName: "B", LastName: "B"}, PartnerID: other.ID},
	} {
		res, err = e.users.Import(ctx, []users.ImportItem{
			{CreateParams: users.CreateParams{Email: "c@example.com", FirstName: "C", LastName: "C"}, PartnerID: p.ID}, it,
		}, nil)
		is.Equal(userkit.KindOf(err), userkit.Forbidden) // a scope without users.create
		is.Equal(len(res), 0)                            // nothing imported
		_, err = e.store.GetUserByEmail(context.Background(), "c@example.com")
		is.Equal(userkit.KindOf(err), userkit.NotFound) // not even the allowed item of the chunk
	}
}

// testImportLoginNames: login names stay unique within a chunk, across
// chunks and against stored users.
func testImportLoginNames(t *testing.T, e env) {
	is := is.New(t)
	e.createUser(t, users.CreateParams{Email: "sam@example.com", FirstName: "Sam", LastName: "Lee"})
	const n = 30
	items := make([]users.ImportItem, n)
	for i := range items {
		items[i] = users.ImportItem{CreateParams: users.CreateParams{Email: fmt.Sprintf("sam%d@example.com", i), FirstName: "Sam", LastName: "Lee"}}
	}
	res, err := e.users.Import(e.sys, items, &users.ImportOptions{ChunkSize: 7})
	is.NoErr(err)
	var names []string
	for _, r := range res {
		is.Equal(r.Status, users.ImportCreated)
		names = append(names, r.User.LoginName)
	}
	is.Equal(names[0], "sam.lee2") // after the stored sam.lee
	is.Equal(names[n-1], fmt.Sprintf("sam.lee%d", n+1))
	slices.Sort(names)
	is.Equal(len(slices.Compact(names)), n) // all distinct
}

// testImportConcurrent: two imports of overlapping emails into one
// partner at once create every user once; the other import finds them,
// and the partner counts each member once.
func testImportConcurrent(t *testing.T, e env) {
	is := is.New(t)
	const n = 40
	p := e.partner(t, "Acme")
	mk := func(from int) []users.ImportItem {
		var items []users.ImportItem
		for i := from; i < from+n; i++ {
			items = append(items, users.ImportItem{CreateParams: users.CreateParams{Email: fmt.Sprintf("u%d@example.com", i), FirstName: "Pat", LastName: "Doe"}, PartnerID: p.ID})
		}
		return items
	}
	var wg sync.WaitGroup
	results := make([][]users.ImportResult, 2)
	errs := make([]error, 2)
	for k := range 2 {
		wg.Go(func() {
			results[k], errs[k] = e.users.Import(e.sys, mk(k*n/2), &users.ImportOptions{ChunkSize: 10})
		})
	}
	wg.Wait()
	is.NoErr(errs[0])
	is.NoErr(errs[1])
	created := map[string]int{}
	for k, res := range results {
		for i, r := range res {
			email := fmt.Sprintf("u%d@example.com", k*n/2+i)
			switch r.Status {
			case users.ImportCreated:
				created[email]++
			case users.ImportExists:
			default:
				t.Fatalf("%s: %s %v", email, r.Status, r.Err)
			}
		}
	}
	is.Equal(len(created), n+n/2) // every email created
	for email, c := range created {
		if c != 1 {
			t.Fatalf("%s created %d times", email, c)
		}
	}
	pr, err := e.store.GetPartner(context.Background(), p.ID)
	is.NoErr(err)                          // GetPartner
	is.Equal(pr.MemberCount, int64(n+n/2)) // each user joined the partner once, and was counted once
}
