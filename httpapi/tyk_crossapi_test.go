package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/all"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// eventCount is the number of audit events in the fixture's store.
func (f *fixture) eventCount(t *testing.T) int {
	t.Helper()
	n := 0
	req := userkit.PageRequest{Limit: userkit.MaxLimit}
	for {
		page, err := f.Svc.Permissions.ListEvents(f.Sys, storage.EventFilter{}, req)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Items)
		if page.Next == "" {
			return n
		}
		req.After = page.Next
	}
}

// numOf reads the "ID" (Tyk) or "id" ("u-7", Solvexia) of a created user.
func numOf(t *testing.T, body []byte) int64 {
	t.Helper()
	var v struct {
		TykID int64  `json:"ID"`
		SvxID string `json:"id"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	if v.TykID != 0 {
		return v.TykID
	}
	var n int64
	if _, err := fmt.Sscanf(v.SvxID, "u-%d", &n); err != nil {
		t.Fatalf("no id in %s", body)
	}
	return n
}

// TestTykWriteBackIsNoOp: a Tyk client that GETs a user and PUTs the very
// same body back changes nothing (same body, same ETag, no audit event),
// for a user made through Tyk in an organisation and a team, a Designer
// made through Solvexia, and a user in no organisation; and the Designer
// stays a Designer on Solvexia.
func TestTykWriteBackIsNoOp(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := all.Handler(f.Svc.HTTP(), f.Opts)
	must := func(method, path, auth, body string) []byte {
		t.Helper()
		w := do(h, method, path, auth, "application/json", body)
		if w.Code != http.StatusOK && w.Code != http.StatusCreated {
			t.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body)
		}
		return w.Body.Bytes()
	}
	org := fmt.Sprintf("/portal-api/organisations/%d", f.partner.Num)
	tykUser := numOf(t, must("POST", "/portal-api/users", f.rawKey, fmt.Sprintf(
		`{"Active":true,"Email":"t@example.com","First":"Tara","Last":"Tyk","OrganisationID":%d,"Role":"consumer-admin"}`, f.partner.Num)))
	team := numOf(t, must("POST", org+"/teams", f.rawKey, `{"Name":"Devs"}`))
	must("PUT", fmt.Sprintf("/portal-api/users/%d", tykUser), f.rawKey, fmt.Sprintf(`{"Teams":["%d"]}`, team))
	designer := numOf(t, must("POST", "/api/v1/users", f.admin,
		`{"email":"d@example.com","firstName":"Dora","lastName":"Designer","password":"Samplepassword12","userRole":"Designer","timezone":"(UTC+10:00) Canberra, Melbourne, Sydney"}`))
	loner := numOf(t, must("POST", "/portal-api/users", f.rawKey, `{"Active":true,"Email":"l@example.com","First":"Lone","Last":"Ly"}`))

	for _, num := range []int64{tykUser, designer, loner} {
		t.Run(fmt.Sprint(num), func(t *testing.T) {
			is := is.New(t)
			path := fmt.Sprintf("/portal-api/users/%d", num)
			get := do(h, "GET", path, f.rawKey, "", "")
			is.Equal(get.Code, http.StatusOK)
			events := f.eventCount(t)
			put := do(h, "PUT", path, f.rawKey, "application/json", get.Body.String())
			is.Equal(put.Code, http.StatusOK)                            // the shown body is accepted
			is.Equal(put.Body.String(), get.Body.String())               // and shown unchanged
			is.Equal(put.Header().Get("ETag"), get.Header().Get("ETag")) // same version
			is.Equal(f.eventCount(t), events)                            // no event
		})
	}
	is := is.New(t)
	var svx struct{ UserRole, Timezone string }
	is.NoErr(json.Unmarshal(must("GET", fmt.Sprintf("/api/v1/users/u-%d", designer), f.admin, ""), &svx))
	is.Equal(svx.UserRole, "Designer") // Solvexia still shows the Designer
	is.Equal(svx.Timezone, "(UTC+10:00) Canberra, Melbourne, Sydney")
	var shown struct{ Organisation string }
	is.NoErr(json.Unmarshal(must("GET", fmt.Sprintf("/portal-api/users/%d", tykUser), f.rawKey, ""), &shown))
	is.Equal(shown.Organisation, f.partner.Name) // and the Tyk user stays in their organisation
}

// TestPrivilegeFromProfileStringOverHTTP: a key holding users.* on one
// partner tries to make that partner's user a Tyk administrator through
// every API that writes a role (Solvexia, Venuzle, Tyk) and mints the
// user's token (admin API). Whatever each answers, the user holds no
// grant, and their token is refused on the Tyk user list and on another
// partner's user.
func TestPrivilegeFromProfileStringOverHTTP(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	h := all.Handler(f.Svc.HTTP(), f.Opts)
	keyA := f.Key(t, apitest.Grant("users.*", permissions.PartnerScope(f.partner.ID)))
	u := f.mona // managed by Acme, the key's partner
	victim, err := f.Svc.Users.Create(f.Sys, users.CreateParams{Email: "victim@example.com", FirstName: "Vic", LastName: "Tim"})
	is.NoErr(err)

	attempts := []struct{ method, path, auth, body string }{
		{"POST", fmt.Sprintf("/api/v1/users/u-%d", u.Num), "Bearer " + keyA, `{"userRole":"super-admin"}`},
		{"POST", fmt.Sprintf("/api/v1/users/u-%d", u.Num), "Bearer " + keyA, `{"userRole":"SVXAdmin"}`},
		{"PUT", fmt.Sprintf("/api/internal/v1/partners/%d/users/%d", f.partner.Num, u.Num), "Bearer " + keyA, `{"role":"super-admin"}`},
		{"PUT", fmt.Sprintf("/portal-api/users/%d", u.Num), keyA, `{"Role":"super-admin"}`},
		{"PUT", fmt.Sprintf("/portal-api/users/%d", u.Num), keyA, `{"Role":"provider-admin","OrganisationID":0}`},
	}
	for _, a := range attempts {
		w := do(h, a.method, a.path, a.auth, "application/json", a.body)
		t.Logf("%s %s %s: %d", a.method, a.path, a.body, w.Code)
		if strings.HasPrefix(a.path, "/portal-api/") {
			is.Equal(w.Code, http.StatusForbidden) // making an admin needs "*" on everything
		}
	}
	superAdmin := users.RoleSuperAdmin
	// The label itself, written through the stored vocabulary (as the
	// admin console or a Go host would), is accepted as a label.
	p, err := f.Svc.Permissions.ResolveKey(f.Sys, keyA)
	is.NoErr(err)
	labelled, err := f.Svc.Users.Update(permissions.WithPrincipal(f.Sys, p), u.ID, users.UpdateParams{Role: &superAdmin})
	is.NoErr(err)
	is.Equal(labelled.Role, users.RoleSuperAdmin)

	token := ""
	w := do(h, "POST", fmt.Sprintf("/admin/v1/users/%s/token", u.ID), "Bearer "+keyA, "", "")
	t.Logf("mint token: %d", w.Code)
	if w.Code == http.StatusOK {
		var tok struct{ Token string }
		is.NoErr(json.Unmarshal(w.Body.Bytes(), &tok))
		token = tok.Token
	} else {
		fresh, err := f.Svc.Users.Get(f.Sys, u.ID)
		is.NoErr(err)
		token, err = httpapi.UserToken(apitest.TokenSecret, fresh)
		is.NoErr(err)
	}

	admin, err := f.Svc.Permissions.HoldsAll(f.Sys, u.ID)
	is.NoErr(err)
	is.True(!admin) // no grant, whatever label was stored
	w = do(h, "GET", "/portal-api/users", token, "", "")
	is.Equal(w.Code, http.StatusForbidden) // the token cannot list every user
	w = do(h, "GET", fmt.Sprintf("/portal-api/users/%d", victim.Num), token, "", "")
	is.Equal(w.Code, http.StatusForbidden) // nor read a user of no partner
	w = do(h, "GET", fmt.Sprintf("/portal-api/users/%d", u.Num), f.rawKey, "", "")
	is.Equal(w.Code, http.StatusOK)
	var shown struct{ Role string }
	is.NoErr(json.Unmarshal(w.Body.Bytes(), &shown))
	is.True(shown.Role != users.RoleSuperAdmin && shown.Role != users.RoleProviderAdmin) // Tyk shows no administrator
}
