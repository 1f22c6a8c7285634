package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// The cross-tenant matrix. Its cases are generated from the routes
// all.Mount registers, so a route added to any API is covered without
// anyone remembering to add it here: a path wildcard this file does not
// know, or a write route without a body below, fails the test and forces
// a decision.
//
// TestCrossTenantMatrix: partner A's key (grant "*" on partner:A only)
// sends every route with the path ids of partner B's objects (and, for
// routes naming two objects, each mix of A's and B's), and must get 403 or
// 404 and leave the store exactly as it was (every table, the audit log
// included). A positive control sends the same request with a key holding
// everything and expects a 2xx, so that a wrong path or body cannot pass
// as a refusal.
//
// TestAttachedUserMatrix: A attaches, by email, a user A does not manage
// (one who belongs to nobody, and one of partner B) through Venuzle's
// create-or-attach and Whaly's portal-user create. Every route that
// changes the user's identity, credentials or privileges must then still
// answer 403 or 404 and change nothing; reads may succeed but must not
// show B's partner, team or portal.

// objKind is the kind of object a path wildcard names.
type objKind string

const (
	kPartner  objKind = "partner"
	kTeam     objKind = "team"
	kPortal   objKind = "portal"
	kRole     objKind = "portal role"
	kAttr     objKind = "attribute"
	kResource objKind = "resource"
	kAccount  objKind = "service account"
	kGrant    objKind = "grant" // of the user or account named before it
	kKey      objKind = "key"
	kUser     objKind = "user"
)

// idForm is how an API spells an object's id.
type idForm int

const (
	formUUID     idForm = iota // 0190…
	formNum                    // 12
	formSolvexia               // u-12
	formString                 // a resource's host-chosen id
)

type wildcard struct {
	kind objKind
	form idForm
}

// wildcards maps "<api> <segment before the wildcard>/{<name>}" to the
// object the wildcard names and its spelling.
var wildcards = map[string]wildcard{
	"admin partners/{id}":                 {kPartner, formUUID},
	"admin teams/{team_id}":               {kTeam, formUUID},
	"admin portals/{id}":                  {kPortal, formUUID},
	"admin roles/{role_id}":               {kRole, formUUID},
	"admin attributes/{attribute_id}":     {kAttr, formUUID},
	"admin resources/{id}":                {kResource, formString},
	"admin service-accounts/{id}":         {kAccount, formUUID},
	"admin grants/{grant_id}":             {kGrant, formUUID},
	"admin keys/{key_id}":                 {kKey, formUUID},
	"admin users/{id}":                    {kUser, formUUID},
	"venuzle partners/{partner_id}":       {kPartner, formNum},
	"venuzle users/{user_id}":             {kUser, formNum},
	"solvexia users/{userId}":             {kUser, formSolvexia},
	"solvexia permissions/{resourceId}":   {kResource, formString},
	"whaly partner-portals/{portalId}":    {kPortal, formUUID},
	"whaly users/{userId}":                {kUser, formUUID},
	"tyk organisations/{organisation_id}": {kPartner, formNum},
	"tyk teams/{team_id}":                 {kTeam, formNum},
	"tyk users/{user_id}":                 {kUser, formNum},
}

// apiOf names the API serving path.
func apiOf(path string) string {
	for _, p := range []struct{ prefix, api string }{
		{"/admin/v1/", "admin"},
		{"/api/internal/v1/", "venuzle"},
		{"/api/v1/", "solvexia"},
		{"/v1/partner-portals/", "whaly"},
		{"/portal-api/", "tyk"},
	} {
		if strings.HasPrefix(path, p.prefix) {
			return p.api
		}
	}
	return ""
}

// route is a registered pattern with its wildcards resolved to kinds.
type route struct {
	pattern, method, path, api string
	segs                       []string
	slots                      []int // indexes of wildcard segments
	kinds                      []wildcard
}

func parseRoute(t testing.TB, pattern string) route {
	t.Helper()
	method, path, _ := strings.Cut(pattern, " ")
	r := route{pattern: pattern, method: method, path: path, api: apiOf(path), segs: strings.Split(path, "/")}
	if r.api == "" {
		t.Fatalf("route %q: no API serves this path prefix; teach apiOf about it", pattern)
	}
	for i, seg := range r.segs {
		if !strings.HasPrefix(seg, "{") {
			continue
		}
		key := r.api + " " + r.segs[i-1] + "/" + seg
		wc, ok := wildcards[key]
		if !ok {
			t.Fatalf("route %q: path wildcard %s is unknown (key %q): add it to wildcards with the object it names and the API's id form", pattern, seg, key)
		}
		r.slots = append(r.slots, i)
		r.kinds = append(r.kinds, wc)
	}
	return r
}

