package admin

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit/httpapi"
)

// TestKeySecretShownOnce: the secret is in the create response only; lists
// and GET show the prefix; the store keeps a hash; revoking stops the key.
func TestKeySecretShownOnce(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	w := f.world()
	sa := "/service-accounts/" + w.saOther.ID.String()

	created := f.call(req{Method: "POST", Path: sa + "/keys", Body: `{}`}, 201)
	secret, _ := created["key"].(string)
	is.True(strings.HasPrefix(secret, "sk:")) // the secret is an sk: key
	is.Equal(created["prefix"], secret[3:11]) // the prefix is its start
	keyID := created["id"].(string)
	for _, path := range []string{sa + "/keys", sa + "/keys/" + keyID, sa} {
		body := f.do(req{Method: "GET", Path: path}).Body.String()
		is.True(!strings.Contains(body, secret))   // never shown again
		is.True(!strings.Contains(body, `"key":`)) // not even the member
	}

	rec, err := f.env.Store.GetAPIKey(f.env.Sys, mustUUID(t, keyID))
	is.NoErr(err)
	sum := sha256.Sum256([]byte(secret))
	is.True(bytes.Equal(rec.Hash, sum[:]))                          // the store holds the SHA-256
	is.True(!strings.Contains(fmt.Sprintf("%+v", rec), secret[3:])) // and not the secret

	self := req{Method: "GET", Path: sa, Auth: "Bearer " + secret}
	is.Equal(f.do(self).Code, 200) // the new key works (a service account reads itself)
	f.call(req{Method: "DELETE", Path: sa + "/keys/" + keyID}, 204)
	is.Equal(f.do(self).Code, 401)                                                                // revoked at once
	is.Equal(f.do(req{Method: "DELETE", Path: sa + "/keys/" + keyID}).Code, 404)                  // gone from the API
	is.Equal(f.do(req{Method: "GET", Path: sa + "/keys/" + keyID}).Code, 404)                     // also for GET
	is.True(!strings.Contains(f.do(req{Method: "GET", Path: sa + "/keys"}).Body.String(), keyID)) // and the list
}

// TestKeyOfOtherServiceAccount: a key is reached only under its own
// service account, so one path cannot revoke another account's key.
func TestKeyOfOtherServiceAccount(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	w := f.world()
	other := f.call(req{Method: "POST", Path: "/service-accounts", Body: `{"name": "other"}`}, 201)["id"].(string)
	path := "/service-accounts/" + other + "/keys/" + w.keyOther.ID.String()
	before := f.snapshot(w)
	is.Equal(f.do(req{Method: "DELETE", Path: path}).Code, 404) // wrong parent
	is.Equal(f.snapshot(w), before)                             // key still live
}

// TestRotateToken: the new token authenticates the user, the old stops.
func TestRotateToken(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	w := f.world()
	old, err := httpapi.UserToken(f.env.Opts.TokenSecret, w.userA)
	is.NoErr(err)
	own := "/users/" + w.userA.ID.String() + "/grants"
	is.Equal(f.do(req{Method: "GET", Path: own, Auth: "Bearer " + old}).Code, 200) // old token works before

	got := f.call(req{Method: "POST", Path: "/users/" + w.userA.ID.String() + "/token"}, 200)
	tok, _ := got["token"].(string)
	is.True(tok != "" && tok != old)                                               // a new token
	is.Equal(got["created_at"], "2023-06-23T21:02:00Z")                            // when it was made
	is.Equal(f.do(req{Method: "GET", Path: own, Auth: "Bearer " + tok}).Code, 200) // the new one works
	is.Equal(f.do(req{Method: "GET", Path: own, Auth: "Bearer " + old}).Code, 401) // the old one is revoked
	// A user may rotate their own token.
	is.Equal(f.do(req{Method: "POST", Path: "/users/" + w.userA.ID.String() + "/token", Auth: "Bearer " + tok}).Code, 200)
}
