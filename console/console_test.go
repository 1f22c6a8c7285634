package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/console"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/ratelimit"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

func TestRedirectToSignInWithoutSession(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	w := newWorld(t)
	c := w.client(t)
	for _, path := range []string{"/", "/users", "/users/" + w.userA.ID.String(), "/partners", "/events?action=users", "/service-accounts"} {
		p := c.get(path)
		is.Equal(p.status, http.StatusSeeOther) // no session: sent to sign-in
		loc := p.resp.Header.Get("Location")
		is.True(strings.HasPrefix(loc, prefix+"/signin")) // the sign-in page, under the prefix
		if path != "/" {
			u, _ := url.Parse(loc)
			is.Equal(u.Query().Get("next"), path) // and back here afterwards
		}
	}
	// A POST without a session changes nothing and goes to sign-in too.
	p := c.post("/users/new", url.Values{"Email": {"x@example.com"}, "FirstName": {"X"}, "LastName": {"Y"}})
	is.Equal(p.status, http.StatusSeeOther)
	_, err := w.us.GetByEmail(permissions.WithPrincipal(context.Background(), permissions.System), "x@example.com")
	is.True(err != nil) // nobody was created
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	w := newWorld(t)
	c := w.client(t)
	c.signInKey(w.adminKey)
	for _, path := range []string{"/signin", "/users", "/users/" + w.userA.ID.String(), "/partners", "/portals", "/service-accounts", "/events", "/nowhere"} {
		p := c.get(path)
		csp := p.resp.Header.Get("Content-Security-Policy")
		is.True(strings.Contains(csp, "default-src 'self'"))     // only this origin
		is.True(strings.Contains(csp, "form-action 'self'"))     // forms post only here
		is.True(strings.Contains(csp, "frame-ancestors 'none'")) // never framed
		is.True(!strings.Contains(csp, "unsafe-inline"))         // no inline script or style
		is.Equal(p.resp.Header.Get("X-Content-Type-Options"), "nosniff")
		if path != "/signin" {
			is.Equal(p.resp.Header.Get("Cache-Control"), "no-store") // account data is not cached
		}
		is.True(!regexp.MustCompile(`<script(\s[^>]*)?>[^<]`).MatchString(p.body)) // no inline script
		is.True(!strings.Contains(p.body, " style="))                              // no inline style
		is.True(!strings.Contains(p.body, "<style"))                               // no style element
		is.True(!strings.Contains(p.body, " on"+"click="))                         // no inline handlers
	}
	p := c.get("/assets/console.css")
	is.Equal(p.status, http.StatusOK)
	is.True(strings.HasPrefix(p.resp.Header.Get("Content-Type"), "text/css"))
}