// id spells x's object of kind wc; prev is the kind named before it
// (whose grant a grant wildcard is).
func (x tenant) id(wc wildcard, prev objKind) string {
	var u fmt.Stringer
	var num int64
	switch wc.kind {
	case kPartner:
		u, num = x.partner.ID, x.partner.Num
	case kTeam:
		u, num = x.team.ID, x.team.Num
	case kPortal:
		u = x.portal.ID
	case kRole:
		u = x.role.ID
	case kAttr:
		u = x.attr.ID
	case kResource:
		return x.resource.ID
	case kAccount:
		u = x.sa.ID
	case kGrant:
		if prev == kAccount {
			u = x.saGrant.ID
		} else {
			u = x.userGrant.ID
		}
	case kKey:
		u = x.key.ID
	case kUser:
		u, num = x.user.ID, x.user.Num
	}
	return spell(wc.form, u, num)
}

func spell(form idForm, u fmt.Stringer, num int64) string {
	switch form {
	case formNum:
		return strconv.FormatInt(num, 10)
	case formSolvexia:
		return "u-" + strconv.FormatInt(num, 10)
	}
	return u.String()
}

// bodies are the minimal valid bodies of the write routes; {B.x} is B's
// object. A write route missing here fails the matrix. An empty string is
// a route that takes no body.
var bodies = map[string]string{
	"POST /admin/v1/partners":                                `{"name":"Matrix partner"}`,
	"PATCH /admin/v1/partners/{id}":                          `{"name":"Renamed by A"}`,
	"POST /admin/v1/partners/{id}/teams":                     `{"name":"Team by A"}`,
	"PATCH /admin/v1/partners/{id}/teams/{team_id}":          `{"name":"Renamed by A"}`,
	"POST /admin/v1/portals":                                 `{"partner_id":"{B.partner}","name":"Portal by A","technical_name":"portal-by-a"}`,
	"PATCH /admin/v1/portals/{id}":                           `{"name":"Renamed by A"}`,
	"POST /admin/v1/portals/{id}/roles":                      `{"name":"role-by-a"}`,
	"PATCH /admin/v1/portals/{id}/roles/{role_id}":           `{"name":"renamed-by-a"}`,
	"POST /admin/v1/portals/{id}/attributes":                 `{"name":"attr_by_a","type":"STRING"}`,
	"PATCH /admin/v1/portals/{id}/attributes/{attribute_id}": `{"label":"Renamed by A"}`,
	"POST /admin/v1/resources":                               `{"id":"res-by-a","name":"Resource by A"}`,
	"PATCH /admin/v1/resources/{id}":                         `{"name":"Renamed by A"}`,
	"POST /admin/v1/service-accounts":                        `{"name":"Account by A","grants":[{"action":"*","scope":"partner:{B.partner}"}]}`,
	"PATCH /admin/v1/service-accounts/{id}":                  `{"name":"Renamed by A"}`,
	"POST /admin/v1/service-accounts/{id}/grants":            `{"action":"users.read","scope":"partner:{B.partner}"}`,
	"POST /admin/v1/service-accounts/{id}/keys":              `{}`,
	"POST /admin/v1/users/{id}/grants":                       `{"action":"users.read","scope":"portal:{B.portal}"}`,
	"POST /admin/v1/users/{id}/token":                        ``,

	"POST /api/internal/v1/partners/{partner_id}/users":          `{"first_name":"New","last_name":"ByA","email":"new.by.a@example.com","password":"Samplepassword12"}`,
	"PUT /api/internal/v1/partners/{partner_id}/users/{user_id}": `{"first_name":"Renamed","new_password":"Attacker chosen pw 1","new_password_confirmation":"Attacker chosen pw 1"}`,
	"POST /api/v1/users":                                              `{"email":"new.by.a@example.com","firstName":"New","lastName":"ByA","password":"Samplepassword12","userRole":"Subscriber","timezone":"(UTC+10:00) Canberra, Melbourne, Sydney"}`,
	"POST /api/v1/users/{userId}":                                     `{"firstName":"Renamed","accountStatus":"Suspended"}`,
	"POST /api/v1/users/{userId}/permissions":                         `{"resourceId":"{B.resource}","role":"owner"}`,
	"POST /api/v1/users/{userId}/permissions/{resourceId}":            `{"role":"owner"}`,
	"POST /v1/partner-portals/{portalId}/users":                       `{"first_name":"New","last_name":"ByA","email":"new.by.a@example.com","roles":["{B.role}"]}`,
	"POST /portal-api/users":                                          `{"Email":"new.by.a@example.com","First":"New","Last":"ByA","OrganisationID":{B.partnerNum},"Active":true}`,
	"PUT /portal-api/users/{user_id}":                                 `{"First":"Renamed","Active":false}`,
	"POST /portal-api/organisations":                                  `{"Name":"Organisation by A"}`,
	"PUT /portal-api/organisations/{organisation_id}":                 `{"Name":"Renamed by A"}`,
	"POST /portal-api/organisations/{organisation_id}/teams":          `{"Name":"Team by A"}`,
	"PUT /portal-api/organisations/{organisation_id}/teams/{team_id}": `{"Name":"Renamed by A"}`,
}

