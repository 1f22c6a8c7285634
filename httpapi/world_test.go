package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/all"
	"github.com/userkit/userkit/httpapi/internal/apispec"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/storage/sqlite"
	"github.com/userkit/userkit/users"
)

// This file holds the two-tenant world of the cross-tenant matrix
// (matrix_test.go) and the round trip (roundtrip_test.go): one back end on
// a chosen store, every API mounted with all.Mount, and a storage-level
// dump to prove that a refused request changed nothing.

// secret is in the name of every object of partner B (partner, teams,
// portal, role, attribute, resource, service account, B's own user), so a
// response to A that contains it discloses B.
const secret = "zzbsecret"

// backend names a store the tests run on.
type backend struct {
	name string
	open func(t testing.TB) storage.Store
}

var backends = []backend{
	{"memory", func(testing.TB) storage.Store { return memory.New() }},
	{"sqlite", func(t testing.TB) storage.Store {
		db, err := sqlite.Open(filepath.Join(t.TempDir(), "userkit.db"))
		if err != nil {
			t.Fatalf("open sqlite: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		st := sqlite.New(db)
		if err := st.Migrate(context.Background()); err != nil {
			t.Fatalf("migrate sqlite: %v", err)
		}
		return st
	}},
}

// newEnvOn is apitest.New on any store (Env.Store stays nil unless the
// store is the memory store).
func newEnvOn(t testing.TB, st storage.Store, opts ...func(*kit.Options)) *apitest.Env {
	t.Helper()
	env := apitest.NewOn(t, st, opts...)
	env.Opts.Logger = slog.New(slog.DiscardHandler)
	if m, ok := st.(*memory.Store); ok {
		env.Store = m
	}
	return env
}

// tenant is one partner and one object of every kind the APIs address.
type tenant struct {
	partner    partners.Partner
	team       partners.Team // a team other than the default one
	portal     portals.Portal
	role       portals.Role // held by nobody (a role members hold cannot be deleted)
	memberRole portals.Role // the members' role
	attr       portals.Attribute
	resource   permissions.Resource
	sa         permissions.ServiceAccount
	saGrant    permissions.Grant
	key        permissions.Key
	rawKey     string // the key's secret: grant "*" on partner:<this partner>
	user       users.User
	userGrant  permissions.Grant
	// bare is a second user, created by (so managed by) the partner, in its
	// team and portal, holding no grant and no resource role: only the
	// managing scope protects them.
	bare users.User
}

// world is two tenants, A and B, on one back end with every API mounted.
type world struct {
	*apitest.Env
	store    storage.Store
	mux      *http.ServeMux
	patterns []string
	a, b     tenant
	admin    string // raw key holding "*" on everything
	// orphan belongs to no partner and no portal (created as Solvexia
	// does, so managed by everything).
	orphan users.User
}

func newWorld(t testing.TB, be backend, opts ...func(*kit.Options)) *world {
	t.Helper()
	st := be.open(t)
	w := &world{Env: newEnvOn(t, st, opts...), store: st, mux: http.NewServeMux()}
	all.Mount(w.mux, w.Svc.HTTP(), w.Opts)
	w.patterns = routePatterns(t, w.mux)
	w.admin = w.Key(t, apitest.Grant("*", permissions.All))
	w.a = w.newTenant(t, "acme", "Acme")
	w.b = w.newTenant(t, secret, "Globex "+secret)
	var err error
	w.orphan, err = w.Svc.Users.Create(w.Sys, users.CreateParams{Email: "olga.orphan@example.com", FirstName: "Olga", LastName: "Orphan",
		Password: "Orphans own password 1", Role: "Designer", Timezone: "(UTC+10:00) Canberra, Melbourne, Sydney"})
	if err != nil {
		t.Fatalf("create orphan: %v", err)
	}
	return w
}

func (w *world) newTenant(t testing.TB, tag, partnerName string) tenant {
	t.Helper()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("fixture %s %s: %v", tag, what, err)
		}
	}
	var x tenant
	var err error
	ctx := w.Sys
	x.partner, err = w.Svc.Partners.Create(ctx, partners.CreateParams{Name: partnerName})
	must("partner", err)
	x.team, err = w.Svc.Partners.CreateTeam(ctx, x.partner.ID, partners.TeamParams{Name: tag + " team"})
	must("team", err)
	x.portal, err = w.Svc.Portals.Create(ctx, portals.CreateParams{PartnerID: x.partner.ID, Name: tag + " portal", TechnicalName: tag + "-portal"})
	must("portal", err)
	x.memberRole, err = w.Svc.Portals.CreateRole(ctx, x.portal.ID, portals.RoleParams{Name: tag + "-role"})
	must("role", err)
	x.role, err = w.Svc.Portals.CreateRole(ctx, x.portal.ID, portals.RoleParams{Name: tag + "-spare-role"})
	must("spare role", err)
	x.attr, err = w.Svc.Portals.CreateAttribute(ctx, x.portal.ID, portals.AttributeParams{Name: tag + "_attr", Type: portals.TypeString})
	must("attribute", err)
	x.resource, err = w.Svc.Permissions.CreateResource(ctx, permissions.ResourceParams{ID: "res-" + strings.ToUpper(tag[:1]), Name: tag + " resource"})
	must("resource", err)
	x.sa, err = w.Svc.Permissions.CreateServiceAccount(ctx, permissions.ServiceAccountParams{Name: tag + " account",
		Grants: []permissions.GrantParams{apitest.Grant("*", permissions.PartnerScope(x.partner.ID))}})
	must("service account", err)
	x.saGrant = x.sa.Grants[0]
	x.key, x.rawKey, err = w.Svc.Permissions.CreateKey(ctx, x.sa.ID, permissions.KeyParams{})
	must("key", err)

	// The tenant's own user: member of the partner, its team and portal,
	// with a grant and a resource role.
	x.user, _, err = w.Svc.Partners.AddUser(ctx, x.partner.ID, users.CreateParams{Email: tag + ".user@example.com",
		FirstName: "User " + tag, LastName: "Of " + tag, Password: "Tenant user password 1"})
	must("user", err)
	must("team member", w.Svc.Partners.AddTeamMember(ctx, x.team.ID, x.user.ID))
	_, err = w.Svc.Portals.AddUser(ctx, x.portal.ID, portals.AddUserParams{Email: x.user.Email, FirstName: x.user.FirstName,
		LastName: x.user.LastName, RoleIDs: []uuid.UUID{x.memberRole.ID}})
	must("portal member", err)
	x.userGrant, err = w.Svc.Permissions.AddGrant(ctx, x.user.ID, apitest.Grant("users.read", permissions.PartnerScope(x.partner.ID)))
	must("user grant", err)
	_, err = w.Svc.Permissions.SetRole(ctx, x.user.ID, x.resource.ID, permissions.RoleEditor)
	must("resource role", err)

	// The bare user: a neutral name, so that reading them after an attach
	// may show their profile but nothing of the tenant.
	short := tag[:1]
	x.bare, _, err = w.Svc.Partners.AddUser(ctx, x.partner.ID, users.CreateParams{Email: "bare." + short + "@example.com",
		FirstName: "Bare", LastName: strings.ToUpper(short), Password: "Bare users password 1"})
	must("bare user", err)
	must("bare team member", w.Svc.Partners.AddTeamMember(ctx, x.team.ID, x.bare.ID))
	_, err = w.Svc.Portals.AddUser(ctx, x.portal.ID, portals.AddUserParams{Email: x.bare.Email, FirstName: x.bare.FirstName,
		LastName: x.bare.LastName, RoleIDs: []uuid.UUID{x.memberRole.ID}})
	must("bare portal member", err)
	return x
}

