package tyk

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit/users"
)

// TestListPaging: page, per_page (clamped to 100) and limit.
func TestListPaging(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := newServer(t)
	for i := range 5 {
		s.user(t, fmt.Sprintf("u%d@y.example", i), RoleConsumerTeamMember, nil)
	}
	ids := func(path string) []int64 {
		var list []userIndexElem
		decode(t, s.must(t, "GET", path, ""), &list)
		out := []int64{}
		for _, u := range list {
			out = append(out, u.ID)
		}
		return out
	}
	is.Equal(ids("/portal-api/users"), []int64{1, 2, 3, 4, 5})               // default page
	is.Equal(ids("/portal-api/users?page=2&per_page=2"), []int64{3, 4})      // second page
	is.Equal(ids("/portal-api/users?page=2&per_page=2&limit=1"), []int64{3}) // limit caps, offset kept
	is.Equal(ids("/portal-api/users?page=4&per_page=2"), []int64{})          // past the end: []
	is.Equal(ids("/portal-api/users?per_page=1000"), []int64{1, 2, 3, 4, 5}) // clamped, not refused
	var orgs []organisation
	decode(t, s.must(t, "GET", "/portal-api/organisations?page=2", ""), &orgs)
	is.Equal(len(orgs), 0) // organisations page too
	var teams []teamIndexElem
	decode(t, s.must(t, "GET", "/portal-api/organisations/1/teams?page=1&per_page=1", ""), &teams)
	is.Equal(len(teams), 1) // and teams
}

// TestCreateUser: defaults and the fields the portal clients send.
func TestCreateUser(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := newServer(t)
	var u userShow
	decode(t, s.must(t, "POST", "/portal-api/users",
		`{"ID": 77, "Email":"demo@y.example","First":"Demo","Last":"User","Password":"Passw0rd-long","ResetPassword":true,"Organisation":{"ID":"1"},"JWTToken":"x","CreatedAt":"2000-01-01 00:00"}`), &u)
	is.Equal(u.ID, int64(1))                  // ID is never taken from the body
	is.Equal(u.Role, RoleConsumerTeamMember)  // default role
	is.Equal(u.Active, false)                 // Active absent: inactive, as in the portal
	is.Equal(u.Provider, "password")          // default provider
	is.Equal(u.ResetPassword, true)           // ResetPassword kept
	is.Equal(u.OrganisationID, int64(0))      // no organisation
	is.Equal(u.Teams, []string{})             // no teams
	is.Equal(u.CreatedAt, "2023-06-23 21:02") // not from the body
	stored, err := s.env.Svc.Users.GetByNum(s.env.Sys, 1)
	is.NoErr(err)
	is.True(stored.HasPassword)                    // the undocumented Password is accepted
	is.Equal(stored.Status, users.StatusSuspended) // inactive
	_, err = s.env.Svc.Users.Authenticate(s.env.Sys, "demo@y.example", "Passw0rd-long")
	is.True(err != nil) // a suspended user cannot log in
}

// TestUpdateUser: partial updates, Active, moving organisation and
// setting teams.
func TestUpdateUser(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := newServer(t)
	s.createJohn(t)
	acme := s.partner(t, "Acme")     // organisation 2, default team 2
	s.team(t, acme, "Acme devs")     // team 3
	s.team(t, s.org, "Default devs") // team 4

	var u userShow
	decode(t, s.must(t, "PUT", "/portal-api/users/1", `{"Active":false,"ResetPassword":true}`), &u)
	is.Equal(u.Active, false)       // deactivated
	is.Equal(u.ResetPassword, true) // set
	is.Equal(u.First, "John")       // absent fields unchanged
	is.Equal(u.Email, "admin@acme.com")

	decode(t, s.must(t, "PUT", "/portal-api/users/1", `{"Active":true,"Teams":["4"]}`), &u)
	is.Equal(u.Active, true)                                                      // reactivated
	is.Equal(u.Teams, []string{"Default Organisation All users", "Default devs"}) // default team kept

	decode(t, s.must(t, "PUT", "/portal-api/users/1", `{"OrganisationID":2,"Teams":["3"]}`), &u)
	is.Equal(u.OrganisationID, acme.Num)                       // moved
	is.Equal(u.Organisation, "Acme")                           // named
	is.Equal(u.Teams, []string{"Acme All users", "Acme devs"}) // teams of the new organisation
	john, err := s.env.Svc.Users.GetByNum(s.env.Sys, 1)
	is.NoErr(err)
	ps, err := s.env.Svc.Partners.PartnersOf(s.env.Sys, john.ID)
	is.NoErr(err)
	is.Equal(len(ps), 1) // left the old organisation

	decode(t, s.must(t, "PUT", "/portal-api/users/1", `{"Teams":[]}`), &u)
	is.Equal(u.Teams, []string{"Acme All users"}) // Teams [] leaves only the default team

	decode(t, s.must(t, "PUT", "/portal-api/users/1", `{"Role":"provider-admin","OrganisationID":0}`), &u)
	is.Equal(u.Role, RoleProviderAdmin)  // promoted
	is.Equal(u.OrganisationID, int64(0)) // admins have no organisation
	is.Equal(u.Organisation, "")
	is.Equal(u.Teams, []string{})
}

// TestDeleteOrganisation: the organisation goes, its users stay.
func TestDeleteOrganisation(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := newServer(t)
	s.createJohn(t)
	s.must(t, "DELETE", "/portal-api/organisations/1", "")
	var u userShow
	decode(t, s.must(t, "GET", "/portal-api/users/1", ""), &u)
	is.Equal(u.OrganisationID, int64(0)) // in no organisation now
	is.Equal(u.Teams, []string{})
	w := s.do("GET", "/portal-api/organisations/1", s.admin, "")
	is.Equal(w.Code, http.StatusNotFound) // gone
}

// TestTeamMembers: PUT Users adds and removes members.
func TestTeamMembers(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := newServer(t)
	s.createJohn(t)
	s.user(t, "second@y.example", RoleConsumerAdmin, &s.org) // user 2
	s.team(t, s.org, "Support")                              // team 2
	var tm teamShow
	decode(t, s.must(t, "PUT", "/portal-api/organisations/1/teams/2", `{"Users":[2,1,2]}`), &tm)
	is.Equal(tm.Users, []string{"User#2", "User#1"}) // in the order added, duplicates ignored
	decode(t, s.must(t, "PUT", "/portal-api/organisations/1/teams/2", `{"Users":[1]}`), &tm)
	is.Equal(tm.Users, []string{"User#1"}) // user 2 removed
	decode(t, s.must(t, "PUT", "/portal-api/organisations/1/teams/2", `{"Name":"Help"}`), &tm)
	is.Equal(tm.Users, []string{"User#1"}) // absent Users unchanged
	is.Equal(tm.Name, "Help")
	var org organisationShow
	decode(t, s.must(t, "PUT", "/portal-api/organisations/1/teams/1", `{"Name":"Default Organisation All users","Users":[1,2]}`), &tm)
	is.Equal(tm.Users, []string{"User#1", "User#2"}) // the default team accepts its own members and name
	decode(t, s.must(t, "GET", "/portal-api/organisations/1", ""), &org)
	is.Equal(len(org.Users), 2) // both members listed
}
