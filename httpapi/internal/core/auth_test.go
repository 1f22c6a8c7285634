package core_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/users"
)

func TestCredential(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header   string
		bearer   string // raw = false
		rawValue string // raw = true
	}{
		{"", "", ""},
		{"Bearer abc", "abc", "abc"},
		{"bearer abc", "abc", "abc"},
		{"BEARER   abc  ", "abc", "abc"},
		{"abc", "", "abc"},
		{"sk:abc", "", "sk:abc"},
		{"Basic Zm9vOmJhcg==", "", "Basic Zm9vOmJhcg=="},
		{"Bearer", "", "Bearer"},
	}
	for _, tt := range tests {
		is := is.New(t)
		r := httptest.NewRequest("GET", "/", nil)
		if tt.header != "" {
			r.Header.Set("Authorization", tt.header)
		}
		is.Equal(core.Credential(r, core.BearerOnly), tt.bearer)    // Bearer only
		is.Equal(core.Credential(r, core.BearerOrRaw), tt.rawValue) // raw allowed
	}
}

// authEnv is an API over real services with a captured log.
type authEnv struct {
	*apitest.Env
	api *core.API
	log *logBuffer
}

func newAuthEnv(t *testing.T, authn httpapi.Authenticator) *authEnv {
	t.Helper()
	env := apitest.New(t)
	log, buf := newLogger()
	env.Opts.Logger = log
	env.Opts.Authenticator = authn
	return &authEnv{Env: env, api: core.New(env.Svc.HTTP(), env.Opts, core.Shape{}), log: buf}
}

// authenticate runs API.Authenticate on a request with the Authorization
// header value auth ("" sends none).
func (e *authEnv) authenticate(auth string, style core.CredentialStyle) (permissions.Principal, error) {
	r := httptest.NewRequest("GET", "/api/v1/users", nil)
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	return e.api.Principal(r, style)
}

