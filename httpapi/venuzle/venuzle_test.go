package venuzle_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/httpapi/venuzle"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// fixture is an Env with two partners: A (Venuzle, with John and Jane Doe)
// and B (Other, with Bob Smith), and keys of every kind.
type fixture struct {
	*apitest.Env
	h          http.Handler
	a, b       partners.Partner
	john, jane users.User
	bob        users.User
	admin      string // every action everywhere
	keyA       string // users.* on partner A
	keyB       string // users.* on partner B
	readOnlyA  string // users.read on partner A
}

const password = "Secret1234"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	env := apitest.New(t)
	env.Opts.Logger = slog.New(slog.DiscardHandler)
	f := &fixture{Env: env}
	mux := http.NewServeMux()
	venuzle.Register(mux, "", env.Svc.HTTP(), env.Opts)
	f.h = mux
	var err error
	if f.a, err = env.Svc.Partners.Create(env.Sys, partners.CreateParams{Name: "Venuzle"}); err != nil {
		t.Fatal(err)
	}
	if f.b, err = env.Svc.Partners.Create(env.Sys, partners.CreateParams{Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	add := func(p partners.Partner, first, last, email string) users.User {
		u, _, err := env.Svc.Partners.AddUser(env.Sys, p.ID, users.CreateParams{
			FirstName: first, LastName: last, Email: email, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.john = add(f.a, "John", "Doe", "john.doe@example.com")
	f.jane = add(f.a, "Jane", "Doe", "jane.doe@example.com")
	f.bob = add(f.b, "Bob", "Smith", "bob.smith@example.com")
	f.admin = "Bearer " + env.AdminKey(t)
	f.keyA = "Bearer " + env.Key(t, apitest.Grant("users.*", permissions.PartnerScope(f.a.ID)))
	f.keyB = "Bearer " + env.Key(t, apitest.Grant("users.*", permissions.PartnerScope(f.b.ID)))
	f.readOnlyA = "Bearer " + env.Key(t, apitest.Grant("users.read", permissions.PartnerScope(f.a.ID)))
	return f
}

func (f *fixture) usersPath(p partners.Partner) string {
	return fmt.Sprintf("/api/internal/v1/partners/%d/users", p.Num)
}

func (f *fixture) userPath(p partners.Partner, u users.User) string {
	return fmt.Sprintf("%s/%d", f.usersPath(p), u.Num)
}

func (f *fixture) do(method, path, auth, body string) (int, string, http.Header) {
	w := apitest.Do(f.h, apitest.Request{Method: method, Path: path, Auth: auth, Body: body})
	return w.Code, w.Body.String(), w.Header()
}

// snapshot is what a rejected request must leave unchanged: every user,
// every membership and the audit log's length.
type snapshot struct {
	Users   []users.User
	Members map[string]int
	Events  int
}

func (f *fixture) snapshot(t *testing.T) snapshot {
	t.Helper()
	all, err := f.Svc.Users.List(f.Sys, users.ListParams{PageRequest: userkit.PageRequest{Limit: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	s := snapshot{Users: all.Items, Members: map[string]int{}}
	for _, p := range []partners.Partner{f.a, f.b} {
		pg, err := f.Svc.Partners.ListUsers(f.Sys, p.ID, partners.ListUsersParams{PageRequest: userkit.PageRequest{Total: true}})
		if err != nil {
			t.Fatal(err)
		}
		s.Members[p.Name] = pg.Total
	}
	ev, err := f.Svc.Permissions.ListEvents(f.Sys, storage.EventFilter{}, userkit.PageRequest{Total: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Events = ev.Total
	return s
}

func (f *fixture) unchanged(t *testing.T, before snapshot, what string) {
	t.Helper()
	after := f.snapshot(t)
	b, _ := json.Marshal(before)
	a, _ := json.Marshal(after)
	if string(a) != string(b) {
		t.Errorf("%s changed the store:\nbefore %s\nafter  %s", what, b, a)
	}
}

// TestGolden locks the wire format of every endpoint against the seed's
// examples.
func TestGolden(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	is := is.New(t)
	host := "https://manager.apis.venuzle.com"

	code, body, _ := f.do("GET", host+f.usersPath(f.a)+"?search=Doe", f.keyA, "")
	is.Equal(code, 200) // list
	apitest.Golden(t, "list", []byte(body))

	code, body, _ = f.do("GET", host+f.usersPath(f.a)+"?search=Doe&page=2", f.keyA, "")
	is.Equal(code, 200) // empty page
	apitest.Golden(t, "list_empty_page", []byte(body))

	code, body, hdr := f.do("GET", f.userPath(f.a, f.john), f.keyA, "")
	is.Equal(code, 200)                                                      // get
	is.Equal(hdr.Get("ETag"), `"`+strconv.FormatInt(f.john.Version, 10)+`"`) // ETag from the version
	apitest.Golden(t, "get", []byte(body))

	code, body, _ = f.do("POST", f.usersPath(f.a), f.keyA,
		`{"first_name":"Mona","last_name":"Benson","email":"mona.benson@example.com","password":"Secret1234"}`)
	is.Equal(code, 201) // created
	apitest.Golden(t, "create", []byte(body))

	// Bob exists in partner B; attaching him to A ignores the names.
	code, body, _ = f.do("POST", f.usersPath(f.a), f.keyA,
		`{"first_name":"Robert","last_name":"Other","email":"Bob.Smith@example.com","password":"Secret1234"}`)
	is.Equal(code, 200) // attached
	apitest.Golden(t, "create_attach", []byte(body))

	code, body, _ = f.do("PUT", f.userPath(f.a, f.john), f.keyA,
		`{"first_name":"Johnny","last_name":"Doe","email":"johnny.doe@example.com","new_password":"NewSecret123","new_password_confirmation":"NewSecret123"}`)
	is.Equal(code, 200) // update
	apitest.Golden(t, "update", []byte(body))
	_, err := f.Svc.Users.Authenticate(f.Sys, "johnny.doe@example.com", "NewSecret123")
	is.NoErr(err) // the new password works

	code, body, _ = f.do("GET", f.userPath(f.a, f.bob)+"/partners", f.admin, "")
	is.Equal(code, 200) // partners
	apitest.Golden(t, "partners", []byte(body))

	code, body, _ = f.do("GET", f.userPath(f.a, f.bob)+"/partners", f.keyA, "")
	is.Equal(code, 200) // partners seen by partner A's key
	apitest.Golden(t, "partners_scoped", []byte(body))

	code, body, _ = f.do("DELETE", f.userPath(f.a, f.jane), f.keyA, "")
	is.Equal(code, 200) // delete
	apitest.Golden(t, "delete", []byte(body))
	_, err = f.Svc.Users.Get(f.Sys, f.jane.ID)
	is.True(userkit.KindOf(err) == userkit.NotFound) // Jane had one partner, so she is gone

	code, _, _ = f.do("DELETE", f.userPath(f.a, f.bob), f.keyA, "")
	is.Equal(code, 200) // detach Bob from A
	_, err = f.Svc.Partners.GetUser(f.Sys, f.b.ID, f.bob.ID)
	is.NoErr(err) // Bob stays a user of B
}

// TestListPaging checks meta and links over several pages, with the
// search kept and escaped, and the scheme from X-Forwarded-Proto.
func TestListPaging(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	is := is.New(t)
	for i := range 23 {
		_, _, err := f.Svc.Partners.AddUser(f.Sys, f.a.ID, users.CreateParams{
			FirstName: "Ann", LastName: fmt.Sprintf("van Lee %d", i), Email: fmt.Sprintf("ann%d@example.com", i)})
		is.NoErr(err)
	}
	w := apitest.Do(f.h, apitest.Request{Method: "GET", Path: f.usersPath(f.a) + "?page=2&search=van+Lee", Auth: f.keyA,
		Header: map[string]string{"X-Forwarded-Proto": "https"}})
	is.Equal(w.Code, 200) // page 2
	var got struct {
		Data []map[string]any
		Meta struct {
			Total   int  `json:"total"`
			PerPage int  `json:"per_page"`
			From    *int `json:"from"`
			To      *int `json:"to"`
		}
		Links struct{ First, Last, Prev, Next *string }
	}
	is.NoErr(json.Unmarshal(w.Body.Bytes(), &got))
	is.Equal(len(got.Data), 3)     // 23 matches, 20 on page 1
	is.Equal(got.Meta.Total, 23)   // total
	is.Equal(*got.Meta.From, 21)   // from
	is.Equal(*got.Meta.To, 23)     // to
	is.Equal(got.Meta.PerPage, 20) // per page
	base := "https://example.com" + f.usersPath(f.a) + "?search=van+Lee&page="
	is.Equal(*got.Links.First, base+"1")                                                                               // first
	is.Equal(*got.Links.Last, base+"2")                                                                                // last
	is.Equal(*got.Links.Prev, base+"1")                                                                                // prev
	is.Equal(got.Links.Next, nil)                                                                                      // no next on the last page
	is.True(strings.Contains(w.Body.String(), `"meta":{"current_page":2,"from":21,"to":23,"per_page":20,"total":23,`)) // seed key order
}

// TestErrors covers every documented error status with its exact body.
func TestErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	is := is.New(t)
	tests := []struct {
		name, method, path, auth, body string
		header                         map[string]string
		code                           int
		want                           string
	}{
		{"401", "GET", f.usersPath(f.a), "", "", nil, 401, `{"message":"Unauthenticated."}`},
		{"401 bad key", "GET", f.usersPath(f.a), "Bearer sk:nope", "", nil, 401, `{"message":"Unauthenticated."}`},
		{"403 other partner", "GET", f.usersPath(f.b), f.keyA, "", nil, 403, `{"message":"This action is unauthorized."}`},
		{"403 missing action", "POST", f.usersPath(f.a), f.readOnlyA, `{}`, nil, 403, `{"message":"This action is unauthorized."}`},
		{"403 unknown partner, scoped key", "GET", "/api/internal/v1/partners/999/users", f.keyA, "", nil, 403, `{"message":"This action is unauthorized."}`},
		{"404 unknown partner", "GET", "/api/internal/v1/partners/999/users", f.admin, "", nil, 404, `{"message":"No query results for model [Partner] 999"}`},
		{"404 unknown user", "GET", f.usersPath(f.a) + "/999", f.keyA, "", nil, 404, `{"message":"No query results for model [User] 999"}`},
		{"404 not a member", "GET", f.userPath(f.a, f.bob), f.keyA, "", nil, 404, fmt.Sprintf(`{"message":"No query results for model [User] %d"}`, f.bob.Num)},
		{"404 non-integer user", "GET", f.usersPath(f.a) + "/abc", f.keyA, "", nil, 404, `{"message":"No query results for model [User] abc"}`},
		{"404 non-integer partner", "GET", "/api/internal/v1/partners/x1/users", f.keyA, "", nil, 404, `{"message":"No query results for model [Partner] x1"}`},
		{"422 required", "POST", f.usersPath(f.a), f.keyA, `{"email":"  "}`, nil, 422,
			`{"message":"The given data was invalid.","errors":{"email":["The email field is required."],"first_name":["The first name field is required."],"last_name":["The last name field is required."],"password":["The password field is required."]}}`},
		{"422 service rules", "POST", f.usersPath(f.a), f.keyA, `{"first_name":"Mona","last_name":"Benson","email":"not-an-email","password":"short"}`, nil, 422,
			`{"message":"The given data was invalid.","errors":{"email":["The email field must be a valid email address."],"password":["The password field must be at least 10 characters."]}}`},
		{"422 already attached", "POST", f.usersPath(f.a), f.keyA, `{"first_name":"John","last_name":"Doe","email":"JOHN.DOE@example.com","password":"Secret1234"}`, nil, 422,
			`{"message":"The given data was invalid.","errors":{"email":["The email has already been taken."]}}`},
		{"422 wrong type", "POST", f.usersPath(f.a), f.keyA, `{"first_name":1,"last_name":"Doe","email":"x@example.com","password":"Secret1234"}`, nil, 422,
			`{"message":"The given data was invalid.","errors":{"first_name":["The first name field must be a string."]}}`},
		{"422 confirmation", "PUT", f.userPath(f.a, f.john), f.keyA, `{"first_name":"Johnny","new_password":"NewSecret123","new_password_confirmation":"Other"}`, nil, 422,
			`{"message":"The given data was invalid.","errors":{"new_password":["The new password field confirmation does not match."]}}`},
		{"422 password policy and profile", "PUT", f.userPath(f.a, f.john), f.keyA, `{"first_name":"","email":"bad","new_password":"weakpassword","new_password_confirmation":"weakpassword"}`, nil, 422,
			`{"message":"The given data was invalid.","errors":{"email":["The email field must be a valid email address."],"first_name":["The first name field is required."],"new_password":["The new password field must contain at least one number."]}}`},
		{"422 password policy and confirmation", "PUT", f.userPath(f.a, f.john), f.keyA, `{"last_name":"","new_password":"weakpassword","new_password_confirmation":"Other"}`, nil, 422,
			`{"message":"The given data was invalid.","errors":{"last_name":["The last name field is required."],"new_password":["The new password field confirmation does not match.","The new password field must contain at least one number."]}}`},
		{"403 before 422", "PUT", f.userPath(f.a, f.john), f.readOnlyA, `{"first_name":"","new_password":"weak","new_password_confirmation":"Other"}`, nil, 403, `{"message":"This action is unauthorized."}`},
		{"403 before 422 on create", "POST", f.usersPath(f.b), f.keyA, `{"email":"bad"}`, nil, 403, `{"message":"This action is unauthorized."}`},
		{"422 email taken on update", "PUT", f.userPath(f.a, f.john), f.keyA, `{"email":"jane.doe@example.com"}`, nil, 422,
			`{"message":"The given data was invalid.","errors":{"email":["The email has already been taken."]}}`},
		{"422 page", "GET", f.usersPath(f.a) + "?page=zero", f.keyA, "", nil, 422,
			`{"message":"The given data was invalid.","errors":{"page":["The page field must be an integer."]}}`},
		{"422 page below 1", "GET", f.usersPath(f.a) + "?page=0", f.keyA, "", nil, 422,
			`{"message":"The given data was invalid.","errors":{"page":["The page field must be at least 1."]}}`},
		{"422 search too long", "GET", f.usersPath(f.a) + "?search=" + strings.Repeat("a", 201), f.keyA, "", nil, 422,
			`{"message":"The given data was invalid.","errors":{"search":["The search field must not be greater than 200 characters."]}}`},
		{"412 stale If-Match", "PUT", f.userPath(f.a, f.john), f.keyA, `{"first_name":"Johnny"}`, map[string]string{"If-Match": `"99"`}, 412,
			`{"message":"The user was changed by someone else; reload and retry."}`},
		{"412 stale If-Match, password only", "PUT", f.userPath(f.a, f.john), f.keyA, `{"new_password":"NewSecret123","new_password_confirmation":"NewSecret123"}`, map[string]string{"If-Match": `"99"`}, 412,
			`{"message":"The user was changed by someone else; reload and retry."}`},
		{"400 malformed JSON", "POST", f.usersPath(f.a), f.keyA, `{"first_name":`, nil, 400, `{"message":"Request body is not valid JSON."}`},
		{"400 not an object", "POST", f.usersPath(f.a), f.keyA, `[1,2]`, nil, 400, `{"message":"Request body must be a JSON object."}`},
		{"400 too large", "POST", f.usersPath(f.a), f.keyA, `{"first_name":"` + strings.Repeat("a", 1<<20) + `"}`, nil, 400, `{"message":"Request body too large."}`},
	}
	for _, tt := range tests {
		before := f.snapshot(t)
		w := apitest.Do(f.h, apitest.Request{Method: tt.method, Path: tt.path, Auth: tt.auth, Body: tt.body, Header: tt.header})
		is.Equal(w.Code, tt.code)                                    // status
		is.Equal(strings.TrimSpace(w.Body.String()), tt.want)        // body
		is.Equal(w.Header().Get("Content-Type"), "application/json") // JSON
		f.unchanged(t, before, tt.name)
	}
}

// TestUpdateIfMatch checks that the ETag of a GET is the If-Match of the
// next update, and that the PUT answers the new one.
func TestUpdateIfMatch(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	is := is.New(t)
	w := apitest.Do(f.h, apitest.Request{Method: "GET", Path: f.userPath(f.a, f.john), Auth: f.keyA})
	etag := w.Header().Get("ETag")
	w = apitest.Do(f.h, apitest.Request{Method: "PUT", Path: f.userPath(f.a, f.john), Auth: f.keyA,
		Body:   `{"last_name":"Dough","new_password":"NewSecret123","new_password_confirmation":"NewSecret123"}`,
		Header: map[string]string{"If-Match": etag}})
	is.Equal(w.Code, 200)                   // fresh If-Match passes
	is.True(w.Header().Get("ETag") != etag) // new version
	u, err := f.Svc.Users.Get(f.Sys, f.john.ID)
	is.NoErr(err)
	is.Equal(u.LastName, "Dough")                                              // updated
	is.Equal(w.Header().Get("ETag"), `"`+strconv.FormatInt(u.Version, 10)+`"`) // ETag is the stored version
	w = apitest.Do(f.h, apitest.Request{Method: "PUT", Path: f.userPath(f.a, f.john), Auth: f.keyA,
		Body: `{"last_name":"Doe"}`, Header: map[string]string{"If-Match": etag}})
	is.Equal(w.Code, 412) // the old ETag is stale now
}

// TestAuthorizationMatrix runs every endpoint without a credential, with a
// key lacking the action, and with partner B's key against partner A, and
// checks that nothing changes.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	noAction := "Bearer " + f.Key(t, apitest.Grant("partners.read", permissions.PartnerScope(f.a.ID)))
	create := `{"first_name":"Mona","last_name":"Benson","email":"mona.benson@example.com","password":"Secret1234"}`
	endpoints := []struct{ method, path, body string }{
		{"GET", f.usersPath(f.a), ""},
		{"POST", f.usersPath(f.a), create},
		{"GET", f.userPath(f.a, f.john), ""},
		{"PUT", f.userPath(f.a, f.john), `{"first_name":"Johnny"}`},
		{"DELETE", f.userPath(f.a, f.john), ""},
		{"GET", f.userPath(f.a, f.john) + "/partners", ""},
	}
	cases := []struct {
		name, auth string
		code       int
		want       string
	}{
		{"no credential", "", 401, `{"message":"Unauthenticated."}`},
		{"no such action", noAction, 403, `{"message":"This action is unauthorized."}`},
		{"other partner", f.keyB, 403, `{"message":"This action is unauthorized."}`},
	}
	for _, ep := range endpoints {
		for _, c := range cases {
			t.Run(ep.method+" "+ep.path+" "+c.name, func(t *testing.T) {
				is := is.New(t)
				before := f.snapshot(t)
				code, body, _ := f.do(ep.method, ep.path, c.auth, ep.body)
				is.Equal(code, c.code)                    // status
				is.Equal(strings.TrimSpace(body), c.want) // body
				f.unchanged(t, before, c.name)
			})
		}
	}
}

// TestReadOnlyKey checks that each write needs its own action.
func TestReadOnlyKey(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	is := is.New(t)
	before := f.snapshot(t)
	for _, r := range []struct{ method, path, body string }{
		{"POST", f.usersPath(f.a), `{"first_name":"Mona","last_name":"Benson","email":"mona.benson@example.com","password":"Secret1234"}`},
		{"PUT", f.userPath(f.a, f.john), `{"first_name":"Johnny"}`},
		{"DELETE", f.userPath(f.a, f.john), ""},
	} {
		code, _, _ := f.do(r.method, r.path, f.readOnlyA, r.body)
		is.Equal(code, 403) // read-only key cannot write
	}
	f.unchanged(t, before, "read-only key")
	code, _, _ := f.do("GET", f.userPath(f.a, f.john), f.readOnlyA, "")
	is.Equal(code, 200) // but can read
}

// TestLinksBehindStripPrefix checks that list links keep the path the
// client used when the host mounts the API behind http.StripPrefix.
func TestLinksBehindStripPrefix(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	is := is.New(t)
	inner := http.NewServeMux()
	venuzle.Register(inner, "", f.Svc.HTTP(), f.Opts)
	outer := http.NewServeMux()
	outer.Handle("/userkit/", http.StripPrefix("/userkit", inner))
	w := apitest.Do(outer, apitest.Request{Method: "GET", Path: "/userkit" + f.usersPath(f.a), Auth: f.keyA})
	is.Equal(w.Code, 200) // served through the prefix
	var got struct {
		Links struct{ First string } `json:"links"`
	}
	is.NoErr(json.Unmarshal(w.Body.Bytes(), &got))
	is.Equal(got.Links.First, "http://example.com/userkit"+f.usersPath(f.a)+"?page=1") // prefix kept
}