func TestCookieFlagsAndRotation(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	w := newWorld(t)
	c := w.client(t)
	p := c.signInKey(w.adminKey)
	var sess *http.Cookie
	for _, ck := range p.resp.Cookies() {
		if ck.Name == "userkit_console" {
			sess = ck
		}
	}
	is.True(sess != nil)                               // a session cookie is set at sign-in
	is.True(sess.HttpOnly)                             // scripts cannot read it
	is.Equal(sess.SameSite, http.SameSiteLaxMode)      // not sent on cross-site posts
	is.Equal(sess.Path, prefix+"/")                    // only for the console
	is.True(!sess.Secure)                              // plain HTTP here (httptest)
	is.True(!strings.Contains(sess.Value, w.adminKey)) // the cookie is a random id

	// A session id planted before sign-in (session fixation) is replaced.
	before := w.sessions.Len()
	c2 := w.client(t)
	c2.http.Jar.SetCookies(mustURL(w.srv.URL+prefix+"/"), []*http.Cookie{{Name: "userkit_console", Value: "planted", Path: prefix + "/"}})
	c2.get("/signin")
	p = c2.post("/signin", url.Values{"method": {"key"}, "Key": {w.partnerKey}})
	is.Equal(p.status, http.StatusSeeOther)
	var rotated string
	for _, ck := range p.resp.Cookies() {
		if ck.Name == "userkit_console" {
			rotated = ck.Value
		}
	}
	is.True(rotated != "" && rotated != "planted" && rotated != sess.Value) // a fresh id at sign-in
	is.Equal(w.sessions.Len(), before+1)

	// Over TLS the cookies are Secure.
	h := console.New(w.svc, nil)
	rec := direct(h, "GET", "https://example.com/signin", true)
	is.Equal(rec.Code, http.StatusOK)
	for _, ck := range rec.Result().Cookies() {
		is.True(ck.Secure)   // Secure over TLS
		is.True(ck.HttpOnly) // and HttpOnly
	}
	h = console.New(w.svc, &console.Options{SecureCookies: true})
	rec = direct(h, "GET", "http://example.com/signin", false)
	for _, ck := range rec.Result().Cookies() {
		is.True(ck.Secure) // Options.SecureCookies behind a TLS proxy
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	w := newWorld(t)
	sys := permissions.WithPrincipal(context.Background(), permissions.System)
	created := func(email string) bool {
		_, err := w.us.GetByEmail(sys, email)
		return err == nil
	}
	form := func(email string) url.Values {
		return url.Values{"Email": {email}, "FirstName": {"Cee"}, "LastName": {"Surf"}}
	}

	// The sign-in form needs its token too (login CSRF).
	c := w.client(t)
	p := c.post("/signin", url.Values{"method": {"key"}, "Key": {w.adminKey}, "csrf": {""}})
	is.Equal(p.status, http.StatusForbidden) // sign-in without the form's token

	c.signInKey(w.adminKey)
	c.get("/users/new")
	p = c.post("/users/new", url.Values{"Email": {"a@example.com"}, "FirstName": {"A"}, "LastName": {"B"}, "csrf": {""}})
	is.Equal(p.status, http.StatusForbidden) // no token
	is.True(!created("a@example.com"))
	p = c.post("/users/new", url.Values{"Email": {"b@example.com"}, "FirstName": {"A"}, "LastName": {"B"}, "csrf": {"forged"}})
	is.Equal(p.status, http.StatusForbidden) // a wrong token
	is.True(!created("b@example.com"))

	// Another session's token is no good either.
	other := w.client(t)
	other.signInKey(w.adminKey)
	other.get("/users")
	p = c.post("/users/new", url.Values{"Email": {"c@example.com"}, "FirstName": {"A"}, "LastName": {"B"}, "csrf": {other.csrf}})
	is.Equal(p.status, http.StatusForbidden) // token bound to the session
	is.True(!created("c@example.com"))

	// A cross-site request is refused even with the right token.
	c.get("/users/new")
	p = c.post("/users/new", form("d@example.com"), "Sec-Fetch-Site", "cross-site")
	is.Equal(p.status, http.StatusForbidden) // Sec-Fetch-Site: cross-site
	is.True(!created("d@example.com"))
	p = c.post("/users/new", form("e@example.com"), "Origin", "https://evil.example")
	is.Equal(p.status, http.StatusForbidden) // a foreign Origin
	is.True(!created("e@example.com"))

	p = c.post("/users/new", form("f@example.com"), "Sec-Fetch-Site", "same-origin")
	is.Equal(p.status, http.StatusSeeOther) // the real form works
	is.True(created("f@example.com"))

	// Signing out needs the token as well.
	p = c.post("/signout", url.Values{"csrf": {""}})
	is.Equal(p.status, http.StatusForbidden)
	c.get("/users")
	p = c.post("/signout", nil)
	is.Equal(p.status, http.StatusSeeOther)
	p = c.get("/users")
	is.Equal(p.status, http.StatusSeeOther) // signed out
}

func TestPartnerScopedAdmin(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	w := newWorld(t)
	c := w.client(t)
	c.signInKey(w.partnerKey)

	p := c.get("/users")
	is.Equal(p.status, http.StatusOK)
	is.True(strings.Contains(p.body, w.userA.Email))  // their partner's user
	is.True(!strings.Contains(p.body, w.userB.Email)) // not another partner's
	is.True(!strings.Contains(p.body, "Globex"))      // nor the other partner's name

	p = c.get("/users?partner=" + w.partnerB.ID.String())
	is.True(p.status == http.StatusForbidden || p.status == http.StatusNotFound) // listing partner B
	is.True(!strings.Contains(p.body, w.userB.Email))

	p = c.get("/users?q=bob")
	is.True(!strings.Contains(p.body, w.userB.Email)) // search stays in the partner

	p = c.get("/users/" + w.userB.ID.String())
	is.True(p.status == http.StatusForbidden || p.status == http.StatusNotFound) // another partner's user
	is.True(!strings.Contains(p.body, w.userB.Email))

	c.get("/users/" + w.userA.ID.String())
	p = c.post("/users/"+w.userB.ID.String(), url.Values{"FirstName": {"Hacked"}})
	is.True(p.status == http.StatusForbidden || p.status == http.StatusNotFound) // editing them
	p = c.post("/users/"+w.userB.ID.String()+"/status", url.Values{"Status": {"locked"}})
	is.True(p.status == http.StatusForbidden || p.status == http.StatusNotFound) // locking them
	p = c.post("/users/"+w.userB.ID.String()+"/password", url.Values{"Password": {"Takeover12345"}, "ConfirmPassword": {"Takeover12345"}})
	is.True(p.status == http.StatusForbidden || p.status == http.StatusNotFound) // resetting their password
	sys := permissions.WithPrincipal(context.Background(), permissions.System)
	b, err := w.us.Get(sys, w.userB.ID)
	is.NoErr(err)
	is.Equal(b.FirstName, "Bob")           // unchanged
	is.Equal(b.Status, users.StatusActive) // not locked
	_, err = w.us.Authenticate(context.Background(), b.Email, "Takeover12345")
	is.True(err != nil) // the password was not reset

	// Their own partner's user they can edit.
	c.get("/users/" + w.userA.ID.String())
	p = c.post("/users/"+w.userA.ID.String(), url.Values{"FirstName": {"Annie"}, "Version": {fmt.Sprint(w.userA.Version)}})
	is.Equal(p.status, http.StatusSeeOther)
	a, err := w.us.Get(sys, w.userA.ID)
	is.NoErr(err)
	is.Equal(a.FirstName, "Annie")

	// The audit log shows their partner only; service accounts are not theirs.
	p = c.get("/events")
	is.Equal(p.status, http.StatusOK)
	is.True(strings.Contains(p.body, w.userA.ID.String()))
	is.True(!strings.Contains(p.body, w.userB.ID.String()))
	p = c.get("/events?partner=" + w.partnerB.ID.String())
	is.True(p.status == http.StatusForbidden || p.status == http.StatusNotFound)
	p = c.get("/service-accounts")
	is.True(p.status == http.StatusForbidden || p.status == http.StatusNotFound)
	p = c.get("/users")
	is.True(!strings.Contains(p.body, `href="/console/service-accounts"`)) // not in the menu
}

func TestNoSecretRendered(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	w := newWorld(t)
	c := w.client(t)

	// A failed sign-in does not echo the key or the password.
	c.get("/signin")
	p := c.post("/signin", url.Values{"method": {"key"}, "Key": {w.adminKey + "x"}})
	is.Equal(p.status, http.StatusUnauthorized)
	is.True(!strings.Contains(p.body, w.adminKey)) // the key is not rendered back
	p = c.post("/signin", url.Values{"method": {"password"}, "Email": {w.adminUser.Email}, "Password": {"Wrongpass123"}})
	is.Equal(p.status, http.StatusUnauthorized)
	is.True(!strings.Contains(p.body, "Wrongpass123"))       // nor the password
	is.True(strings.Contains(p.body, w.adminUser.Email))     // the email is kept for a retry
	is.True(strings.Contains(p.body, `aria-invalid="true"`)) // and the field is marked

	c.signInKey(w.adminKey)
	var pages []string
	for _, path := range []string{"/users", "/users/" + w.userA.ID.String(), "/service-accounts", "/events", "/partners"} {
		pages = append(pages, c.get(path).body)
	}
	p = c.get("/service-accounts")
	m := regexp.MustCompile(`href="/console/service-accounts/([0-9a-f-]{36})">acme admin<`).FindStringSubmatch(p.body)
	is.True(m != nil)
	c.get("/service-accounts/" + m[1])
	p = c.post("/service-accounts/"+m[1]+"/keys", nil)
	is.Equal(p.status, http.StatusOK)
	newKey := regexp.MustCompile(`value="(sk:[A-Za-z0-9_-]{43})"`).FindStringSubmatch(p.body)
	is.True(newKey != nil)                                        // the new key is shown once
	is.Equal(p.resp.Header.Get("Cache-Control"), "no-store")      // and not cached
	_, err := w.authz.ResolveKey(context.Background(), newKey[1]) // it works
	is.NoErr(err)
	again := c.get("/service-accounts/" + m[1])
	is.True(!strings.Contains(again.body, newKey[1])) // never again
	pages = append(pages, again.body)
	for _, body := range pages {
		is.True(!strings.Contains(body, w.adminKey))   // the sign-in key never appears
		is.True(!strings.Contains(body, w.partnerKey)) // nor any other key
		is.True(!strings.Contains(body, "$argon2id"))  // nor a password hash
	}
	// The session store holds neither the key nor the new key.
	dump := fmt.Sprintf("%+v", w.sessions)
	is.True(!strings.Contains(dump, w.adminKey))
	is.True(!strings.Contains(dump, newKey[1]))

	// Password sign-in: the password appears nowhere either.
	c2 := w.client(t)
	c2.get("/signin")
	p = c2.post("/signin", url.Values{"method": {"password"}, "Email": {w.adminUser.Email}, "Password": {adminPassword}})
	is.Equal(p.status, http.StatusSeeOther)
	p = c2.get("/users")
	is.Equal(p.status, http.StatusOK)
	is.True(strings.Contains(p.body, w.adminUser.Email)) // signed in as the user
	is.True(!strings.Contains(p.body, adminPassword))
	is.True(!strings.Contains(fmt.Sprintf("%+v", w.sessions), adminPassword))
}

func TestSignInNeedsGrants(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	w := newWorld(t)
	sys := permissions.WithPrincipal(context.Background(), permissions.System)
	_, err := w.us.Create(sys, users.CreateParams{Email: "plain@example.com", FirstName: "P", LastName: "L", Password: "Plainpass123"})
	is.NoErr(err)
	c := w.client(t)
	c.get("/signin")
	p := c.post("/signin", url.Values{"method": {"password"}, "Email": {"plain@example.com"}, "Password": {"Plainpass123"}})
	is.Equal(p.status, http.StatusForbidden) // a user without grants cannot use the console
	is.True(strings.Contains(p.body, "no administrative access"))
	is.Equal(c.get("/users").status, http.StatusSeeOther)

	// Next sends a signed-in visitor back where they were, never off-site.
	c.get("/signin")
	p = c.post("/signin", url.Values{"method": {"key"}, "Key": {w.adminKey}, "next": {"//evil.example/x"}})
	is.Equal(p.status, http.StatusSeeOther)
	is.Equal(p.resp.Header.Get("Location"), prefix+"/")
	c2 := w.client(t)
	c2.get("/signin")
	p = c2.post("/signin", url.Values{"method": {"key"}, "Key": {w.adminKey}, "next": {"/partners"}})
	is.Equal(p.resp.Header.Get("Location"), prefix+"/partners")
}

func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	w := newWorld(t)
	var nanos atomic.Int64 // the handler reads the clock on the server's goroutines
	nanos.Store(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC).UnixNano())
	clock := func() time.Time { return time.Unix(0, nanos.Load()).UTC() }
	advance := func(d time.Duration) { nanos.Add(int64(d)) }
	h := console.New(w.svc, &console.Options{Prefix: prefix, Clock: clock, IdleTimeout: 10 * time.Minute, MaxAge: 80 * time.Minute})
	mux := http.NewServeMux()
	mux.Handle(prefix+"/", h)
	w.srv.Config.Handler = mux
	c := w.client(t)
	c.signInKey(w.adminKey)
	is.Equal(c.get("/users").status, http.StatusOK)
	for i := 0; i < 8; i++ { // in use every 9 minutes: the idle timeout never hits
		advance(9 * time.Minute)
		is.Equal(c.get("/users").status, http.StatusOK)
	}
	advance(9 * time.Minute) // 81 minutes after sign-in: past the absolute limit
	is.Equal(c.get("/users").status, http.StatusSeeOther)

	c.signInKey(w.adminKey)
	advance(11 * time.Minute) // idle too long
	is.Equal(c.get("/users").status, http.StatusSeeOther)
}

