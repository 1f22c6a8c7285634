package httpapi_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit/httpapi/all"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/users"
)

// tenants is two partners, a key holding every user action on partner A
// only, and a global administrator: a user holding "*" on everything who
// belongs to no partner.
type tenants struct {
	*apitest.Env
	h      http.Handler
	a, b   partners.Partner
	keyA   string // raw key: users.* on partner A
	root   users.User
	shared users.User // a member of both A and B
}

func newTenants(t *testing.T) *tenants {
	t.Helper()
	env := apitest.New(t)
	env.Opts.Logger = slog.New(slog.DiscardHandler)
	f := &tenants{Env: env, h: all.Handler(env.Svc.HTTP(), env.Opts)}
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f.a, err = env.Svc.Partners.Create(env.Sys, partners.CreateParams{Name: "Acme"})
	must(err)
	f.b, err = env.Svc.Partners.Create(env.Sys, partners.CreateParams{Name: "Globex"})
	must(err)
	f.keyA = env.Key(t, apitest.Grant("users.*", permissions.PartnerScope(f.a.ID)))
	f.root, err = env.Svc.Users.Create(env.Sys, users.CreateParams{Email: "root@example.com", FirstName: "Root", LastName: "Admin", Password: "Correct horse battery staple 9"})
	must(err)
	_, err = env.Svc.Permissions.AddGrant(env.Sys, f.root.ID, apitest.Grant("*", permissions.All))
	must(err)
	f.shared, _, err = env.Svc.Partners.AddUser(env.Sys, f.b.ID, users.CreateParams{Email: "shared@example.com", FirstName: "Sam", LastName: "Shared"})
	must(err)
	_, _, err = env.Svc.Partners.AddUser(env.Sys, f.a.ID, users.CreateParams{Email: "shared@example.com"})
	must(err)
	return f
}

func (f *tenants) do(method, path, auth, body string) (int, map[string]any) {
	w := apitest.Do(f.h, apitest.Request{Method: method, Path: path, Auth: auth, Body: body})
	var out map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &out)
	return w.Code, out
}

// TestPartnerKeyCannotTakeOverAdmin: a key scoped to partner A attaches
// the global administrator to A by email (Venuzle's documented "attach an
// existing user"), which puts the administrator inside the key's scope. It
// must still not be able to mint the administrator's API token, set their
// password or delete them: that would hand the key grants it does not hold.
func TestPartnerKeyCannotTakeOverAdmin(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newTenants(t)
	bearer := "Bearer " + f.keyA

	code, _ := f.do("POST", fmt.Sprintf("/api/internal/v1/partners/%d/users", f.a.Num), bearer,
		`{"first_name":"x","last_name":"y","email":"root@example.com","password":"Samplepassword12"}`)
	is.Equal(code, 200) // attaching an existing user is the documented behaviour

	code, body := f.do("POST", "/admin/v1/users/"+f.root.ID.String()+"/token", bearer, "")
	is.Equal(code, http.StatusForbidden) // no token of a user holding more than the key
	if tok, _ := body["token"].(string); tok != "" {
		code, _ = f.do("POST", "/admin/v1/service-accounts", "Bearer "+tok, `{"name":"backdoor","grants":[{"action":"*","scope":"*"}]}`)
		t.Errorf("the stolen token creates a backdoor service account: %d", code)
	}

	code, _ = f.do("PUT", fmt.Sprintf("/api/internal/v1/partners/%d/users/%d", f.a.Num, f.root.Num), bearer,
		`{"new_password":"Attacker chosen pw 1","new_password_confirmation":"Attacker chosen pw 1"}`)
	is.Equal(code, http.StatusForbidden) // no password reset of a more privileged user
	_, err := f.Svc.Users.Authenticate(f.Sys, "root@example.com", "Attacker chosen pw 1")
	is.True(err != nil) // the attacker's password does not work

	code, _ = f.do("DELETE", fmt.Sprintf("/portal-api/users/%d", f.root.Num), f.keyA, "")
	is.Equal(code, http.StatusForbidden) // nor delete them
	_, err = f.Svc.Users.Get(f.Sys, f.root.ID)
	is.NoErr(err) // root still exists
}

// TestPartnerKeyCannotChangeOtherTenantsUser: a user who belongs to A and
// B is partner B's user too; A's key must not delete the account, reset its
// password, change its email or mint its token, which would act on B.
func TestPartnerKeyCannotChangeOtherTenantsUser(t *testing.T) {
	t.Parallel()
	f := newTenants(t)
	bearer := "Bearer " + f.keyA
	for _, c := range []struct{ method, path, auth, body string }{
		{"DELETE", fmt.Sprintf("/portal-api/users/%d", f.shared.Num), f.keyA, ""},
		{"PUT", fmt.Sprintf("/portal-api/users/%d", f.shared.Num), f.keyA, `{"Email":"attacker@example.com"}`},
		{"PUT", fmt.Sprintf("/api/internal/v1/partners/%d/users/%d", f.a.Num, f.shared.Num), bearer,
			`{"new_password":"Attacker chosen pw 1","new_password_confirmation":"Attacker chosen pw 1"}`},
		{"POST", "/admin/v1/users/" + f.shared.ID.String() + "/token", bearer, ""},
	} {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			is := is.New(t)
			code, _ := f.do(c.method, c.path, c.auth, c.body)
			is.Equal(code, http.StatusForbidden) // the user is also partner B's
			u, err := f.Svc.Users.Get(f.Sys, f.shared.ID)
			is.NoErr(err)                                   // still there
			is.Equal(u.Email, "shared@example.com")         // unchanged
			is.Equal(u.TokenVersion, f.shared.TokenVersion) // not rotated
			is.True(!u.UpdatedAt.After(f.shared.UpdatedAt)) // nothing written
		})
	}
	// Reading the shared user and detaching it from A stay allowed.
	is := is.New(t)
	code, _ := f.do("GET", fmt.Sprintf("/api/internal/v1/partners/%d/users/%d", f.a.Num, f.shared.Num), bearer, "")
	is.Equal(code, 200) // A may read its member
	code, _ = f.do("DELETE", fmt.Sprintf("/api/internal/v1/partners/%d/users/%d", f.a.Num, f.shared.Num), bearer, "")
	is.Equal(code, 200) // and detach it from A
	_, err := f.Svc.Users.Get(f.Sys, f.shared.ID)
	is.NoErr(err) // which leaves B's user in place
}

