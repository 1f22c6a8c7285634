package console

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit/permissions"
)

// Session is a signed-in console session. It holds who is signed in, never
// the key or password they signed in with.
type Session struct {
	// ID is the SHA-256 (hex) of the cookie's token, so that a store's
	// contents cannot be replayed as cookies.
	ID        string
	Principal permissions.Principal
	// KeyID is the key a service account signed in with (uuid.Nil for a
	// password sign-in): every request checks that it still works
	// (permissions.Service.KeyActive), so revoking or expiring the key
	// ends the session. The secret itself is never kept.
	KeyID uuid.UUID
	// Name is what the header shows: a user's email or a service
	// account's name.
	Name string
	// CSRF is the synchronizer token every form of this session carries.
	CSRF       string
	CreatedAt  time.Time
	LastSeenAt time.Time
	// Flash is a one-time notice shown on the next page ("User created").
	Flash string
}

// ErrNoSession is what a SessionStore returns for an unknown id.
var ErrNoSession = errors.New("console: no such session")

// SessionStore keeps sessions on the server. Save creates or replaces the
// session with s.ID. Implementations must be safe for concurrent use; the
// console checks timeouts itself, so a store may keep expired sessions
// (the memory store sweeps them).
type SessionStore interface {
	Save(ctx context.Context, s Session) error
	Load(ctx context.Context, id string) (Session, error)
	Delete(ctx context.Context, id string) error
}

// MemorySessions is the default SessionStore: a map in this process.
type MemorySessions struct {
	mu    sync.Mutex
	m     map[string]Session
	saves int
	// TTL is how long after its last use a session is swept; the console
	// sets nothing here, sessions are checked against its own timeouts.
	TTL time.Duration
}

// NewMemorySessions returns an empty in-memory store.
func NewMemorySessions() *MemorySessions {
	return &MemorySessions{m: map[string]Session{}, TTL: 24 * time.Hour}
}

// Save stores s, sweeping sessions unused for TTL every 1024 saves.
func (m *MemorySessions) Save(_ context.Context, s Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[s.ID] = s
	m.saves++
	if m.saves%1024 == 0 {
		for id, old := range m.m {
			if s.LastSeenAt.Sub(old.LastSeenAt) > m.TTL {
				delete(m.m, id)
			}
		}
	}
	return nil
}

// Load returns the session with id, or ErrNoSession.
func (m *MemorySessions) Load(_ context.Context, id string) (Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.m[id]
	if !ok {
		return Session{}, ErrNoSession
	}
	return s, nil
}

// Delete removes the session with id.
func (m *MemorySessions) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, id)
	return nil
}

// Len is the number of stored sessions.
func (m *MemorySessions) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.m)
}

const (
	sessionCookie = "userkit_console"
	signInCookie  = "userkit_console_signin"
)

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

func (c *Console) cookiePath() string {
	if c.prefix == "" {
		return "/"
	}
	return c.prefix + "/"
}

func (c *Console) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     c.cookiePath(),
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   c.secure || r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
}

// session returns the request's live session, or false. An expired session
// is deleted.
func (c *Console) session(r *http.Request) (Session, bool) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return Session{}, false
	}
	s, err := c.sessions.Load(r.Context(), hashToken(ck.Value))
	if err != nil {
		if !errors.Is(err, ErrNoSession) {
			c.log.ErrorContext(r.Context(), "console: load session", "err", err)
		}
		return Session{}, false
	}
	now := c.now()
	if now.Sub(s.LastSeenAt) > c.idle || now.Sub(s.CreatedAt) > c.maxAge {
		_ = c.sessions.Delete(r.Context(), s.ID)
		return Session{}, false
	}
	return s, true
}

// startSession makes a new session for p with a fresh id (the id is never
// carried over from before sign-in) and sets its cookie. An older session
// of the request is deleted.
func (c *Console) startSession(w http.ResponseWriter, r *http.Request, p permissions.Principal, keyID uuid.UUID, name string) error {
	if old, ok := c.session(r); ok {
		_ = c.sessions.Delete(r.Context(), old.ID)
	}
	tok := randomToken()
	now := c.now()
	s := Session{
		ID: hashToken(tok), Principal: p, KeyID: keyID, Name: name, CSRF: randomToken(),
		CreatedAt: now, LastSeenAt: now,
	}
	if err := c.sessions.Save(r.Context(), s); err != nil {
		return err
	}
	c.setCookie(w, r, sessionCookie, tok, 0)
	c.setCookie(w, r, signInCookie, "", -1)
	return nil
}

// signInToken is the sign-in form's CSRF token: the HMAC of a random value
// kept in a cookie (double submit), since there is no session yet.
func (c *Console) signInToken(w http.ResponseWriter, r *http.Request) string {
	v := ""
	if ck, err := r.Cookie(signInCookie); err == nil && len(ck.Value) == 43 {
		v = ck.Value
	} else {
		v = randomToken()
		c.setCookie(w, r, signInCookie, v, 3600)
	}
	return c.mac(v)
}

func (c *Console) mac(v string) string {
	m := hmac.New(sha256.New, c.secret)
	m.Write([]byte("console sign-in\x00" + v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (c *Console) checkSignInToken(r *http.Request) bool {
	ck, err := r.Cookie(signInCookie)
	if err != nil || ck.Value == "" {
		return false
	}
	return equal(r.PostFormValue("csrf"), c.mac(ck.Value))
}

func equal(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