func TestFieldProblemsInPlainWords(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	w := newWorld(t)
	c := w.client(t)
	c.signInKey(w.adminKey)
	c.get("/users/new")
	p := c.post("/users/new", url.Values{"Email": {"not-an-email"}, "FirstName": {""}, "LastName": {"Doe"}, "Password": {"short"}})
	is.Equal(p.status, http.StatusUnprocessableEntity)
	is.True(strings.Contains(p.body, "Enter an email address like name@example.com.")) // the email problem
	is.True(strings.Contains(p.body, "Enter a first name."))                           // the name problem
	is.True(strings.Contains(p.body, `id="f-Email-error"`))                            // next to its field
	is.True(strings.Contains(p.body, `aria-describedby="f-Email-error"`))              // and tied to it
	is.True(strings.Contains(p.body, `value="Doe"`))                                   // what was typed stays
	is.True(!strings.Contains(p.body, `value="short"`))                                // except the password

	// A taken email.
	p = c.post("/users/new", url.Values{"Email": {w.userA.Email}, "FirstName": {"X"}, "LastName": {"Y"}})
	is.Equal(p.status, http.StatusConflict)
	is.True(strings.Contains(p.body, "This email is already used by another record."))

	// A stale edit is refused, not silently applied.
	c.get("/users/" + w.userA.ID.String())
	p = c.post("/users/"+w.userA.ID.String(), url.Values{"FirstName": {"First"}, "Version": {fmt.Sprint(w.userA.Version)}})
	is.Equal(p.status, http.StatusSeeOther)
	p = c.post("/users/"+w.userA.ID.String(), url.Values{"FirstName": {"Second"}, "Version": {fmt.Sprint(w.userA.Version)}})
	is.Equal(p.status, http.StatusPreconditionFailed)
	is.True(strings.Contains(p.body, "Someone else changed this record"))
	is.True(strings.Contains(p.body, `value="Second"`)) // the edit is kept to retry

	// Every input has a label.
	for _, path := range []string{"/users/new", "/users/" + w.userA.ID.String(), "/portals", "/service-accounts", "/events", "/users"} {
		body := c.get(path).body
		for _, m := range regexp.MustCompile(`<(?:input|select)[^>]*\sid="([^"]+)"`).FindAllStringSubmatch(body, -1) {
			is.True(strings.Contains(body, `for="`+m[1]+`"`)) // a label for every field
		}
	}
}