// TestTykRoleEscalation: a portal administrator's credentials run as the
// system in the Tyk API, so making a user super-admin or provider-admin
// hands out everything. A key scoped to one partner must not do it, even
// to a user of its own partner.
func TestTykRoleEscalation(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newTenants(t)
	code, body := f.do("POST", "/portal-api/users", f.keyA,
		fmt.Sprintf(`{"Email":"mallory@example.com","First":"Mal","Last":"Lory","OrganisationID":%d,"Active":true}`, f.a.Num))
	is.Equal(code, 200) // A's key may create a consumer in A
	num := int64(body["ID"].(float64))

	code, _ = f.do("PUT", fmt.Sprintf("/portal-api/users/%d", num), f.keyA, `{"Role":"super-admin"}`)
	is.Equal(code, http.StatusForbidden) // but not make them a portal administrator
	u, err := f.Svc.Users.GetByNum(f.Sys, num)
	is.NoErr(err)
	is.Equal(u.Role, "consumer-team-member") // role unchanged

	// An administrator created outright needs the same.
	usersAll := f.Key(t, apitest.Grant("users.*", permissions.All))
	code, _ = f.do("POST", "/portal-api/users", usersAll, `{"Email":"eve@example.com","First":"Eve","Last":"Il","Role":"provider-admin","Active":true}`)
	is.Equal(code, http.StatusForbidden) // users.* on everything is not "*" on everything
	code, _ = f.do("POST", "/portal-api/users", "Bearer "+f.Key(t, apitest.Grant("*", permissions.All)),
		`{"Email":"eve@example.com","First":"Eve","Last":"Il","Role":"provider-admin","Active":true}`)
	is.Equal(code, 200) // a key holding everything may
}

// TestPortalAdminCredentials: a Tyk portal administrator holds "*" on
// everything (a grant, not the Role label), so no narrower key may obtain
// their password or token: not by minting the token (users.* on
// everything), nor by attaching the administrator to its own partner and
// then resetting the password or changing the email. The services decide
// (no escalation: changing a user needs every grant they hold).
func TestPortalAdminCredentials(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newTenants(t)
	admin, err := f.Svc.Users.Create(f.Sys, users.CreateParams{Email: "raava@example.com", FirstName: "Raava", LastName: "Admin",
		Role: "super-admin", Vocabulary: users.Tyk})
	is.NoErr(err)
	isAdmin, err := f.Svc.Permissions.HoldsAll(f.Sys, admin.ID)
	is.NoErr(err)
	is.True(isAdmin) // the Tyk administrator role is the grant
	usersAll := "Bearer " + f.Key(t, apitest.Grant("users.*", permissions.All))

	code, body := f.do("POST", "/admin/v1/users/"+admin.ID.String()+"/token", usersAll, "")
	is.Equal(code, http.StatusForbidden) // users.* on everything cannot mint an administrator's token
	if tok, _ := body["token"].(string); tok != "" {
		code, _ = f.do("GET", "/portal-api/users", tok, "")
		t.Errorf("the minted token lists every user as the system: %d", code)
	}

	bearer := "Bearer " + f.keyA
	code, _ = f.do("POST", fmt.Sprintf("/api/internal/v1/partners/%d/users", f.a.Num), bearer,
		`{"first_name":"x","last_name":"y","email":"raava@example.com","password":"Samplepassword12"}`)
	is.Equal(code, 200) // attached to A by email, as documented
	code, _ = f.do("PUT", fmt.Sprintf("/api/internal/v1/partners/%d/users/%d", f.a.Num, admin.Num), bearer,
		`{"new_password":"Attacker chosen pw 1","new_password_confirmation":"Attacker chosen pw 1"}`)
	is.Equal(code, http.StatusForbidden) // A's key cannot reset the administrator's password
	_, err = f.Svc.Users.Authenticate(f.Sys, "raava@example.com", "Attacker chosen pw 1")
	is.True(err != nil) // the attacker's password does not work
	code, _ = f.do("POST", fmt.Sprintf("/api/v1/users/u-%d", admin.Num), usersAll, `{"email":"attacker@example.com"}`)
	is.Equal(code, http.StatusForbidden) // nor may users.* on everything move the administrator's email
	code, _ = f.do("POST", "/admin/v1/users/"+admin.ID.String()+"/token", bearer, "")
	is.Equal(code, http.StatusForbidden) // nor mint the token after attaching
	got, err := f.Svc.Users.Get(f.Sys, admin.ID)
	is.NoErr(err)
	is.Equal(got.Email, "raava@example.com")       // unchanged
	is.Equal(got.TokenVersion, admin.TokenVersion) // not rotated

	// A key holding everything still manages administrators.
	code, _ = f.do("POST", "/admin/v1/users/"+admin.ID.String()+"/token", "Bearer "+f.Key(t, apitest.Grant("*", permissions.All)), "")
	is.Equal(code, 200) // allowed
}
