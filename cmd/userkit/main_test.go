package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/dbopen"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// cli runs the command against one SQLite file in t.TempDir().
type cli struct {
	t   *testing.T
	dir string
	db  string
}

func newCLI(t *testing.T) *cli {
	dir := t.TempDir()
	return &cli{t: t, dir: dir, db: "sqlite:" + filepath.Join(dir, "userkit.db")}
}

// run runs userkit with -db set, returning stdout, stderr and the exit
// code main would use.
func (c *cli) run(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	err := run(c.t.Context(), append([]string{"-db", c.db}, args...), func(string) string { return "" }, strings.NewReader(""), &out, &errb)
	code = finish(err, &errb)
	return out.String(), errb.String(), code
}

// env opens the same database for checks and set-up through the services.
func (c *cli) env() *env {
	store, closeStore, err := dbopen.Open(c.t.Context(), c.db)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(closeStore)
	return newEnv(c.t.Context(), store, nil, nil, nil)
}

func (c *cli) file(name, body string) string {
	p := filepath.Join(c.dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		c.t.Fatal(err)
	}
	return p
}

func lines(t *testing.T, path string) []result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []result
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("results line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	c := newCLI(t)
	_, stderr, code := c.run("migrate")
	is.Equal(code, exitOK)                        // migrate succeeds
	is.True(strings.Contains(stderr, "migrated")) // and says so
	_, _, code = c.run("migrate")
	is.Equal(code, exitOK) // again: nothing to do
}

func TestUsage(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"users"},
		{"users", "import"},
		{"users", "import", "people.txt"},
		{"users", "import", "--resume", "people.jsonl"},
		{"users", "import", "--format", "xml", "people.jsonl"},
		{"users", "export", "--format", "xml"},
		{"users", "erase"},
		{"keys", "create", "--grant", "users.read@*"},
		{"keys", "create", "--account", "x", "--grant", "users.read"},
		{"keys", "create", "--account", "x", "--grant", "users.read@partner:nope"},
		{"keys", "rotate", "--account", "not-a-uuid"},
		{"migrate", "extra"},
		{"keys", "create", "--bogus"},
	} {
		_, stderr, code := c.run(args...)
		if code != exitUsage || stderr == "" {
			t.Errorf("%q: exit %d, stderr %q; want %d and a message", args, code, stderr, exitUsage)
		}
	}
	_, err := os.Stat(filepath.Join(c.dir, "userkit.db"))
	is.New(t).True(os.IsNotExist(err)) // a usage error opens no database
}

func TestKeys(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	c := newCLI(t)
	key, stderr, code := c.run("keys", "create", "--account", "sync job", "--grant", "users.read@*", "--grant", "users.create@*")
	is.Equal(code, exitOK) // keys create
	key = strings.TrimSpace(key)
	is.True(strings.HasPrefix(key, "sk:"))          // the key alone on stdout
	is.True(strings.Contains(stderr, "shown once")) // a note on stderr
	e := c.env()
	p, err := e.authz.ResolveKey(t.Context(), key)
	is.NoErr(err) // the key works
	ctx := permissions.WithPrincipal(t.Context(), p)
	is.NoErr(e.authz.Require(ctx, permissions.UsersCreate, permissions.All)) // with its grants
	is.Equal(userkit.KindOf(e.authz.Require(ctx, permissions.UsersDelete, permissions.All)), userkit.Forbidden)

	newKey, _, code := c.run("keys", "rotate", "--account", p.ID.String())
	is.Equal(code, exitOK) // keys rotate
	newKey = strings.TrimSpace(newKey)
	is.True(newKey != key && strings.HasPrefix(newKey, "sk:"))
	_, err = e.authz.ResolveKey(t.Context(), newKey)
	is.NoErr(err) // the new key works
	_, err = e.authz.ResolveKey(t.Context(), key)
	is.Equal(userkit.KindOf(err), userkit.Unauthenticated) // the old one is revoked

	_, stderr, code = c.run("keys", "rotate", "--account", uuid.NewString())
	is.Equal(code, exitFailure) // an unknown account
	is.True(stderr != "")
}

const people = `{"email":"ann@example.com","first_name":"Ann","last_name":"Lee","password":"Samplepassword12"}
{"email":"bob@example.com","first_name":"Bob","last_name":"Ray","date_of_birth":"1990-04-01"}

{"email":"not-an-email","first_name":"Bad","last_name":"Row"}
{"email":"cy@example.com","first_name":"Cy","last_name":"Ho","role":"Designer"}
this is not json
`

