package solvexia

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

// TestForbiddenBeforeInvalid: a caller without the right gets 403 whatever
// the body holds; only a caller who may make the change learns what is
// wrong with it (400). Malformed JSON stays a 400 of the wire.
func TestForbiddenBeforeInvalid(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	mona := s.createMona(t)
	reader := s.key(t, apitest.Grant("users.read", permissions.All))
	cases := []struct{ method, path, body string }{
		{"POST", "/api/v1/users", `{"email": "x@sample.com", "userRole": "Admin"}`},
		{"POST", "/api/v1/users/" + mona, `{"accountStatus": "Deleted", "firstName": null, "dateOfBirth": "1999-09-19"}`},
		{"POST", "/api/v1/users/" + mona, `{"timezone": "Europe/Vienna"}`},
		{"POST", "/api/v1/users/" + mona + "/permissions", `{}`},
		{"POST", "/api/v1/users/" + mona + "/permissions/p-1", `{"role": "admin"}`},
	}
	for _, c := range cases {
		errorOf(t, s.do(c.method, c.path, reader, c.body), http.StatusForbidden, "permission denied")
		w := s.do(c.method, c.path, s.admin, c.body)
		if w.Code != http.StatusBadRequest {
			t.Errorf("%s %s %s as admin: %d %s", c.method, c.path, c.body, w.Code, w.Body)
		}
	}
	errorOf(t, s.do("POST", "/api/v1/users/"+mona, reader, `{"city": `), http.StatusBadRequest, "request body is not valid JSON")
}

// countingStore counts the store's user list calls.
type countingStore struct {
	storage.Store
	lists atomic.Int64
}

func (c *countingStore) ListUsers(ctx context.Context, f storage.UserFilter, p userkit.PageRequest) (userkit.Page[storage.UserRecord], error) {
	c.lists.Add(1)
	return c.Store.ListUsers(ctx, f, p)
}

// TestListStreamsPages: GET /users answers the same bytes the whole-array
// encoding did, read from the service in keyset pages of listPageSize
// (three store list calls for 1,200 users) and streamed.
func TestListStreamsPages(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	store := &countingStore{Store: memory.New()}
	k := kit.New(store, &kit.Options{Users: users.Options{Argon2: users.Argon2Params{Memory: 64, Time: 1, Threads: 1}}})
	authz, us, svc := k.Permissions, k.Users, k.HTTP()
	mux := http.NewServeMux()
	Register(mux, "", svc, &httpapi.Options{Logger: slog.New(slog.DiscardHandler)})
	sys := permissions.WithPrincipal(context.Background(), permissions.System)
	sa, err := authz.CreateServiceAccount(sys, permissions.ServiceAccountParams{Name: "admin", Grants: []permissions.GrantParams{apitest.Grant("*", permissions.All)}})
	is.NoErr(err)
	_, secret, err := authz.CreateKey(sys, sa.ID, permissions.KeyParams{})
	is.NoErr(err)

	const n = 1200
	want := make([]userListItem, 0, n)
	for i := range n {
		u, err := us.Create(sys, users.CreateParams{Email: fmt.Sprintf("user%04d@sample.com", i), FirstName: "User", LastName: fmt.Sprintf("N%04d", i)})
		is.NoErr(err)
		want = append(want, toListItem(u))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // as core.Encode wrote the whole array
	is.NoErr(enc.Encode(want))

	store.lists.Store(0)
	w := apitest.Do(mux, apitest.Request{Method: "GET", Path: "/api/v1/users", Auth: "Bearer " + secret})
	is.Equal(w.Code, http.StatusOK)
	is.Equal(w.Header().Get("Content-Type"), "application/json")
	is.Equal(w.Body.String(), buf.String()) // the same bytes as the whole array
	is.Equal(store.lists.Load(), int64(3))  // 500 + 500 + 200
	is.True(w.Flushed)                      // streamed, not buffered whole
	is.Equal(listPageSize, 500)             // the page size the count assumes
}
