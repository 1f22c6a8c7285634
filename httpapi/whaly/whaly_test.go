package whaly_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/httpapi/whaly"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/ratelimit"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// fixture is an Env with two partners, each owning a portal: portal A
// (with John and Jane Doe, roles "Report Viewer" and "Editor" and a
// "Tenant ID" attribute) and portal B (with Bob Smith).
type fixture struct {
	*apitest.Env
	h                     http.Handler
	pa, pb                portals.Portal
	viewer, editor, roleB portals.Role
	tenant                portals.Attribute
	john, jane, bob       users.User
	admin, keyA, keyB     string
	readOnlyA             string
	replacer              []string // golden-file replacements of ids
}

const password = "Secret1234"

func newFixture(t *testing.T, rateLimit int) *fixture {
	t.Helper()
	env := apitest.New(t)
	env.Opts.Logger = slog.New(slog.DiscardHandler)
	env.Opts.RateLimit = rateLimit
	f := &fixture{Env: env}
	mux := http.NewServeMux()
	whaly.Register(mux, "", env.Svc.HTTP(), env.Opts)
	f.h = mux
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	a, err := env.Svc.Partners.Create(env.Sys, partners.CreateParams{Name: "Acme"})
	must(err)
	b, err := env.Svc.Partners.Create(env.Sys, partners.CreateParams{Name: "Other"})
	must(err)
	f.pa, err = env.Svc.Portals.Create(env.Sys, portals.CreateParams{PartnerID: a.ID, Name: "Acme portal", TechnicalName: "acme"})
	must(err)
	f.pb, err = env.Svc.Portals.Create(env.Sys, portals.CreateParams{PartnerID: b.ID, Name: "Other portal", TechnicalName: "other"})
	must(err)
	f.viewer, err = env.Svc.Portals.CreateRole(env.Sys, f.pa.ID, portals.RoleParams{Name: "Report Viewer"})
	must(err)
	f.editor, err = env.Svc.Portals.CreateRole(env.Sys, f.pa.ID, portals.RoleParams{Name: "Editor"})
	must(err)
	f.roleB, err = env.Svc.Portals.CreateRole(env.Sys, f.pb.ID, portals.RoleParams{Name: "Report Viewer"})
	must(err)
	f.tenant, err = env.Svc.Portals.CreateAttribute(env.Sys, f.pa.ID, portals.AttributeParams{Name: "tenant_id", Label: "Tenant ID", Type: portals.TypeString})
	must(err)
	add := func(p portals.Portal, role portals.Role, first, last, email string) users.User {
		m, err := env.Svc.Portals.AddUser(env.Sys, p.ID, portals.AddUserParams{
			FirstName: first, LastName: last, Email: email, Password: password, RoleIDs: []uuid.UUID{role.ID}})
		must(err)
		env.Clock.Advance(time.Minute) // members list oldest first
		return m.User
	}
	f.john = add(f.pa, f.viewer, "John", "Doe", "john.doe@example.com")
	f.jane = add(f.pa, f.viewer, "Jane", "Doe", "jane.doe@example.com")
	f.bob = add(f.pb, f.roleB, "Bob", "Smith", "bob.smith@example.com")
	f.admin = "Bearer " + env.AdminKey(t)
	f.keyA = "Bearer " + env.Key(t, apitest.Grant("users.*", permissions.PortalScope(f.pa.ID)))
	f.keyB = "Bearer " + env.Key(t, apitest.Grant("users.*", permissions.PartnerScope(b.ID)))
	f.readOnlyA = "Bearer " + env.Key(t, apitest.Grant("users.read", permissions.PortalScope(f.pa.ID)))
	f.replacer = []string{
		f.pa.ID.String(), "<portal-a>", f.john.ID.String(), "<john>", f.jane.ID.String(), "<jane>",
		f.bob.ID.String(), "<bob>", f.viewer.ID.String(), "<viewer>",
	}
	return f
}

func (f *fixture) usersPath(p portals.Portal) string {
	return "/v1/partner-portals/" + p.ID.String() + "/users"
}

func (f *fixture) userPath(p portals.Portal, id uuid.UUID) string {
	return f.usersPath(p) + "/" + id.String()
}

func (f *fixture) do(req apitest.Request) *httptest.ResponseRecorder {
	return apitest.Do(f.h, req)
}

