package servicetest

import (
	"context"
	"github.com/userkit/userkit/kit"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
	"github.com/userkit/userkit/users"
)

// stores are the adapters every flow runs over. dsnEnv names the variable
// a server-backed store needs; it is checked once per store, so a missing
// database gives one skip (or failure) message instead of one per flow.
var stores = []struct {
	name   string
	dsnEnv string
	open   func(t *testing.T) storage.Store
}{
	{"memory", "", func(*testing.T) storage.Store { return memory.New() }},
	{"sqlite", "", sqltest.SQLite},
	{"postgres", sqltest.PostgresEnv, sqltest.Postgres},
	{"mysql", sqltest.MySQLEnv, sqltest.MySQL},
}

// flows are the service flows; each gets a fresh store.
var flows = []struct {
	name string
	run  func(t *testing.T, e env)
}{
	{"UsersLoginNames", testUsersLoginNames},
	{"UsersDuplicateEmail", testUsersDuplicateEmail},
	{"UsersStaleVersion", testUsersStaleVersion},
	{"UsersConcurrentUpdates", testUsersConcurrentUpdates},
	{"UsersLockout", testUsersLockout},
	{"UsersBcryptImport", testUsersBcryptImport},
	{"UsersConcurrentUnversionedUpdates", testUsersConcurrentUnversionedUpdates},

	{"OwnershipTakeoverThroughAttach", testOwnershipTakeoverThroughAttach},
	{"OwnershipDisclosure", testOwnershipDisclosure},
	{"PrivilegeFromProfileString", testPrivilegeFromProfileString},
	{"VocabularyRoundTrip", testVocabularyRoundTrip},

	{"PartnersCreateOrAttach", testPartnersCreateOrAttach},
	{"PartnersConflictMidTransaction", testPartnersConflictMidTransaction},
	{"PartnersConcurrentAdd", testPartnersConcurrentAdd},
	{"PartnersRemoveLast", testPartnersRemoveLast},
	{"PartnersRemoveVsAttach", testPartnersRemoveVsAttach},
	{"PartnersListUsers", testPartnersListUsers},
	{"PartnersTeams", testPartnersTeams},

	{"PortalsAddUser", testPortalsAddUser},
	{"PortalsAddVsDelete", testPortalsAddVsDelete},
	{"PortalsRemoveUser", testPortalsRemoveUser},
	{"PortalsListUsers", testPortalsListUsers},
	{"PortalsConcurrentUpdates", testPortalsConcurrentUpdates},

	{"PermissionsKeys", testPermissionsKeys},
	{"PermissionsResourceRoles", testPermissionsResourceRoles},
	{"PermissionsAudit", testPermissionsAudit},

	{"ConcurrentUnversionedUpdates", testConcurrentUnversionedUpdates},
	{"PartnerRenameVsTeamUpdates", testPartnerRenameVsTeamUpdates},
	{"PortalMembersConcurrentUnversioned", testPortalMembersConcurrentUnversioned},
	{"NoOpUpdates", testNoOpUpdates},
}

// TestFlows runs every flow over every store.
func TestFlows(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			if st.dsnEnv != "" {
				sqltest.DSN(t, st.dsnEnv) // skips, or fails with USERKIT_REQUIRE_DB=1
			}
			for _, f := range flows {
				t.Run(f.name, func(t *testing.T) {
					t.Parallel()
					f.run(t, newEnv(st.open(t)))
				})
			}
		})
	}
}

// cheap are argon2id parameters that keep the tests fast, as in the
// services' own tests.
var cheap = users.Argon2Params{Memory: 64, Time: 1, Threads: 1}

// maxFailed is the lockout threshold the flows use.
const maxFailed = 3

const goodPassword = "Samplepassword12"

// usersOptions are the options of every users.Service here; the lockout
// flow makes a second Service with the same ones.
func usersOptions() *users.Options {
	return &users.Options{Argon2: cheap, MaxFailedLogins: maxFailed}
}

// env is the four services wired over one store by kit.New, the way a
// host wires them.
type env struct {
	store    storage.Store
	authz    *permissions.Service
	users    *users.Service
	partners *partners.Service
	portals  *portals.Service
	sys      context.Context // runs as the System principal
}

func newEnv(store storage.Store) env {
	k := kit.New(store, &kit.Options{Users: *usersOptions()})
	return env{
		store:    store,
		authz:    k.Permissions,
		users:    k.Users,
		partners: k.Partners,
		portals:  k.Portals,
		sys:      permissions.WithPrincipal(context.Background(), permissions.System),
	}
}

// partnersOver returns a partners.Service wired by kit.New, like e's, over
// store (a test's wrapper of e.store that fails or repeats some writes).
func (e env) partnersOver(store storage.Store) *partners.Service {
	return kit.New(store, &kit.Options{Users: *usersOptions()}).Partners
}

// createUser makes a user through the users service, as System.
func (e env) createUser(t *testing.T, p users.CreateParams) users.User {
	t.Helper()
	u, err := e.users.Create(e.sys, p)
	if err != nil {
		t.Fatalf("create user %s: %v", p.Email, err)
	}
	return u
}

// partner makes a partner (and its default team).
func (e env) partner(t *testing.T, name string) partners.Partner {
	t.Helper()
	p, err := e.partners.Create(e.sys, partners.CreateParams{Name: name})
	if err != nil {
		t.Fatalf("create partner %s: %v", name, err)
	}
	return p
}

// member adds a new user to a partner through partners.AddUser.
func (e env) member(t *testing.T, partnerID uuid.UUID, email, first, last string) users.User {
	t.Helper()
	u, created, err := e.partners.AddUser(e.sys, partnerID, users.CreateParams{Email: email, FirstName: first, LastName: last})
	if err != nil {
		t.Fatalf("add %s: %v", email, err)
	}
	if !created {
		t.Fatalf("add %s: attached an existing user, want a new one", email)
	}
	return u
}

// record reads a user's stored record, hash and failure count included.
func (e env) record(t *testing.T, id uuid.UUID) storage.UserRecord {
	t.Helper()
	rec, err := e.store.GetUser(context.Background(), id)
	if err != nil {
		t.Fatalf("read user %s: %v", id, err)
	}
	return rec
}

// events returns the audit log matching f, oldest first. The flows keep
// it well under one page.
func (e env) events(t *testing.T, f storage.EventFilter) []permissions.Event {
	t.Helper()
	page, err := e.authz.ListEvents(e.sys, f, userkit.PageRequest{Limit: userkit.MaxLimit})
	if err != nil {
		t.Fatalf("list events: %v", err)
	}
	if page.Next != "" {
		t.Fatalf("list events: more than %d events", userkit.MaxLimit)
	}
	slices.Reverse(page.Items)
	return page.Items
}

// actions returns the actions of the audit events about target, oldest
// first.
func (e env) actions(t *testing.T, target string) []string {
	t.Helper()
	var out []string
	for _, ev := range e.events(t, storage.EventFilter{TargetID: target}) {
		out = append(out, ev.Action)
	}
	return out
}

// count returns how many of items satisfy keep.
func count[T any](items []T, keep func(T) bool) int {
	n := 0
	for _, it := range items {
		if keep(it) {
			n++
		}
	}
	return n
}

// ids returns the IDs of users, in order.
func ids(us []users.User) []uuid.UUID {
	out := make([]uuid.UUID, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// kind names err's kind ("conflict", "not found", ...), or "no error" for
// nil, so that a failing assertion says what came back.
func kind(err error) string {
	if err == nil {
		return "no error"
	}
	return userkit.KindOf(err).String()
}
