package admin

import (
	"net/http"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/permissions"
)

// endpoints returns one valid request per endpoint, aimed at partner A's
// objects (or at global ones), so that only authorization can refuse it.
func endpoints(w world) []req {
	pa, portal := w.partnerA.ID.String(), w.portalA.ID.String()
	team, role, attr := w.teamA.ID.String(), w.roleA.ID.String(), w.attrA.ID.String()
	sa, user := w.saOther.ID.String(), w.userA.ID.String()
	return []req{
		{Method: "GET", Path: "/partners"},
		{Method: "POST", Path: "/partners", Body: `{"name": "Initech"}`},
		{Method: "GET", Path: "/partners/" + pa},
		{Method: "PATCH", Path: "/partners/" + pa, Body: `{"name": "Taken Over"}`},
		{Method: "DELETE", Path: "/partners/" + pa},
		{Method: "GET", Path: "/partners/" + pa + "/teams"},
		{Method: "POST", Path: "/partners/" + pa + "/teams", Body: `{"name": "Intruders"}`},
		{Method: "GET", Path: "/partners/" + pa + "/teams/" + team},
		{Method: "PATCH", Path: "/partners/" + pa + "/teams/" + team, Body: `{"name": "Intruders"}`},
		{Method: "DELETE", Path: "/partners/" + pa + "/teams/" + team},

		{Method: "GET", Path: "/portals"},
		{Method: "GET", Path: "/portals?partner_id=" + pa},
		{Method: "POST", Path: "/portals", Body: `{"partner_id": "` + pa + `", "name": "Shadow", "technical_name": "shadow"}`},
		{Method: "GET", Path: "/portals/" + portal},
		{Method: "PATCH", Path: "/portals/" + portal, Body: `{"name": "Taken Over"}`},
		{Method: "DELETE", Path: "/portals/" + portal},
		{Method: "GET", Path: "/portals/" + portal + "/roles"},
		{Method: "POST", Path: "/portals/" + portal + "/roles", Body: `{"name": "Intruder"}`},
		{Method: "GET", Path: "/portals/" + portal + "/roles/" + role},
		{Method: "PATCH", Path: "/portals/" + portal + "/roles/" + role, Body: `{"name": "Intruder"}`},
		{Method: "DELETE", Path: "/portals/" + portal + "/roles/" + role},
		{Method: "GET", Path: "/portals/" + portal + "/attributes"},
		{Method: "POST", Path: "/portals/" + portal + "/attributes", Body: `{"name": "region", "type": "STRING"}`},
		{Method: "GET", Path: "/portals/" + portal + "/attributes/" + attr},
		{Method: "PATCH", Path: "/portals/" + portal + "/attributes/" + attr, Body: `{"label": "Owned"}`},
		{Method: "DELETE", Path: "/portals/" + portal + "/attributes/" + attr},

		{Method: "GET", Path: "/resources"},
		{Method: "POST", Path: "/resources", Body: `{"id": "p-9999", "name": "Shadow"}`},
		{Method: "GET", Path: "/resources/p-2343"},
		{Method: "PATCH", Path: "/resources/p-2343", Body: `{"name": "Owned"}`},
		{Method: "DELETE", Path: "/resources/p-2343"},

		{Method: "GET", Path: "/service-accounts"},
		{Method: "POST", Path: "/service-accounts", Body: `{"name": "backdoor", "grants": [{"action": "*", "scope": "*"}]}`},
		{Method: "GET", Path: "/service-accounts/" + sa},
		{Method: "PATCH", Path: "/service-accounts/" + sa, Body: `{"name": "owned"}`},
		{Method: "DELETE", Path: "/service-accounts/" + sa},
		{Method: "GET", Path: "/service-accounts/" + sa + "/grants"},
		{Method: "POST", Path: "/service-accounts/" + sa + "/grants", Body: `{"action": "*", "scope": "*"}`},
		{Method: "GET", Path: "/service-accounts/" + sa + "/grants/" + w.grantOther.ID.String()},
		{Method: "DELETE", Path: "/service-accounts/" + sa + "/grants/" + w.grantOther.ID.String()},
		{Method: "GET", Path: "/service-accounts/" + sa + "/keys"},
		{Method: "POST", Path: "/service-accounts/" + sa + "/keys", Body: `{}`},
		{Method: "GET", Path: "/service-accounts/" + sa + "/keys/" + w.keyOther.ID.String()},
		{Method: "DELETE", Path: "/service-accounts/" + sa + "/keys/" + w.keyOther.ID.String()},

		{Method: "GET", Path: "/users/" + user + "/grants"},
		{Method: "POST", Path: "/users/" + user + "/grants", Body: `{"action": "users.read", "scope": "partner:` + pa + `"}`},
		{Method: "GET", Path: "/users/" + user + "/grants/" + w.grantUsrA.ID.String()},
		{Method: "DELETE", Path: "/users/" + user + "/grants/" + w.grantUsrA.ID.String()},
		{Method: "POST", Path: "/users/" + user + "/token"},

		{Method: "GET", Path: "/events"},
		{Method: "GET", Path: "/events?partner_id=" + pa},
	}
}