// keyPrincipal returns the service-account principal of key.
func (e *authEnv) keyPrincipal(t *testing.T, key string) permissions.Principal {
	t.Helper()
	p, err := e.Svc.Permissions.ResolveKey(e.Sys, key)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// user creates an active user.
func (e *authEnv) user(t *testing.T, email string) users.User {
	t.Helper()
	u, err := e.Svc.Users.Create(e.Sys, users.CreateParams{Email: email, FirstName: "Mona", LastName: "Benson"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// refused checks err is the one generic Unauthenticated error.
func refused(is *is.I, err error) {
	is.Helper()
	is.Equal(userkit.KindOf(err), userkit.Unauthenticated) // 401
	is.Equal(userkit.MessageOf(err), "Unauthenticated")    // one message whatever failed
}

func TestAuthenticateKey(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newAuthEnv(t, nil)
	key := e.AdminKey(t)
	want := e.keyPrincipal(t, key)
	is.Equal(want.Kind, permissions.KindServiceAccount) // fixture

	p, err := e.authenticate("Bearer "+key, core.BearerOnly)
	is.NoErr(err)     // a valid key
	is.Equal(p, want) // its service account

	p, err = e.authenticate(key, core.BearerOrRaw)
	is.NoErr(err)     // raw accepted when raw
	is.Equal(p, want) // same principal

	_, err = e.authenticate(key, core.BearerOnly)
	refused(is, err) // raw refused unless raw

	_, err = e.authenticate("", core.BearerOnly)
	refused(is, err) // no credential

	_, err = e.authenticate("Bearer sk:"+strings.Repeat("A", 43), core.BearerOnly)
	refused(is, err) // unknown key
}

func TestAuthenticateRevokedKey(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newAuthEnv(t, nil)
	sa, err := e.Svc.Permissions.CreateServiceAccount(e.Sys, permissions.ServiceAccountParams{Name: "ci"})
	is.NoErr(err)
	k, key, err := e.Svc.Permissions.CreateKey(e.Sys, sa.ID, permissions.KeyParams{})
	is.NoErr(err)
	_, err = e.authenticate("Bearer "+key, core.BearerOnly)
	is.NoErr(err) // works before revocation
	is.NoErr(e.Svc.Permissions.RevokeKey(e.Sys, k.ID))
	_, err = e.authenticate("Bearer "+key, core.BearerOnly)
	refused(is, err) // revoked
}

func TestAuthenticateOrder(t *testing.T) {
	t.Parallel()
	host := permissions.UserPrincipal(uuid.New())
	tests := []struct {
		name   string
		result func() (permissions.Principal, error)
		want   string // "host", "key" or "refused"
	}{
		{"host principal wins over the bearer key", func() (permissions.Principal, error) { return host, nil }, "host"},
		{"no credential falls through", func() (permissions.Principal, error) { return permissions.Principal{}, httpapi.ErrNoCredential }, "key"},
		{"wrapped no credential falls through", func() (permissions.Principal, error) {
			return permissions.Principal{}, fmt.Errorf("session: %w", httpapi.ErrNoCredential)
		}, "key"},
		{"zero principal without error falls through", func() (permissions.Principal, error) { return permissions.Principal{}, nil }, "key"},
		{"other error refuses, key not tried", func() (permissions.Principal, error) {
			return permissions.Principal{}, errors.New("session expired")
		}, "refused"},
		{"userkit error refuses too", func() (permissions.Principal, error) {
			return permissions.Principal{}, userkit.Errorf(userkit.Forbidden, "banned")
		}, "refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			calls := 0
			e := newAuthEnv(t, httpapi.AuthenticatorFunc(func(*http.Request) (permissions.Principal, error) {
				calls++
				return tt.result()
			}))
			key := e.AdminKey(t)
			p, err := e.authenticate("Bearer "+key, core.BearerOnly)
			is.Equal(calls, 1) // the host authenticator is asked first
			switch tt.want {
			case "host":
				is.NoErr(err)     // authenticated
				is.Equal(p, host) // by the host
			case "key":
				is.NoErr(err)                       // authenticated
				is.Equal(p, e.keyPrincipal(t, key)) // by the bearer key
			default:
				refused(is, err)
			}
		})
	}
}

// TestAuthenticatorZeroPrincipalNeverAuthenticates: a host authenticator
// returning an empty principal does not let a request without a
// credential through.
func TestAuthenticatorZeroPrincipalNeverAuthenticates(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newAuthEnv(t, httpapi.AuthenticatorFunc(func(*http.Request) (permissions.Principal, error) {
		return permissions.Principal{}, nil
	}))
	_, err := e.authenticate("", core.BearerOnly)
	refused(is, err)
}

func TestAuthenticateMiddleware(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newAuthEnv(t, nil)
	var got written
	e.api.Shape.Errors = recordErrors(&got)
	key := e.AdminKey(t)
	var seen *permissions.Principal
	h := e.api.Authenticate(core.BearerOnly)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := permissions.PrincipalFrom(r.Context())
		seen = &p
		w.WriteHeader(http.StatusNoContent)
	}))

	w := apitest.Do(h, apitest.Request{Method: "GET", Path: "/", Auth: "Bearer " + key})
	is.Equal(w.Code, http.StatusNoContent)  // handler ran
	is.True(seen != nil)                    // with a principal
	is.Equal(*seen, e.keyPrincipal(t, key)) // the key's

	seen = nil
	w = apitest.Do(h, apitest.Request{Method: "GET", Path: "/", Auth: "Bearer nope"})
	is.Equal(w.Code, http.StatusUnauthorized) // refused
	is.Equal(got.status, http.StatusUnauthorized)
	is.Equal(got.msg, "Unauthenticated") // in the API's error shape
	is.True(seen == nil)                 // handler not run
}