// queries are extra list cases that name B in the query string.
var queries = map[string]string{
	"GET /admin/v1/events":  "?partner_id={B.partner}",
	"GET /admin/v1/portals": "?partner_id={B.partner}",
}

func isWrite(method string) bool {
	return method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch
}

// fill replaces the {B.x} placeholders with x's objects.
func (x tenant) fill(s string) string {
	return strings.NewReplacer(
		"{B.partner}", x.partner.ID.String(),
		"{B.partnerNum}", strconv.FormatInt(x.partner.Num, 10),
		"{B.portal}", x.portal.ID.String(),
		"{B.role}", x.role.ID.String(),
		"{B.resource}", x.resource.ID,
	).Replace(s)
}

// mixes names the tenant of each wildcard: every combination with at
// least one of B's objects ("B", or "BB", "AB", "BA" for two).
func mixes(n int) []string {
	if n == 0 {
		return []string{""}
	}
	var out []string
	for mask := (1 << n) - 1; mask > 0; mask-- {
		var b strings.Builder
		for i := range n {
			if mask&(1<<(n-1-i)) != 0 {
				b.WriteByte('B')
			} else {
				b.WriteByte('A')
			}
		}
		out = append(out, b.String())
	}
	return out
}

// path builds r's path with each wildcard taken from the tenant mix
// names ("A" or "B" per wildcard).
func (w *world) pathOf(r route, mix string) string {
	segs := append([]string(nil), r.segs...)
	var prev objKind
	for j, i := range r.slots {
		x := w.a
		if mix[j] == 'B' {
			x = w.b
		}
		segs[i] = x.id(r.kinds[j], prev)
		prev = r.kinds[j].kind
	}
	return strings.Join(segs, "/")
}

// matrixCase is one request of the matrix.
type matrixCase struct {
	name         string
	method, path string
	body         string
	namesObject  bool // the path or query names one of B's objects
	control      bool // a key holding everything must get a 2xx
}

func (w *world) matrixCases(t testing.TB) []matrixCase {
	t.Helper()
	var out []matrixCase
	for _, p := range w.patterns {
		r := parseRoute(t, p)
		body, ok := bodies[p]
		if isWrite(r.method) && !ok {
			t.Fatalf("write route %q has no body in bodies: add a minimal valid one", p)
		}
		body = w.b.fill(body)
		for _, mix := range mixes(len(r.slots)) {
			path := w.pathOf(r, mix)
			name := p
			if mix != "" {
				name += " [" + mix + "]"
			}
			out = append(out, matrixCase{name: name, method: r.method, path: path, body: body,
				namesObject: mix != "", control: !strings.Contains(mix, "A")})
			if q, ok := queries[p]; ok {
				out = append(out, matrixCase{name: p + q, method: r.method, path: path + w.b.fill(q), body: body,
					namesObject: true, control: true})
			}
		}
	}
	return out
}

