package main

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"github.com/userkit/userkit/kit"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/all"
	"github.com/userkit/userkit/permissions"
)

// sessionCookie names the host's own session cookie.
const sessionCookie = "host_session"

// sessionTTL is how long a host session lasts.
const sessionTTL = 12 * time.Hour

// app is the host application: its own pages and login, with userkit
// mounted beside them.
type app struct {
	svc      *kit.Kit
	sessions sessions
}

// newApp returns the host's handler: its own routes (/, /login, /logout,
// /me) and every userkit API under /userkit/, authenticated by the host's
// session cookie or by userkit's bearer credentials.
func newApp(svc *kit.Kit) http.Handler {
	a := &app{svc: svc, sessions: sessions{m: map[string]session{}}}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.home)
	mux.HandleFunc("POST /login", a.login)
	mux.HandleFunc("POST /logout", a.logout)
	mux.HandleFunc("GET /me", a.me)

	// userkit serves its documented paths; StripPrefix moves them under
	// /userkit/. (all.Mount(mux, svc.HTTP(), &httpapi.Options{Prefix:
	// "/userkit", …}) registers them on this mux directly instead.)
	uk := all.Handler(svc.HTTP(), svc.HTTPOptions(&httpapi.Options{
		Authenticator: httpapi.AuthenticatorFunc(a.principal),
	}))
	mux.Handle("/userkit/", http.StripPrefix("/userkit", uk))

	// A cookie rides along on requests other sites make; refuse
	// cross-origin writes (SameSite=Lax already stops most of them).
	return http.NewCrossOriginProtection().Handler(mux)
}

// principal is the Authenticator userkit asks first on every request: the
// host's session becomes that user's principal, and userkit's grants then
// decide what the user may do.
func (a *app) principal(r *http.Request) (permissions.Principal, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		// No cookie: not ours to judge, so bearer keys and tokens still work.
		return permissions.Principal{}, httpapi.ErrNoCredential
	}
	id, ok := a.sessions.user(c.Value)
	if !ok {
		return permissions.Principal{}, errors.New("unknown or expired session")
	}
	return permissions.UserPrincipal(id), nil
}

const homePage = `<!doctype html>
<title>Host app</title>
<h1>Host app with userkit mounted</h1>
<form method="post" action="/login">
  <input name="email" placeholder="email"> <input name="password" type="password" placeholder="password">
  <button>Sign in</button>
</form>
<p><a href="/me">/me</a> (the host's view) · <a href="/userkit/api/v1/users">/userkit/api/v1/users</a> (userkit's)</p>
<form method="post" action="/logout"><button>Sign out</button></form>
`

func (a *app) home(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(homePage))
}

// login checks the form's email and password with userkit and starts a
// host session.
func (a *app) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	// Authenticate needs no principal in ctx: it is how one is established.
	u, err := a.svc.Users.Authenticate(r.Context(), r.PostFormValue("email"), r.PostFormValue("password"))
	if err != nil {
		switch userkit.KindOf(err) {
		case userkit.Unauthenticated: // wrong password, unknown email, locked: one answer
			http.Error(w, "wrong email or password", http.StatusUnauthorized)
		case userkit.TooManyRequests:
			http.Error(w, "busy, try again", http.StatusTooManyRequests)
		default:
			slog.ErrorContext(r.Context(), "login failed", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
		return
	}
	// A fresh id at every login, so a session id planted before it is useless.
	if c, err := r.Cookie(sessionCookie); err == nil {
		a.sessions.end(c.Value)
	}
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    a.sessions.start(u.ID),
		Path:     "/",
		MaxAge:   int(sessionTTL.Seconds()),
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		a.sessions.end(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// meView is the host's own JSON shape of the signed-in user.
type meView struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	LoginName string `json:"loginName"`
}

func (a *app) me(w http.ResponseWriter, r *http.Request) {
	p, err := a.principal(r)
	if err != nil {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "not signed in"})
		return
	}
	// The host acts as the signed-in user, who may always read themselves.
	u, err := a.svc.Users.Get(permissions.WithPrincipal(r.Context(), p), p.ID)
	if err != nil {
		slog.ErrorContext(r.Context(), "me", "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
		return
	}
	writeJSON(w, http.StatusOK, meView{
		ID: u.ID.String(), Email: u.Email, Name: u.FirstName + " " + u.LastName, LoginName: u.LoginName,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// sessions is the host's session store: random ids mapped to user ids, in
// memory. A real host would use its session library or a table.
type sessions struct {
	mu sync.Mutex
	m  map[string]session
}

type session struct {
	userID  uuid.UUID
	expires time.Time
}

// start begins a session for the user and returns its id.
func (s *sessions) start(userID uuid.UUID) string {
	id := rand.Text() // 128 random bits
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[id] = session{userID: userID, expires: time.Now().Add(sessionTTL)}
	return id
}

// user returns the user of a live session.
func (s *sessions) user(id string) (uuid.UUID, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.m[id]
	if !ok || time.Now().After(sess.expires) {
		delete(s.m, id)
		return uuid.Nil, false
	}
	return sess.userID, true
}

func (s *sessions) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}