func TestUsersImportJSONL(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	c := newCLI(t)
	in := c.file("people.jsonl", people)
	res := filepath.Join(c.dir, "results.jsonl")
	stdout, stderr, code := c.run("users", "import", "--results", res, in)
	is.Equal(code, exitPartial) // some items failed
	is.Equal(stdout, "")        // no bar and no output when stdout is not a terminal
	is.True(strings.Contains(stderr, "5 item(s): 3 created, 0 attached, 0 existed, 2 failed"))
	got := lines(t, res)
	is.Equal(len(got), 5) // a result per item
	byItem := map[int]result{}
	for _, r := range got {
		byItem[r.Item] = r
	}
	is.Equal(byItem[1].Status, "created")
	is.True(byItem[1].ID != "")
	is.Equal(byItem[3].Status, "failed")
	is.Equal(byItem[3].Fields["Email"].Rule, "email") // field problems per item
	is.Equal(byItem[5].Status, "failed")              // the line that is not JSON
	e := c.env()
	u, err := e.store.GetUserByEmail(t.Context(), "bob@example.com")
	is.NoErr(err)
	is.Equal(u.DateOfBirth.Format("2006-01-02"), "1990-04-01")
	_, err = e.users.Authenticate(t.Context(), "ann@example.com", "Samplepassword12")
	is.NoErr(err) // imported password works

	// Resume after a crash that lost the last results: only those items run.
	f, err := os.Create(res)
	is.NoErr(err)
	enc := json.NewEncoder(f)
	for _, r := range got {
		if r.Item <= 2 {
			is.NoErr(enc.Encode(r))
		}
	}
	f.WriteString(`{"item":3,"sta`) // a torn line
	f.Close()
	_, stderr, code = c.run("users", "import", "--results", res, "--resume", in)
	is.Equal(code, exitPartial) // items 3 and 5 fail again
	is.True(strings.Contains(stderr, "2 skipped"))
	again := lines(t, res) // the torn line is cut off, new results follow
	statuses := map[int]string{}
	for _, r := range again {
		_, twice := statuses[r.Item]
		is.True(!twice) // each item once
		statuses[r.Item] = r.Status
	}
	is.Equal(statuses, map[int]string{1: "created", 2: "created", 3: "failed", 4: "exists", 5: "failed"}) // cy was created by the first run

	_, stderr, code = c.run("users", "import", "--results", res, "--resume", in)
	is.Equal(code, exitOK) // everything reported: nothing to do
	is.True(strings.Contains(stderr, "0 item(s)"))
	is.Equal(len(lines(t, res)), 5) // nothing appended
}

func TestUsersImportCSVIntoPartner(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	c := newCLI(t)
	e := c.env()
	p, err := e.partners.Create(e.ctx, partnersParams("Acme"))
	is.NoErr(err)
	in := c.file("people.csv", "Email,first_name,last_name,partner_id,ignored\n"+
		"dee@example.com,Dee,Fox,"+p.ID.String()+",x\n"+
		"\"eve@example.com\",Eve,\"Gray, Jr\",,y\n")
	_, stderr, code := c.run("users", "import", in)
	is.Equal(code, exitOK) // all imported
	is.True(strings.Contains(stderr, "2 created"))
	u, err := e.store.GetUserByEmail(t.Context(), "dee@example.com")
	is.NoErr(err)
	ok, err := e.store.IsPartnerMember(t.Context(), p.ID, u.ID)
	is.NoErr(err)
	is.True(ok) // partner_id attaches
	u, err = e.store.GetUserByEmail(t.Context(), "eve@example.com")
	is.NoErr(err)
	is.Equal(u.LastName, "Gray, Jr") // CSV quoting

	bad := c.file("bad.csv", "nothing,useful\n1,2\n")
	_, stderr, code = c.run("users", "import", bad)
	is.Equal(code, exitFailure) // a header without known columns
	is.True(strings.Contains(stderr, "header"))
}

func TestUsersExport(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	c := newCLI(t)
	in := c.file("people.jsonl", people)
	_, _, code := c.run("users", "import", in)
	is.Equal(code, exitPartial)

	stdout, stderr, code := c.run("users", "export")
	is.Equal(code, exitOK) // export as JSON Lines
	is.True(strings.Contains(stderr, "3 user(s) exported"))
	is.True(!strings.Contains(stdout, `"password_hash"`) && !strings.Contains(stdout, `"password":`)) // no password or hash
	var rows []row
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var r row
		is.NoErr(json.Unmarshal([]byte(l), &r))
		rows = append(rows, r)
	}
	is.Equal(len(rows), 3)
	is.Equal(rows[0].Email, "ann@example.com") // in ID order: import order
	is.True(rows[0].ID != "" && rows[0].LoginName == "ann.lee")

	out := filepath.Join(c.dir, "users.csv")
	_, _, code = c.run("users", "export", "--out", out)
	is.Equal(code, exitOK) // CSV by the extension
	f, err := os.Open(out)
	is.NoErr(err)
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	is.NoErr(err)
	is.Equal(len(recs), 4) // header and three users
	is.Equal(recs[0][:3], []string{"id", "num", "email"})

	// An export imports again: every user exists already.
	res := filepath.Join(c.dir, "r.jsonl")
	_, _, code = c.run("users", "import", "--results", res, out)
	is.Equal(code, exitOK)
	for _, r := range lines(t, res) {
		is.Equal(r.Status, "exists")
	}
}

