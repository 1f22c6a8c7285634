package storagetest

import (
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// viewTests check the optional readers that read in one statement what
// a request shows (storage.UserViewReader, UserFactsReader, MemberViewReader,
// MemberPageReader, PartnerViewReader, RoleListReader, PortalPartReader,
// AccountReader) against the reads they replace; a store without one
// skips its test.
var viewTests = []test{
	{"UserView", testUserView},
	{"UserFacts", testUserFacts},
	{"MemberView", testMemberView},
	{"MemberViewPage", testMemberViewPage},
	{"PartnerView", testPartnerView},
	{"NamedRoles", testNamedRoles},
	{"PortalParts", testPortalParts},
	{"AccountGrants", testAccountGrants},
}

func testUserView(t *testing.T, s storage.Store) {
	vr := capability[storage.UserViewReader](t, s)
	is := is.New(t)
	ctx := t.Context()

	u := createUser(t, s, 1)
	other := createUser(t, s, 2)
	v, err := vr.UserViewByNum(ctx, u.Num)
	is.NoErr(err)
	is.Equal(diff(u, v.User), "") // the user, alone
	is.Equal(len(v.Partners), 0)  // in no partner
	is.Equal(len(v.Teams), 0)     // in no team
	is.Equal(len(v.Scopes), 0)    // no scope
	is.True(!v.HoldsAll)          // no grant
	is.True(v.Partners != nil)    // empty lists are not nil
	is.True(v.Teams != nil)       // empty lists are not nil

	p1, p2 := createPartner(t, s, 1), createPartner(t, s, 2)
	join(t, s, p2.ID, u.ID) // joined first
	join(t, s, p1.ID, u.ID)
	join(t, s, p1.ID, other.ID)
	var teams []storage.TeamRecord
	for _, tm := range []storage.TeamRecord{newTeam(p1.ID, "a"), newTeam(p1.ID, "b"), newTeam(p2.ID, "c")} {
		is.NoErr(s.CreateTeam(ctx, &tm))
		is.NoErr(s.AddTeamMember(ctx, tm.ID, u.ID))
		teams = append(teams, tm)
	}
	is.NoErr(s.AddTeamMember(ctx, teams[0].ID, other.ID))
	owned, free := createPortal(t, s, p1.ID, 1), createPortal(t, s, uuid.Nil, 2)
	for _, portal := range []storage.PortalRecord{owned, free} {
		role := createRole(t, s, portal.ID, "member")
		m := newMember(portal.ID, u.ID, role.ID)
		is.NoErr(s.AddPortalMember(ctx, &m))
	}
	is.NoErr(s.AddGrant(ctx, ptr(newGrant(u.ID, "users.read", storage.ScopeAll, uuid.Nil))))
	is.NoErr(s.AddGrant(ctx, ptr(newGrant(other.ID, "*", storage.ScopeAll, uuid.Nil))))

	v, err = vr.UserViewByNum(ctx, u.Num)
	is.NoErr(err)
	is.Equal(diff(u, v.User), "") // the user once, whatever the memberships
	partners, err := s.PartnersOfUser(ctx, u.ID)
	is.NoErr(err)
	is.Equal(diff(partners, v.Partners), "") // partners as PartnersOfUser: in join order
	is.Equal(v.Partners[0].ID, p2.ID)        // joined first
	ts, err := s.TeamsOfUser(ctx, u.ID)
	is.NoErr(err)
	is.Equal(diff(ts, v.Teams), "") // teams as TeamsOfUser
	is.True(!v.HoldsAll)            // users.read on everything is not "*"
	want := map[storage.UserScope]bool{
		{Kind: storage.ScopePartner, ID: p1.ID, Num: p1.Num}:    true,
		{Kind: storage.ScopePartner, ID: p2.ID, Num: p2.Num}:    true,
		{Kind: storage.ScopePortal, ID: owned.ID, Owner: p1.ID}: true,
		{Kind: storage.ScopePortal, ID: free.ID}:                true,
	}
	is.Equal(len(v.Scopes), len(want)) // each scope once
	for _, sc := range v.Scopes {
		is.True(want[sc]) // a scope of the user, with its owner
	}

	ov, err := vr.UserViewByNum(ctx, other.Num)
	is.NoErr(err)
	is.True(ov.HoldsAll)          // "*" on everything
	is.Equal(len(ov.Partners), 1) // other's own partner only
	is.Equal(len(ov.Teams), 1)    // other's own team only
	is.Equal(ov.Teams[0].ID, teams[0].ID)

	_, err = vr.UserViewByNum(ctx, 999)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // a number nobody has
}

func testUserFacts(t *testing.T, s storage.Store) {
	fr := capability[storage.UserFactsReader](t, s)
	is := is.New(t)
	ctx := t.Context()

	u, other, loner := createUser(t, s, 1), createUser(t, s, 2), createUser(t, s, 3)
	p1, p2 := createPartner(t, s, 1), createPartner(t, s, 2)
	join(t, s, p2.ID, u.ID) // joined first
	join(t, s, p1.ID, u.ID)
	join(t, s, p1.ID, other.ID)
	is.NoErr(s.AddGrant(ctx, ptr(newGrant(u.ID, "users.read", storage.ScopeAll, uuid.Nil))))
	is.NoErr(s.AddGrant(ctx, ptr(newGrant(other.ID, "*", storage.ScopeAll, uuid.Nil))))

	facts, err := fr.FactsOfUsers(ctx, []uuid.UUID{u.ID, other.ID, loner.ID, newID()})
	is.NoErr(err)
	for _, id := range []uuid.UUID{u.ID, other.ID} {
		partners, err := s.PartnersOfUser(ctx, id)
		is.NoErr(err)
		is.Equal(diff(partners, facts[id].Partners), "") // partners as PartnersOfUser: in join order, with their counts
	}
	is.Equal(facts[u.ID].Partners[0].ID, p2.ID) // joined first
	is.True(!facts[u.ID].HoldsAll)              // users.read on everything is not "*"
	is.True(facts[other.ID].HoldsAll)           // "*" on everything
	is.Equal(len(facts[loner.ID].Partners), 0)  // in no partner
	is.True(!facts[loner.ID].HoldsAll)
	is.Equal(len(facts), 3) // a user that does not exist has none

	none, err := fr.FactsOfUsers(ctx, nil)
	is.NoErr(err)
	is.Equal(len(none), 0)
}

func testMemberView(t *testing.T, s storage.Store) {
	vr := capability[storage.MemberViewReader](t, s)
	is := is.New(t)
	ctx := t.Context()

	u, other := createUser(t, s, 1), createUser(t, s, 2)
	partner := createPartner(t, s, 1)
	portal := createPortal(t, s, partner.ID, 1)
	r1, r2 := createRole(t, s, portal.ID, "one"), createRole(t, s, portal.ID, "two")
	a1, a2, a3 := newAttribute(portal.ID, "dept"), newAttribute(portal.ID, "tags"), newAttribute(portal.ID, "none")
	a2.AllowMultipleValues = true
	for _, a := range []*storage.AttributeRecord{&a1, &a2, &a3} {
		is.NoErr(s.CreateAttribute(ctx, a))
	}
	m := newMember(portal.ID, u.ID, r2.ID, r1.ID)
	m.Attributes = []storage.AttributeValue{
		{AttributeID: a2.ID, Values: []string{"z", "a", "m"}},
		{AttributeID: a1.ID, Values: []string{"Sales"}},
		{AttributeID: a3.ID, Values: []string{}},
	}
	is.NoErr(s.AddPortalMember(ctx, &m))
	bare := newMember(portal.ID, other.ID, r1.ID)
	is.NoErr(s.AddPortalMember(ctx, &bare))

	for _, userID := range []uuid.UUID{u.ID, other.ID} {
		v, err := vr.MemberView(ctx, portal.ID, userID)
		is.NoErr(err)
		want, err := s.GetPortalMember(ctx, portal.ID, userID)
		is.NoErr(err)
		is.Equal(diff(want, v.Member), "") // the membership as GetPortalMember
		wantUser, err := s.GetUser(ctx, userID)
		is.NoErr(err)
		is.Equal(diff(wantUser, v.User), "") // the user as GetUser
		is.Equal(diff(portal, v.Portal), "") // the portal

		pv, err := vr.MemberProfile(ctx, portal.ID, userID)
		is.NoErr(err)
		want.RoleIDs, want.Attributes = nil, nil
		is.Equal(diff(want, pv.Member), "")   // the membership without its roles and attributes
		is.Equal(diff(wantUser, pv.User), "") // the same user
		is.Equal(diff(portal, pv.Portal), "") // and portal
	}

	_, err := vr.MemberView(ctx, portal.ID, createUser(t, s, 3).ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // not a member
	_, err = vr.MemberView(ctx, newID(), u.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // no such portal
	_, err = vr.MemberProfile(ctx, portal.ID, createUser(t, s, 4).ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // not a member: no profile either
	_, err = vr.MemberProfile(ctx, newID(), u.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok")
}

func testMemberViewPage(t *testing.T, s storage.Store) {
	pr := capability[storage.MemberPageReader](t, s)
	is := is.New(t)
	ctx := t.Context()

	portal := createPortal(t, s, createPartner(t, s, 1).ID, 1)
	other := createPortal(t, s, uuid.Nil, 2)
	r1, r2 := createRole(t, s, portal.ID, "one"), createRole(t, s, portal.ID, "two")
	a1, a2 := newAttribute(portal.ID, "dept"), newAttribute(portal.ID, "tags")
	a2.AllowMultipleValues = true
	is.NoErr(s.CreateAttribute(ctx, &a1))
	is.NoErr(s.CreateAttribute(ctx, &a2))
	for i := range 5 {
		u := createUser(t, s, i+1)
		m := newMember(portal.ID, u.ID, r2.ID, r1.ID)
		if i%2 == 0 { // every other member with values, some several
			m.Attributes = []storage.AttributeValue{{AttributeID: a2.ID, Values: []string{"z", "a"}}, {AttributeID: a1.ID, Values: []string{"Sales"}}}
		}
		is.NoErr(s.AddPortalMember(ctx, &m))
		o := newMember(other.ID, u.ID, createRole(t, s, other.ID, "r"+u.ID.String()).ID)
		is.NoErr(s.AddPortalMember(ctx, &o))
	}

	// Every way of paging gives ListPortalMembers's page, each member
	// with its portal and user.
	for _, req := range []userkit.PageRequest{
		{Limit: 2}, {Limit: 2, Total: true}, {Limit: 10}, {Limit: 2, Page: 2, Total: true}, {Limit: 2, Page: 4},
	} {
		for {
			want, err := s.ListPortalMembers(ctx, portal.ID, req)
			is.NoErr(err)
			got, err := pr.MemberViewPage(ctx, portal.ID, req)
			is.NoErr(err)
			is.Equal(got.Next, want.Next)   // the same cursor
			is.Equal(got.Total, want.Total) // the same total (-1 unasked)
			is.Equal(len(got.Items), len(want.Items))
			for i, v := range got.Items {
				is.Equal(diff(want.Items[i], v.Member), "") // the membership as ListPortalMembers
				u, err := s.GetUser(ctx, v.Member.UserID)
				is.NoErr(err)
				is.Equal(diff(u, v.User), "")        // its user
				is.Equal(diff(portal, v.Portal), "") // its portal
			}
			if got.Next == "" || req.Page > 0 {
				break
			}
			req.After = got.Next
		}
	}

	pg, err := pr.MemberViewPage(ctx, newID(), userkit.PageRequest{Limit: 2, Total: true})
	is.NoErr(err)
	is.Equal(len(pg.Items), 0) // no such portal: an empty page
	is.True(pg.Items != nil)   // empty lists are not nil
	is.Equal(pg.Total, 0)
	_, err = pr.MemberViewPage(ctx, portal.ID, userkit.PageRequest{After: "nope"})
	is.Equal(match(err, userkit.ErrInvalid), "ok") // a cursor that is no ID
}

func testPartnerView(t *testing.T, s storage.Store) {
	vr := capability[storage.PartnerViewReader](t, s)
	is := is.New(t)
	ctx := t.Context()

	p, other := createPartner(t, s, 1), createPartner(t, s, 2)
	v, err := vr.PartnerViewByNum(ctx, p.Num)
	is.NoErr(err)
	is.Equal(diff(p, v.Partner), "") // the partner, alone
	is.True(v.Teams != nil)          // empty lists are not nil
	is.True(v.Members != nil)        // empty lists are not nil
	is.Equal(len(v.Teams)+len(v.Members), 0)

	var us []storage.UserRecord
	for i := range 4 {
		u := createUser(t, s, i+1)
		join(t, s, p.ID, u.ID)
		us = append(us, u)
	}
	join(t, s, other.ID, us[0].ID)
	join(t, s, other.ID, createUser(t, s, 9).ID)
	a, b, c := newTeam(p.ID, "a"), newTeam(p.ID, "b"), newTeam(other.ID, "c")
	for _, tm := range []*storage.TeamRecord{&a, &b, &c} {
		is.NoErr(s.CreateTeam(ctx, tm))
	}
	for _, u := range []storage.UserRecord{us[2], us[0], us[3]} { // joined in this order
		is.NoErr(s.AddTeamMember(ctx, a.ID, u.ID))
	}
	is.NoErr(s.AddTeamMember(ctx, c.ID, us[0].ID))
	is.NoErr(s.AddGrant(ctx, ptr(newGrant(us[1].ID, "*", storage.ScopeAll, uuid.Nil))))
	is.NoErr(s.AddGrant(ctx, ptr(newGrant(us[2].ID, "users.read", storage.ScopeAll, uuid.Nil))))
	is.NoErr(s.AddGrant(ctx, ptr(newGrant(us[3].ID, "*", storage.ScopePartner, p.ID))))

	v, err = vr.PartnerViewByNum(ctx, p.Num)
	is.NoErr(err)
	p, err = s.GetPartner(ctx, p.ID) // with its member count now
	is.NoErr(err)
	is.Equal(diff(p, v.Partner), "") // the partner
	teams, err := s.ListTeams(ctx, p.ID)
	is.NoErr(err)
	is.Equal(diff(teams, v.Teams), "") // its teams as ListTeams
	members, err := s.ListUsers(ctx, storage.UserFilter{PartnerID: p.ID}, userkit.PageRequest{Limit: 10})
	is.NoErr(err)
	is.Equal(len(v.Members), len(members.Items)) // its members, each once
	for i, m := range v.Members {
		is.Equal(diff(members.Items[i], m.User), "") // as ListUsers: by ID
		is.Equal(m.HoldsAll, m.User.ID == us[1].ID)  // only "*" on everything
	}

	tv, err := vr.TeamViewByNums(ctx, p.Num, a.Num)
	is.NoErr(err)
	is.Equal(diff(p, tv.Partner), "") // the team's partner
	is.Equal(diff(a, tv.Team), "")    // the team
	ids, err := s.TeamMembers(ctx, a.ID)
	is.NoErr(err)
	is.Equal(len(tv.Members), len(ids)) // its members, each once
	for i, u := range tv.Members {
		want, err := s.GetUser(ctx, ids[i])
		is.NoErr(err)
		is.Equal(diff(want, u), "") // in the order they joined
	}
	tv, err = vr.TeamViewByNums(ctx, p.Num, b.Num)
	is.NoErr(err)
	is.Equal(diff(b, tv.Team), "") // an empty team
	is.True(tv.Members != nil)     // empty lists are not nil
	is.Equal(len(tv.Members), 0)

	_, err = vr.PartnerViewByNum(ctx, 999)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // a number nobody has
	_, err = vr.TeamViewByNums(ctx, p.Num, c.Num)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // another partner's team
	_, err = vr.TeamViewByNums(ctx, 999, a.Num)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // no such partner
	_, err = vr.TeamViewByNums(ctx, p.Num, 999)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // no such team
}

func testNamedRoles(t *testing.T, s storage.Store) {
	rr := capability[storage.RoleListReader](t, s)
	is := is.New(t)
	ctx := t.Context()

	u, other := createUser(t, s, 1), createUser(t, s, 2)
	id, roles, err := rr.NamedRolesOfUserByNum(ctx, u.Num)
	is.NoErr(err)
	is.Equal(id, u.ID)      // the user's ID
	is.True(roles != nil)   // empty lists are not nil
	is.Equal(len(roles), 0) // no role yet

	names := map[string]string{}
	for i, rid := range []string{"p-2", "p-1", "p-3"} {
		res := storage.ResourceRecord{ID: rid, Name: "Resource " + rid, Kind: "project", CreatedAt: now(), UpdatedAt: now(), Version: 1}
		is.NoErr(s.CreateResource(ctx, &res))
		names[rid] = res.Name
		if i < 2 {
			is.NoErr(s.PutResourceRole(ctx, storage.ResourceRoleRecord{UserID: u.ID, ResourceID: rid, Role: "editor", CreatedAt: now(), UpdatedAt: now()}))
		}
		is.NoErr(s.PutResourceRole(ctx, storage.ResourceRoleRecord{UserID: other.ID, ResourceID: rid, Role: "reader", CreatedAt: now(), UpdatedAt: now()}))
	}

	id, roles, err = rr.NamedRolesOfUserByNum(ctx, u.Num)
	is.NoErr(err)
	is.Equal(id, u.ID)
	want, err := s.ResourceRolesOfUser(ctx, u.ID)
	is.NoErr(err)
	is.Equal(len(roles), len(want)) // the user's roles only
	for i, r := range roles {
		is.Equal(diff(want[i], r.ResourceRoleRecord), "") // as ResourceRolesOfUser: by resource ID
		is.Equal(r.ResourceName, names[r.ResourceID])     // with the resource's name
	}

	_, _, err = rr.NamedRolesOfUserByNum(ctx, 999)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // a number nobody has
}

func testPortalParts(t *testing.T, s storage.Store) {
	pr := capability[storage.PortalPartReader](t, s)
	is := is.New(t)
	ctx := t.Context()

	owned, free := createPortal(t, s, createPartner(t, s, 1).ID, 1), createPortal(t, s, uuid.Nil, 2)
	for _, portal := range []storage.PortalRecord{owned, free} {
		role := createRole(t, s, portal.ID, "member")
		r, p, err := pr.PortalRoleWithPortal(ctx, role.ID)
		is.NoErr(err)
		want, err := s.GetPortalRole(ctx, role.ID)
		is.NoErr(err)
		is.Equal(diff(want, r), "")   // the role as GetPortalRole
		is.Equal(diff(portal, p), "") // with its portal
		a := newAttribute(portal.ID, "dept")
		is.NoErr(s.CreateAttribute(ctx, &a))
		got, p, err := pr.AttributeWithPortal(ctx, a.ID)
		is.NoErr(err)
		wantA, err := s.GetAttribute(ctx, a.ID)
		is.NoErr(err)
		is.Equal(diff(wantA, got), "") // the attribute as GetAttribute
		is.Equal(diff(portal, p), "")  // with its portal
	}

	_, _, err := pr.PortalRoleWithPortal(ctx, newID())
	is.Equal(match(err, userkit.ErrNotFound), "ok") // no such role
	_, _, err = pr.AttributeWithPortal(ctx, newID())
	is.Equal(match(err, userkit.ErrNotFound), "ok") // no such attribute
}

func testAccountGrants(t *testing.T, s storage.Store) {
	ar := capability[storage.AccountReader](t, s)
	is := is.New(t)
	ctx := t.Context()

	var ids []uuid.UUID
	for i := range 3 {
		a := newAccount(i)
		is.NoErr(s.CreateServiceAccount(ctx, &a))
		ids = append(ids, a.ID)
	}
	u := createUser(t, s, 1)
	p := createPartner(t, s, 1)
	is.NoErr(s.AddGrant(ctx, ptr(newGrant(ids[0], "users.read", storage.ScopePartner, p.ID))))
	is.NoErr(s.AddGrant(ctx, ptr(newGrant(ids[0], "*", storage.ScopeAll, uuid.Nil))))
	is.NoErr(s.AddGrant(ctx, ptr(newGrant(ids[1], "users.read", storage.ScopeAll, uuid.Nil))))
	is.NoErr(s.AddGrant(ctx, ptr(newGrant(u.ID, "users.read", storage.ScopeAll, uuid.Nil))))

	for _, id := range ids {
		rec, grants, err := ar.ServiceAccountWithGrants(ctx, id)
		is.NoErr(err)
		want, err := s.GetServiceAccount(ctx, id)
		is.NoErr(err)
		is.Equal(diff(want, rec), "") // the account as GetServiceAccount
		wantGrants, err := s.GrantsOf(ctx, id)
		is.NoErr(err)
		is.Equal(len(grants), len(wantGrants)) // its grants only
		for i, g := range grants {
			is.Equal(diff(wantGrants[i], g), "") // as GrantsOf: by ID
		}
	}
	_, _, err := ar.ServiceAccountWithGrants(ctx, u.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // a user is no service account
	_, _, err = ar.ServiceAccountWithGrants(ctx, newID())
	is.Equal(match(err, userkit.ErrNotFound), "ok") // no such account

	all, err := ar.GrantsOfPrincipals(ctx, append(ids, u.ID, newID()))
	is.NoErr(err)
	is.Equal(len(all), 3) // the principals with grants, users too
	for _, id := range append(ids, u.ID) {
		want, err := s.GrantsOf(ctx, id)
		is.NoErr(err)
		is.Equal(len(all[id]), len(want))
		for i, g := range all[id] {
			is.Equal(diff(want[i], g), "") // as GrantsOf: by ID
		}
	}
	none, err := ar.GrantsOfPrincipals(ctx, nil)
	is.NoErr(err)
	is.Equal(len(none), 0) // nobody asked about
}

// capability returns s as the optional interface T, skipping the test
// for a store that does not implement it (every adapter here does).
func capability[T any](t *testing.T, s storage.Store) T {
	t.Helper()
	c, ok := s.(T)
	if !ok {
		var zero *T
		t.Skipf("store has no %T", zero)
	}
	return c
}