func TestUserTokens(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newAuthEnv(t, nil)
	u := e.user(t, "mona@example.com")

	tok, err := httpapi.UserToken(apitest.TokenSecret, u)
	is.NoErr(err)
	again, err := httpapi.UserToken(apitest.TokenSecret, u)
	is.NoErr(err)
	is.Equal(tok, again) // deterministic: the shown token stays the same

	p, err := e.authenticate("Bearer "+tok, core.BearerOnly)
	is.NoErr(err)                                // a valid token
	is.Equal(p, permissions.UserPrincipal(u.ID)) // the user's principal
	p, err = e.authenticate(tok, core.BearerOrRaw)
	is.NoErr(err)                                // raw, Tyk style
	is.Equal(p, permissions.UserPrincipal(u.ID)) // same principal

	// Rotation revokes the old token; the new one works.
	rotated, err := e.Svc.Users.RotateToken(e.Sys, u.ID)
	is.NoErr(err)
	_, err = e.authenticate("Bearer "+tok, core.BearerOnly)
	refused(is, err) // token from before the rotation
	fresh, err := httpapi.UserToken(apitest.TokenSecret, rotated)
	is.NoErr(err)
	is.True(fresh != tok) // a new token
	p, err = e.authenticate("Bearer "+fresh, core.BearerOnly)
	is.NoErr(err)                                // the new token works
	is.Equal(p, permissions.UserPrincipal(u.ID)) // for the same user
}

func TestIssueTokenWithoutSecret(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	_, err := httpapi.UserToken(nil, users.User{ID: uuid.New()})
	is.Equal(userkit.KindOf(err), userkit.Internal) // a configuration error, not a token
}

// resign returns tok's claims signed with method and key.
func resign(t *testing.T, tok string, method jwt.SigningMethod, key any) string {
	t.Helper()
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(tok, claims); err != nil {
		t.Fatal(err)
	}
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestUserTokensRefused(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, nil)
	active := e.user(t, "active@example.com")
	valid, err := httpapi.UserToken(apitest.TokenSecret, active)
	if err != nil {
		t.Fatal(err)
	}

	suspended := e.user(t, "suspended@example.com")
	suspendedTok, _ := httpapi.UserToken(apitest.TokenSecret, suspended)
	st := users.StatusSuspended
	if _, err := e.Svc.Users.Update(e.Sys, suspended.ID, users.UpdateParams{Status: &st}); err != nil {
		t.Fatal(err)
	}

	deleted := e.user(t, "deleted@example.com")
	deletedTok, _ := httpapi.UserToken(apitest.TokenSecret, deleted)
	if err := e.Svc.Users.Delete(e.Sys, deleted.ID); err != nil {
		t.Fatal(err)
	}

	notAUser, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "mona", "ver": 0}).
		SignedString(apitest.TokenSecret)
	unknownUser, _ := httpapi.UserToken(apitest.TokenSecret, users.User{ID: uuid.New()})

	tests := []struct{ name, token string }{
		{"other secret", resign(t, valid, jwt.SigningMethodHS256, []byte("another-secret-another-secret-00"))},
		{"alg none", resign(t, valid, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType)},
		{"HS384 with the right secret", resign(t, valid, jwt.SigningMethodHS384, apitest.TokenSecret)},
		{"suspended user", suspendedTok},
		{"deleted user", deletedTok},
		{"unknown user", unknownUser},
		{"subject not a UUID", notAUser},
		{"garbage", "not.a.jwt"},
		{"truncated", valid[:len(valid)-4]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			_, err := e.authenticate("Bearer "+tt.token, core.BearerOnly)
			refused(is, err)
		})
	}
}

func TestUserTokenWithoutSecretConfigured(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newAuthEnv(t, nil)
	u := e.user(t, "mona@example.com")
	tok, err := httpapi.UserToken(apitest.TokenSecret, u)
	is.NoErr(err)
	e.Opts.TokenSecret = nil
	_, err = e.authenticate("Bearer "+tok, core.BearerOnly)
	refused(is, err) // no secret: no token is accepted
}