// leak reports what of B a body shows: B's names (they all carry secret)
// and, on a 2xx, B's ids.
func (w *world) leak(code int, body string) string {
	if strings.Contains(strings.ToLower(body), secret) {
		return "B's names (" + secret + ")"
	}
	if code >= 200 && code < 300 {
		for what, id := range map[string]string{
			"B's partner id": w.b.partner.ID.String(), "B's portal id": w.b.portal.ID.String(),
			"B's user id": w.b.user.ID.String(), "B's bare user id": w.b.bare.ID.String(),
			"B's team id": w.b.team.ID.String(), "B's account id": w.b.sa.ID.String(),
			"B's user email": w.b.user.Email, "B's bare user email": w.b.bare.Email,
		} {
			if strings.Contains(body, id) {
				return what
			}
		}
	}
	return ""
}

// arena hands out worlds. On the memory store every case gets a fresh
// world and runs in parallel, with its positive control. A SQLite world
// costs a migrated database file, so there the cases share one world and
// run one after the other (they are meant to change nothing); a case that
// did change the store replaces the world, so that the next case starts
// clean. Controls (which do change the store) run on memory only.
type arena struct {
	be     backend
	parent *testing.T
	setup  func(t *testing.T, w *world) bool
	w      *world
	ok     bool
}

func newArena(t *testing.T, be backend, setup func(t *testing.T, w *world) bool) *arena {
	a := &arena{be: be, parent: t, setup: setup}
	if !a.fresh() {
		a.replace()
	}
	return a
}

func (a *arena) fresh() bool { return a.be.name == "memory" }

func (a *arena) replace() {
	a.w = newWorld(a.parent, a.be)
	a.ok = a.setup == nil || a.setup(a.parent, a.w)
}

// get returns the world for one case (false when its setup failed); call
// it first in the case, before the case's t.Parallel.
func (a *arena) get(t *testing.T) (*world, bool) {
	if a.fresh() {
		t.Parallel()
		w := newWorld(t, a.be)
		return w, a.setup == nil || a.setup(t, w)
	}
	return a.w, a.ok
}

// done replaces a shared world that the case changed.
func (a *arena) done(t *testing.T) {
	if !a.fresh() && t.Failed() {
		a.replace()
	}
}

func TestCrossTenantMatrix(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			ar := newArena(t, be, nil)
			cases := newWorld(t, be).matrixCases(t)
			if len(cases) < 100 {
				t.Fatalf("only %d matrix cases generated; the route listing looks broken", len(cases))
			}
			for i, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					w, _ := ar.get(t)
					defer ar.done(t)
					c = w.matrixCases(t)[i] // the same case, with this world's ids
					before := dump(t, w.store)
					code, body := w.do(c.method, c.path, w.a.rawKey, c.body)
					after := dump(t, w.store)
					req := fmt.Sprintf("%s %s body %s", c.method, c.path, c.body)
					switch {
					case code == http.StatusUnauthorized:
						t.Errorf("%s: A's key was not accepted (401): %s", req, short(body))
					case !c.namesObject && c.method == http.MethodGet && code >= 200 && code < 300:
						// A list that names nothing of B may answer with what A sees.
					case code != http.StatusForbidden && code != http.StatusNotFound:
						t.Errorf("%s with A's key: want 403 or 404, got %d\nbody: %s", req, code, short(body))
					}
					if l := w.leak(code, body); l != "" {
						t.Errorf("%s with A's key: the answer (%d) shows %s\nbody: %s", req, code, l, short(body))
					}
					if d := diff(before, after); d != "" {
						t.Errorf("%s with A's key (answer %d) changed the store:%s", req, code, d)
					}
					if !c.control || !ar.fresh() {
						return
					}
					code, body = w.do(c.method, c.path, w.admin, c.body)
					if code < 200 || code > 299 {
						t.Errorf("control %s with a key holding everything: want 2xx, got %d (the case's path or body is wrong, so a refusal proves nothing)\nbody: %s", req, code, short(body))
					}
				})
			}
		})
	}
}

