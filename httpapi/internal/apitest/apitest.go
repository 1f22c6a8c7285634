package apitest

import (
	"context"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

var update = flag.Bool("update", false, "rewrite golden files with the current output")

// Epoch is the time the test clock starts at: the Tyk seed's "2023-06-23 21:02".
var Epoch = time.Date(2023, 6, 23, 21, 2, 0, 0, time.UTC)

// Clock is a settable test clock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// TokenSecret signs user API tokens in tests.
var TokenSecret = []byte("apitest-token-secret-0123456789abcdef")

// Services are the concrete services of an Env (a kit.Kit), so that
// tests can also call the methods the handlers do not.
type Services = kit.Kit

// Env is a complete userkit back end for one test.
type Env struct {
	Store *memory.Store
	Svc   *Services
	Opts  *httpapi.Options
	Clock *Clock
	// Sys is a context running as the system principal, for arranging
	// fixtures through the services.
	Sys context.Context
}

// New returns a fresh Env over a memory store.
func New(t testing.TB) *Env {
	t.Helper()
	store := memory.New()
	env := NewOn(t, store)
	env.Store = store
	return env
}

// NewOn returns a fresh Env over st (Env.Store stays nil: the caller
// holds st). Each option edits the kit's options before the kit is built.
func NewOn(t testing.TB, st storage.Store, opts ...func(*kit.Options)) *Env {
	t.Helper()
	clk := &Clock{now: Epoch}
	o := kit.Options{
		Clock: clk.Now,
		Users: users.Options{Argon2: users.Argon2Params{Memory: 64, Time: 1, Threads: 1}},
	}
	for _, f := range opts {
		f(&o)
	}
	k := kit.New(st, &o)
	return &Env{
		Svc:   k,
		Opts:  k.HTTPOptions(&httpapi.Options{TokenSecret: TokenSecret}),
		Clock: clk,
		Sys:   permissions.WithPrincipal(context.Background(), permissions.System),
	}
}

// Key creates a service account holding the grants and returns its key as
// the "Bearer" value of an Authorization header.
func (e *Env) Key(t testing.TB, grants ...permissions.GrantParams) string {
	t.Helper()
	sa, err := e.Svc.Permissions.CreateServiceAccount(e.Sys, permissions.ServiceAccountParams{
		Name: "test account", Grants: grants,
	})
	if err != nil {
		t.Fatalf("create service account: %v", err)
	}
	_, secret, err := e.Svc.Permissions.CreateKey(e.Sys, sa.ID, permissions.KeyParams{})
	if err != nil {
		t.Fatalf("create key: %v", err)
	}
	return secret
}

// AdminKey returns a key holding every action on everything.
func (e *Env) AdminKey(t testing.TB) string {
	return e.Key(t, permissions.GrantParams{Action: "*", Scope: permissions.All})
}

// Grant is shorthand for a grant of action on scope.
func Grant(action string, scope permissions.Scope) permissions.GrantParams {
	return permissions.GrantParams{Action: action, Scope: scope}
}

// Request is one call to a handler.
type Request struct {
	Method string
	Path   string
	// Auth is the whole Authorization header value ("Bearer sk:…", or a raw
	// token for the Tyk style); empty sends none.
	Auth string
	Body string
	// Header holds extra headers.
	Header map[string]string
}

// Do serves req through h and returns the recorded response.
func Do(h http.Handler, req Request) *httptest.ResponseRecorder {
	var body *strings.Reader
	if req.Body != "" {
		body = strings.NewReader(req.Body)
	} else {
		body = strings.NewReader("")
	}
	r := httptest.NewRequest(req.Method, req.Path, body)
	if req.Body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if req.Auth != "" {
		r.Header.Set("Authorization", req.Auth)
	}
	for k, v := range req.Header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// Golden compares got with testdata/<name>.golden, after replacing each
// old string of the pairs in replace with its new one (for ids and times
// that differ between runs). With -update it writes the file instead.
func Golden(t testing.TB, name string, got []byte, replace ...string) {
	t.Helper()
	s := strings.NewReplacer(replace...).Replace(string(got))
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run the test with -update to create it): %v", err)
	}
	if s != string(want) {
		t.Errorf("%s: body differs from golden file\n got: %s\nwant: %s", name, s, want)
	}
}
