package tyk

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/users"
)

// call is one request of the authorization matrix.
type call struct{ method, path, body string }

// matrix holds a call of every endpoint, aimed at partner b's data.
func matrix(b partners.Partner, bUser users.User, bTeam partners.Team) []call {
	org := fmt.Sprintf("/portal-api/organisations/%d", b.Num)
	team := fmt.Sprintf("%s/teams/%d", org, bTeam.Num)
	user := fmt.Sprintf("/portal-api/users/%d", bUser.Num)
	return []call{
		{"GET", "/portal-api/users", ""},
		{"POST", "/portal-api/users", fmt.Sprintf(`{"Active":true,"Email":"new@b.example","First":"New","Last":"User","OrganisationID":%d,"Role":"consumer-admin"}`, b.Num)},
		{"GET", user, ""},
		{"PUT", user, `{"First":"Changed"}`},
		{"DELETE", user, ""},
		{"GET", "/portal-api/organisations", ""},
		{"POST", "/portal-api/organisations", `{"Name":"New"}`},
		{"GET", org, ""},
		{"PUT", org, `{"Name":"Changed"}`},
		{"DELETE", org, ""},
		{"GET", org + "/teams", ""},
		{"POST", org + "/teams", `{"Name":"New"}`},
		{"GET", team, ""},
		{"PUT", team, `{"Name":"Changed"}`},
		{"DELETE", team, ""},
	}
}

// TestAuthorizationMatrix: every endpoint refuses a request without a
// credential (401), a key without the action (403) and a key of another
// partner (403 or 404), in the portal's error shape, changing nothing.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	a := s.partner(t, "Partner A")
	b := s.partner(t, "Partner B")
	bUser := s.user(t, "b@b.example", RoleConsumerTeamMember, &b)
	bTeam := s.team(t, b, "B team")
	consumer := s.user(t, "consumer@a.example", RoleConsumerAdmin, &a)

	creds := []struct {
		name   string
		auth   string
		status []int
	}{
		{"no credential", "", []int{http.StatusUnauthorized}},
		{"garbage credential", "not-a-token", []int{http.StatusUnauthorized}},
		{"unknown key", "sk:unknown", []int{http.StatusUnauthorized}},
		{"key without the action", s.key(t, apitest.Grant("portals.read", permissions.All)), []int{http.StatusForbidden}},
		{"key of partner A", s.key(t, apitest.Grant("*", permissions.PartnerScope(a.ID))), []int{http.StatusForbidden, http.StatusNotFound}},
		{"consumer's token", s.token(t, consumer), []int{http.StatusForbidden}},
	}
	before := s.snapshot(t)
	for _, c := range creds {
		for _, req := range matrix(b, bUser, bTeam) {
			w := s.do(req.method, req.path, c.auth, req.body)
			ok := false
			for _, st := range c.status {
				ok = ok || w.Code == st
			}
			if !ok {
				t.Errorf("%s: %s %s: status %d, want %v: %s", c.name, req.method, req.path, w.Code, c.status, w.Body)
				continue
			}
			errorsOf(t, w)
			if w.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("%s: %s %s: no Cache-Control", c.name, req.method, req.path)
			}
		}
	}
	is := is.New(t)
	is.Equal(s.snapshot(t), before) // refused requests change nothing

	w := s.do("GET", "/portal-api/users", "", "")
	is.Equal(w.Body.String(), `{"errors":["Unauthenticated"]}`+"\n") // 401 body
	w = s.do("GET", "/portal-api/users", creds[3].auth, "")
	is.Equal(w.Body.String(), `{"errors":["permission denied"]}`+"\n") // 403 body
}

// TestPartnerKeyWithinItsPartner: a partner-scoped key manages its own
// organisation's users and teams.
func TestPartnerKeyWithinItsPartner(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := newServer(t)
	a := s.partner(t, "Partner A")
	key := s.key(t, apitest.Grant("*", permissions.PartnerScope(a.ID)))
	w := s.do("POST", "/portal-api/users", key, fmt.Sprintf(`{"Active":true,"Email":"x@a.example","First":"X","Last":"Y","OrganisationID":%d}`, a.Num))
	is.Equal(w.Code, http.StatusOK) // create in own organisation
	var u userShow
	decode(t, w.Body.Bytes(), &u)
	is.Equal(u.Organisation, "Partner A") // joined
	is.Equal(u.JWTToken, "")              // a partner key never sees tokens
	w = s.do("GET", fmt.Sprintf("/portal-api/organisations/%d", a.Num), key, "")
	is.Equal(w.Code, http.StatusOK) // read own organisation
	w = s.do("POST", "/portal-api/users", key, `{"Active":true,"Email":"z@a.example","First":"X","Last":"Y","OrganisationID":99}`)
	is.Equal(w.Code, http.StatusForbidden) // an unknown organisation is not revealed
}

