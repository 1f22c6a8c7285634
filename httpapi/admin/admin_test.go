package admin

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// fixture is the API over a fresh apitest.Env with an all-powerful key.
type fixture struct {
	t     *testing.T
	env   *apitest.Env
	h     http.Handler
	admin string // Authorization value of a key holding "*" on everything
	// names maps ids (and secrets) to the placeholders goldens show.
	names map[string]string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	env := apitest.New(t)
	env.Opts.Logger = slog.New(slog.DiscardHandler) // auth failures are logged; keep test output quiet
	mux := http.NewServeMux()
	Register(mux, "", env.Svc.HTTP(), env.Opts)
	return &fixture{t: t, env: env, h: mux, admin: "Bearer " + env.AdminKey(t), names: map[string]string{}}
}

// with returns a copy of f that reports to t, for subtests.
func (f *fixture) with(t *testing.T) *fixture {
	c := *f
	c.t = t
	return &c
}

// req is a request to the API; Auth "" sends the admin key, "-" none.
type req struct {
	Method, Path, Body, Auth string
	Header                   map[string]string
}

func (f *fixture) do(r req) *httptest.ResponseRecorder {
	f.t.Helper()
	auth := r.Auth
	switch auth {
	case "":
		auth = f.admin
	case "-":
		auth = ""
	}
	return apitest.Do(f.h, apitest.Request{Method: r.Method, Path: Base + r.Path, Body: r.Body, Auth: auth, Header: r.Header})
}

// name gives id a placeholder in goldens.
func (f *fixture) name(id, placeholder string) string {
	f.names[id] = "{" + placeholder + "}"
	return id
}

// call sends r, asserts the status and returns the decoded JSON body.
func (f *fixture) call(r req, status int) map[string]any {
	f.t.Helper()
	w := f.do(r)
	if w.Code != status {
		f.t.Fatalf("%s %s: status %d, want %d; body %s", r.Method, r.Path, w.Code, status, w.Body)
	}
	var out map[string]any
	if w.Body.Len() > 0 {
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			f.t.Fatalf("%s %s: body is not a JSON object: %v", r.Method, r.Path, err)
		}
	}
	return out
}

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// golden compares the response's status, wire headers and body with
// testdata/<name>.golden. Named ids and secrets become their placeholders,
// the request id "{request_id}", other UUIDs "{uuid-N}" by first appearance.
func (f *fixture) golden(name string, w *httptest.ResponseRecorder) {
	f.t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s\n", w.Code, http.StatusText(w.Code))
	for _, h := range []string{"Content-Type", "ETag", "Location", "Cache-Control", "WWW-Authenticate"} {
		if v := w.Header().Get(h); v != "" {
			fmt.Fprintf(&b, "%s: %s\n", h, v)
		}
	}
	b.WriteString("\n")
	b.WriteString(w.Body.String())
	text := b.String()

	pairs := []string{w.Header().Get("X-Request-Id"), "{request_id}"}
	// Longest first, so a secret goes before the prefix inside it.
	olds := make([]string, 0, len(f.names))
	for old := range f.names {
		olds = append(olds, old)
	}
	sort.Slice(olds, func(i, j int) bool { return len(olds[i]) > len(olds[j]) })
	for _, old := range olds {
		// A cursor is the base64 of an id; it names the same item.
		pairs = append(pairs, old, f.names[old], core.EncodeCursor(old), "{after "+strings.Trim(f.names[old], "{}")+"}")
	}
	seen := map[string]bool{}
	n := 0
	for _, id := range uuidRE.FindAllString(text, -1) {
		if _, named := f.names[id]; named || seen[id] {
			continue
		}
		seen[id] = true
		n++
		pairs = append(pairs, id, fmt.Sprintf("{uuid-%d}", n), core.EncodeCursor(id), fmt.Sprintf("{after uuid-%d}", n))
	}
	apitest.Golden(f.t, name, []byte(text), pairs...)
}