// snapshot is what a rejected request must leave unchanged: every user,
// every portal's members and the audit log's length.
func (f *fixture) snapshot(t *testing.T) string {
	t.Helper()
	all, err := f.Svc.Users.List(f.Sys, users.ListParams{PageRequest: userkit.PageRequest{Limit: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	var members []portals.Member
	for _, p := range []portals.Portal{f.pa, f.pb} {
		pg, err := f.Svc.Portals.ListUsers(f.Sys, p.ID, userkit.PageRequest{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, pg.Items...)
	}
	ev, err := f.Svc.Permissions.ListEvents(f.Sys, storage.EventFilter{}, userkit.PageRequest{Total: true})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(struct {
		Users   []users.User
		Members []portals.Member
		Events  int
	}{all.Items, members, ev.Total})
	return string(b)
}

var requestIDPattern = regexp.MustCompile(`"request_id":"[0-9a-f]{32}"`)

// errorBody checks that w carries the request id of its header in the
// Whaly error shape, and returns the body with the id replaced by "<rid>".
func errorBody(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	body := strings.TrimSpace(w.Body.String())
	rid := w.Header().Get(httpapi.RequestIDHeader)
	if !requestIDPattern.MatchString(body) || !strings.Contains(body, `"request_id":"`+rid+`"`) {
		t.Fatalf("no request id %q matching the header in %s", rid, body)
	}
	return requestIDPattern.ReplaceAllString(body, `"request_id":"<rid>"`)
}

func cursor(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }

// TestGolden locks the wire format of every endpoint against the seed.
func TestGolden(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0)
	is := is.New(t)
	is.NoErr(f.Svc.Portals.RecordLogin(f.Sys, f.pa.ID, f.john.ID))

	w := f.do(apitest.Request{Method: "GET", Path: f.usersPath(f.pa) + "?limit=1", Auth: f.keyA})
	is.Equal(w.Code, 200) // first page
	var page struct {
		Paging struct {
			Next struct {
				After string `json:"after"`
			} `json:"next"`
		} `json:"paging"`
	}
	is.NoErr(json.Unmarshal(w.Body.Bytes(), &page))
	is.True(page.Paging.Next.After != "") // a cursor to the next page
	apitest.Golden(t, "list_first_page", w.Body.Bytes(), append(f.replacer, page.Paging.Next.After, "<cursor>")...)

	w = f.do(apitest.Request{Method: "GET", Path: f.usersPath(f.pa) + "?limit=1&after=" + page.Paging.Next.After, Auth: f.keyA})
	is.Equal(w.Code, 200) // last page
	apitest.Golden(t, "list_last_page", w.Body.Bytes(), f.replacer...)

	w = f.do(apitest.Request{Method: "GET", Path: f.usersPath(f.pa), Auth: f.keyA})
	is.Equal(w.Code, 200) // whole list, oldest first
	apitest.Golden(t, "list", w.Body.Bytes(), f.replacer...)

	w = f.do(apitest.Request{Method: "GET", Path: f.userPath(f.pa, f.john.ID), Auth: f.keyA})
	is.Equal(w.Code, 200)                   // get
	is.Equal(w.Header().Get("ETag"), `"2"`) // the membership's version (login recorded)
	apitest.Golden(t, "get", w.Body.Bytes(), f.replacer...)

	body := fmt.Sprintf(`{"first_name":"Mona","last_name":"Benson","email":"mona.benson@example.com","password":"Secret1234","roles":[%q],"locale":"en_US","attributes":[{"id":%q,"value":"tenant-42"}]}`,
		f.viewer.ID, f.tenant.ID)
	w = f.do(apitest.Request{Method: "POST", Path: f.usersPath(f.pa), Auth: f.keyA, Body: body})
	is.Equal(w.Code, 200) // create answers 200, as documented
	var created struct{ ID uuid.UUID }
	is.NoErr(json.Unmarshal(w.Body.Bytes(), &created))
	apitest.Golden(t, "create", w.Body.Bytes(), append(f.replacer, created.ID.String(), "<mona>")...)
	m, err := f.Svc.Portals.GetUser(f.Sys, f.pa.ID, created.ID)
	is.NoErr(err)
	is.Equal(m.Locale, "en_US")                             // locale stored
	is.Equal(m.RoleIDs, []uuid.UUID{f.viewer.ID})           // role stored
	is.Equal(m.Attributes[0].Values, []string{"tenant-42"}) // attribute stored
	_, err = f.Svc.Users.Authenticate(f.Sys, "mona.benson@example.com", "Secret1234")
	is.NoErr(err) // password set

	// Bob exists (in portal B); adding him to A keeps his names.
	w = f.do(apitest.Request{Method: "POST", Path: f.usersPath(f.pa), Auth: f.admin,
		Body: fmt.Sprintf(`{"first_name":"Robert","last_name":"X","email":"bob.smith@example.com","roles":[%q]}`, f.editor.ID)})
	is.Equal(w.Code, 200) // existing user added
	apitest.Golden(t, "create_existing", w.Body.Bytes(), f.replacer...)

	w = f.do(apitest.Request{Method: "DELETE", Path: f.userPath(f.pa, f.jane.ID), Auth: f.keyA})
	is.Equal(w.Code, 200) // delete
	apitest.Golden(t, "delete", w.Body.Bytes(), f.replacer...)
	_, err = f.Svc.Portals.GetUser(f.Sys, f.pa.ID, f.jane.ID)
	is.True(userkit.KindOf(err) == userkit.NotFound) // no longer a member
	_, err = f.Svc.Users.Get(f.Sys, f.jane.ID)
	is.NoErr(err) // the user account stays
}

// TestListPaging walks a longer list with the cursor and checks the limit
// default, the cap and the order.
func TestListPaging(t *testing.T) {
	t.Parallel()
	f := newFixture(t, -1)
	is := is.New(t)
	for i := range 120 {
		_, err := f.Svc.Portals.AddUser(f.Sys, f.pa.ID, portals.AddUserParams{FirstName: "Ann", LastName: fmt.Sprint(i),
			Email: fmt.Sprintf("ann%d@example.com", i), RoleIDs: []uuid.UUID{f.viewer.ID}})
		is.NoErr(err)
	}
	type listBody struct {
		Data   []struct{ ID string }
		Paging struct{ Next struct{ After *string } }
	}
	get := func(query string) listBody {
		w := f.do(apitest.Request{Method: "GET", Path: f.usersPath(f.pa) + query, Auth: f.keyA})
		is.Equal(w.Code, 200) // list
		var b listBody
		is.NoErr(json.Unmarshal(w.Body.Bytes(), &b))
		return b
	}
	first := get("")
	is.Equal(len(first.Data), 20)                  // default limit
	is.Equal(first.Data[0].ID, f.john.ID.String()) // oldest first
	capped := get("?limit=500")
	is.Equal(len(capped.Data), 100) // limit capped at 100
	seen := map[string]bool{}
	after := ""
	for pages := 0; ; pages++ {
		is.True(pages < 10) // the cursor ends
		b := get("?limit=50&after=" + after)
		for _, d := range b.Data {
			is.True(!seen[d.ID]) // no repeats
			seen[d.ID] = true
		}
		if b.Paging.Next.After == nil || *b.Paging.Next.After == "" {
			break
		}
		after = *b.Paging.Next.After
	}
	is.Equal(len(seen), 122) // everyone once
}

// TestErrors covers every documented error status with its exact body.
func TestErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0)
	create := func(fields string) string {
		return `{"first_name":"Mona","last_name":"Benson","email":"mona.benson@example.com"` + fields + `}`
	}
	roles := fmt.Sprintf(`,"roles":[%q]`, f.viewer.ID)
	unknown := uuid.Must(uuid.NewV7()).String()
	tests := []struct {
		name, method, path, auth, body string
		code                           int
		want                           string
	}{
		{"401", "GET", f.usersPath(f.pa), "", "", 401, `{"status_code":401,"message":"Unauthorized","request_id":"<rid>"}`},
		{"401 bad key", "GET", f.usersPath(f.pa), "Bearer sk:wrong", "", 401, `{"status_code":401,"message":"Unauthorized","request_id":"<rid>"}`},
		{"403 other portal", "GET", f.usersPath(f.pb), f.keyA, "", 403, `{"status_code":403,"message":"Forbidden","request_id":"<rid>"}`},
		{"403 read-only create", "POST", f.usersPath(f.pa), f.readOnlyA, create(roles), 403, `{"status_code":403,"message":"Forbidden","request_id":"<rid>"}`},
		{"403 unknown portal, scoped key", "GET", "/v1/partner-portals/" + unknown + "/users", f.keyA, "", 403, `{"status_code":403,"message":"Forbidden","request_id":"<rid>"}`},
		{"404 unknown portal", "GET", "/v1/partner-portals/" + unknown + "/users", f.admin, "", 404, `{"status_code":404,"message":"portal not found","request_id":"<rid>"}`},
		{"404 malformed portal id", "GET", "/v1/partner-portals/p-1/users", f.keyA, "", 404, `{"status_code":404,"message":"portal not found","request_id":"<rid>"}`},
		{"404 malformed user id", "GET", f.usersPath(f.pa) + "/42", f.keyA, "", 404, `{"status_code":404,"message":"portal membership not found","request_id":"<rid>"}`},
		{"404 not a member", "GET", f.userPath(f.pa, f.bob.ID), f.keyA, "", 404, `{"status_code":404,"message":"portal membership not found","request_id":"<rid>"}`},
		{"404 delete not a member", "DELETE", f.userPath(f.pa, f.bob.ID), f.keyA, "", 404, `{"status_code":404,"message":"portal membership not found","request_id":"<rid>"}`},
		{"409 already a member", "POST", f.usersPath(f.pa), f.keyA, `{"first_name":"J","last_name":"D","email":"JOHN.DOE@example.com"` + roles + `}`, 409,
			`{"status_code":409,"message":"the user is already a member of this portal","request_id":"<rid>"}`},
		{"400 required", "POST", f.usersPath(f.pa), f.keyA, `{"email":" "}`, 400,
			`{"status_code":400,"message":"email: is required; first_name: is required; last_name: is required; roles: is required","request_id":"<rid>"}`},
		{"400 malformed ids", "POST", f.usersPath(f.pa), f.keyA, create(`,"roles":["ro_ZW9dbXgfX2L0Dg"],"attributes":[{"id":"x","value":"1"}]`), 400,
			`{"status_code":400,"message":"attributes[0].id: must be a UUID; roles[0]: must be a UUID","request_id":"<rid>"}`},
		{"400 unknown role", "POST", f.usersPath(f.pa), f.keyA, create(fmt.Sprintf(`,"roles":[%q]`, f.roleB.ID)), 400,
			`{"status_code":400,"message":"roles: does not name a known role of this portal","request_id":"<rid>"}`},
		{"400 no role", "POST", f.usersPath(f.pa), f.keyA, create(`,"roles":[]`), 400,
			`{"status_code":400,"message":"roles: is required","request_id":"<rid>"}`},
		{"400 unknown attribute, bad locale", "POST", f.usersPath(f.pa), f.keyA, create(roles + fmt.Sprintf(`,"locale":"english","attributes":[{"id":%q,"value":"1"}]`, unknown)), 400,
			`{"status_code":400,"message":"attributes[0].id: does not name a known attribute of this portal; locale: must be a locale like \"en\" or \"en_US\"","request_id":"<rid>"}`},
		{"400 service rules", "POST", f.usersPath(f.pa), f.keyA, `{"first_name":"Mona","last_name":"Benson","email":"nope","password":"short"` + roles + `}`, 400,
			`{"status_code":400,"message":"email: must be a valid email address; password: must be at least 10 characters","request_id":"<rid>"}`},
		{"400 wrong type", "POST", f.usersPath(f.pa), f.keyA, create(`,"roles":"` + f.viewer.ID.String() + `"`), 400,
			`{"status_code":400,"message":"roles: must be an array","request_id":"<rid>"}`},
		{"400 malformed JSON", "POST", f.usersPath(f.pa), f.keyA, `{"first_name"`, 400,
			`{"status_code":400,"message":"request body is not valid JSON","request_id":"<rid>"}`},
		{"400 too large", "POST", f.usersPath(f.pa), f.keyA, create(`,"password":"` + strings.Repeat("x", 1<<20) + `"`), 400,
			`{"status_code":400,"message":"request body too large","request_id":"<rid>"}`},
		{"400 limit", "GET", f.usersPath(f.pa) + "?limit=0", f.keyA, "", 400,
			`{"status_code":400,"message":"limit: must be at least 1","request_id":"<rid>"}`},
		{"400 cursor", "GET", f.usersPath(f.pa) + "?after=MQit=", f.keyA, "", 400,
			`{"status_code":400,"message":"after: is not a cursor returned by this API","request_id":"<rid>"}`},
		{"400 cursor of no member", "GET", f.usersPath(f.pa) + "?after=" + cursor("1"), f.keyA, "", 400,
			`{"status_code":400,"message":"after: is not a cursor returned by this API","request_id":"<rid>"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			before := f.snapshot(t)
			w := f.do(apitest.Request{Method: tt.method, Path: tt.path, Auth: tt.auth, Body: tt.body})
			is.Equal(w.Code, tt.code)                                    // status
			is.Equal(errorBody(t, w), tt.want)                           // body
			is.Equal(w.Header().Get("Content-Type"), "application/json") // JSON
			is.Equal(f.snapshot(t), before)                              // store unchanged
		})
	}
}

// TestAuthorizationMatrix runs every endpoint without a credential, with a
// key lacking the action, and with partner B's key against portal A, and
// checks that nothing changes.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0)
	noAction := "Bearer " + f.Key(t, apitest.Grant("portals.read", permissions.PortalScope(f.pa.ID)))
	create := fmt.Sprintf(`{"first_name":"Mona","last_name":"Benson","email":"mona.benson@example.com","roles":[%q]}`, f.viewer.ID)
	endpoints := []struct{ method, path, body string }{
		{"GET", f.usersPath(f.pa), ""},
		{"POST", f.usersPath(f.pa), create},
		{"GET", f.userPath(f.pa, f.john.ID), ""},
		{"DELETE", f.userPath(f.pa, f.john.ID), ""},
	}
	cases := []struct {
		name, auth string
		code       int
		msg        string
	}{
		{"no credential", "", 401, "Unauthorized"},
		{"no such action", noAction, 403, "Forbidden"},
		{"other partner", f.keyB, 403, "Forbidden"},
	}
	for _, ep := range endpoints {
		for _, c := range cases {
			t.Run(ep.method+" "+ep.path+" "+c.name, func(t *testing.T) {
				is := is.New(t)
				before := f.snapshot(t)
				w := f.do(apitest.Request{Method: ep.method, Path: ep.path, Auth: c.auth, Body: ep.body})
				is.Equal(w.Code, c.code)                                                                                      // status
				is.Equal(errorBody(t, w), fmt.Sprintf(`{"status_code":%d,"message":%q,"request_id":"<rid>"}`, c.code, c.msg)) // body
				is.Equal(f.snapshot(t), before)                                                                               // store unchanged
			})
		}
	}
}

// TestRateLimit: with a limit of 3 a minute, the 4th request is 429 with
// the headers, and after the clock moves on requests pass again.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 3)
	is := is.New(t)
	get := func(auth string) *httptest.ResponseRecorder {
		return f.do(apitest.Request{Method: "GET", Path: f.userPath(f.pa, f.john.ID), Auth: auth})
	}
	for i := range 3 {
		w := get(f.keyA)
		is.Equal(w.Code, 200)                                               // within the limit
		is.Equal(w.Header().Get("X-RateLimit-Limit"), "3")                  // limit
		is.Equal(w.Header().Get("X-RateLimit-Remaining"), fmt.Sprint(2-i))  // remaining
		is.Equal(w.Header().Get("X-RateLimit-Reset"), fmt.Sprint(20*(i+1))) // seconds until full
	}
	w := get(f.keyA)
	is.Equal(w.Code, 429)                                                                               // over the limit
	is.Equal(w.Header().Get("Retry-After"), "20")                                                       // one request refills in 20 s
	is.Equal(w.Header().Get("X-RateLimit-Remaining"), "0")                                              // nothing left
	is.Equal(w.Header().Get("X-RateLimit-Limit"), "3")                                                  // limit
	is.Equal(w.Header().Get("X-RateLimit-Reset"), "60")                                                 // full again in a minute
	is.Equal(errorBody(t, w), `{"status_code":429,"message":"Too Many Requests","request_id":"<rid>"}`) // Whaly error shape

	is.Equal(get(f.admin).Code, 200) // another credential has its own bucket
	is.Equal(get("").Code, 401)      // unauthenticated requests count per IP…
	w = get("Bearer sk:bogus")
	is.Equal(w.Code, 401)                                  // …
	is.Equal(w.Header().Get("X-RateLimit-Remaining"), "1") // …in one bucket

	f.Clock.Advance(20 * time.Second)
	w = get(f.keyA)
	is.Equal(w.Code, 200)                                  // passes again
	is.Equal(w.Header().Get("X-RateLimit-Remaining"), "0") // the one refilled request is spent
	f.Clock.Advance(time.Minute)
	w = get(f.keyA)
	is.Equal(w.Header().Get("X-RateLimit-Remaining"), "2") // full bucket again
}

// TestRateLimitOff: a negative limit turns limiting and its headers off.
func TestRateLimitOff(t *testing.T) {
	t.Parallel()
	f := newFixture(t, -1)
	is := is.New(t)
	for range 5 {
		w := f.do(apitest.Request{Method: "GET", Path: f.usersPath(f.pa), Auth: f.keyA})
		is.Equal(w.Code, 200)                             // never limited
		is.Equal(w.Header().Get("X-RateLimit-Limit"), "") // no headers
	}
}

// TestDefaultRateLimit: 0 means 500 a minute.
func TestDefaultRateLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0)
	is := is.New(t)
	w := f.do(apitest.Request{Method: "GET", Path: f.usersPath(f.pa), Auth: f.keyA})
	is.Equal(w.Header().Get("X-RateLimit-Limit"), "500")     // default limit
	is.Equal(w.Header().Get("X-RateLimit-Remaining"), "499") // one spent
}

// downLimiter is a shared limiter whose store is unreachable.
type downLimiter struct{}

func (downLimiter) Allow(context.Context, string) (ratelimit.Decision, error) {
	return ratelimit.Decision{}, &userkit.Error{Kind: userkit.Unavailable, Message: "redis down", RetryAfter: 3 * time.Second}
}

// countingLimiter records the keys it is asked about and allows them.
type countingLimiter struct {
	mu   sync.Mutex
	keys []string
}

func (c *countingLimiter) Allow(_ context.Context, key string) (ratelimit.Decision, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.keys = append(c.keys, key)
	return ratelimit.Decision{Allowed: true, Limit: 7, Remaining: 6, ResetAfter: 1500 * time.Millisecond}, nil
}

// TestSharedRateLimiter: Options.RateLimiter decides instead of the
// per-process limit, and its figures reach the headers.
func TestSharedRateLimiter(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	lim := &countingLimiter{}
	env := apitest.New(t)
	env.Opts.RateLimiter = lim
	mux := http.NewServeMux()
	whaly.Register(mux, "", env.Svc.HTTP(), env.Opts)
	w := apitest.Do(mux, apitest.Request{Method: "GET", Path: "/v1/partner-portals/" + uuid.NewString() + "/users"})
	is.Equal(w.Code, 401)                                  // the limit runs before authentication refuses
	is.Equal(len(lim.keys), 1)                             // the shared limiter was asked
	is.True(strings.HasPrefix(lim.keys[0], "ip:"))         // keyed by address without a credential
	is.Equal(w.Header().Get("X-RateLimit-Limit"), "7")     // its limit
	is.Equal(w.Header().Get("X-RateLimit-Remaining"), "6") // its remaining count
	is.Equal(w.Header().Get("X-RateLimit-Reset"), "2")     // seconds, rounded up
}

// TestRateLimiterDown: a limiter that cannot decide is a 503 with
// Retry-After in Whaly's shape, never a silent pass.
func TestRateLimiterDown(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	env := apitest.New(t)
	env.Opts.Logger = slog.New(slog.DiscardHandler)
	env.Opts.RateLimiter = downLimiter{}
	mux := http.NewServeMux()
	whaly.Register(mux, "", env.Svc.HTTP(), env.Opts)
	w := apitest.Do(mux, apitest.Request{Method: "GET", Path: "/v1/partner-portals/" + uuid.NewString() + "/users"})
	is.Equal(w.Code, 503)                                                                                                     // unavailable
	is.Equal(w.Header().Get("Retry-After"), "3")                                                                              // the limiter's advice
	is.Equal(errorBody(t, w), `{"status_code":503,"message":"rate limit unavailable, try again later","request_id":"<rid>"}`) // Whaly's shape
}
