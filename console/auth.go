package console

import (
	"context"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// request is a signed-in request: its session, a context carrying the
// session's principal, and the principal's grants (for navigation and for
// choosing the partner a partner-scoped administrator works in; the
// services make every decision).
type request struct {
	sess   Session
	ctx    context.Context
	access access
	flash  string
}

// access is the signed-in principal's grants.
type access []permissions.Grant

// can reports whether some grant allows action on scope itself or on
// everything.
func (a access) can(action permissions.Action, scope permissions.Scope) bool {
	for _, g := range a {
		if permissions.Matches(g.Action, action) && (g.Scope.Kind == storage.ScopeAll || g.Scope == scope) {
			return true
		}
	}
	return false
}

// anywhere reports whether some grant allows action on any scope.
func (a access) anywhere(action permissions.Action) bool {
	for _, g := range a {
		if permissions.Matches(g.Action, action) {
			return true
		}
	}
	return false
}

// partners lists the partners that grants allowing action name, in grant
// order, without repeats.
func (a access) partners(action permissions.Action) []uuid.UUID {
	var ids []uuid.UUID
	seen := map[uuid.UUID]bool{}
	for _, g := range a {
		if g.Scope.Kind == storage.ScopePartner && permissions.Matches(g.Action, action) && !seen[g.Scope.ID] {
			seen[g.Scope.ID] = true
			ids = append(ids, g.Scope.ID)
		}
	}
	return ids
}

func (a access) menu() menu {
	return menu{
		Users:           a.anywhere(permissions.UsersRead),
		Partners:        a.anywhere(permissions.PartnersRead),
		Portals:         a.anywhere(permissions.PortalsRead),
		ServiceAccounts: a.can(permissions.PermissionsRead, permissions.All),
		Events:          a.anywhere(permissions.PermissionsRead),
	}
}

// authed wraps a handler that needs a signed-in session. Without one, the
// visitor is sent to the sign-in page (and back here afterwards, for a
// GET). A POST must carry the session's CSRF token. The principal's grants
// are read as the principal on every request, so that a revoked grant or a
// deleted account takes effect at once; a user who is no longer active is
// signed out, and so is a session whose key was revoked or expired.
func (c *Console) authed(h func(http.ResponseWriter, *http.Request, *request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, ok := c.session(r)
		if !ok {
			next := ""
			if r.Method == http.MethodGet {
				next = r.URL.RequestURI() // the prefix is already removed
			}
			if next == "/" {
				next = ""
			}
			c.redirect(w, r, "/signin"+query("next", next))
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			if !equal(r.PostFormValue("csrf"), sess.CSRF) {
				c.renderError(w, r, nil, http.StatusForbidden,
					"This form has expired or did not come from this console. Go back, reload the page and try again.")
				return
			}
		}
		ctx := permissions.WithPrincipal(r.Context(), sess.Principal)
		end := func(why string) {
			_ = c.sessions.Delete(r.Context(), sess.ID)
			c.setCookie(w, r, sessionCookie, "", -1)
			c.redirect(w, r, "/signin"+query("ended", why))
		}
		if sess.KeyID != uuid.Nil {
			live, err := c.svc.Permissions.KeyActive(ctx, sess.KeyID)
			if err == nil && !live {
				end("key")
				return
			}
			if err != nil {
				if k := userkit.KindOf(err); k == userkit.NotFound || k == userkit.Unauthenticated || k == userkit.Forbidden {
					end("key")
					return
				}
				c.fail(w, r, nil, err)
				return
			}
		}
		grants, err := c.svc.Permissions.GrantsOf(ctx, sess.Principal.ID)
		if err == nil {
			err = c.stillActive(ctx, sess.Principal)
		}
		if err != nil {
			if k := userkit.KindOf(err); k == userkit.NotFound || k == userkit.Unauthenticated || k == userkit.Forbidden {
				end("access")
				return
			}
			c.fail(w, r, nil, err)
			return
		}
		if len(grants) == 0 {
			end("access")
			return
		}
		rq := &request{sess: sess, ctx: ctx, access: grants}
		// Touch the session (at most once a minute) and take its flash.
		now := c.now()
		if sess.Flash != "" && r.Method == http.MethodGet {
			rq.flash = sess.Flash
			sess.Flash = ""
			sess.LastSeenAt = now
			_ = c.sessions.Save(r.Context(), sess)
		} else if now.Sub(sess.LastSeenAt) > c.idle/30 {
			sess.LastSeenAt = now
			_ = c.sessions.Save(r.Context(), sess)
		}
		rq.sess = sess
		h(w, r, rq)
	}
}

// stillActive checks, as the principal, that the account still exists and
// (for a user) is active.
func (c *Console) stillActive(ctx context.Context, p permissions.Principal) error {
	switch p.Kind {
	case permissions.KindUser:
		u, err := c.svc.Users.Get(ctx, p.ID)
		if err != nil {
			return err
		}
		if u.Status != users.StatusActive {
			return userkit.ErrUnauthenticated
		}
	case permissions.KindServiceAccount:
		_, err := c.svc.Permissions.GetServiceAccount(ctx, p.ID)
		return err
	default:
		// The console never runs as anything but a user or a service
		// account.
		return userkit.ErrUnauthenticated
	}
	return nil
}

// setFlash keeps a notice for the next page.
func (c *Console) setFlash(r *http.Request, rq *request, msg string) {
	rq.sess.Flash = msg
	rq.sess.LastSeenAt = c.now()
	_ = c.sessions.Save(r.Context(), rq.sess)
}

type signInData struct {
	Next   string
	Method string // the form that failed: "password" or "key"
}

// endedReasons say on the sign-in page why a session ended.
var endedReasons = map[string]string{
	"key":    "Your session ended because the key you signed in with was revoked or has expired. Sign in again with a valid key.",
	"access": "Your session ended because your account or its access changed. Sign in again.",
}

func (c *Console) signInPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := c.session(r); ok {
		c.redirect(w, r, "/")
		return
	}
	next := r.URL.Query().Get("next")
	if !localPath(next) {
		next = ""
	}
	c.render(w, r, nil, "signin", view{
		Title: "Sign in", CSRF: c.signInToken(w, r), Form: newForm(),
		Error: endedReasons[r.URL.Query().Get("ended")], Data: signInData{Next: next},
	})
}