// identityBodies are the changes of identity, credentials and privilege
// TestAttachedUserMatrix tries on each route, by pattern. Every write
// route naming a user must be here or in membershipRoutes.
var identityBodies = map[string][]string{
	"PUT /api/internal/v1/partners/{partner_id}/users/{user_id}": {
		`{"new_password":"Attacker chosen pw 1","new_password_confirmation":"Attacker chosen pw 1"}`,
		`{"email":"attacker@example.com"}`,
		`{"first_name":"Owned","last_name":"ByA"}`,
	},
	"POST /api/v1/users/{userId}": {
		`{"email":"attacker@example.com"}`,
		`{"firstName":"Owned","lastName":"ByA"}`,
		`{"accountStatus":"Suspended"}`,
		`{"userRole":"SVXAdmin"}`,
		`{"city":"Owned City","department":"Owned"}`,
		`{"timezone":"(UTC+10:00) Canberra, Melbourne, Sydney"}`,
	},
	"PUT /portal-api/users/{user_id}": {
		`{"Email":"attacker@example.com"}`,
		`{"First":"Owned","Last":"ByA"}`,
		`{"Active":false}`,
		`{"Role":"consumer-admin"}`,
		`{"Role":"super-admin"}`,
		`{"ResetPassword":true}`,
	},
	"DELETE /portal-api/users/{user_id}":                     {``},
	"POST /admin/v1/users/{id}/token":                        {``},
	"POST /admin/v1/users/{id}/grants":                       {`{"action":"users.read","scope":"partner:{A.partner}"}`},
	"DELETE /admin/v1/users/{id}/grants/{grant_id}":          {``},
	"POST /api/v1/users/{userId}/permissions":                {`{"resourceId":"{A.resource}","role":"owner"}`},
	"POST /api/v1/users/{userId}/permissions/{resourceId}":   {`{"role":"owner"}`},
	"DELETE /api/v1/users/{userId}/permissions/{resourceId}": {``},
}

// membershipRoutes change only the attaching scope's own membership: after
// the attach named here they are allowed, but must not delete or change
// the user; after another attach the user is not a member there, and they
// must be refused (403/404) and change nothing.
var membershipRoutes = map[string]string{
	"DELETE /api/internal/v1/partners/{partner_id}/users/{user_id}": "venuzle create-or-attach",
	"DELETE /v1/partner-portals/{portalId}/users/{userId}":          "whaly portal add",
}

// noControl are identity cases whose positive control (the same request
// with a key holding everything) cannot succeed: the attached user holds
// no grant and no resource role to remove.
var noControl = map[string]bool{
	"DELETE /admin/v1/users/{id}/grants/{grant_id}":          true,
	"DELETE /api/v1/users/{userId}/permissions/{resourceId}": true,
}

// attachKinds are the documented ways A attaches an existing user by
// email.
var attachKinds = []struct {
	name string
	req  func(w *world, email string) (method, path, body string)
}{
	{"venuzle create-or-attach", func(w *world, email string) (string, string, string) {
		return "POST", fmt.Sprintf("/api/internal/v1/partners/%d/users", w.a.partner.Num),
			fmt.Sprintf(`{"first_name":"Attacker","last_name":"Chosen","email":%q,"password":"Attacker chosen pw 1"}`, strings.ToUpper(email))
	}},
	{"whaly portal add", func(w *world, email string) (string, string, string) {
		return "POST", "/v1/partner-portals/" + w.a.portal.ID.String() + "/users",
			fmt.Sprintf(`{"first_name":"Attacker","last_name":"Chosen","email":%q,"password":"Attacker chosen pw 1","roles":[%q]}`, email, w.a.role.ID)
	}},
}

// victims are users A does not manage.
var victims = []struct {
	name string
	user func(w *world) users.User
}{
	{"user of nobody", func(w *world) users.User { return w.orphan }},
	{"partner B's user", func(w *world) users.User { return w.b.bare }},
}

// identity is what only the managing scope may change.
func identity(u storage.UserRecord) string {
	return fmt.Sprintf("email=%s first=%s last=%s status=%s role=%s hash=%s tokenVersion=%d managed=%s/%s",
		u.Email, u.FirstName, u.LastName, u.Status, u.Role, u.PasswordHash, u.TokenVersion, u.ManagedKind, u.ManagedID)
}

