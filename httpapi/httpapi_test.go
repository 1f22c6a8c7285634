package httpapi_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/all"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/users"
)

// fixture is every API over one back end holding partner Acme, its portal,
// and Mona, a member of both.
type fixture struct {
	*apitest.Env
	admin   string // "Bearer " + a key holding every action
	rawKey  string // the same key, raw (Tyk style)
	partner partners.Partner
	portal  portals.Portal
	mona    users.User
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	env := apitest.New(t)
	env.Opts.Logger = slog.New(slog.DiscardHandler)
	f := &fixture{Env: env}
	f.rawKey = env.AdminKey(t)
	f.admin = "Bearer " + f.rawKey
	var err error
	if f.partner, err = env.Svc.Partners.Create(env.Sys, partners.CreateParams{Name: "Acme"}); err != nil {
		t.Fatal(err)
	}
	if f.portal, err = env.Svc.Portals.Create(env.Sys, portals.CreateParams{PartnerID: f.partner.ID, Name: "Acme portal", TechnicalName: "acme"}); err != nil {
		t.Fatal(err)
	}
	role, err := env.Svc.Portals.CreateRole(env.Sys, f.portal.ID, portals.RoleParams{Name: "Viewer"})
	if err != nil {
		t.Fatal(err)
	}
	if f.mona, _, err = env.Svc.Partners.AddUser(env.Sys, f.partner.ID, users.CreateParams{
		FirstName: "Mona", LastName: "Benson", Email: "mona.benson@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err = env.Svc.Portals.AddUser(env.Sys, f.portal.ID, portals.AddUserParams{
		FirstName: "Mona", LastName: "Benson", Email: "mona.benson@example.com", RoleIDs: []uuid.UUID{role.ID}}); err != nil {
		t.Fatal(err)
	}
	return f
}

// listPath is one API's list endpoint, with the credential style it takes.
type listPath struct {
	api  all.API
	path string
	auth string
	// shape checks that the body is this API's list.
	shape func(is *is.I, body []byte)
}

