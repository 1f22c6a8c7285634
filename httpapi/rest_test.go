package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/all"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

// raw serves one request and returns the status and the raw body.
func (f *tenants) raw(method, path, auth, body string) (int, string) {
	w := apitest.Do(f.h, apitest.Request{Method: method, Path: path, Auth: auth, Body: body})
	return w.Code, w.Body.String()
}

// eventCount is the number of audit events in the store.
func (f *tenants) eventCount(t *testing.T) int {
	t.Helper()
	p, err := f.Svc.Permissions.ListEvents(f.Sys, storage.EventFilter{}, userkit.PageRequest{Limit: 1, Total: true})
	if err != nil {
		t.Fatal(err)
	}
	return p.Total
}

// stored reads a user as the store has it.
func (f *tenants) stored(t *testing.T, id uuid.UUID) users.User {
	t.Helper()
	u, err := f.Svc.Users.Get(f.Sys, id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// portalOfA is a portal owned by partner A, and the id of its one role.
func (f *tenants) portalOfA(t *testing.T) (portals.Portal, string) {
	t.Helper()
	p, err := f.Svc.Portals.Create(f.Sys, portals.CreateParams{PartnerID: f.a.ID, Name: "Acme portal", TechnicalName: "acme-portal"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.Svc.Portals.CreateRole(f.Sys, p.ID, portals.RoleParams{Name: "Viewer"})
	if err != nil {
		t.Fatal(err)
	}
	return p, r.ID.String()
}

// TestWriteBackWhatWasReadIsNoOp creates a user through each API (and the
// Go service), then, on every API that can write a user, reads the user
// and writes back exactly what was read: nothing changes, no new version
// and no audit event, whichever API stored the values.
func TestWriteBackWhatWasReadIsNoOp(t *testing.T) {
	t.Parallel()
	f := newTenants(t)
	root := "Bearer " + f.Key(t, apitest.Grant("*", permissions.All))
	portal, role := f.portalOfA(t)

	created := map[string]uuid.UUID{}
	byEmail := func(email string) uuid.UUID {
		t.Helper()
		u, err := f.Svc.Users.GetByEmail(f.Sys, email)
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	code, body := f.raw("POST", "/api/v1/users", root,
		`{"email":"sol@example.com","firstName":"Sol","lastName":"Vexia","password":"Samplepassword12","userRole":"Designer","timezone":"(UTC-10:00) Hawaii"}`)
	if code != 200 {
		t.Fatalf("solvexia create: %d %s", code, body)
	}
	created["solvexia"] = byEmail("sol@example.com")
	code, body = f.raw("POST", fmt.Sprintf("/api/internal/v1/partners/%d/users", f.a.Num), root,
		`{"first_name":"Ven","last_name":"Uzle","email":"ven@example.com","password":"Samplepassword12"}`)
	if code != 201 {
		t.Fatalf("venuzle create: %d %s", code, body)
	}
	created["venuzle"] = byEmail("ven@example.com")
	code, body = f.raw("POST", "/v1/partner-portals/"+portal.ID.String()+"/users", root,
		`{"first_name":"Wha","last_name":"Ly","email":"wha@example.com","password":"Samplepassword12","locale":"de_AT","roles":["`+role+`"]}`)
	if code != 200 {
		t.Fatalf("whaly create: %d %s", code, body)
	}
	created["whaly"] = byEmail("wha@example.com")
	code, body = f.raw("POST", "/portal-api/users", root,
		fmt.Sprintf(`{"Email":"tyk@example.com","First":"Ty","Last":"K","Role":"consumer-admin","OrganisationID":%d,"Active":true}`, f.a.Num))
	if code != 200 {
		t.Fatalf("tyk create: %d %s", code, body)
	}
	created["tyk"] = byEmail("tyk@example.com")
	u, err := f.Svc.Users.Create(f.Sys, users.CreateParams{Email: "go@example.com", FirstName: "Go", LastName: "Pher",
		Role: "provider-admin", Timezone: "Europe/Vienna"})
	if err != nil {
		t.Fatal(err)
	}
	created["go"] = u.ID

	for via, id := range created {
		// Venuzle addresses members of a partner: make every user one of A.
		if _, _, err := f.Svc.Partners.AddUser(f.Sys, f.a.ID, users.CreateParams{Email: f.stored(t, id).Email}); err != nil &&
			userkit.KindOf(err) != userkit.Conflict {
			t.Fatal(err)
		}
		before := f.stored(t, id)
		writers := map[string]struct{ get, put, method string }{
			"solvexia": {fmt.Sprintf("/api/v1/users/u-%d", before.Num), fmt.Sprintf("/api/v1/users/u-%d", before.Num), "POST"},
			"venuzle": {fmt.Sprintf("/api/internal/v1/partners/%d/users/%d", f.a.Num, before.Num),
				fmt.Sprintf("/api/internal/v1/partners/%d/users/%d", f.a.Num, before.Num), "PUT"},
		}
		for api, w := range writers {
			t.Run(via+" via "+api, func(t *testing.T) {
				is := is.New(t)
				events := f.eventCount(t)
				code, read := f.raw("GET", w.get, root, "")
				is.Equal(code, 200) // read
				if api == "venuzle" {
					var env struct{ Data json.RawMessage }
					is.NoErr(json.Unmarshal([]byte(read), &env))
					read = string(env.Data)
				}
				code, wrote := f.raw(w.method, w.put, root, read)
				is.Equal(code, 200) // what was read is accepted
				if api == "solvexia" {
					is.Equal(wrote, strings.TrimSpace(read)+"\n") // and answered unchanged
				}
				after := f.stored(t, id)
				is.Equal(after.Version, before.Version) // no new version
				is.Equal(after.Role, before.Role)       // the stored role survives
				is.Equal(after.Timezone, before.Timezone)
				is.Equal(f.eventCount(t), events) // no audit event
			})
		}
	}
}

// TestAttachGivesNoControl is the takeover through attach, over HTTP: a
// key of partner A (Venuzle) or of A's portal (Whaly) attaches by email a
// user who belongs to nobody (created through Solvexia) and a user of
// partner B. The attach answers as documented, but then resetting the
// password, changing email, status or role, and minting the token all
// answer 403, nothing changes, and the attacker's password does not log
// in.
func TestAttachGivesNoControl(t *testing.T) {
	t.Parallel()
	f := newTenants(t)
	root := "Bearer " + f.Key(t, apitest.Grant("*", permissions.All))
	portal, role := f.portalOfA(t)
	portalKey := "Bearer " + f.Key(t, apitest.Grant("users.*", permissions.PortalScope(portal.ID)))
	keyA := "Bearer " + f.keyA
	const attackerPW = "Attacker chosen pw 1"

	code, body := f.raw("POST", "/api/v1/users", root,
		`{"email":"nobody@example.com","firstName":"No","lastName":"Body","password":"Samplepassword12","userRole":"Subscriber","timezone":"(UTC-10:00) Hawaii"}`)
	if code != 200 {
		t.Fatalf("solvexia create: %d %s", code, body)
	}
	nobody, err := f.Svc.Users.GetByEmail(f.Sys, "nobody@example.com")
	if err != nil {
		t.Fatal(err)
	}
	ofB, _, err := f.Svc.Partners.AddUser(f.Sys, f.b.ID, users.CreateParams{Email: "bee@example.com", FirstName: "Bea", LastName: "Bee", Password: "Samplepassword12"})
	if err != nil {
		t.Fatal(err)
	}

	attach := map[string]func(email string) int{
		"venuzle": func(email string) int {
			code, _ := f.raw("POST", fmt.Sprintf("/api/internal/v1/partners/%d/users", f.a.Num), keyA,
				fmt.Sprintf(`{"first_name":"x","last_name":"y","email":%q,"password":%q}`, email, attackerPW))
			return code
		},
		"whaly": func(email string) int {
			code, _ := f.raw("POST", "/v1/partner-portals/"+portal.ID.String()+"/users", portalKey,
				fmt.Sprintf(`{"first_name":"x","last_name":"y","email":%q,"password":%q,"roles":[%q]}`, email, attackerPW, role))
			return code
		},
	}
	attackerKey := map[string]string{"venuzle": keyA, "whaly": portalKey}
	for _, api := range []string{"venuzle", "whaly"} {
		for _, victim := range []users.User{nobody, ofB} {
			t.Run(api+" "+victim.Email, func(t *testing.T) {
				is := is.New(t)
				before := f.stored(t, victim.ID)
				is.Equal(attach[api](victim.Email), 200) // attached: the documented 200, not 201
				auth := attackerKey[api]
				member := fmt.Sprintf("/api/internal/v1/partners/%d/users/%d", f.a.Num, victim.Num)
				attempts := []struct{ method, path, body string }{
					{"PUT", member, fmt.Sprintf(`{"new_password":%q,"new_password_confirmation":%q}`, attackerPW, attackerPW)},
					{"PUT", member, `{"email":"attacker@example.com"}`},
					{"PUT", member, `{"first_name":"Mallory"}`},
					{"POST", fmt.Sprintf("/api/v1/users/u-%d", victim.Num), `{"email":"attacker@example.com"}`},
					{"POST", fmt.Sprintf("/api/v1/users/u-%d", victim.Num), `{"accountStatus":"Suspended"}`},
					{"POST", fmt.Sprintf("/api/v1/users/u-%d", victim.Num), `{"userRole":"SVXAdmin"}`},
					{"PUT", fmt.Sprintf("/portal-api/users/%d", victim.Num), `{"Role":"consumer-admin"}`},
					{"POST", "/admin/v1/users/" + victim.ID.String() + "/token", ""},
				}
				for _, a := range attempts {
					code, body := f.raw(a.method, a.path, auth, a.body)
					if code != 403 && code != 404 {
						t.Errorf("%s %s %s: %d %s", a.method, a.path, a.body, code, body)
					}
				}
				after := f.stored(t, victim.ID)
				is.Equal(after.Version, before.Version)           // nothing changed
				is.Equal(after.Email, before.Email)               // email
				is.Equal(after.Status, before.Status)             // status
				is.Equal(after.Role, before.Role)                 // role
				is.Equal(after.FirstName, before.FirstName)       // profile
				is.Equal(after.TokenVersion, before.TokenVersion) // token not rotated
				_, err := f.Svc.Users.Authenticate(f.Sys, victim.Email, attackerPW)
				is.True(err != nil) // the attacker's password does not log in
				_, err = f.Svc.Users.Authenticate(f.Sys, victim.Email, "Samplepassword12")
				is.NoErr(err) // the victim's still does
			})
		}
	}
}

// countingStore counts the reads of user records.
type countingStore struct {
	storage.Store
	userReads, userLists atomic.Int64
}

func (c *countingStore) GetUser(ctx context.Context, id uuid.UUID) (storage.UserRecord, error) {
	c.userReads.Add(1)
	return c.Store.GetUser(ctx, id)
}

func (c *countingStore) GetUserByNum(ctx context.Context, num int64) (storage.UserRecord, error) {
	c.userReads.Add(1)
	return c.Store.GetUserByNum(ctx, num)
}

func (c *countingStore) GetUserByEmail(ctx context.Context, email string) (storage.UserRecord, error) {
	c.userReads.Add(1)
	return c.Store.GetUserByEmail(ctx, email)
}

// TestGetUserReadsTheUserOnce: GET one user on Solvexia, Venuzle and Whaly
// reads the user's record once (it was three times on Venuzle), with a key
// scoped to the partner or portal as well as with one on everything.
func TestGetUserReadsTheUserOnce(t *testing.T) {
	t.Parallel()
	store := &countingStore{Store: memory.New()}
	k := kit.New(store, &kit.Options{Users: users.Options{Argon2: users.Argon2Params{Memory: 64, Time: 1, Threads: 1}}})
	authz, svc := k.Permissions, k.HTTP()
	h := all.Handler(svc, &httpapi.Options{Logger: slog.New(slog.DiscardHandler)})
	sys := permissions.WithPrincipal(context.Background(), permissions.System)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	key := func(g permissions.GrantParams) string {
		sa, err := authz.CreateServiceAccount(sys, permissions.ServiceAccountParams{Name: "k", Grants: []permissions.GrantParams{g}})
		must(err)
		_, secret, err := authz.CreateKey(sys, sa.ID, permissions.KeyParams{})
		must(err)
		return "Bearer " + secret
	}
	p, err := svc.Partners.Create(sys, partners.CreateParams{Name: "Acme"})
	must(err)
	portal, err := svc.Portals.Create(sys, portals.CreateParams{PartnerID: p.ID, Name: "Portal", TechnicalName: "portal"})
	must(err)
	u, _, err := svc.Partners.AddUser(sys, p.ID, users.CreateParams{Email: "ada@example.com", FirstName: "Ada", LastName: "L"})
	must(err)
	role, err := svc.Portals.CreateRole(sys, portal.ID, portals.RoleParams{Name: "Viewer"})
	must(err)
	_, err = svc.Portals.AddUser(sys, portal.ID, portals.AddUserParams{Email: "ada@example.com", RoleIDs: []uuid.UUID{role.ID}})
	must(err)
	everything := key(apitest.Grant("*", permissions.All))
	cases := []struct{ name, path, auth string }{
		{"solvexia", fmt.Sprintf("/api/v1/users/u-%d", u.Num), everything},
		{"venuzle", fmt.Sprintf("/api/internal/v1/partners/%d/users/%d", p.Num, u.Num), everything},
		{"venuzle, partner key", fmt.Sprintf("/api/internal/v1/partners/%d/users/%d", p.Num, u.Num), key(apitest.Grant("users.read", permissions.PartnerScope(p.ID)))},
		{"whaly", fmt.Sprintf("/v1/partner-portals/%s/users/%s", portal.ID, u.ID), everything},
		{"whaly, portal key", fmt.Sprintf("/v1/partner-portals/%s/users/%s", portal.ID, u.ID), key(apitest.Grant("users.read", permissions.PortalScope(portal.ID)))},
	}
	for _, c := range cases {
		is := is.New(t)
		store.userReads.Store(0)
		w := apitest.Do(h, apitest.Request{Method: "GET", Path: c.path, Auth: c.auth})
		is.Equal(w.Code, 200)                      // read
		is.Equal(store.userReads.Load(), int64(1)) // the user's record once
	}
}