// TestRefusalLogNeverHoldsCredential plants a revoked key, an unknown
// key, a rotated-away token and a forged token, and checks that each
// refusal is logged, with its reason, and without the credential.
func TestRefusalLogNeverHoldsCredential(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newAuthEnv(t, nil)
	sa, err := e.Svc.Permissions.CreateServiceAccount(e.Sys, permissions.ServiceAccountParams{Name: "ci"})
	is.NoErr(err)
	k, revokedKey, err := e.Svc.Permissions.CreateKey(e.Sys, sa.ID, permissions.KeyParams{})
	is.NoErr(err)
	is.NoErr(e.Svc.Permissions.RevokeKey(e.Sys, k.ID))
	unknownKey := "sk:" + strings.Repeat("Zq", 21) + "Z"
	u := e.user(t, "mona@example.com")
	oldTok, err := httpapi.UserToken(apitest.TokenSecret, u)
	is.NoErr(err)
	_, err = e.Svc.Users.RotateToken(e.Sys, u.ID)
	is.NoErr(err)
	forged := resign(t, oldTok, jwt.SigningMethodHS256, []byte("forged-secret-forged-secret-0000"))

	creds := []string{revokedKey, unknownKey, oldTok, forged}
	for _, c := range creds {
		_, err := e.authenticate("Bearer "+c, core.BearerOnly)
		refused(is, err)
		_, err = e.authenticate(c, core.BearerOrRaw)
		refused(is, err)
	}

	logged := e.log.String()
	is.Equal(strings.Count(logged, `"msg":"authentication failed"`), 2*len(creds)) // every refusal logged
	is.True(strings.Contains(logged, "unknown, revoked or expired key"))           // with the reason
	is.True(strings.Contains(logged, "invalid user token"))                        // for both kinds
	for _, c := range creds {
		is.True(!strings.Contains(logged, c)) // never the credential
		secret := c[len(c)-16:]
		if i := strings.LastIndexByte(c, '.'); i > 0 {
			secret = c[i+1:] // a token's signature
		}
		is.True(!strings.Contains(logged, secret)) // nor its secret part
	}
}

// TestHostAuthenticatorErrorTextNotLogged: a host's error may quote the
// credential it refused; only the error's type reaches the log.
func TestHostAuthenticatorErrorTextNotLogged(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newAuthEnv(t, httpapi.AuthenticatorFunc(func(*http.Request) (permissions.Principal, error) {
		return permissions.Principal{}, errors.New("bad session cookie s3cr3t-session-value")
	}))
	_, err := e.authenticate("", core.BearerOnly)
	refused(is, err)
	is.True(strings.Contains(e.log.String(), "host authenticator refused")) // the refusal is logged
	is.True(!strings.Contains(e.log.String(), "s3cr3t-session-value"))      // without the host's error text
}

// TestUserTokenMaxAge: with TokenMaxAge set, a token older than it is
// refused until the user's token is rotated.
func TestUserTokenMaxAge(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newAuthEnv(t, nil)
	e.Opts.TokenMaxAge = 24 * time.Hour
	u := e.user(t, "mona@example.com")
	tok, err := httpapi.UserToken(apitest.TokenSecret, u)
	is.NoErr(err)

	e.Clock.Advance(23 * time.Hour)
	_, err = e.authenticate("Bearer "+tok, core.BearerOnly)
	is.NoErr(err) // younger than the maximum age

	e.Clock.Advance(2 * time.Hour)
	_, err = e.authenticate("Bearer "+tok, core.BearerOnly)
	refused(is, err) // older: refused

	rotated, err := e.Svc.Users.RotateToken(e.Sys, u.ID)
	is.NoErr(err)
	fresh, err := httpapi.UserToken(apitest.TokenSecret, rotated)
	is.NoErr(err)
	_, err = e.authenticate("Bearer "+fresh, core.BearerOnly)
	is.NoErr(err) // a rotated token starts a new life
}