// TestUserTokens: admins' tokens work raw and as Bearer, consumers' are
// refused, and a rotated token stops working.
func TestUserTokens(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := newServer(t)
	super := s.user(t, "super@portal.example", RoleSuperAdmin, nil)
	provider := s.user(t, "provider@portal.example", RoleProviderAdmin, nil)
	consumer := s.user(t, "consumer@portal.example", RoleConsumerTeamMember, &s.org)

	tok := s.token(t, super)
	w := s.do("GET", "/portal-api/users", tok, "")
	is.Equal(w.Code, http.StatusOK) // super-admin token, raw
	w = s.do("GET", "/portal-api/users", "Bearer "+tok, "")
	is.Equal(w.Code, http.StatusOK) // super-admin token, Bearer
	w = s.do("POST", "/portal-api/organisations", s.token(t, provider), `{"Name":"By provider"}`)
	is.Equal(w.Code, http.StatusOK) // provider-admin can do everything

	w = s.do("GET", "/portal-api/users", s.token(t, consumer), "")
	is.Equal(w.Code, http.StatusForbidden) // a consumer holds no grant: refused by the services
	is.Equal(errorsOf(t, w)[0], "permission denied")
	w = s.do("GET", fmt.Sprintf("/portal-api/users/%d", consumer.Num), s.token(t, consumer), "")
	is.Equal(w.Code, http.StatusOK) // but reads itself, as users may
	var self userShow
	decode(t, w.Body.Bytes(), &self)
	is.Equal(self.JWTToken, "") // without its token, which needs "*" on everything

	// The token shown to an admin is the one that authenticates.
	w = s.do("GET", fmt.Sprintf("/portal-api/users/%d", super.Num), tok, "")
	var shown userShow
	decode(t, w.Body.Bytes(), &shown)
	is.Equal(shown.JWTToken, tok) // JWTToken is the user's token

	// Rotation revokes the old token and the new one works.
	s.env.Clock.Advance(24 * time.Hour)
	rotated, err := s.env.Svc.Users.RotateToken(s.env.Sys, super.ID)
	is.NoErr(err)
	w = s.do("GET", "/portal-api/users", tok, "")
	is.Equal(w.Code, http.StatusUnauthorized) // rotated token no longer authenticates
	is.Equal(errorsOf(t, w), []string{"Unauthenticated"})
	w = s.do("GET", fmt.Sprintf("/portal-api/users/%d", super.Num), s.token(t, rotated), "")
	is.Equal(w.Code, http.StatusOK) // the new token works
	decode(t, w.Body.Bytes(), &shown)
	is.Equal(shown.APITokenCreatedAt, "2023-06-24") // date of the rotation
	is.True(shown.JWTToken != tok)                  // a new token is shown

	// A demoted admin's token stops working here: demoting revokes the
	// grant.
	role := RoleConsumerAdmin
	_, err = s.env.Svc.Users.Update(s.env.Sys, provider.ID, users.UpdateParams{Role: &role, Vocabulary: users.Tyk})
	is.NoErr(err)
	w = s.do("GET", "/portal-api/users", s.token(t, provider), "")
	is.Equal(w.Code, http.StatusForbidden) // grants are read on every request

	// The role label alone grants nothing.
	label := s.user(t, "label@portal.example", RoleConsumerTeamMember, nil)
	_, err = s.env.Svc.Users.Update(s.env.Sys, label.ID, users.UpdateParams{Role: ptr(RoleSuperAdmin)})
	is.NoErr(err) // stored as a label (Stored vocabulary)
	w = s.do("GET", "/portal-api/users", s.token(t, label), "")
	is.Equal(w.Code, http.StatusForbidden) // no grant, no admin
}

// TestTokenVisibility: only callers that may do everything see JWTToken.
func TestTokenVisibility(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := newServer(t)
	john := s.createJohn(t)
	reader := s.key(t, apitest.Grant("users.read", permissions.All))
	w := s.do("GET", fmt.Sprintf("/portal-api/users/%d", john.ID), reader, "")
	is.Equal(w.Code, http.StatusOK) // users.read suffices to read
	var u userShow
	decode(t, w.Body.Bytes(), &u)
	is.Equal(u.JWTToken, "") // but not to see the token
}

func ptr[T any](v T) *T { return &v }