// attach makes A attach the victim; it reports failures and returns false
// when the attach did not happen.
func (w *world) attach(t *testing.T, kind int, victim users.User) bool {
	t.Helper()
	ctx := context.Background()
	before, err := w.store.GetUser(ctx, victim.ID)
	if err != nil {
		t.Fatal(err)
	}
	eventsB := w.eventsOf(t, w.b.partner.ID.String())
	method, path, body := attachKinds[kind].req(w, victim.Email)
	code, resp := w.do(method, path, w.a.rawKey, body)
	if code != http.StatusOK {
		t.Errorf("attach %s %s with A's key: want 200 (the documented attach of an existing user), got %d\nbody: %s", method, path, code, short(resp))
		return false
	}
	if l := w.leak(code, strings.ReplaceAll(resp, victim.Email, "")); strings.Contains(l, "names") {
		t.Errorf("attach %s %s: the answer shows %s\nbody: %s", method, path, l, short(resp))
	}
	after, err := w.store.GetUser(ctx, victim.ID)
	if err != nil {
		t.Fatal(err)
	}
	if identity(after) != identity(before) {
		t.Errorf("attach %s %s changed the attached user's identity:\n before %s\n after  %s", method, path, identity(before), identity(after))
	}
	if _, err := w.Svc.Users.Authenticate(w.Sys, victim.Email, "Attacker chosen pw 1"); err == nil {
		t.Errorf("attach %s %s: the attacker's password now logs in as %s", method, path, victim.Email)
	}
	if victim.ID == w.b.bare.ID && w.eventsOf(t, w.b.partner.ID.String()) == eventsB {
		t.Errorf("attach %s %s of B's user: B's audit log (events of partner B) got no event; the attach must be audited under the user's other partners too", method, path)
	}
	return true
}

// eventsOf counts the audit events filed under a partner.
func (w *world) eventsOf(t testing.TB, partnerID string) int {
	t.Helper()
	n := 0
	for _, l := range dump(t, w.store) {
		if strings.HasPrefix(l, "event ") && strings.Contains(l, `"PartnerID":"`+partnerID+`"`) {
			n++
		}
	}
	return n
}

// victimPath builds r's path for the attached victim: the user wildcard
// is the victim, every other one A's object.
func (w *world) victimPath(r route, victim users.User) string {
	segs := append([]string(nil), r.segs...)
	var prev objKind
	for j, i := range r.slots {
		wc := r.kinds[j]
		if wc.kind == kUser {
			segs[i] = spell(wc.form, victim.ID, victim.Num)
		} else {
			segs[i] = w.a.id(wc, prev)
		}
		prev = wc.kind
	}
	return strings.Join(segs, "/")
}

func (x tenant) fillA(s string) string {
	return strings.NewReplacer("{A.partner}", x.partner.ID.String(), "{A.resource}", x.resource.ID).Replace(s)
}

func TestAttachedUserMatrix(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			var userRoutes []route
			for _, p := range newWorld(t, be).patterns {
				r := parseRoute(t, p)
				for _, wc := range r.kinds {
					if wc.kind == kUser {
						userRoutes = append(userRoutes, r)
						break
					}
				}
			}
			for _, r := range userRoutes {
				if r.method == http.MethodGet {
					continue
				}
				if _, ok := identityBodies[r.pattern]; !ok && membershipRoutes[r.pattern] == "" {
					t.Fatalf("write route %q names a user but is in neither identityBodies nor membershipRoutes: decide whether A may use it on a user A only attached", r.pattern)
				}
			}
			for vi, v := range victims {
				for ki, ak := range attachKinds {
					t.Run(v.name+" attached by "+ak.name, func(t *testing.T) {
						t.Parallel()
						victim := func(w *world) users.User { return victims[vi].user(w) }
						ar := newArena(t, be, func(t *testing.T, w *world) bool { return w.attach(t, ki, victim(w)) })
						// Refusals and reads first, on a shared world they
						// change nothing; the detach that is allowed last.
						var detach []route
						for _, r := range userRoutes {
							switch {
							case r.method == http.MethodGet:
								t.Run(r.pattern, func(t *testing.T) {
									if w, ok := ar.get(t); ok {
										w.checkRead(t, r, victim(w))
									}
								})
							case membershipRoutes[r.pattern] == ak.name:
								detach = append(detach, r)
							case membershipRoutes[r.pattern] != "":
								// A detach from a scope the user was not attached to.
								t.Run(r.pattern, func(t *testing.T) {
									w, ok := ar.get(t)
									defer ar.done(t)
									if ok {
										w.checkRefused(t, r, victim(w), "", false)
									}
								})
							default:
								for bi, body := range identityBodies[r.pattern] {
									t.Run(r.pattern+" "+strconv.Itoa(bi), func(t *testing.T) {
										w, ok := ar.get(t)
										defer ar.done(t)
										if !ok {
											return
										}
										// The control needs the user inside the path's partner
										// or portal: Venuzle paths after the Venuzle attach only.
										control := ar.fresh() && !noControl[r.pattern] && (r.api != "venuzle" || ak.name == "venuzle create-or-attach")
										w.checkRefused(t, r, victim(w), w.a.fillA(body), control)
									})
								}
							}
						}
						for _, r := range detach {
							t.Run(r.pattern, func(t *testing.T) {
								if w, ok := ar.get(t); ok {
									w.checkDetach(t, r, victim(w))
								}
							})
						}
					})
				}
			}
		})
	}
}

