package tyk

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// The seed's user, created through the API (OrganisationID 1 is the
// "Default Organisation" every fixture starts with).
const johnBody = `{"Active": true, "Email": "admin@acme.com", "First": "John", "Last": "Doe", "OrganisationID": 1, "Role": "consumer-team-member", "Provider": "password", "ResetPassword": false}`

// server is the API mounted on a fresh back end holding partner
// "Default Organisation" (ID 1).
type server struct {
	env   *apitest.Env
	h     http.Handler
	admin string // a key holding every action, sent raw as the portal does
	org   partners.Partner
}

func newServer(t testing.TB) *server {
	t.Helper()
	env := apitest.New(t)
	env.Opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := http.NewServeMux()
	Register(mux, "", env.Svc.HTTP(), env.Opts)
	org, err := env.Svc.Partners.Create(env.Sys, partners.CreateParams{Name: "Default Organisation"})
	if err != nil {
		t.Fatal(err)
	}
	return &server{env: env, h: mux, admin: env.AdminKey(t), org: org}
}

// do sends one request; header holds extra headers as name, value pairs.
func (s *server) do(method, path, auth, body string, header ...string) *httptest.ResponseRecorder {
	hdr := map[string]string{}
	for i := 0; i+1 < len(header); i += 2 {
		hdr[header[i]] = header[i+1]
	}
	return apitest.Do(s.h, apitest.Request{Method: method, Path: path, Auth: auth, Body: body, Header: hdr})
}

// must sends a request that must succeed and returns its body.
func (s *server) must(t testing.TB, method, path, body string) []byte {
	t.Helper()
	w := s.do(method, path, s.admin, body)
	if w.Code != http.StatusOK {
		t.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body)
	}
	return w.Body.Bytes()
}

// key returns a key holding the grants.
func (s *server) key(t testing.TB, grants ...permissions.GrantParams) string {
	t.Helper()
	return s.env.Key(t, grants...)
}

// createJohn creates the seed's user through the API.
func (s *server) createJohn(t testing.TB) userShow {
	t.Helper()
	var u userShow
	decode(t, s.must(t, "POST", "/portal-api/users", johnBody), &u)
	return u
}

// user creates a user directly through the services, in org unless nil.
// Without an organisation the role is in the Tyk vocabulary, so an
// administrator role grants "*" on everything.
func (s *server) user(t testing.TB, email, role string, org *partners.Partner) users.User {
	t.Helper()
	p := users.CreateParams{Email: email, FirstName: "Test", LastName: "User", Role: role, Vocabulary: users.Tyk}
	var (
		u   users.User
		err error
	)
	if org != nil {
		u, _, err = s.env.Svc.Partners.AddUser(s.env.Sys, org.ID, p)
	} else {
		u, err = s.env.Svc.Users.Create(s.env.Sys, p)
	}
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// partner creates a partner directly through the services.
func (s *server) partner(t testing.TB, name string) partners.Partner {
	t.Helper()
	p, err := s.env.Svc.Partners.Create(s.env.Sys, partners.CreateParams{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// team creates a team of org directly through the services.
func (s *server) team(t testing.TB, org partners.Partner, name string) partners.Team {
	t.Helper()
	tm, err := s.env.Svc.Partners.CreateTeam(s.env.Sys, org.ID, partners.TeamParams{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// token returns the API token of u.
func (s *server) token(t testing.TB, u users.User) string {
	t.Helper()
	tok, err := httpapi.UserToken(apitest.TokenSecret, u)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// snapshot renders everything the API can change, to compare before and
// after a request that must change nothing.
func (s *server) snapshot(t testing.TB) string {
	t.Helper()
	sys := s.env.Sys
	var b strings.Builder
	us, err := s.env.Svc.Users.List(sys, users.ListParams{PageRequest: userkit.PageRequest{Limit: userkit.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us.Items {
		fmt.Fprintf(&b, "user %+v\n", u)
	}
	ps, err := s.env.Svc.Partners.List(sys, userkit.PageRequest{Limit: userkit.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps.Items {
		fmt.Fprintf(&b, "partner %+v\n", p)
		teams, err := s.env.Svc.Partners.ListTeams(sys, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tm := range teams {
			members, err := s.env.Svc.Partners.TeamMembers(sys, tm.ID)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "team %+v members %d\n", tm, len(members))
			for _, m := range members {
				fmt.Fprintf(&b, "  member %d\n", m.Num)
			}
		}
	}
	ev, err := s.env.Svc.Permissions.ListEvents(sys, storage.EventFilter{}, userkit.PageRequest{Limit: userkit.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "events %d\n", len(ev.Items))
	return b.String()
}

func decode(t testing.TB, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}

// errorsOf returns the errors of an error body, failing unless the body
// has exactly the portal's shape.
func errorsOf(t testing.TB, w *httptest.ResponseRecorder) []string {
	t.Helper()
	dec := json.NewDecoder(w.Body)
	dec.DisallowUnknownFields()
	var e struct {
		Errors []string `json:"errors"`
	}
	if err := dec.Decode(&e); err != nil || len(e.Errors) == 0 {
		t.Fatalf("not an error body (%v): %s", err, w.Body)
	}
	return e.Errors
}
