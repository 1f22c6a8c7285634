package solvexia

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// testRequestID is the request id every test request carries, so error
// bodies are stable; testSupportID is the supportId derived from it.
const (
	testRequestID = "0123456789abcdef0123456789abcdef"
	testSupportID = "01234567-89ab-cdef-0123-456789abcdef"
)

// The seed's create body (users.md, "Create user account").
const monaBody = `{"email": "mona.benson@sample.com", "firstName": "Mona", "lastName": "Benson","password": "Samplepassword12","userRole": "Designer","timezone": "(UTC+10:00) Canberra, Melbourne, Sydney"}`

// server is the API mounted on a fresh back end.
type server struct {
	env   *apitest.Env
	h     http.Handler
	admin string // Authorization value of a key holding every action
}

func newServer(t testing.TB) *server {
	t.Helper()
	env := apitest.New(t)
	env.Opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := http.NewServeMux()
	Register(mux, "", env.Svc.HTTP(), env.Opts)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r.WithContext(httpapi.ContextWithRequestID(r.Context(), testRequestID)))
	})
	return &server{env: env, h: h, admin: "Bearer " + env.AdminKey(t)}
}

// do sends one request; header holds extra headers as name, value pairs.
func (s *server) do(method, path, auth, body string, header ...string) *httptest.ResponseRecorder {
	hdr := map[string]string{}
	for i := 0; i+1 < len(header); i += 2 {
		hdr[header[i]] = header[i+1]
	}
	return apitest.Do(s.h, apitest.Request{Method: method, Path: path, Auth: auth, Body: body, Header: hdr})
}

// key returns the Authorization value of a key holding the grants.
func (s *server) key(t testing.TB, grants ...permissions.GrantParams) string {
	t.Helper()
	return "Bearer " + s.env.Key(t, grants...)
}

// createMona creates the seed's user through the API and returns her id.
func (s *server) createMona(t testing.TB) string {
	t.Helper()
	w := s.do("POST", "/api/v1/users", s.admin, monaBody)
	if w.Code != http.StatusOK {
		t.Fatalf("create Mona: %d %s", w.Code, w.Body)
	}
	var u userDTO
	if err := json.Unmarshal(w.Body.Bytes(), &u); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// resource registers a resource of the seed's permission examples.
func (s *server) resource(t testing.TB, id, name string) {
	t.Helper()
	if _, err := s.env.Svc.Permissions.CreateResource(s.env.Sys, permissions.ResourceParams{ID: id, Name: name}); err != nil {
		t.Fatal(err)
	}
}

// snapshot renders everything the API can change: every user, their
// resource roles, and the number of audit events. Comparing snapshots
// proves a refused request changed nothing.
func (s *server) snapshot(t testing.TB) string {
	t.Helper()
	ctx := s.env.Sys
	all, err := allUsers(ctx, s.env.Svc.Users)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string][]permissions.ResourceRole{}
	for _, u := range all {
		rr, err := s.env.Svc.Permissions.RolesOfUser(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		roles[u.ID.String()] = rr
	}
	events, err := s.env.Svc.Permissions.ListEvents(ctx, storage.EventFilter{}, userkit.PageRequest{Limit: userkit.MaxLimit, Total: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(struct {
		Users  []users.User
		Roles  map[string][]permissions.ResourceRole
		Events int
	}{all, roles, events.Total})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// golden compares the indented body of w with testdata/<name>.golden.
func golden(t *testing.T, name string, w *httptest.ResponseRecorder) {
	t.Helper()
	var buf bytes.Buffer
	if w.Body.Len() > 0 {
		if err := json.Indent(&buf, w.Body.Bytes(), "", "    "); err != nil {
			t.Fatalf("%s: body is not JSON: %v: %s", name, err, w.Body)
		}
		buf.WriteByte('\n')
	}
	apitest.Golden(t, name, buf.Bytes())
}

// errorOf asserts that w is this API's error with the status and message,
// in exactly the documented shape.
func errorOf(t *testing.T, w *httptest.ResponseRecorder, status int, message string) {
	t.Helper()
	is := is.NewRelaxed(t)
	is.Equal(w.Code, status) // status
	is.Equal(w.Header().Get("Content-Type"), "application/json")
	want, _ := json.Marshal(errorBody{Message: message, SupportID: testSupportID})
	is.Equal(w.Body.String(), string(want)+"\n") // error body
	if t.Failed() {
		t.Logf("body: %s", w.Body)
	}
}

// path joins format and args like fmt.Sprintf, for readability.
func path(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// allUsers collects every user through the service's iterator.
func allUsers(ctx context.Context, us *users.Service) ([]users.User, error) {
	var out []users.User
	for u, err := range us.ListAll(ctx, users.ListParams{}) {
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}