// signIn turns a key, or a user's email and password, into a principal
// through the same service calls the APIs use, and starts a new session.
// A user needs at least one grant to sign in.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil || !c.checkSignInToken(r) {
		c.renderError(w, r, nil, http.StatusForbidden,
			"The sign-in form expired. Go back, reload the page and try again.")
		return
	}
	next := r.PostFormValue("next")
	if !localPath(next) {
		next = "/"
	}
	f := newForm()
	method := r.PostFormValue("method")
	if method != "key" {
		f.Values["Email"] = strings.TrimSpace(r.PostFormValue("Email"))
	}
	if !c.allowSignIn(w, r, f, next, method) {
		return
	}
	refuse := func(status int, field, msg string) {
		f.Problems[field] = msg
		c.render(w, r, nil, "signin", view{
			Title: "Sign in", CSRF: c.signInToken(w, r), Form: f, Status: status,
			Error: "You are not signed in.", Data: signInData{Next: next, Method: method},
		})
	}
	var (
		p     permissions.Principal
		keyID uuid.UUID
		name  string
		err   error
	)
	switch method {
	case "key":
		key := strings.TrimSpace(r.PostFormValue("Key"))
		if key == "" {
			refuse(http.StatusUnprocessableEntity, "Key", "Enter an API key. It starts with sk:.")
			return
		}
		p, keyID, err = c.svc.Permissions.ResolveKeyID(r.Context(), key)
		if err == nil {
			var sa = p.ID.String()
			if acct, gerr := c.svc.Permissions.GetServiceAccount(permissions.WithPrincipal(r.Context(), p), p.ID); gerr == nil {
				sa = acct.Name
			}
			name = "Service account " + sa
		}
	default:
		method = "password"
		email := strings.TrimSpace(r.PostFormValue("Email"))
		f.Values["Email"] = email
		pw := r.PostFormValue("Password")
		if email == "" || pw == "" {
			if email == "" {
				f.Problems["Email"] = "Enter your email address."
			}
			if pw == "" {
				refuse(http.StatusUnprocessableEntity, "Password", "Enter your password.")
				return
			}
			refuse(http.StatusUnprocessableEntity, "Email", f.Problems["Email"])
			return
		}
		var u users.User
		u, err = c.svc.Users.Authenticate(r.Context(), email, pw)
		if err == nil {
			p, name = permissions.UserPrincipal(u.ID), u.Email
		}
	}
	if err != nil {
		switch userkit.KindOf(err) {
		case userkit.Unauthenticated:
			if method == "key" {
				refuse(http.StatusUnauthorized, "Key", "This key is not valid: it is unknown, revoked or expired.")
			} else {
				refuse(http.StatusUnauthorized, "Password",
					"The email or password is not right, or the account is locked. Accounts lock after several failed attempts.")
			}
		case userkit.TooManyRequests:
			refuse(http.StatusTooManyRequests, "Password", "Too many sign-ins at once. Wait a moment and try again.")
		default:
			c.fail(w, r, nil, err)
		}
		return
	}
	grants, err := c.svc.Permissions.GrantsOf(permissions.WithPrincipal(r.Context(), p), p.ID)
	if err != nil {
		c.fail(w, r, nil, err)
		return
	}
	if len(grants) == 0 {
		field := "Password"
		if method == "key" {
			field = "Key"
		}
		refuse(http.StatusForbidden, field, "This account has no administrative access, so it cannot use the console.")
		return
	}
	if err := c.startSession(w, r, p, keyID, name); err != nil {
		c.fail(w, r, nil, err)
		return
	}
	c.redirect(w, r, next)
}

