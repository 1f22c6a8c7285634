package main

import (
	"context"
	"encoding/json"
	"github.com/userkit/userkit/kit"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

// newTestApp serves the host app over a seeded memory store, with cheap
// password hashing.
func newTestApp(t *testing.T, tls bool) (*httptest.Server, *kit.Kit) {
	t.Helper()
	svc := kit.New(memory.New(), &kit.Options{Users: users.Options{Argon2: users.Argon2Params{Memory: 64, Time: 1, Threads: 1}}})
	if err := seed(context.Background(), svc); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(newApp(svc))
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv, svc
}

// browser returns a client with its own cookie jar that shows redirects
// instead of following them.
func browser(t *testing.T, srv *httptest.Server) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// do sends a request and returns the response with its body read.
func do(t *testing.T, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func get(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	return do(t, c, req)
}

func post(t *testing.T, c *http.Client, url string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, c, req)
}

func login(t *testing.T, c *http.Client, srv *httptest.Server, email, password string) *http.Response {
	t.Helper()
	resp, _ := post(t, c, srv.URL+"/login", url.Values{"email": {email}, "password": {password}})
	return resp
}

func sessionCookieOf(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	return nil
}

func TestAdminSessionReachesUserkit(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	srv, _ := newTestApp(t, false)
	c := browser(t, srv)

	resp := login(t, c, srv, adminEmail, adminPassword)
	is.Equal(resp.StatusCode, http.StatusSeeOther) // login redirects home
	ck := sessionCookieOf(resp)
	is.True(ck != nil)                               // login sets the session cookie
	is.True(ck.HttpOnly)                             // scripts cannot read the session
	is.Equal(ck.SameSite, http.SameSiteLaxMode)      // cross-site posts do not carry it
	is.True(!ck.Secure)                              // plain HTTP: no Secure flag
	is.True(!strings.Contains(ck.Value, adminEmail)) // the cookie holds a random id only

	// The host's own route, side by side with userkit's.
	resp, body := get(t, c, srv.URL+"/me")
	is.Equal(resp.StatusCode, http.StatusOK) // /me with the session
	var me meView
	is.NoErr(json.Unmarshal([]byte(body), &me))
	is.Equal(me.Email, adminEmail) // /me shows the signed-in user
	is.Equal(me.Name, "Ada Lovelace")

	resp, body = get(t, c, srv.URL+"/userkit/api/v1/users")
	is.Equal(resp.StatusCode, http.StatusOK) // the session's grant lets Ada list users
	var list []struct {
		LoginName string `json:"loginName"`
	}
	is.NoErr(json.Unmarshal([]byte(body), &list))
	is.Equal(len(list), 2) // both seeded users
}

func TestSessionWithoutGrantIsRefused(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	srv, _ := newTestApp(t, false)
	c := browser(t, srv)

	is.Equal(login(t, c, srv, userEmail, userPassword).StatusCode, http.StatusSeeOther) // Bob signs in to the host
	resp, _ := get(t, c, srv.URL+"/me")
	is.Equal(resp.StatusCode, http.StatusOK) // the host serves Bob
	resp, _ = get(t, c, srv.URL+"/userkit/api/v1/users")
	is.Equal(resp.StatusCode, http.StatusForbidden) // userkit knows Bob but he holds no grant
}

func TestNoCredentialIsUnauthenticated(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	srv, _ := newTestApp(t, false)
	c := browser(t, srv)

	resp, _ := get(t, c, srv.URL+"/userkit/api/v1/users")
	is.Equal(resp.StatusCode, http.StatusUnauthorized) // no cookie, no key
	resp, _ = get(t, c, srv.URL+"/me")
	is.Equal(resp.StatusCode, http.StatusUnauthorized) // the host's route wants a session too
	resp, body := get(t, c, srv.URL+"/")
	is.Equal(resp.StatusCode, http.StatusOK) // the home page is public
	is.True(strings.Contains(body, `action="/login"`))
	resp, _ = get(t, c, srv.URL+"/nowhere")
	is.Equal(resp.StatusCode, http.StatusNotFound) // "/" matches only itself
}

func TestBadPasswordIsRefusedByTheHost(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	srv, _ := newTestApp(t, false)
	c := browser(t, srv)

	resp, body := post(t, c, srv.URL+"/login", url.Values{"email": {adminEmail}, "password": {"Wrongpassword1"}})
	is.Equal(resp.StatusCode, http.StatusUnauthorized)           // the host's 401
	is.Equal(strings.TrimSpace(body), "wrong email or password") // one answer for every failure
	is.True(sessionCookieOf(resp) == nil)                        // no session
	resp, _ = get(t, c, srv.URL+"/userkit/api/v1/users")
	is.Equal(resp.StatusCode, http.StatusUnauthorized) // still nobody
}

func TestLogoutEndsTheSession(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	srv, _ := newTestApp(t, false)
	c := browser(t, srv)

	old := sessionCookieOf(login(t, c, srv, adminEmail, adminPassword))
	is.True(old != nil) // signed in
	resp, _ := post(t, c, srv.URL+"/logout", nil)
	is.Equal(resp.StatusCode, http.StatusSeeOther) // logout redirects home
	is.True(sessionCookieOf(resp).MaxAge < 0)      // the browser is told to drop the cookie

	resp, _ = get(t, c, srv.URL+"/me")
	is.Equal(resp.StatusCode, http.StatusUnauthorized) // the browser is signed out

	// A copy of the old cookie is dead on the server side too.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/userkit/api/v1/users", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: old.Value})
	resp, _ = do(t, http.DefaultClient, req)
	is.Equal(resp.StatusCode, http.StatusUnauthorized) // ended session refused by userkit
}

func TestBearerKeyStillWorks(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	srv, svc := newTestApp(t, false)
	sys := permissions.WithPrincipal(context.Background(), permissions.System)
	sa, err := svc.Permissions.CreateServiceAccount(sys, permissions.ServiceAccountParams{
		Name:   "reporting",
		Grants: []permissions.GrantParams{{Action: "users.read", Scope: permissions.All}},
	})
	is.NoErr(err)
	_, secret, err := svc.Permissions.CreateKey(sys, sa.ID, permissions.KeyParams{})
	is.NoErr(err)

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/userkit/api/v1/users", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, _ := do(t, srv.Client(), req)
	is.Equal(resp.StatusCode, http.StatusOK) // no cookie: the authenticator steps aside for the key
}

func TestSecureCookieOverTLS(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	srv, _ := newTestApp(t, true)
	c := browser(t, srv)

	ck := sessionCookieOf(login(t, c, srv, adminEmail, adminPassword))
	is.True(ck != nil && ck.Secure) // over TLS the cookie is Secure
	resp, _ := get(t, c, srv.URL+"/userkit/api/v1/users")
	is.Equal(resp.StatusCode, http.StatusOK) // and the session works as over HTTP
}

func TestCrossOriginWritesAreRefused(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	srv, _ := newTestApp(t, false)
	c := browser(t, srv)

	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login",
		strings.NewReader(url.Values{"email": {adminEmail}, "password": {adminPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site") // what a browser sends for another site's form
	resp, _ := do(t, c, req)
	is.Equal(resp.StatusCode, http.StatusForbidden) // refused before the handler runs
	is.True(sessionCookieOf(resp) == nil)           // and no session started
}