// eventCount is the number of audit events: every change writes one, so an
// unchanged count means an unchanged store.
func (f *fixture) eventCount() int {
	f.t.Helper()
	p, err := f.env.Svc.Permissions.ListEvents(f.env.Sys, storage.EventFilter{}, pageAll)
	if err != nil {
		f.t.Fatal(err)
	}
	return len(p.Items)
}

var pageAll = pageRequestAll()

// world is a small data set: two partners (A, B) with a portal each, a
// role and an attribute per portal, a resource, a user of A and one of B.
type world struct {
	partnerA, partnerB   partners.Partner
	teamA, teamB         partners.Team
	portalA, portalB     portals.Portal
	roleA, roleB         portals.Role
	attrA, attrB         portals.Attribute
	userA, userB         users.User
	saOther              permissions.ServiceAccount
	grantOther, grantUsr permissions.Grant
	grantUsrA            permissions.Grant
	keyOther             permissions.Key
}

func (f *fixture) world() world {
	f.t.Helper()
	t, ctx, s := f.t, f.env.Sys, f.env.Svc
	var w world
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w.partnerA, err = s.Partners.Create(ctx, partners.CreateParams{Name: "Default Organisation"})
	must(err)
	w.partnerB, err = s.Partners.Create(ctx, partners.CreateParams{Name: "Globex"})
	must(err)
	w.teamA, err = s.Partners.CreateTeam(ctx, w.partnerA.ID, partners.TeamParams{Name: "Developers"})
	must(err)
	w.teamB, err = s.Partners.CreateTeam(ctx, w.partnerB.ID, partners.TeamParams{Name: "Developers"})
	must(err)
	w.portalA, err = s.Portals.Create(ctx, portals.CreateParams{PartnerID: w.partnerA.ID, Name: "Acme Partners", TechnicalName: "acme-partners"})
	must(err)
	w.portalB, err = s.Portals.Create(ctx, portals.CreateParams{PartnerID: w.partnerB.ID, Name: "Globex Partners", TechnicalName: "globex-partners"})
	must(err)
	w.roleA, err = s.Portals.CreateRole(ctx, w.portalA.ID, portals.RoleParams{Name: "Report Viewer"})
	must(err)
	w.roleB, err = s.Portals.CreateRole(ctx, w.portalB.ID, portals.RoleParams{Name: "Report Viewer"})
	must(err)
	w.attrA, err = s.Portals.CreateAttribute(ctx, w.portalA.ID, portals.AttributeParams{Name: "tenant_id", Label: "Tenant ID", Type: portals.TypeString})
	must(err)
	w.attrB, err = s.Portals.CreateAttribute(ctx, w.portalB.ID, portals.AttributeParams{Name: "tenant_id", Label: "Tenant ID", Type: portals.TypeString})
	must(err)
	_, err = s.Permissions.CreateResource(ctx, permissions.ResourceParams{ID: "p-2343", Name: "Sales reconciliation", Kind: "process"})
	must(err)
	w.userA, _, err = s.Partners.AddUser(ctx, w.partnerA.ID, users.CreateParams{Email: "mona.benson@example.com", FirstName: "Mona", LastName: "Benson"})
	must(err)
	w.userB, _, err = s.Partners.AddUser(ctx, w.partnerB.ID, users.CreateParams{Email: "john.doe@example.com", FirstName: "John", LastName: "Doe"})
	must(err)
	w.saOther, err = s.Permissions.CreateServiceAccount(ctx, permissions.ServiceAccountParams{Name: "reporting",
		Grants: []permissions.GrantParams{{Action: "users.read", Scope: permissions.PartnerScope(w.partnerB.ID)}}})
	must(err)
	w.grantOther = w.saOther.Grants[0]
	w.grantUsr, err = s.Permissions.AddGrant(ctx, w.userB.ID, permissions.GrantParams{Action: "users.read", Scope: permissions.PartnerScope(w.partnerB.ID)})
	must(err)
	w.grantUsrA, err = s.Permissions.AddGrant(ctx, w.userA.ID, permissions.GrantParams{Action: "users.read", Scope: permissions.PartnerScope(w.partnerA.ID)})
	must(err)
	w.keyOther, _, err = s.Permissions.CreateKey(ctx, w.saOther.ID, permissions.KeyParams{})
	must(err)
	return w
}