// snapshot is what a refused request must leave alone: the audit log
// (every change writes to it) and partner A's objects as read back.
func (f *fixture) snapshot(w world) []any {
	f.t.Helper()
	ctx, s := f.env.Sys, f.env.Svc
	var out []any
	add := func(v any, err error) {
		if err != nil {
			f.t.Fatal(err)
		}
		out = append(out, v)
	}
	out = append(out, f.eventCount())
	add(s.Partners.Get(ctx, w.partnerA.ID))
	add(s.Partners.ListTeams(ctx, w.partnerA.ID))
	add(s.Portals.Get(ctx, w.portalA.ID))
	add(s.Portals.ListRoles(ctx, w.portalA.ID))
	add(s.Portals.ListAttributes(ctx, w.portalA.ID))
	add(s.Permissions.GetServiceAccount(ctx, w.saOther.ID))
	add(s.Permissions.ListKeys(ctx, w.saOther.ID))
	add(s.Permissions.GrantsOf(ctx, w.userA.ID))
	u, err := s.Users.Get(ctx, w.userA.ID)
	add(u.TokenVersion, err)
	return out
}

// TestAuthorizationMatrix: for every endpoint, no credential is 401, a key
// without the action is 403, and a key with every action on partner B is
// 403 or 404 on partner A's objects (and on global ones); none of these
// change anything.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := f.world()
	bScope := permissions.PartnerScope(w.partnerB.ID)
	noAction := "Bearer " + f.env.Key(t, apitest.Grant("users.read", bScope))
	var grants []permissions.GrantParams
	for _, fam := range []string{"users", "partners", "portals", "permissions", "keys"} {
		grants = append(grants, apitest.Grant(fam+".*", bScope))
	}
	partnerB := "Bearer " + f.env.Key(t, grants...)
	before := f.snapshot(w)

	for _, r := range endpoints(w) {
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			f := f.with(t)
			is := is.New(t)
			r.Auth = "-"
			is.Equal(f.do(r).Code, http.StatusUnauthorized) // no credential
			r.Auth = noAction
			is.Equal(f.do(r).Code, http.StatusForbidden) // key without the action
			r.Auth = partnerB
			code := f.do(r).Code
			is.True(code == http.StatusForbidden || code == http.StatusNotFound) // partner B's key on partner A or global data
			is.Equal(f.snapshot(w), before)                                      // nothing changed
		})
	}

	// The same key does work on its own partner, so the refusals above are
	// about scope, not a broken key.
	t.Run("partner B's key on partner B", func(t *testing.T) {
		f := f.with(t)
		pb, portal := w.partnerB.ID.String(), w.portalB.ID.String()
		for _, c := range []struct {
			r      req
			status int
		}{
			{req{Method: "GET", Path: "/partners/" + pb}, 200},
			{req{Method: "GET", Path: "/partners/" + pb + "/teams"}, 200},
			{req{Method: "PATCH", Path: "/partners/" + pb + "/teams/" + w.teamB.ID.String(), Body: `{"name": "Core"}`}, 200},
			{req{Method: "GET", Path: "/portals?partner_id=" + pb}, 200},
			{req{Method: "GET", Path: "/portals/" + portal + "/roles/" + w.roleB.ID.String()}, 200},
			{req{Method: "POST", Path: "/portals", Body: `{"partner_id": "` + pb + `", "name": "Globex Two", "technical_name": "globex-two"}`}, 201},
			{req{Method: "GET", Path: "/events?partner_id=" + pb}, 200},
			{req{Method: "POST", Path: "/users/" + w.userB.ID.String() + "/token"}, 200},
		} {
			c.r.Auth = partnerB
			is.New(t).Equal(f.do(c.r).Code, c.status) // allowed on its own partner
		}
		is.New(t).Equal(f.snapshot(w)[1:], before[1:]) // and partner A is still untouched
	})
}