func TestUserFlows(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	w := newWorld(t)
	sys := permissions.WithPrincipal(context.Background(), permissions.System)
	c := w.client(t)
	c.signInKey(w.adminKey)

	// Create in partner A, attach to B, detach from A, lock, unlock, reset.
	c.get("/users/new")
	p := c.post("/users/new", url.Values{"Email": {"cara@example.com"}, "FirstName": {"Cara"}, "LastName": {"Way"}, "PartnerID": {w.partnerA.ID.String()}})
	is.Equal(p.status, http.StatusSeeOther)
	u, err := w.us.GetByEmail(sys, "cara@example.com")
	is.NoErr(err)
	path := "/users/" + u.ID.String()
	is.Equal(p.resp.Header.Get("Location"), prefix+path)
	p = c.get(path)
	is.True(strings.Contains(p.body, "User cara@example.com created.")) // a notice after the redirect

	c.post(path+"/partners", url.Values{"PartnerID": {w.partnerB.ID.String()}})
	ps, err := w.ps.PartnersOf(sys, u.ID)
	is.NoErr(err)
	is.Equal(len(ps), 2) // attached to B
	c.get(path)
	p = c.post(path+"/partners/"+w.partnerA.ID.String()+"/detach", nil)
	is.Equal(p.status, http.StatusSeeOther)
	ps, _ = w.ps.PartnersOf(sys, u.ID)
	is.Equal(len(ps), 1) // detached from A

	c.get(path)
	c.post(path+"/status", url.Values{"Status": {"locked"}})
	u, _ = w.us.Get(sys, u.ID)
	is.Equal(u.Status, users.StatusLocked)
	c.get(path)
	c.post(path+"/status", url.Values{"Status": {"active"}})
	u, _ = w.us.Get(sys, u.ID)
	is.Equal(u.Status, users.StatusActive)

	c.get(path)
	p = c.post(path+"/password", url.Values{"Password": {"Newpassword12"}, "ConfirmPassword": {"Newpassword13"}})
	is.Equal(p.status, http.StatusUnprocessableEntity)
	is.True(strings.Contains(p.body, "The two passwords are not the same."))
	p = c.post(path+"/password", url.Values{"Password": {"weak"}, "ConfirmPassword": {"weak"}})
	is.Equal(p.status, http.StatusUnprocessableEntity)
	is.True(strings.Contains(p.body, `id="pw-Password-error"`)) // the policy problem by its field
	p = c.post(path+"/password", url.Values{"Password": {"Newpassword12"}, "ConfirmPassword": {"Newpassword12"}})
	is.Equal(p.status, http.StatusSeeOther)
	_, err = w.us.Authenticate(context.Background(), "cara@example.com", "Newpassword12")
	is.NoErr(err)

	// Search and keyset paging (page size 20 in this world).
	for i := 0; i < 45; i++ {
		_, err := w.us.Create(sys, users.CreateParams{Email: fmt.Sprintf("page%02d@example.com", i), FirstName: "Page", LastName: fmt.Sprintf("Person%02d", i)})
		is.NoErr(err)
	}
	seen := map[string]bool{}
	next := "/users?q=page"
	for pages := 0; next != ""; pages++ {
		is.True(pages < 5)
		p = c.get(strings.TrimPrefix(next, prefix))
		is.Equal(p.status, http.StatusOK)
		for _, m := range regexp.MustCompile(`page\d\d@example\.com`).FindAllString(p.body, -1) {
			is.True(!seen[m]) // no user twice
			seen[m] = true
		}
		m := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(p.body)
		next = ""
		if m != nil {
			next = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	is.Equal(len(seen), 45) // every match, over three pages

	// Partners, teams, portals, roles, attributes, service accounts.
	c.get("/partners")
	p = c.post("/partners", url.Values{"Name": {"Initech"}})
	is.Equal(p.status, http.StatusSeeOther)
	partnerPath := strings.TrimPrefix(p.resp.Header.Get("Location"), prefix)
	c.get(partnerPath)
	is.Equal(c.post(partnerPath+"/teams", url.Values{"Name": {"Support"}}).status, http.StatusSeeOther)
	is.True(strings.Contains(c.get(partnerPath).body, "Support"))
	c.get("/portals")
	p = c.post("/portals", url.Values{"Name": {"Initech portal"}, "TechnicalName": {"initech"}})
	is.Equal(p.status, http.StatusSeeOther)
	portalPath := strings.TrimPrefix(p.resp.Header.Get("Location"), prefix)
	c.get(portalPath)
	is.Equal(c.post(portalPath+"/roles", url.Values{"Name": {"Reseller"}}).status, http.StatusSeeOther)
	is.Equal(c.post(portalPath+"/attributes", url.Values{"Name": {"region"}, "Type": {"STRING"}}).status, http.StatusSeeOther)
	body := c.get(portalPath).body
	is.True(strings.Contains(body, "Reseller") && strings.Contains(body, "region"))
	c.get("/service-accounts")
	p = c.post("/service-accounts", url.Values{"Name": {"sync"}, "Action": {"users.read"}, "Scope": {"partner:" + w.partnerA.ID.String()}})
	is.Equal(p.status, http.StatusSeeOther)
	saPath := strings.TrimPrefix(p.resp.Header.Get("Location"), prefix)
	c.get(saPath)
	p = c.post(saPath+"/keys", nil)
	is.Equal(p.status, http.StatusOK)
	kid := regexp.MustCompile(`/keys/([0-9a-f-]{36})/revoke`).FindStringSubmatch(p.body)
	is.True(kid != nil)
	is.Equal(c.post(saPath+"/keys/"+kid[1]+"/revoke", nil).status, http.StatusSeeOther)
	is.True(strings.Contains(c.get(saPath).body, "revoked"))

	// The audit log, filtered by action.
	p = c.get("/events?action=users")
	is.Equal(p.status, http.StatusOK)
	is.True(strings.Contains(p.body, "users.create"))
	is.True(!strings.Contains(p.body, "portals.create"))
	p = c.get("/events?target=" + u.ID.String())
	is.True(strings.Contains(p.body, "users.update")) // this user's changes
	is.True(!strings.Contains(p.body, "page00@example.com"))
}

// recordingEvents is the permissions service, recording the audit log
// filters the console asks for.
type recordingEvents struct {
	console.Permissions
	mu      sync.Mutex
	filters []storage.EventFilter
}

func (r *recordingEvents) ListEvents(ctx context.Context, f storage.EventFilter, p userkit.PageRequest) (userkit.Page[permissions.Event], error) {
	r.mu.Lock()
	r.filters = append(r.filters, f)
	r.mu.Unlock()
	return r.Permissions.ListEvents(ctx, f, p)
}

// TestEventsActionFilterInStore: the audit log's action filter is the
// store's (storage.EventFilter.Action), one query a page, not a scan of
// pages in the console.
func TestEventsActionFilterInStore(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	rec := &recordingEvents{}
	w := newWorldWith(t, func(svc *console.Services, _ *console.Options) {
		rec.Permissions = svc.Permissions
		svc.Permissions = rec
	})
	c := w.client(t)
	c.signInKey(w.adminKey)
	for _, tc := range []struct{ query, want string }{
		{"users", "users."},              // a family
		{"users.update", "users.update"}, // one action
		{"", ""},                         // every action
	} {
		rec.mu.Lock()
		rec.filters = nil
		rec.mu.Unlock()
		p := c.get("/events" + query("action", tc.query))
		is.Equal(p.status, http.StatusOK)
		rec.mu.Lock()
		is.Equal(len(rec.filters), 1)            // one store query for the page
		is.Equal(rec.filters[0].Action, tc.want) // the filter the store applies
		rec.mu.Unlock()
		if tc.query == "users" {
			is.True(strings.Contains(p.body, "users.create") && !strings.Contains(p.body, "partners.create")) // only the family
		}
	}
}

func query(k, v string) string {
	if v == "" {
		return ""
	}
	return "?" + url.Values{k: {v}}.Encode()
}

// TestKeySessionEndsWithKey: a session signed in with a key ends on the
// first request after the key is revoked, or after it expires; the
// session keeps the key's ID, never its secret.
func TestKeySessionEndsWithKey(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	var nanos atomic.Int64
	nanos.Store(time.Now().UnixNano())
	k := kit.New(memory.New(), &kit.Options{Clock: func() time.Time { return time.Unix(0, nanos.Load()).UTC() }})
	saved := &savedSessions{SessionStore: console.NewMemorySessions()}
	w := newWorldWith(t, func(svc *console.Services, o *console.Options) {
		svc.Permissions = k.Permissions
		o.Sessions = saved
	})
	sys := permissions.WithPrincipal(context.Background(), permissions.System)
	sa, err := k.Permissions.CreateServiceAccount(sys, permissions.ServiceAccountParams{Name: "ops",
		Grants: []permissions.GrantParams{{Action: "*", Scope: permissions.All}}})
	is.NoErr(err)

	// Revoked: the next request goes to sign-in, which says why.
	key, secret, err := k.Permissions.CreateKey(sys, sa.ID, permissions.KeyParams{})
	is.NoErr(err)
	c := w.client(t)
	c.signInKey(secret)
	is.Equal(c.get("/events").status, http.StatusOK) // signed in
	stored := saved.last()
	is.Equal(stored.KeyID, key.ID)                                     // the key's ID is kept
	is.True(!strings.Contains(fmt.Sprintf("%+v", stored), secret[3:])) // the secret is not
	is.NoErr(k.Permissions.RevokeKey(sys, key.ID))
	p := c.get("/events")
	is.Equal(p.status, http.StatusSeeOther) // revoked: signed out
	loc := p.resp.Header.Get("Location")
	is.True(strings.HasPrefix(loc, prefix+"/signin"))                                                // to the sign-in page
	is.True(strings.Contains(c.get(strings.TrimPrefix(loc, prefix)).body, "revoked or has expired")) // which says why
	is.Equal(c.get("/events").status, http.StatusSeeOther)                                           // and the session is gone

	// Expired: the same, once the clock passes the key's expiry.
	exp := time.Unix(0, nanos.Load()).Add(time.Hour)
	_, secret, err = k.Permissions.CreateKey(sys, sa.ID, permissions.KeyParams{ExpiresAt: &exp})
	is.NoErr(err)
	c = w.client(t)
	c.signInKey(secret)
	is.Equal(c.get("/events").status, http.StatusOK)
	nanos.Add(int64(time.Hour))
	is.Equal(c.get("/events").status, http.StatusSeeOther) // expired: signed out
}

// savedSessions is a session store that remembers the last session saved.
type savedSessions struct {
	console.SessionStore
	mu sync.Mutex
	s  console.Session
}

func (s *savedSessions) Save(ctx context.Context, sess console.Session) error {
	s.mu.Lock()
	s.s = sess
	s.mu.Unlock()
	return s.SessionStore.Save(ctx, sess)
}

func (s *savedSessions) last() console.Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.s
}

// keyLimiter refuses the keys that start with deny and records every key.
type keyLimiter struct {
	deny string
	mu   sync.Mutex
	keys []string
}

func (l *keyLimiter) Allow(_ context.Context, key string) (ratelimit.Decision, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.keys = append(l.keys, key)
	if strings.HasPrefix(key, l.deny) {
		return ratelimit.Decision{Allowed: false, Limit: 10, RetryAfter: 5500 * time.Millisecond}, nil
	}
	return ratelimit.Decision{Allowed: true, Limit: 10, Remaining: 9}, nil
}

// TestSignInRateLimit: sign-in attempts are limited per client address
// (default 10 a minute) and per email; a refused attempt is 429 with
// Retry-After and a sentence in plain words, before any credential is
// checked.
func TestSignInRateLimit(t *testing.T) {
	t.Parallel()
	is := is.New(t)

	// The default: 10 attempts a minute from one address, then 429.
	w := newWorld(t)
	c := w.client(t)
	c.get("/signin")
	for i := 0; i < console.DefaultSignInsPerMinute; i++ {
		p := c.post("/signin", url.Values{"method": {"key"}, "Key": {"sk:wrong"}})
		is.Equal(p.status, http.StatusUnauthorized) // a wrong key, within the limit
	}
	p := c.post("/signin", url.Values{"method": {"key"}, "Key": {w.adminKey}})
	is.Equal(p.status, http.StatusTooManyRequests)                                                  // the 11th attempt is refused, even with a good key
	is.True(p.resp.Header.Get("Retry-After") != "")                                                 // with Retry-After
	is.True(strings.Contains(p.body, "Too many sign-in attempts from your network address. Wait ")) // in plain words
	is.True(strings.Contains(p.body, `id="f-Key"`))                                                 // on the sign-in page, to try again

	// Per email: the limiter is asked for the address and the email.
	lim := &keyLimiter{deny: "console-signin:email:"}
	w = newWorldWith(t, func(_ *console.Services, o *console.Options) { o.SignInLimiter = lim })
	c = w.client(t)
	c.get("/signin")
	p = c.post("/signin", url.Values{"Email": {" Root@Example.com "}, "Password": {adminPassword}})
	is.Equal(p.status, http.StatusTooManyRequests)  // refused for the email
	is.Equal(p.resp.Header.Get("Retry-After"), "6") // seconds, rounded up
	is.True(strings.Contains(p.body, "Too many sign-in attempts for this email address. Wait 6 seconds and try again."))
	is.Equal(lim.keys, []string{"console-signin:addr:127.0.0.1", "console-signin:email:root@example.com"}) // one key per address and per email
	lim.mu.Lock()
	lim.deny = "nothing"
	lim.mu.Unlock()
	is.Equal(c.post("/signin", url.Values{"Email": {"root@example.com"}, "Password": {adminPassword}}).status, http.StatusSeeOther) // allowed again
}

// TestOwnershipOnUserPage: a partner-scoped administrator sees a user
// their partner only attached (another partner manages them) read-only,
// with the reason, and without the controls the services would refuse;
// their own partner's user is editable. A holder of "*" on everything is
// labelled an administrator.
func TestOwnershipOnUserPage(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	w := newWorld(t)
	c := w.client(t)
	c.signInKey(w.partnerKey)

	p := c.get("/users/" + w.shared.ID.String())
	is.Equal(p.status, http.StatusOK)                                      // readable: a member of partner A
	is.True(strings.Contains(p.body, "This user is not managed by you."))  // says why it is read-only
	is.True(!strings.Contains(p.body, "Save changes"))                     // no edit form
	is.True(!strings.Contains(p.body, "Reset password"))                   // no password reset
	is.True(!strings.Contains(p.body, `name="Status"`))                    // no lock or suspend
	is.True(strings.Contains(p.body, "sam.shared@example.com"))            // the profile is shown
	is.True(!strings.Contains(p.body, w.partnerB.Name))                    // never the managing partner's name
	is.True(strings.Contains(p.body, "/partners/"+w.partnerA.ID.String())) // the partner A may remove them from

	p = c.get("/users/" + w.userA.ID.String())
	is.Equal(p.status, http.StatusOK)
	is.True(strings.Contains(p.body, "Save changes") && strings.Contains(p.body, "Reset password")) // A's own user: editable
	is.True(!strings.Contains(p.body, "not managed by you"))

	c = w.client(t)
	c.signInKey(w.adminKey)
	p = c.get("/users/" + w.adminUser.ID.String())
	is.True(strings.Contains(p.body, `badge-admin">Administrator`)) // holds * on everything
	is.True(strings.Contains(p.body, "super-admin"))                // what Tyk calls it
	p = c.get("/users/" + w.shared.ID.String())
	is.True(strings.Contains(p.body, "Save changes")) // everything's administrator controls every user
}