func TestWireField(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	for in, want := range map[string]string{
		"Name":                "name",
		"TechnicalName":       "technical_name",
		"PartnerID":           "partner_id",
		"Grants[1].Scope":     "grants[1].scope",
		"grants.1.action":     "grants[1].action",
		"AllowMultipleValues": "allow_multiple_values",
		"default_locale":      "default_locale",
		"ExpiresAt":           "expires_at",
		"SomeNewField":        "some_new_field",
		"HTTPStatus":          "http_status",
	} {
		is.Equal(wireField(in), want) // wire name of a Go field path
	}
}

func TestPageOf(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	ids := []string{"c", "a", "d", "b"}
	id := func(s string) string { return s }
	p := pageOf(ids, id, pageReq(2, ""))
	is.Equal(p.Items, []string{"a", "b"}) // first page, sorted by id
	is.Equal(p.Next, "b")                 // cursor is the last id
	p = pageOf(ids, id, pageReq(2, "b"))
	is.Equal(p.Items, []string{"c", "d"}) // second page
	is.Equal(p.Next, "")                  // last page has no cursor
	p = pageOf(ids, id, pageReq(2, "bb"))
	is.Equal(p.Items, []string{"c", "d"}) // a deleted cursor item still pages on
	p = pageOf([]string(nil), id, pageReq(2, ""))
	is.True(p.Items != nil) // empty lists encode as []
}

func TestParseID(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	id := uuid.Must(uuid.NewV7())
	got, err := parseID(strings.ToUpper(id.String()))
	is.NoErr(err)     // upper case is the same id
	is.Equal(got, id) // parsed back
	for _, bad := range []string{"", "x", "{" + id.String() + "}", strings.ReplaceAll(id.String(), "-", ""), uuid.Nil.String(), "urn:uuid:" + id.String()} {
		_, err := parseID(bad)
		is.True(err != nil) // only the canonical form is an id
	}
}

func pageRequestAll() userkit.PageRequest { return userkit.PageRequest{Limit: userkit.MaxLimit} }

func pageReq(limit int, after string) userkit.PageRequest {
	return userkit.PageRequest{Limit: limit, After: after}
}

func mustUUID(t *testing.T, s string) uuid.UUID {
	t.Helper()
	id, err := uuid.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func scopeOf(partnerID uuid.UUID) permissions.Scope { return permissions.PartnerScope(partnerID) }

// TestRegisterPrefix: the API mounts under a host's prefix, with or
// without a trailing slash, next to the host's own routes.
func TestRegisterPrefix(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{"/userkit", "/userkit/"} {
		is := is.New(t)
		env := apitest.New(t)
		mux := http.NewServeMux()
		mux.HandleFunc("GET /admin/v1/partners", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
		Register(mux, prefix, env.Svc.HTTP(), env.Opts)
		key := "Bearer " + env.AdminKey(t)
		w := apitest.Do(mux, apitest.Request{Method: "GET", Path: "/userkit/admin/v1/partners", Auth: key})
		is.Equal(w.Code, http.StatusOK)                                    // served under the prefix
		is.Equal(w.Body.String(), `{"data":[],"paging":{"next":{}}}`+"\n") // empty list is []
		w = apitest.Do(mux, apitest.Request{Method: "GET", Path: "/admin/v1/partners", Auth: key})
		is.Equal(w.Code, http.StatusTeapot) // the host's own route is untouched
	}
}