// allowSignIn counts a sign-in attempt against the limits per client
// address and per email, and answers it itself (429 with Retry-After, or
// 503 when the limiter cannot decide) when one of them refuses it.
func (c *Console) allowSignIn(w http.ResponseWriter, r *http.Request, f *form, next, method string) bool {
	addr := r.RemoteAddr
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	keys := []string{"console-signin:addr:" + addr}
	if email := strings.ToLower(f.Values["Email"]); email != "" {
		keys = append(keys, "console-signin:email:"+email)
	}
	for i, key := range keys {
		d, err := c.signIns.Allow(r.Context(), key)
		if err != nil {
			c.log.ErrorContext(r.Context(), "console: sign-in limiter", "err", err)
			w.Header().Set("Retry-After", "1")
			c.render(w, r, nil, "signin", view{Title: "Sign in", CSRF: c.signInToken(w, r), Form: f,
				Status: http.StatusServiceUnavailable, Error: "Signing in is not possible right now. Try again in a moment.",
				Data: signInData{Next: next, Method: method}})
			return false
		}
		if d.Allowed {
			continue
		}
		secs := int(math.Ceil(d.RetryAfter.Seconds()))
		if secs < 1 {
			secs = 1
		}
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		who := "from your network address"
		if i == 1 {
			who = "for this email address"
		}
		wait := "a minute"
		if secs < 60 {
			wait = strconv.Itoa(secs) + " seconds"
			if secs == 1 {
				wait = "a second"
			}
		}
		c.render(w, r, nil, "signin", view{Title: "Sign in", CSRF: c.signInToken(w, r), Form: f,
			Status: http.StatusTooManyRequests,
			Error:  "Too many sign-in attempts " + who + ". Wait " + wait + " and try again.",
			Data:   signInData{Next: next, Method: method}})
		return false
	}
	return true
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request, rq *request) {
	_ = c.sessions.Delete(r.Context(), rq.sess.ID)
	c.setCookie(w, r, sessionCookie, "", -1)
	c.redirect(w, r, "/signin")
}

// home sends the visitor to the first section their grants reach.
func (c *Console) home(w http.ResponseWriter, r *http.Request, rq *request) {
	m := rq.access.menu()
	switch {
	case m.Users:
		c.redirect(w, r, "/users")
	case m.Partners:
		c.redirect(w, r, "/partners")
	case m.Portals:
		c.redirect(w, r, "/portals")
	case m.Events:
		c.redirect(w, r, "/events")
	default:
		c.render(w, r, rq, "error", view{Title: "Nothing to show",
			Error: "Your grants do not include any section of the console."})
	}
}