// checkRefused: A's change of the attached victim is 403/404 and changes
// nothing.
func (w *world) checkRefused(t *testing.T, r route, victim users.User, body string, control bool) {
	t.Helper()
	path := w.victimPath(r, victim)
	before := dump(t, w.store)
	code, resp := w.do(r.method, path, w.a.rawKey, body)
	after := dump(t, w.store)
	req := fmt.Sprintf("%s %s body %s", r.method, path, body)
	if code != http.StatusForbidden && code != http.StatusNotFound {
		t.Errorf("%s with A's key on a user A attached but does not manage: want 403 or 404, got %d\nbody: %s", req, code, short(resp))
	}
	if d := diff(before, after); d != "" {
		t.Errorf("%s with A's key on a user A attached but does not manage (answer %d) changed the store:%s", req, code, d)
	}
	if _, err := w.Svc.Users.Authenticate(w.Sys, victim.Email, "Attacker chosen pw 1"); err == nil {
		t.Errorf("%s: the attacker's password logs in as %s", req, victim.Email)
	}
	if control {
		if code, resp := w.do(r.method, path, w.admin, body); code < 200 || code > 299 {
			t.Errorf("control %s with a key holding everything: want 2xx, got %d (the case's path or body is wrong, so a refusal proves nothing)\nbody: %s", req, code, short(resp))
		}
	}
}

// checkRead: A may read the attached victim, but sees nothing of B.
func (w *world) checkRead(t *testing.T, r route, victim users.User) {
	t.Helper()
	path := w.victimPath(r, victim)
	code, resp := w.do(r.method, path, w.a.rawKey, "")
	req := r.method + " " + path
	switch code {
	case http.StatusOK, http.StatusForbidden, http.StatusNotFound:
	default:
		t.Errorf("%s with A's key on a user A attached: want 200, 403 or 404, got %d\nbody: %s", req, code, short(resp))
	}
	if strings.Contains(strings.ToLower(resp), secret) {
		t.Errorf("%s with A's key on a user A attached: the answer shows B's partner, team or portal names (%s)\nbody: %s", req, secret, short(resp))
	}
	if code == http.StatusOK && r.api == "tyk" {
		var show struct{ OrganisationID int64 }
		if json.Unmarshal([]byte(resp), &show) == nil && show.OrganisationID == w.b.partner.Num && w.b.partner.Num != w.a.partner.Num {
			t.Errorf("%s with A's key: OrganisationID is B's (%d)\nbody: %s", req, show.OrganisationID, short(resp))
		}
	}
	if code == http.StatusOK && r.api == "venuzle" && strings.HasSuffix(r.path, "/partners") {
		if strings.Contains(resp, fmt.Sprintf(`"id":%d,`, w.b.partner.Num)) {
			t.Errorf("%s with A's key lists partner B\nbody: %s", req, short(resp))
		}
	}
}

// checkDetach: A may detach the victim from A's own partner or portal; the
// user and their other memberships stay.
func (w *world) checkDetach(t *testing.T, r route, victim users.User) {
	t.Helper()
	ctx := context.Background()
	path := w.victimPath(r, victim)
	code, resp := w.do(r.method, path, w.a.rawKey, "")
	req := r.method + " " + path
	if code < 200 || code > 299 {
		t.Errorf("%s with A's key: detaching a user A attached from A's own scope: want 2xx, got %d\nbody: %s", req, code, short(resp))
	}
	after, err := w.store.GetUser(ctx, victim.ID)
	if err != nil {
		t.Fatalf("%s (answer %d) deleted the user A does not manage: %v", req, code, err)
	}
	if after.Email != victim.Email || after.PasswordHash == "" {
		t.Errorf("%s changed the user's identity: %s", req, identity(after))
	}
	if victim.ID == w.b.bare.ID {
		if ok, err := w.store.IsPartnerMember(ctx, w.b.partner.ID, victim.ID); err != nil || !ok {
			t.Errorf("%s: the user is no longer in partner B (member=%v, err=%v)", req, ok, err)
		}
	}
}
