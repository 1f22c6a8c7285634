package console_test

import (
	"context"
	"crypto/tls"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/userkit/userkit/console"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

// world is a console over fresh services with two partners, a user in
// each, an administrator key for everything and one for partner A only.
type world struct {
	svc      console.Services
	us       *users.Service
	ps       *partners.Service
	authz    *permissions.Service
	sessions *console.MemorySessions
	srv      *httptest.Server

	adminKey, partnerKey string
	partnerA, partnerB   partners.Partner
	userA, userB         users.User
	shared               users.User // managed by partner B, attached to A
	adminUser            users.User // signs in with a password; holds "*" on everything
}

const (
	prefix        = "/console"
	adminPassword = "Consolepass12"
)

func newWorld(t testing.TB) *world { t.Helper(); return newWorldWith(t, nil) }

// newWorldWith is newWorld with a hook that may change the console's
// services and options before the console is built.
func newWorldWith(t testing.TB, adjust func(*console.Services, *console.Options)) *world {
	t.Helper()
	ctx := context.Background()
	k := kit.New(memory.New(), &kit.Options{Users: users.Options{Argon2: users.Argon2Params{Memory: 1024, Time: 1, Threads: 1}}})
	us, ps, authz := k.Users, k.Partners, k.Permissions
	w := &world{us: us, ps: ps, authz: authz, sessions: console.NewMemorySessions()}
	w.svc = console.Services{Users: us, Partners: ps, Portals: k.Portals, Permissions: authz}

	sys := permissions.WithPrincipal(ctx, permissions.System)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	w.partnerA, err = ps.Create(sys, partners.CreateParams{Name: "Acme"})
	must(err)
	w.partnerB, err = ps.Create(sys, partners.CreateParams{Name: "Globex"})
	must(err)
	w.userA, _, err = ps.AddUser(sys, w.partnerA.ID, users.CreateParams{Email: "ann.acme@example.com", FirstName: "Ann", LastName: "Acme"})
	must(err)
	w.userB, _, err = ps.AddUser(sys, w.partnerB.ID, users.CreateParams{Email: "bob.globex@example.com", FirstName: "Bob", LastName: "Globex"})
	must(err)
	// shared is partner B's user whom partner A attached by email: a
	// member of A, managed by B.
	w.shared, _, err = ps.AddUser(sys, w.partnerB.ID, users.CreateParams{Email: "sam.shared@example.com", FirstName: "Sam", LastName: "Shared"})
	must(err)
	_, _, err = ps.AddUser(sys, w.partnerA.ID, users.CreateParams{Email: "sam.shared@example.com", FirstName: "Sam", LastName: "Shared"})
	must(err)

	admin, err := authz.CreateServiceAccount(sys, permissions.ServiceAccountParams{Name: "root",
		Grants: []permissions.GrantParams{{Action: "*", Scope: permissions.All}}})
	must(err)
	_, w.adminKey, err = authz.CreateKey(sys, admin.ID, permissions.KeyParams{})
	must(err)
	pa, err := authz.CreateServiceAccount(sys, permissions.ServiceAccountParams{Name: "acme admin",
		Grants: []permissions.GrantParams{
			{Action: "users.*", Scope: permissions.PartnerScope(w.partnerA.ID)},
			{Action: "partners.read", Scope: permissions.PartnerScope(w.partnerA.ID)},
			{Action: "permissions.read", Scope: permissions.PartnerScope(w.partnerA.ID)},
		}})
	must(err)
	_, w.partnerKey, err = authz.CreateKey(sys, pa.ID, permissions.KeyParams{})
	must(err)
	w.adminUser, err = us.Create(sys, users.CreateParams{Email: "root@example.com", FirstName: "Root", LastName: "Admin", Password: adminPassword})
	must(err)
	_, err = authz.AddGrant(sys, w.adminUser.ID, permissions.GrantParams{Action: "*", Scope: permissions.All})
	must(err)

	opts := &console.Options{Prefix: prefix, Sessions: w.sessions, PageSize: 20}
	if adjust != nil {
		adjust(&w.svc, opts)
	}
	h := console.New(w.svc, opts)
	mux := http.NewServeMux()
	mux.Handle(prefix+"/", h)
	w.srv = httptest.NewServer(mux)
	t.Cleanup(w.srv.Close)
	return w
}

// client is a browser-like client: a cookie jar, no redirects followed.
type client struct {
	t    testing.TB
	w    *world
	http *http.Client
	csrf string // the last page's CSRF token
	tls  bool
}

func (w *world) client(t testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, w: w, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status int
	body   string
	resp   *http.Response
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *client) do(req *http.Request) page {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	p := page{status: resp.StatusCode, body: string(b), resp: resp}
	if m := csrfRE.FindStringSubmatch(p.body); m != nil {
		c.csrf = html.UnescapeString(m[1])
	}
	return p
}

func (c *client) get(path string) page {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.w.srv.URL+prefix+path, nil)
	return c.do(req)
}

// post sends a form with the last page's CSRF token (unless the form sets
// its own "csrf").
func (c *client) post(path string, form url.Values, headers ...string) page {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.w.srv.URL+prefix+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

// signInKey signs in with a key and fails the test unless that works.
func (c *client) signInKey(key string) page {
	c.t.Helper()
	c.get("/signin")
	p := c.post("/signin", url.Values{"method": {"key"}, "Key": {key}})
	if p.status != http.StatusSeeOther {
		c.t.Fatalf("sign in: status %d\n%s", p.status, p.body)
	}
	return p
}

// direct serves one request straight through the handler (for requests a
// real client cannot make, such as TLS without a certificate).
func direct(h http.Handler, method, target string, tlsOn bool) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	if tlsOn {
		r.TLS = &tls.ConnectionState{}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}