// do sends one request to the mounted APIs.
func (w *world) do(method, path, rawKey, body string) (int, string) {
	auth := ""
	if rawKey != "" {
		auth = "Bearer " + rawKey
	}
	rec := apitest.Do(w.mux, apitest.Request{Method: method, Path: path, Auth: auth, Body: body})
	return rec.Code, rec.Body.String()
}

// routePatterns lists the method routes registered on mux. The
// method-less patterns are each API's fallbacks (405 with Allow, or 404
// below its root), which serve no object.
func routePatterns(t testing.TB, mux *http.ServeMux) []string {
	t.Helper()
	ps, err := apispec.Patterns(mux)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		if strings.Contains(p, " ") {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		t.Fatal("no method routes registered by all.Mount")
	}
	return out
}

// dump is every table of the store, read through the store's List/Get
// methods, as sorted lines "table key: json". Times the server writes on
// every authenticated request (an API key's LastUsedAt) are left out.
func dump(t testing.TB, st storage.Store) []string {
	t.Helper()
	ctx := context.Background()
	var lines []string
	add := func(table, key string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		lines = append(lines, table+" "+key+": "+string(b))
	}
	fail := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("dump %s: %v", what, err)
		}
	}
	page := func(after string) userkit.PageRequest {
		return userkit.PageRequest{Limit: userkit.MaxLimit, After: after}
	}

	var userIDs []uuid.UUID
	for after := ""; ; {
		p, err := st.ListUsers(ctx, storage.UserFilter{}, page(after))
		fail("users", err)
		for _, u := range p.Items {
			add("user", u.ID.String(), u)
			userIDs = append(userIDs, u.ID)
		}
		if after = p.Next; after == "" {
			break
		}
	}
	for _, id := range userIDs {
		ps, err := st.PartnersOfUser(ctx, id)
		fail("partners of user", err)
		for _, p := range ps {
			add("partner_member", p.ID.String()+"/"+id.String(), nil)
		}
		gs, err := st.GrantsOf(ctx, id)
		fail("user grants", err)
		for _, g := range gs {
			add("grant", g.ID.String(), g)
		}
		rs, err := st.ResourceRolesOfUser(ctx, id)
		fail("resource roles", err)
		for _, r := range rs {
			add("resource_role", r.ResourceID+"/"+id.String(), r)
		}
	}
	for after := ""; ; {
		p, err := st.ListPartners(ctx, page(after))
		fail("partners", err)
		for _, pr := range p.Items {
			add("partner", pr.ID.String(), pr)
			teams, err := st.ListTeams(ctx, pr.ID)
			fail("teams", err)
			for _, tm := range teams {
				add("team", tm.ID.String(), tm)
				members, err := st.TeamMembers(ctx, tm.ID)
				fail("team members", err)
				for _, m := range members {
					add("team_member", tm.ID.String()+"/"+m.String(), nil)
				}
			}
		}
		if after = p.Next; after == "" {
			break
		}
	}
	for after := ""; ; {
		p, err := st.ListPortals(ctx, uuid.Nil, page(after))
		fail("portals", err)
		for _, pt := range p.Items {
			add("portal", pt.ID.String(), pt)
			roles, err := st.ListPortalRoles(ctx, pt.ID)
			fail("portal roles", err)
			for _, r := range roles {
				add("portal_role", r.ID.String(), r)
			}
			attrs, err := st.ListAttributes(ctx, pt.ID)
			fail("attributes", err)
			for _, a := range attrs {
				add("attribute", a.ID.String(), a)
			}
			for after := ""; ; {
				mp, err := st.ListPortalMembers(ctx, pt.ID, page(after))
				fail("portal members", err)
				for _, m := range mp.Items {
					add("portal_member", m.ID.String(), m)
				}
				if after = mp.Next; after == "" {
					break
				}
			}
		}
		if after = p.Next; after == "" {
			break
		}
	}
	for after := ""; ; {
		p, err := st.ListResources(ctx, page(after))
		fail("resources", err)
		for _, r := range p.Items {
			add("resource", r.ID, r)
			rs, err := st.ResourceRolesOfResource(ctx, r.ID)
			fail("roles of resource", err)
			for _, rr := range rs {
				add("resource_role", rr.ResourceID+"/"+rr.UserID.String(), rr)
			}
		}
		if after = p.Next; after == "" {
			break
		}
	}
	for after := ""; ; {
		p, err := st.ListServiceAccounts(ctx, page(after))
		fail("service accounts", err)
		for _, sa := range p.Items {
			add("service_account", sa.ID.String(), sa)
			gs, err := st.GrantsOf(ctx, sa.ID)
			fail("account grants", err)
			for _, g := range gs {
				add("grant", g.ID.String(), g)
			}
			keys, err := st.ListAPIKeys(ctx, sa.ID)
			fail("keys", err)
			for _, k := range keys {
				k.LastUsedAt = nil // written by every authenticated request
				add("api_key", k.ID.String(), k)
			}
		}
		if after = p.Next; after == "" {
			break
		}
	}
	for after := ""; ; {
		p, err := st.ListEvents(ctx, storage.EventFilter{}, page(after))
		fail("events", err)
		for _, e := range p.Items {
			add("event", e.ID.String(), e)
		}
		if after = p.Next; after == "" {
			break
		}
	}
	slices.Sort(lines)
	return slices.Compact(lines)
}

// diff describes what changed between two dumps, "" when nothing did.
func diff(before, after []string) string {
	var b strings.Builder
	for _, l := range before {
		if _, found := slices.BinarySearch(after, l); !found {
			fmt.Fprintf(&b, "\n  - %s", l)
		}
	}
	for _, l := range after {
		if _, found := slices.BinarySearch(before, l); !found {
			fmt.Fprintf(&b, "\n  + %s", l)
		}
	}
	return b.String()
}

// short cuts a response body for a failure message.
func short(body string) string {
	if len(body) > 600 {
		return body[:600] + "…"
	}
	return body
}