func TestUsersGDPRExportAndErase(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	c := newCLI(t)
	e := c.env()
	ctx := e.ctx
	p, err := e.partners.Create(ctx, partnersParams("Acme"))
	is.NoErr(err)
	u, _, err := e.partners.AddUser(ctx, p.ID, users.CreateParams{Email: "Mona@Example.com", FirstName: "Mona", LastName: "Benson", Password: "Samplepassword12"})
	is.NoErr(err)
	portal, err := e.portals.Create(ctx, portals.CreateParams{PartnerID: p.ID, Name: "Docs", TechnicalName: "docs"})
	is.NoErr(err)
	role, err := e.portals.CreateRole(ctx, portal.ID, portals.RoleParams{Name: "viewer"})
	is.NoErr(err)
	attr, err := e.portals.CreateAttribute(ctx, portal.ID, portals.AttributeParams{Name: "plan", Type: portals.TypeString})
	is.NoErr(err)
	_, err = e.portals.AddUser(ctx, portal.ID, portals.AddUserParams{Email: u.Email, RoleIDs: []uuid.UUID{role.ID},
		Attributes: []portals.AttributeInput{{ID: attr.ID, Value: "gold"}}})
	is.NoErr(err)
	_, err = e.authz.AddGrant(ctx, u.ID, permissions.GrantParams{Action: "users.read", Scope: permissions.PartnerScope(p.ID)})
	is.NoErr(err)
	_, err = e.authz.CreateResource(ctx, permissions.ResourceParams{ID: "p-1", Name: "Report"})
	is.NoErr(err)
	_, err = e.authz.SetRole(ctx, u.ID, "p-1", permissions.RoleEditor)
	is.NoErr(err)

	stdout, _, code := c.run("users", "gdpr-export", "--email", "mona@example.com")
	is.Equal(code, exitOK) // export
	var doc gdprDocument
	is.NoErr(json.Unmarshal([]byte(stdout), &doc)) // one JSON document
	is.Equal(doc.User.Email, "Mona@Example.com")
	is.True(doc.User.HasPassword)
	is.True(!strings.Contains(stdout, "argon2")) // no hash
	is.Equal(len(doc.Partners), 1)
	is.Equal(doc.Partners[0].Name, "Acme")
	is.Equal(len(doc.Teams), 1) // the default team
	is.Equal(len(doc.Portals), 1)
	is.Equal(doc.Portals[0].Roles, []string{"viewer"})
	is.Equal(doc.Portals[0].Attributes["plan"], []string{"gold"})
	is.Equal(len(doc.Grants), 1)
	is.Equal(doc.Grants[0].Scope, "partner:"+p.ID.String())
	is.Equal(doc.ResourceRoles[0].Role, "editor")
	var actions []string
	for _, ev := range doc.Events {
		actions = append(actions, ev.Action+" "+strings.SplitN(ev.Target, ":", 2)[0])
	}
	is.Equal(actions, []string{"users.create user", "partners.add_user user", "users.create portal_member",
		"permissions.create grant", "permissions.update resource_role"}) // every event about the user, oldest first

	_, stderr, code := c.run("users", "erase", "--email", "MONA@example.com")
	is.Equal(code, exitOK) // erase
	is.True(strings.Contains(stderr, u.ID.String()))
	_, err = e.store.GetUserByEmail(t.Context(), "mona@example.com")
	is.Equal(userkit.KindOf(err), userkit.NotFound) // the user is gone
	checks := map[string]func() (int, error){
		"partners": func() (int, error) { r, err := e.store.PartnersOfUser(t.Context(), u.ID); return len(r), err },
		"teams":    func() (int, error) { r, err := e.store.TeamsOfUser(t.Context(), u.ID); return len(r), err },
		"portals":  func() (int, error) { r, err := e.store.PortalsOfUser(t.Context(), u.ID); return len(r), err },
		"grants":   func() (int, error) { r, err := e.store.GrantsOf(t.Context(), u.ID); return len(r), err },
		"roles":    func() (int, error) { r, err := e.store.ResourceRolesOfUser(t.Context(), u.ID); return len(r), err },
	}
	for name, check := range checks {
		n, err := check()
		if err != nil || n != 0 {
			t.Errorf("after erase, %s: %d left (%v)", name, n, err)
		}
	}
	evs, err := e.store.ListEvents(t.Context(), storage.EventFilter{TargetID: u.ID.String()}, userkit.PageRequest{})
	is.NoErr(err)
	is.Equal(evs.Items[0].Action, "users.delete") // the erasure is on record, by ID only

	_, stderr, code = c.run("users", "gdpr-export", "--email", "mona@example.com")
	is.Equal(code, exitFailure) // an unknown email
	is.True(strings.Contains(stderr, "no user"))
}

func partnersParams(name string) partners.CreateParams { return partners.CreateParams{Name: name} }
