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

var portalTests = []test{
	{"PortalCRUD", testPortalCRUD},
	{"PortalList", testPortalList},
	{"PortalRoles", testPortalRoles},
	{"Attributes", testAttributes},
	{"PortalMembers", testPortalMembers},
	{"PortalMemberList", testPortalMemberList},
	{"PortalDeleteCascades", testPortalDeleteCascades},
}

func portalID(r storage.PortalRecord) uuid.UUID { return r.ID }

func testPortalCRUD(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	p := createPartner(t, s, 1)
	owned := newPortal(p.ID, 1)
	is.NoErr(s.CreatePortal(ctx, &owned)) // a partner's portal
	free := newPortal(uuid.Nil, 2)
	is.NoErr(s.CreatePortal(ctx, &free)) // a portal without owner
	got, err := s.GetPortal(ctx, owned.ID)
	is.NoErr(err)                  // GetPortal
	is.Equal(diff(owned, got), "") // round trip
	got, err = s.GetPortal(ctx, free.ID)
	is.NoErr(err)                 // GetPortal
	is.Equal(diff(free, got), "") // no owner reads back as uuid.Nil

	dup := newPortal(uuid.Nil, 3)
	dup.TechnicalName = owned.TechnicalName
	is.Equal(conflictOn(s.CreatePortal(ctx, &dup), "TechnicalName"), "ok") // same technical name
	dup = newPortal(uuid.Nil, 3)
	dup.ID = owned.ID
	is.Equal(conflictOn(s.CreatePortal(ctx, &dup), "ID"), "ok") // same ID
	orphan := newPortal(newID(), 4)
	is.Equal(match(s.CreatePortal(ctx, &orphan), userkit.ErrNotFound), "ok") // missing owner

	upd := free
	upd.Name, upd.DefaultLocale, upd.PartnerID = "Renamed", "de_AT", p.ID
	upd.UpdatedAt = free.UpdatedAt.Add(time.Second)
	upd.Version = 2
	is.NoErr(s.UpdatePortal(ctx, upd, 1)) // update, taking an owner
	got, err = s.GetPortal(ctx, free.ID)
	is.NoErr(err)                // GetPortal
	is.Equal(diff(upd, got), "") // updated
	clash := upd
	clash.TechnicalName = owned.TechnicalName
	clash.Version = 3
	is.Equal(conflictOn(s.UpdatePortal(ctx, clash, 2), "TechnicalName"), "ok") // onto another portal's technical name
	bad := upd
	bad.PartnerID = newID()
	bad.Version = 3
	is.Equal(match(s.UpdatePortal(ctx, bad, 2), userkit.ErrNotFound), "ok")           // onto a missing owner
	is.Equal(match(s.UpdatePortal(ctx, upd, 1), userkit.ErrPreconditionFailed), "ok") // stale
	got, err = s.GetPortal(ctx, free.ID)
	is.NoErr(err)                // GetPortal
	is.Equal(diff(upd, got), "") // failed updates changed nothing

	is.NoErr(s.DeletePortal(ctx, owned.ID)) // delete
	_, err = s.GetPortal(ctx, owned.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok")                           // deleted
	is.Equal(match(s.DeletePortal(ctx, owned.ID), userkit.ErrNotFound), "ok") // delete twice
	is.Equal(match(s.UpdatePortal(ctx, owned, 1), userkit.ErrNotFound), "ok") // update a missing portal
	again := newPortal(uuid.Nil, 5)
	again.TechnicalName = owned.TechnicalName
	is.NoErr(s.CreatePortal(ctx, &again)) // a deleted portal's technical name is free
}

func testPortalList(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	a, b := createPartner(t, s, 1), createPartner(t, s, 2)
	var all, ofA []storage.PortalRecord
	for i := range 5 {
		owner := b.ID
		if i%2 == 0 {
			owner = a.ID
		}
		p := createPortal(t, s, owner, i)
		all = append(all, p)
		if owner == a.ID {
			ofA = append(ofA, p)
		}
	}
	page, err := s.ListPortals(ctx, uuid.Nil, userkit.PageRequest{Limit: 3, Total: true})
	is.NoErr(err)                                               // every portal, first page
	is.Equal(ids(page.Items, portalID), ids(all[:3], portalID)) // by ID
	is.Equal(page.Total, 5)                                     // total of all
	page, err = s.ListPortals(ctx, uuid.Nil, userkit.PageRequest{Limit: 3, After: page.Next})
	is.NoErr(err)                                               // second page
	is.Equal(ids(page.Items, portalID), ids(all[3:], portalID)) // the rest
	is.Equal(page.Next, "")                                     // no more
	page, err = s.ListPortals(ctx, a.ID, userkit.PageRequest{Limit: 2, Total: true})
	is.NoErr(err)                                               // A's portals
	is.Equal(ids(page.Items, portalID), ids(ofA[:2], portalID)) // only A's
	is.Equal(page.Total, 3)                                     // A's total
	page, err = s.ListPortals(ctx, a.ID, userkit.PageRequest{Limit: 2, Page: 2})
	is.NoErr(err)                                               // A's second numbered page
	is.Equal(ids(page.Items, portalID), ids(ofA[2:], portalID)) // A's last portal
}

func testPortalRoles(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	portal, other := createPortal(t, s, uuid.Nil, 1), createPortal(t, s, uuid.Nil, 2)
	admin := newRole(portal.ID, "admin")
	admin.IsSystem = true
	is.NoErr(s.CreatePortalRole(ctx, &admin)) // system role
	viewer := createRole(t, s, portal.ID, "viewer")
	createRole(t, s, other.ID, "admin") // role names are unique per portal only
	got, err := s.GetPortalRole(ctx, admin.ID)
	is.NoErr(err)                  // GetPortalRole
	is.Equal(diff(admin, got), "") // round trip
	list, err := s.ListPortalRoles(ctx, portal.ID)
	is.NoErr(err) // ListPortalRoles
	want := []uuid.UUID{admin.ID, viewer.ID}
	slices.SortFunc(want, cmpUUID)
	is.Equal(ids(list, func(r storage.PortalRoleRecord) uuid.UUID { return r.ID }), want) // the portal's roles by ID

	dup := newRole(portal.ID, "viewer")
	is.Equal(conflictOn(s.CreatePortalRole(ctx, &dup), "Name"), "ok") // same name in the portal
	dup = newRole(portal.ID, "x")
	dup.ID = admin.ID
	is.Equal(conflictOn(s.CreatePortalRole(ctx, &dup), "ID"), "ok") // same ID
	orphan := newRole(newID(), "x")
	is.Equal(match(s.CreatePortalRole(ctx, &orphan), userkit.ErrNotFound), "ok") // missing portal

	upd := viewer
	upd.Name, upd.IsSystem = "reader", true
	is.NoErr(s.UpdatePortalRole(ctx, upd)) // rename
	got, err = s.GetPortalRole(ctx, viewer.ID)
	is.NoErr(err)                // GetPortalRole
	is.Equal(diff(upd, got), "") // renamed
	clash := upd
	clash.Name = "admin"
	is.Equal(conflictOn(s.UpdatePortalRole(ctx, clash), "Name"), "ok") // onto another role's name
	missing := newRole(portal.ID, "ghost")
	is.Equal(match(s.UpdatePortalRole(ctx, missing), userkit.ErrNotFound), "ok") // update a missing role

	is.NoErr(s.DeletePortalRole(ctx, viewer.ID)) // delete
	_, err = s.GetPortalRole(ctx, viewer.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok")                                // deleted
	is.Equal(match(s.DeletePortalRole(ctx, viewer.ID), userkit.ErrNotFound), "ok") // delete twice
	_, err = s.GetPortalRole(ctx, newID())
	is.Equal(match(err, userkit.ErrNotFound), "ok") // missing
}

func testAttributes(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	portal, other := createPortal(t, s, uuid.Nil, 1), createPortal(t, s, uuid.Nil, 2)
	dept := newAttribute(portal.ID, "department")
	is.NoErr(s.CreateAttribute(ctx, &dept)) // STRING attribute
	tags := newAttribute(portal.ID, "tags")
	tags.Type, tags.AllowMultipleValues = "NUMBER", true
	is.NoErr(s.CreateAttribute(ctx, &tags)) // multi-valued attribute
	same := newAttribute(other.ID, "department")
	is.NoErr(s.CreateAttribute(ctx, &same)) // names are unique per portal only
	got, err := s.GetAttribute(ctx, tags.ID)
	is.NoErr(err)                 // GetAttribute
	is.Equal(diff(tags, got), "") // round trip
	list, err := s.ListAttributes(ctx, portal.ID)
	is.NoErr(err) // ListAttributes
	want := []uuid.UUID{dept.ID, tags.ID}
	slices.SortFunc(want, cmpUUID)
	is.Equal(ids(list, func(r storage.AttributeRecord) uuid.UUID { return r.ID }), want) // the portal's attributes by ID

	dup := newAttribute(portal.ID, "tags")
	is.Equal(conflictOn(s.CreateAttribute(ctx, &dup), "Name"), "ok") // same name in the portal
	dup = newAttribute(portal.ID, "x")
	dup.ID = tags.ID
	is.Equal(conflictOn(s.CreateAttribute(ctx, &dup), "ID"), "ok") // same ID
	orphan := newAttribute(newID(), "x")
	is.Equal(match(s.CreateAttribute(ctx, &orphan), userkit.ErrNotFound), "ok") // missing portal

	upd := dept
	upd.Name, upd.Label, upd.Type, upd.AllowMultipleValues = "dept", "Department", "BOOLEAN", true
	is.NoErr(s.UpdateAttribute(ctx, upd)) // update
	got, err = s.GetAttribute(ctx, dept.ID)
	is.NoErr(err)                // GetAttribute
	is.Equal(diff(upd, got), "") // updated
	clash := upd
	clash.Name = "tags"
	is.Equal(conflictOn(s.UpdateAttribute(ctx, clash), "Name"), "ok") // onto another attribute's name
	missing := newAttribute(portal.ID, "ghost")
	is.Equal(match(s.UpdateAttribute(ctx, missing), userkit.ErrNotFound), "ok") // update a missing attribute

	is.NoErr(s.DeleteAttribute(ctx, dept.ID)) // delete
	_, err = s.GetAttribute(ctx, dept.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok")                             // deleted
	is.Equal(match(s.DeleteAttribute(ctx, dept.ID), userkit.ErrNotFound), "ok") // delete twice
}

func testPortalMembers(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	portal := createPortal(t, s, uuid.Nil, 1)
	r1, r2, r3 := createRole(t, s, portal.ID, "r1"), createRole(t, s, portal.ID, "r2"), createRole(t, s, portal.ID, "r3")
	a1 := newAttribute(portal.ID, "a1")
	is.NoErr(s.CreateAttribute(ctx, &a1)) // attribute a1
	a2 := newAttribute(portal.ID, "a2")
	a2.AllowMultipleValues = true
	is.NoErr(s.CreateAttribute(ctx, &a2)) // attribute a2
	u := createUser(t, s, 1)

	// RoleIDs, Attributes and Values keep the order given, which is not ID
	// order.
	m := newMember(portal.ID, u.ID, r3.ID, r1.ID)
	m.Attributes = []storage.AttributeValue{{AttributeID: a2.ID, Values: []string{"zeta", "alpha", "mu"}}, {AttributeID: a1.ID, Values: []string{"x"}}}
	is.NoErr(s.AddPortalMember(ctx, &m)) // join with roles and attributes
	got, err := s.GetPortalMember(ctx, portal.ID, u.ID)
	is.NoErr(err)                  // GetPortalMember
	is.Equal(diff(m, got), "")     // round trip, orders kept
	is.Equal(got.LastLoginAt, nil) // unset LastLoginAt reads back nil

	// Changing what was read or written does not change the store.
	got.RoleIDs[0] = r2.ID
	got.Attributes[0].Values[0] = "changed"
	m.Attributes[1].Values[0] = "changed"
	again, err := s.GetPortalMember(ctx, portal.ID, u.ID)
	is.NoErr(err)                                   // GetPortalMember
	is.Equal(again.RoleIDs[0], r3.ID)               // stored roles are copies
	is.Equal(again.Attributes[0].Values[0], "zeta") // stored values are copies
	is.Equal(again.Attributes[1].Values[0], "x")    // the created record's values are copied too
	m.Attributes[1].Values[0] = "x"

	upd := m
	upd.RoleIDs = []uuid.UUID{r2.ID}
	upd.Attributes = nil
	upd.Locale = "de_AT"
	upd.LastLoginAt = ptr(now())
	upd.UpdatedAt = m.UpdatedAt.Add(time.Second)
	upd.Version = 2
	is.NoErr(s.UpdatePortalMember(ctx, upd, 1)) // update roles, attributes, locale, last login
	got, err = s.GetPortalMember(ctx, portal.ID, u.ID)
	is.NoErr(err)                                                                         // GetPortalMember
	is.Equal(diff(upd, got), "")                                                          // updated
	is.Equal(match(s.UpdatePortalMember(ctx, m, 1), userkit.ErrPreconditionFailed), "ok") // stale
	got, err = s.GetPortalMember(ctx, portal.ID, u.ID)
	is.NoErr(err)                // GetPortalMember
	is.Equal(diff(upd, got), "") // stale update changed nothing

	dup := newMember(portal.ID, u.ID, r1.ID)
	is.Equal(match(s.AddPortalMember(ctx, &dup), userkit.ErrConflict), "ok") // already a member
	bad := newMember(newID(), u.ID, r1.ID)
	is.Equal(match(s.AddPortalMember(ctx, &bad), userkit.ErrNotFound), "ok") // missing portal
	bad = newMember(portal.ID, newID(), r1.ID)
	is.Equal(match(s.AddPortalMember(ctx, &bad), userkit.ErrNotFound), "ok") // missing user
	_, err = s.GetPortalMember(ctx, portal.ID, newID())
	is.Equal(match(err, userkit.ErrNotFound), "ok") // not a member
	missing := newMember(portal.ID, newID(), r1.ID)
	is.Equal(match(s.UpdatePortalMember(ctx, missing, 1), userkit.ErrNotFound), "ok") // update a missing membership

	is.NoErr(s.RemovePortalMember(ctx, portal.ID, u.ID)) // leave
	_, err = s.GetPortalMember(ctx, portal.ID, u.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok")                                        // left
	is.Equal(match(s.RemovePortalMember(ctx, portal.ID, u.ID), userkit.ErrNotFound), "ok") // leave twice
}

func testPortalMemberList(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	portal, other := createPortal(t, s, uuid.Nil, 1), createPortal(t, s, uuid.Nil, 2)
	role, otherRole := createRole(t, s, portal.ID, "r"), createRole(t, s, other.ID, "r")
	var users []storage.UserRecord
	for i := range 5 {
		users = append(users, createUser(t, s, i))
	}
	// Join newest user first, so member order (oldest first) differs from
	// user ID order.
	var joined []storage.PortalMemberRecord
	for i := len(users) - 1; i >= 0; i-- {
		m := newMember(portal.ID, users[i].ID, role.ID)
		is.NoErr(s.AddPortalMember(ctx, &m)) // join
		joined = append(joined, m)
	}
	om := newMember(other.ID, users[0].ID, otherRole.ID)
	is.NoErr(s.AddPortalMember(ctx, &om)) // a member of another portal

	var seen []storage.PortalMemberRecord
	after := ""
	for range 5 {
		p, err := s.ListPortalMembers(ctx, portal.ID, userkit.PageRequest{Limit: 2, After: after})
		is.NoErr(err)         // page of members
		is.Equal(p.Total, -1) // no total asked
		seen = append(seen, p.Items...)
		if after = p.Next; after == "" {
			break
		}
	}
	is.Equal(ids(seen, memberID), ids(joined, memberID)) // oldest first, every member once, only this portal's
	is.Equal(diff(joined[0], seen[0]), "")               // full member records
	p, err := s.ListPortalMembers(ctx, portal.ID, userkit.PageRequest{Limit: 2, Page: 3, Total: true})
	is.NoErr(err)                                               // numbered page
	is.Equal(ids(p.Items, memberID), ids(joined[4:], memberID)) // the last member
	is.Equal(p.Total, 5)                                        // total

	mine, err := s.PortalsOfUser(ctx, users[0].ID)
	is.NoErr(err)                                                                             // PortalsOfUser
	is.Equal(ids(mine, memberID), ids([]storage.PortalMemberRecord{joined[4], om}, memberID)) // the user's memberships, oldest first
}

func testPortalDeleteCascades(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	portal, keep := createPortal(t, s, uuid.Nil, 1), createPortal(t, s, uuid.Nil, 2)
	role, keptRole := createRole(t, s, portal.ID, "r"), createRole(t, s, keep.ID, "r")
	attr := newAttribute(portal.ID, "a")
	is.NoErr(s.CreateAttribute(ctx, &attr)) // attribute
	u := createUser(t, s, 1)
	m := newMember(portal.ID, u.ID, role.ID)
	is.NoErr(s.AddPortalMember(ctx, &m)) // member of portal
	km := newMember(keep.ID, u.ID, keptRole.ID)
	is.NoErr(s.AddPortalMember(ctx, &km)) // member of the other portal

	is.NoErr(s.DeletePortal(ctx, portal.ID)) // delete portal
	_, err := s.GetPortalRole(ctx, role.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // its role is gone
	_, err = s.GetAttribute(ctx, attr.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // its attribute is gone
	_, err = s.GetPortalMember(ctx, portal.ID, u.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // its membership is gone
	roles, err := s.ListPortalRoles(ctx, portal.ID)
	is.NoErr(err)         // ListPortalRoles
	is.True(empty(roles)) // no roles left
	mine, err := s.PortalsOfUser(ctx, u.ID)
	is.NoErr(err)                                                                  // PortalsOfUser
	is.Equal(ids(mine, memberID), ids([]storage.PortalMemberRecord{km}, memberID)) // the other membership stays
	_, err = s.GetPortalRole(ctx, keptRole.ID)
	is.NoErr(err) // the other portal's role stays
	_, err = s.GetUser(ctx, u.ID)
	is.NoErr(err) // the user stays
}
