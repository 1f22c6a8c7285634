package storagetest

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

var partnerTests = []test{
	{"PartnerCRUD", testPartnerCRUD},
	{"PartnerList", testPartnerList},
	{"PartnerMembers", testPartnerMembers},
	{"Teams", testTeams},
	{"TeamMembers", testTeamMembers},
	{"PartnerDeleteCascades", testPartnerDeleteCascades},
	{"UserDeleteCascades", testUserDeleteCascades},
}

func testPartnerCRUD(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	p := newPartner(1)
	is.NoErr(s.CreatePartner(ctx, &p)) // create
	is.Equal(p.Num, int64(1))          // first partner gets Num 1
	p2 := createPartner(t, s, 2)
	is.Equal(p2.Num, int64(2)) // partners have their own sequence

	got, err := s.GetPartner(ctx, p.ID)
	is.NoErr(err)              // GetPartner
	is.Equal(diff(p, got), "") // round trip
	got, err = s.GetPartnerByNum(ctx, 2)
	is.NoErr(err)               // GetPartnerByNum
	is.Equal(diff(p2, got), "") // by Num

	upd := p
	upd.Name = "Renamed"
	upd.UpdatedAt = p.UpdatedAt.Add(time.Second)
	upd.Version = 2
	is.NoErr(s.UpdatePartner(ctx, upd, 1)) // update
	got, err = s.GetPartner(ctx, p.ID)
	is.NoErr(err)                // GetPartner
	is.Equal(diff(upd, got), "") // update stored
	stale := upd
	stale.Name = "Stale"
	is.Equal(match(s.UpdatePartner(ctx, stale, 1), userkit.ErrPreconditionFailed), "ok") // stale version
	got, err = s.GetPartner(ctx, p.ID)
	is.NoErr(err)                // GetPartner
	is.Equal(diff(upd, got), "") // stale update changed nothing

	dup := newPartner(3)
	dup.ID = p.ID
	is.Equal(conflictOn(s.CreatePartner(ctx, &dup), "ID"), "ok") // same ID

	is.NoErr(s.DeletePartner(ctx, p.ID)) // delete
	_, err = s.GetPartner(ctx, p.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // deleted
	_, err = s.GetPartnerByNum(ctx, p.Num)
	is.Equal(match(err, userkit.ErrNotFound), "ok")                          // deleted, by Num
	is.Equal(match(s.DeletePartner(ctx, p.ID), userkit.ErrNotFound), "ok")   // delete twice
	is.Equal(match(s.UpdatePartner(ctx, upd, 2), userkit.ErrNotFound), "ok") // update a missing partner
	_, err = s.GetPartnerByNum(ctx, 999)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // missing Num
}

func testPartnerList(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	var all []storage.PartnerRecord
	for i := range 5 {
		all = append(all, createPartner(t, s, i))
	}
	p, err := s.ListPartners(ctx, userkit.PageRequest{Limit: 2})
	is.NoErr(err)                                              // first page
	is.Equal(ids(p.Items, partnerID), ids(all[:2], partnerID)) // first two by ID
	is.Equal(p.Total, -1)                                      // no total asked
	p, err = s.ListPartners(ctx, userkit.PageRequest{Limit: 2, After: p.Next})
	is.NoErr(err)                                               // second page
	is.Equal(ids(p.Items, partnerID), ids(all[2:4], partnerID)) // next two
	p, err = s.ListPartners(ctx, userkit.PageRequest{Limit: 2, After: p.Next})
	is.NoErr(err)                                              // third page
	is.Equal(ids(p.Items, partnerID), ids(all[4:], partnerID)) // the last
	is.Equal(p.Next, "")                                       // no more
	p, err = s.ListPartners(ctx, userkit.PageRequest{Limit: 2, Page: 3, Total: true})
	is.NoErr(err)                                              // numbered page 3
	is.Equal(ids(p.Items, partnerID), ids(all[4:], partnerID)) // page 3 holds the last partner
	is.Equal(p.Total, 5)                                       // total
}

func testPartnerMembers(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	p1, p2, p3 := createPartner(t, s, 1), createPartner(t, s, 2), createPartner(t, s, 3)
	u := createUser(t, s, 1)
	// Join in an order that is not ID order; the first joined is primary.
	base := now()
	for i, p := range []storage.PartnerRecord{p3, p1, p2} {
		rec := storage.PartnerMemberRecord{PartnerID: p.ID, UserID: u.ID, CreatedAt: base.Add(time.Duration(i) * time.Second)}
		is.NoErr(s.AddPartnerMember(ctx, rec)) // join
	}
	got, err := s.PartnersOfUser(ctx, u.ID)
	is.NoErr(err)                                                                      // PartnersOfUser
	is.Equal(ids(got, partnerID), ids([]storage.PartnerRecord{p3, p1, p2}, partnerID)) // in the order joined
	p3.MemberCount = 1                                                                 // u joined it
	is.Equal(diff(p3, got[0]), "")                                                     // full partner records

	ok, err := s.IsPartnerMember(ctx, p1.ID, u.ID)
	is.NoErr(err) // IsPartnerMember
	is.True(ok)   // member
	other := createUser(t, s, 2)
	ok, err = s.IsPartnerMember(ctx, p1.ID, other.ID)
	is.NoErr(err) // IsPartnerMember
	is.True(!ok)  // not a member

	dup := storage.PartnerMemberRecord{PartnerID: p1.ID, UserID: u.ID, CreatedAt: now()}
	// Membership and grant clashes are checked by kind only: they have no
	// single clashing field.
	is.Equal(match(s.AddPartnerMember(ctx, dup), userkit.ErrConflict), "ok")                                                                              // already a member
	is.Equal(match(s.AddPartnerMember(ctx, storage.PartnerMemberRecord{PartnerID: newID(), UserID: u.ID, CreatedAt: now()}), userkit.ErrNotFound), "ok")  // missing partner
	is.Equal(match(s.AddPartnerMember(ctx, storage.PartnerMemberRecord{PartnerID: p1.ID, UserID: newID(), CreatedAt: now()}), userkit.ErrNotFound), "ok") // missing user

	is.NoErr(s.RemovePartnerMember(ctx, p1.ID, u.ID)) // leave p1
	ok, err = s.IsPartnerMember(ctx, p1.ID, u.ID)
	is.NoErr(err) // IsPartnerMember
	is.True(!ok)  // left
	got, err = s.PartnersOfUser(ctx, u.ID)
	is.NoErr(err)                                                                       // PartnersOfUser
	is.Equal(ids(got, partnerID), ids([]storage.PartnerRecord{p3, p2}, partnerID))      // the rest, in order
	is.Equal(match(s.RemovePartnerMember(ctx, p1.ID, u.ID), userkit.ErrNotFound), "ok") // not a member any more
	_, err = s.GetUser(ctx, u.ID)
	is.NoErr(err) // leaving a partner keeps the user (deleting is the service's call)
}

func testTeams(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	p, q := createPartner(t, s, 1), createPartner(t, s, 2)
	def := newTeam(p.ID, "Partner 1 All users")
	def.Default = true
	is.NoErr(s.CreateTeam(ctx, &def)) // create the default team
	is.Equal(def.Num, int64(1))       // first team gets Num 1
	sales := newTeam(p.ID, "Sales")
	is.NoErr(s.CreateTeam(ctx, &sales)) // another team
	is.Equal(sales.Num, int64(2))       // teams have their own sequence
	elsewhere := newTeam(q.ID, "Sales")
	is.NoErr(s.CreateTeam(ctx, &elsewhere)) // a team of another partner

	got, err := s.GetTeam(ctx, def.ID)
	is.NoErr(err)                // GetTeam
	is.Equal(diff(def, got), "") // round trip, Default included
	got, err = s.GetTeamByNum(ctx, sales.Num)
	is.NoErr(err)                  // GetTeamByNum
	is.Equal(diff(sales, got), "") // by Num
	list, err := s.ListTeams(ctx, p.ID)
	is.NoErr(err) // ListTeams
	want := []uuid.UUID{def.ID, sales.ID}
	slices.SortFunc(want, cmpUUID)
	is.Equal(ids(list, func(r storage.TeamRecord) uuid.UUID { return r.ID }), want) // the partner's teams by ID, not the other partner's

	upd := sales
	upd.Name = "Sales EMEA"
	upd.Version = 2
	upd.UpdatedAt = sales.UpdatedAt.Add(time.Second)
	is.NoErr(s.UpdateTeam(ctx, upd, 1)) // rename
	got, err = s.GetTeam(ctx, sales.ID)
	is.NoErr(err)                                                                   // GetTeam
	is.Equal(diff(upd, got), "")                                                    // renamed
	is.Equal(match(s.UpdateTeam(ctx, upd, 1), userkit.ErrPreconditionFailed), "ok") // stale
	got, err = s.GetTeam(ctx, sales.ID)
	is.NoErr(err)                // GetTeam
	is.Equal(diff(upd, got), "") // stale update changed nothing

	orphan := newTeam(newID(), "Nobody's")
	is.Equal(match(s.CreateTeam(ctx, &orphan), userkit.ErrNotFound), "ok") // team of a missing partner
	dup := newTeam(p.ID, "Dup")
	dup.ID = def.ID
	is.Equal(conflictOn(s.CreateTeam(ctx, &dup), "ID"), "ok") // same ID

	is.NoErr(s.DeleteTeam(ctx, sales.ID)) // delete
	_, err = s.GetTeam(ctx, sales.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // deleted
	_, err = s.GetTeamByNum(ctx, sales.Num)
	is.Equal(match(err, userkit.ErrNotFound), "ok")                         // deleted, by Num
	is.Equal(match(s.DeleteTeam(ctx, sales.ID), userkit.ErrNotFound), "ok") // delete twice
	is.Equal(match(s.UpdateTeam(ctx, upd, 2), userkit.ErrNotFound), "ok")   // update a missing team
}

func testTeamMembers(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	p, q := createPartner(t, s, 1), createPartner(t, s, 2)
	team := newTeam(p.ID, "A")
	is.NoErr(s.CreateTeam(ctx, &team)) // team of p
	qteam := newTeam(q.ID, "B")
	is.NoErr(s.CreateTeam(ctx, &qteam)) // team of q
	u1, u2, u3 := createUser(t, s, 1), createUser(t, s, 2), createUser(t, s, 3)
	for _, u := range []storage.UserRecord{u3, u1, u2} {
		join(t, s, p.ID, u.ID)
		is.NoErr(s.AddTeamMember(ctx, team.ID, u.ID)) // join the team
	}
	join(t, s, q.ID, u1.ID)
	is.NoErr(s.AddTeamMember(ctx, qteam.ID, u1.ID)) // u1 is also in q's team

	members, err := s.TeamMembers(ctx, team.ID)
	is.NoErr(err)                                       // TeamMembers
	is.Equal(members, []uuid.UUID{u3.ID, u1.ID, u2.ID}) // in the order they joined
	teams, err := s.TeamsOfUser(ctx, u1.ID)
	is.NoErr(err) // TeamsOfUser
	want := []uuid.UUID{team.ID, qteam.ID}
	slices.SortFunc(want, cmpUUID)
	is.Equal(ids(teams, func(r storage.TeamRecord) uuid.UUID { return r.ID }), want) // across partners, by team ID
	is.Equal(diff(team, teams[slices.Index(want, team.ID)]), "")                     // full team records

	is.Equal(match(s.AddTeamMember(ctx, team.ID, u1.ID), userkit.ErrConflict), "ok")   // already a member
	is.Equal(match(s.AddTeamMember(ctx, newID(), u1.ID), userkit.ErrNotFound), "ok")   // missing team
	is.Equal(match(s.AddTeamMember(ctx, team.ID, newID()), userkit.ErrNotFound), "ok") // missing user

	is.NoErr(s.RemoveTeamMember(ctx, team.ID, u1.ID)) // leave
	members, err = s.TeamMembers(ctx, team.ID)
	is.NoErr(err)                                                                       // TeamMembers
	is.Equal(members, []uuid.UUID{u3.ID, u2.ID})                                        // u1 left, order kept
	is.Equal(match(s.RemoveTeamMember(ctx, team.ID, u1.ID), userkit.ErrNotFound), "ok") // not a member

	// Leaving a partner leaves its teams, not other partners' teams.
	is.NoErr(s.AddTeamMember(ctx, team.ID, u1.ID))    // rejoin
	is.NoErr(s.RemovePartnerMember(ctx, p.ID, u1.ID)) // leave partner p
	teams, err = s.TeamsOfUser(ctx, u1.ID)
	is.NoErr(err)                                                                                     // TeamsOfUser
	is.Equal(ids(teams, func(r storage.TeamRecord) uuid.UUID { return r.ID }), []uuid.UUID{qteam.ID}) // only q's team is left

	// Deleting a team ends its memberships.
	is.NoErr(s.DeleteTeam(ctx, team.ID)) // delete the team
	teams, err = s.TeamsOfUser(ctx, u3.ID)
	is.NoErr(err)         // TeamsOfUser
	is.True(empty(teams)) // the deleted team's members are in no team
	members, err = s.TeamMembers(ctx, team.ID)
	is.NoErr(err)           // TeamMembers of a deleted team
	is.True(empty(members)) // no members
}

func testPartnerDeleteCascades(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	p, keep := createPartner(t, s, 1), createPartner(t, s, 2)
	u := createUser(t, s, 1)
	join(t, s, p.ID, u.ID)
	join(t, s, keep.ID, u.ID)
	team := newTeam(p.ID, "All")
	is.NoErr(s.CreateTeam(ctx, &team))            // team of p
	is.NoErr(s.AddTeamMember(ctx, team.ID, u.ID)) // u in p's team
	keptTeam := newTeam(keep.ID, "All")
	is.NoErr(s.CreateTeam(ctx, &keptTeam))            // team of the other partner
	is.NoErr(s.AddTeamMember(ctx, keptTeam.ID, u.ID)) // u in that team too
	portal := createPortal(t, s, p.ID, 1)

	is.NoErr(s.DeletePartner(ctx, p.ID)) // delete p
	ok, err := s.IsPartnerMember(ctx, p.ID, u.ID)
	is.NoErr(err) // IsPartnerMember
	is.True(!ok)  // membership gone
	pou, err := s.PartnersOfUser(ctx, u.ID)
	is.NoErr(err)                                                                // PartnersOfUser
	is.Equal(ids(pou, partnerID), ids([]storage.PartnerRecord{keep}, partnerID)) // only the other partner is left
	_, err = s.GetTeam(ctx, team.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // p's team is gone
	teams, err := s.TeamsOfUser(ctx, u.ID)
	is.NoErr(err)                                                                                        // TeamsOfUser
	is.Equal(ids(teams, func(r storage.TeamRecord) uuid.UUID { return r.ID }), []uuid.UUID{keptTeam.ID}) // only the other team is left
	_, err = s.GetUser(ctx, u.ID)
	is.NoErr(err) // the user stays
	// Decision: a deleted partner's portals stay, without an owner, as
	// with ON DELETE SET NULL: a portal has members of its own.
	got, err := s.GetPortal(ctx, portal.ID)
	is.NoErr(err)                     // the portal stays
	is.Equal(got.PartnerID, uuid.Nil) // without an owner
}

func testUserDeleteCascades(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	p := createPartner(t, s, 1)
	u, keep := createUser(t, s, 1), createUser(t, s, 2)
	team := newTeam(p.ID, "All")
	is.NoErr(s.CreateTeam(ctx, &team)) // team
	portal := createPortal(t, s, p.ID, 1)
	role := createRole(t, s, portal.ID, "viewer")
	res := newResource("p-1")
	is.NoErr(s.CreateResource(ctx, &res)) // resource
	for _, x := range []storage.UserRecord{u, keep} {
		join(t, s, p.ID, x.ID)
		is.NoErr(s.AddTeamMember(ctx, team.ID, x.ID)) // team member
		m := newMember(portal.ID, x.ID, role.ID)
		is.NoErr(s.AddPortalMember(ctx, &m))                                                                                                               // portal member
		is.NoErr(s.PutResourceRole(ctx, storage.ResourceRoleRecord{UserID: x.ID, ResourceID: res.ID, Role: "reader", CreatedAt: now(), UpdatedAt: now()})) // resource role
		g := newGrant(x.ID, "users.read", storage.ScopePartner, p.ID)
		is.NoErr(s.AddGrant(ctx, &g)) // grant
	}

	is.NoErr(s.DeleteUser(ctx, u.ID)) // delete u
	ok, err := s.IsPartnerMember(ctx, p.ID, u.ID)
	is.NoErr(err) // IsPartnerMember
	is.True(!ok)  // partner membership gone
	members, err := s.TeamMembers(ctx, team.ID)
	is.NoErr(err)                           // TeamMembers
	is.Equal(members, []uuid.UUID{keep.ID}) // team membership gone, the other stays
	_, err = s.GetPortalMember(ctx, portal.ID, u.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // portal membership gone
	pm, err := s.ListPortalMembers(ctx, portal.ID, userkit.PageRequest{Total: true})
	is.NoErr(err)         // ListPortalMembers
	is.Equal(pm.Total, 1) // the other member stays
	_, err = s.GetResourceRole(ctx, u.ID, res.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // resource role gone
	rr, err := s.ResourceRolesOfResource(ctx, res.ID)
	is.NoErr(err)        // ResourceRolesOfResource
	is.Equal(len(rr), 1) // the other role stays
	grants, err := s.GrantsOf(ctx, u.ID)
	is.NoErr(err)          // GrantsOf
	is.True(empty(grants)) // grants gone
	grants, err = s.GrantsOf(ctx, keep.ID)
	is.NoErr(err)            // GrantsOf
	is.Equal(len(grants), 1) // the other user's grant stays
	// The freed memberships can be made again by a new user with the same
	// email, as after a real delete.
	again := newUser(1)
	is.NoErr(s.CreateUser(ctx, &again)) // same email again
	join(t, s, p.ID, again.ID)
}