func (f *fixture) listPaths() []listPath {
	return []listPath{
		{all.Solvexia, "/api/v1/users", f.admin, func(is *is.I, body []byte) {
			var got []struct{ ID, LoginName string }
			is.NoErr(json.Unmarshal(body, &got))                        // a bare array
			is.Equal(len(got), 1)                                       // Mona
			is.Equal(got[0].ID, "u-"+strconv.FormatInt(f.mona.Num, 10)) // Solvexia's "u-<n>" id
			is.Equal(got[0].LoginName, f.mona.LoginName)                // and login name
		}},
		{all.Venuzle, fmt.Sprintf("/api/internal/v1/partners/%d/users", f.partner.Num), f.admin, func(is *is.I, body []byte) {
			var got struct {
				Data []struct {
					ID    int64  `json:"id"`
					Email string `json:"email"`
				} `json:"data"`
				Meta  *struct{ Total int } `json:"meta"`
				Links *struct{ First string }
			}
			is.NoErr(json.Unmarshal(body, &got))         // Laravel's paginator
			is.True(got.Meta != nil && got.Links != nil) // with meta and links
			is.Equal(len(got.Data), 1)                   // Mona
			is.Equal(got.Data[0].ID, f.mona.Num)         // by number
		}},
		{all.Whaly, "/v1/partner-portals/" + f.portal.ID.String() + "/users", f.admin, func(is *is.I, body []byte) {
			var got struct {
				Data []struct {
					ID    string `json:"id"`
					Email string `json:"email"`
				} `json:"data"`
				Paging *struct{} `json:"paging"`
			}
			is.NoErr(json.Unmarshal(body, &got))         // Whaly's list
			is.True(got.Paging != nil)                   // with paging
			is.Equal(len(got.Data), 1)                   // Mona
			is.Equal(got.Data[0].ID, f.mona.ID.String()) // by UUID
			is.Equal(got.Data[0].Email, "mona.benson@example.com")
		}},
		{all.Tyk, "/portal-api/users", f.rawKey, func(is *is.I, body []byte) {
			var got []struct {
				ID             int64
				Email          string
				OrganisationID int64
			}
			is.NoErr(json.Unmarshal(body, &got))           // a bare array
			is.Equal(len(got), 1)                          // Mona
			is.Equal(got[0].ID, f.mona.Num)                // by number
			is.Equal(got[0].OrganisationID, f.partner.Num) // in Acme
		}},
		{all.Admin, "/admin/v1/partners", f.admin, func(is *is.I, body []byte) {
			var got struct {
				Data []struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"data"`
				Paging *struct{} `json:"paging"`
			}
			is.NoErr(json.Unmarshal(body, &got))            // the management list
			is.True(got.Paging != nil)                      // with paging
			is.Equal(len(got.Data), 1)                      // Acme
			is.Equal(got.Data[0].ID, f.partner.ID.String()) // by UUID
			is.Equal(got.Data[0].Name, "Acme")
		}},
	}
}

func (f *fixture) get(h http.Handler, path, auth string) (int, []byte) {
	w := apitest.Do(h, apitest.Request{Method: "GET", Path: path, Auth: auth})
	return w.Code, w.Body.Bytes()
}

func TestMountUnderPrefix(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{"/userkit", "/userkit/", "userkit"} {
		t.Run(prefix, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			mux := http.NewServeMux()
			opts := *f.Opts
			opts.Prefix = prefix
			all.Mount(mux, f.Svc.HTTP(), &opts)
			paths := f.listPaths()
			is := is.New(t)
			is.Equal(len(paths), len(all.APIs)) // one list per API
			for _, lp := range paths {
				code, body := f.get(mux, "/userkit"+lp.path, lp.auth)
				is.Equal(code, 200) // served under the prefix
				lp.shape(is, body)

				code, _ = f.get(mux, lp.path, lp.auth)
				is.Equal(code, 404) // not at the bare path
			}
		})
	}
}

func TestMountWithoutOptions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mux := http.NewServeMux()
	all.Mount(mux, f.Svc.HTTP(), nil)
	is := is.New(t)
	// nil options have no TokenSecret, but keys work at the documented paths.
	for _, lp := range f.listPaths() {
		code, body := f.get(mux, lp.path, lp.auth)
		is.Equal(code, 200) // documented path
		lp.shape(is, body)
	}
}

func TestHandler(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	is := is.New(t)
	opts := *f.Opts
	opts.Prefix = "/ignored"
	h := all.Handler(f.Svc.HTTP(), &opts)
	is.Equal(opts.Prefix, "/ignored") // the caller's options are not changed

	host := http.NewServeMux()
	host.Handle("/userkit/", http.StripPrefix("/userkit", h))
	host.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })

	for _, lp := range f.listPaths() {
		code, body := f.get(h, lp.path, lp.auth)
		is.Equal(code, 200) // Handler serves the documented paths
		lp.shape(is, body)

		code, body = f.get(host, "/userkit"+lp.path, lp.auth)
		is.Equal(code, 200) // and works behind http.StripPrefix
		lp.shape(is, body)

		code, _ = f.get(host, lp.path, lp.auth)
		is.Equal(code, http.StatusTeapot) // the host keeps its own routes
	}
}

// TestMountTwice: the APIs can be mounted twice under different prefixes
// (say, legacy paths and a new home), but the same prefix twice is a
// programming error that net/http.ServeMux reports with a panic.
func TestMountTwice(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	is := is.New(t)
	mux := http.NewServeMux()
	all.Mount(mux, f.Svc.HTTP(), f.Opts)
	opts := *f.Opts
	opts.Prefix = "/v2"
	all.Mount(mux, f.Svc.HTTP(), &opts)
	for _, path := range []string{"/api/v1/users", "/v2/api/v1/users"} {
		code, _ := f.get(mux, path, f.admin)
		is.Equal(code, 200) // both mounts serve
	}

	panicked := func() (v any) {
		defer func() { v = recover() }()
		all.Mount(mux, f.Svc.HTTP(), &opts)
		return nil
	}()
	is.True(panicked != nil)                                     // same prefix twice panics
	is.True(strings.Contains(fmt.Sprint(panicked), "conflicts")) // with ServeMux's conflict message
}

// event is the part of an admin event the test reads.
type event struct {
	Action     string `json:"action"`
	TargetKind string `json:"target_kind"`
	TargetID   string `json:"target_id"`
}

// userActions returns the audit log's actions about the user, oldest first,
// read through the admin API.
func userActions(t *testing.T, h http.Handler, auth, userID string) []string {
	t.Helper()
	w := apitest.Do(h, apitest.Request{Method: "GET", Path: "/admin/v1/events?limit=100", Auth: auth})
	if w.Code != 200 {
		t.Fatalf("events: %d %s", w.Code, w.Body)
	}
	var page struct{ Data []event }
	if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range page.Data {
		if strings.Contains(e.TargetID, userID) {
			out = append(out, e.Action+" "+e.TargetKind)
		}
	}
	slices.Reverse(out) // the log is newest first
	return out
}

// TestOneIdentityAcrossAPIs follows one person through every API: created
// in Solvexia, attached to a partner in Venuzle, added to a portal in
// Whaly, read in Tyk and audited in the admin API, then removed from
// their last partner, which deletes them everywhere.
func TestOneIdentityAcrossAPIs(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	env := apitest.New(t)
	env.Opts.Logger = slog.New(slog.DiscardHandler)
	mux := http.NewServeMux()
	all.Mount(mux, env.Svc.HTTP(), env.Opts)
	key := env.AdminKey(t)
	admin := "Bearer " + key
	partner, err := env.Svc.Partners.Create(env.Sys, partners.CreateParams{Name: "Venuzle GmbH"})
	is.NoErr(err)
	portal, err := env.Svc.Portals.Create(env.Sys, portals.CreateParams{PartnerID: partner.ID, Name: "Reports", TechnicalName: "reports"})
	is.NoErr(err)
	role, err := env.Svc.Portals.CreateRole(env.Sys, portal.ID, portals.RoleParams{Name: "Report Viewer"})
	is.NoErr(err)
	do := func(method, path, auth, body string) (int, []byte) {
		env.Clock.Advance(60e9) // a minute per step keeps the audit log in order
		w := apitest.Do(mux, apitest.Request{Method: method, Path: path, Auth: auth, Body: body})
		return w.Code, w.Body.Bytes()
	}

	// Solvexia creates the user.
	code, body := do("POST", "/api/v1/users", admin, `{"email":"mona.benson@example.com","firstName":"Mona","lastName":"Benson",
		"password":"Secret1234","userRole":"Designer","timezone":"(UTC+10:00) Canberra, Melbourne, Sydney"}`)
	is.Equal(code, 200) // created in Solvexia
	var sx struct{ ID, Email string }
	is.NoErr(json.Unmarshal(body, &sx))
	num, err := strconv.ParseInt(strings.TrimPrefix(sx.ID, "u-"), 10, 64)
	is.NoErr(err) // a "u-<n>" id
	u, err := env.Svc.Users.GetByNum(env.Sys, num)
	is.NoErr(err) // the user behind the id

	// Venuzle attaches the same person (the email differs only in case).
	venuzleUsers := fmt.Sprintf("/api/internal/v1/partners/%d/users", partner.Num)
	code, body = do("POST", venuzleUsers, admin,
		`{"first_name":"M","last_name":"B","email":"Mona.Benson@Example.com","password":"Other12345"}`)
	is.Equal(code, 200) // 200 attach, not 201 create
	var vz struct {
		Data struct {
			ID    int64  `json:"id"`
			Email string `json:"email"`
		} `json:"data"`
	}
	is.NoErr(json.Unmarshal(body, &vz))
	is.Equal(vz.Data.ID, num)                          // same Num
	is.Equal(vz.Data.Email, "mona.benson@example.com") // same email, names unchanged

	// Whaly adds the same person to a portal of the partner.
	whalyUsers := "/v1/partner-portals/" + portal.ID.String() + "/users"
	code, body = do("POST", whalyUsers, admin,
		`{"first_name":"Mona","last_name":"Benson","email":"mona.benson@example.com","roles":["`+role.ID.String()+`"]}`)
	is.Equal(code, 200) // added to the portal
	var wh struct{ ID, Email string }
	is.NoErr(json.Unmarshal(body, &wh))
	is.Equal(wh.ID, u.ID.String())                // same UUID
	is.Equal(wh.Email, "mona.benson@example.com") // same email

	// Tyk shows the person with the partner as their organisation.
	tykUser := fmt.Sprintf("/portal-api/users/%d", num)
	code, body = do("GET", tykUser, key, "")
	is.Equal(code, 200) // read in Tyk
	var ty struct {
		ID             int64
		Email          string
		OrganisationID int64
		Organisation   string
		JWTToken       string
	}
	is.NoErr(json.Unmarshal(body, &ty))
	is.Equal(ty.ID, num)                          // same Num
	is.Equal(ty.Email, "mona.benson@example.com") // same email
	is.Equal(ty.OrganisationID, partner.Num)      // the partner…
	is.Equal(ty.Organisation, "Venuzle GmbH")     // …is the organisation
	tok, err := httpapi.UserToken(apitest.TokenSecret, u)
	is.NoErr(err)
	is.Equal(ty.JWTToken, tok) // Tyk shows the user's API token

	// The admin API's audit log has every step.
	is.Equal(userActions(t, mux, admin, u.ID.String()), []string{
		"users.create user",
		"partners.add_user user",
		"users.create portal_member",
	})

	// Venuzle attached the person, it does not manage them (Solvexia's
	// create did): removing them there only detaches them.
	code, _ = do("DELETE", fmt.Sprintf("%s/%d", venuzleUsers, num), admin, "")
	is.Equal(code, 200) // detached in Venuzle
	code, _ = do("GET", "/api/v1/users/"+sx.ID, admin, "")
	is.Equal(code, 200) // still in Solvexia
	// Deleting the user (here through Tyk) removes them everywhere.
	code, _ = do("DELETE", tykUser, key, "")
	is.Equal(code, 200) // deleted in Tyk
	code, _ = do("GET", "/api/v1/users/"+sx.ID, admin, "")
	is.Equal(code, 404) // gone from Solvexia
	code, _ = do("GET", whalyUsers+"/"+u.ID.String(), admin, "")
	is.Equal(code, 404) // and from the Whaly portal
	code, _ = do("GET", tykUser, key, "")
	is.Equal(code, 404) // and from Tyk
	is.Equal(userActions(t, mux, admin, u.ID.String()), []string{
		"users.create user",
		"partners.add_user user",
		"users.create portal_member",
		"partners.remove_user user",
		"users.delete user",
	})
}

// TestUserTokenRoundTrip: the token UserToken returns authenticates the
// user, and rotating it through the admin API revokes it.
func TestUserTokenRoundTrip(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	mux := http.NewServeMux()
	all.Mount(mux, f.Svc.HTTP(), f.Opts)
	self := "/api/v1/users/u-" + strconv.FormatInt(f.mona.Num, 10)

	tok, err := httpapi.UserToken(apitest.TokenSecret, f.mona)
	is.NoErr(err)
	code, body := f.get(mux, self, "Bearer "+tok)
	is.Equal(code, 200) // the user reads their own profile with the token
	var me struct{ Email string }
	is.NoErr(json.Unmarshal(body, &me))
	is.Equal(me.Email, "mona.benson@example.com") // as themself

	_, err = httpapi.UserToken(nil, f.mona)
	is.True(err != nil) // no secret, no token

	w := apitest.Do(mux, apitest.Request{Method: "POST", Path: "/admin/v1/users/" + f.mona.ID.String() + "/token", Auth: f.admin})
	is.Equal(w.Code, 200) // rotated
	var rotated struct{ Token string }
	is.NoErr(json.Unmarshal(w.Body.Bytes(), &rotated))

	code, _ = f.get(mux, self, "Bearer "+tok)
	is.Equal(code, 401) // the old token is revoked
	code, _ = f.get(mux, self, "Bearer "+rotated.Token)
	is.Equal(code, 200) // the new one works
	now, err := f.Svc.Users.Get(f.Sys, f.mona.ID)
	is.NoErr(err)
	again, err := httpapi.UserToken(apitest.TokenSecret, now)
	is.NoErr(err)
	is.Equal(again, rotated.Token) // UserToken gives the same token the API showed
}

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestWithRequestID(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	var seen []string
	h := httpapi.WithRequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, httpapi.RequestID(r.Context()))
	}))
	w1 := apitest.Do(h, apitest.Request{Method: "GET", Path: "/"})
	w2 := apitest.Do(h, apitest.Request{Method: "GET", Path: "/"})
	id := w1.Header().Get("X-Request-Id")
	is.True(hex32.MatchString(id))                 // 32 hex digits
	is.Equal(seen[0], id)                          // the handler sees the id of the header
	is.True(w2.Header().Get("X-Request-Id") != id) // each request its own
	is.Equal(httpapi.RequestID(t.Context()), "")   // none outside a request
}

// TestWithRequestIDOuter: a host wrapping the mux in WithRequestID (to log
// with the id) gets the same id in the header and in the APIs' error
// bodies; the handlers' own WithRequestID keeps it.
func TestWithRequestIDOuter(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	mux := http.NewServeMux()
	all.Mount(mux, f.Svc.HTTP(), f.Opts)
	var logged string
	host := httpapi.WithRequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		logged = httpapi.RequestID(r.Context())
		mux.ServeHTTP(w, r)
	}))

	w := apitest.Do(host, apitest.Request{Method: "GET", Path: "/admin/v1/partners/" + f.partner.ID.String() + "x", Auth: f.admin})
	is.Equal(w.Code, 404)                               // an error with a request id
	is.Equal(len(w.Header().Values("X-Request-Id")), 1) // one id
	id := w.Header().Get("X-Request-Id")
	is.True(hex32.MatchString(id)) // 32 hex digits
	is.Equal(logged, id)           // the host's id
	var problem struct {
		RequestID string `json:"request_id"`
	}
	is.NoErr(json.Unmarshal(w.Body.Bytes(), &problem))
	is.Equal(problem.RequestID, id) // is the one in the error body
}
