package memory

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

var (
	_ storage.UserViewReader    = (*Store)(nil)
	_ storage.MemberViewReader  = (*Store)(nil)
	_ storage.MemberPageReader  = (*Store)(nil)
	_ storage.PartnerViewReader = (*Store)(nil)
	_ storage.RoleListReader    = (*Store)(nil)
	_ storage.PortalPartReader  = (*Store)(nil)
	_ storage.AccountReader     = (*Store)(nil)
)

// UserViewByNum implements storage.UserViewReader.
func (s *Store) UserViewByNum(ctx context.Context, num int64) (v storage.UserView, err error) {
	err = s.read(ctx, func(d *data) error {
		row := d.byNum(num)
		if row == nil {
			return notFound("user")
		}
		id := row.id
		v.User = row.record()
		v.Partners = d.partnersOfUser(id)
		for _, p := range v.Partners {
			v.Scopes = append(v.Scopes, storage.UserScope{Kind: storage.ScopePartner, ID: p.ID, Num: p.Num})
		}
		for _, m := range children(d.portalsOfUser, id, cmpID) {
			portal := d.members[m].PortalID
			v.Scopes = append(v.Scopes, storage.UserScope{Kind: storage.ScopePortal, ID: portal, Owner: d.portals[portal].PartnerID})
		}
		v.HoldsAll = d.holdsAll(id)
		v.Teams = d.teamList(children(d.teamsOfUser, id, cmpID))
		return nil
	})
	return v, err
}

// MemberView implements storage.MemberViewReader.
func (s *Store) MemberView(ctx context.Context, portalID, userID uuid.UUID) (v storage.MemberView, err error) {
	err = s.read(ctx, func(d *data) error {
		id, ok := d.memberByPair[pair{portalID, userID}]
		row, found := d.users[userID]
		if !ok || !found {
			return notFound("portal membership")
		}
		v.Portal = d.portals[portalID]
		v.Member = cloneMember(d.members[id])
		v.User = row.record()
		return nil
	})
	return v, err
}

// MemberProfile implements storage.MemberViewReader.
func (s *Store) MemberProfile(ctx context.Context, portalID, userID uuid.UUID) (storage.MemberView, error) {
	v, err := s.MemberView(ctx, portalID, userID)
	v.Member.RoleIDs, v.Member.Attributes = nil, nil // not the profile's
	return v, err
}

// MemberViewPage implements storage.MemberPageReader.
func (s *Store) MemberViewPage(ctx context.Context, portalID uuid.UUID, p userkit.PageRequest) (out userkit.Page[storage.MemberView], err error) {
	err = s.read(ctx, func(d *data) (err error) {
		out, err = membersPage(d, portalID, p, func(m storage.PortalMemberRecord) storage.MemberView {
			return storage.MemberView{Portal: d.portals[portalID], Member: m, User: d.users[m.UserID].record()}
		}, func(v storage.MemberView) string { return v.Member.ID.String() })
		return err
	})
	return out, err
}

// PartnerViewByNum implements storage.PartnerViewReader.
func (s *Store) PartnerViewByNum(ctx context.Context, num int64) (v storage.PartnerView, err error) {
	err = s.read(ctx, func(d *data) error {
		id, ok := d.partnerByNum[num]
		if !ok {
			return notFound("partner")
		}
		v.Partner, _ = d.partner(id)
		v.Teams = d.teamList(children(d.teamsOf, id, cmpID))
		users := children(d.membersOf, id, cmpID)
		v.Members = make([]storage.HeldUser, len(users))
		for i, u := range users {
			v.Members[i] = storage.HeldUser{User: d.users[u].record(), HoldsAll: d.holdsAll(u)}
		}
		return nil
	})
	return v, err
}

// TeamViewByNums implements storage.PartnerViewReader.
func (s *Store) TeamViewByNums(ctx context.Context, partnerNum, teamNum int64) (v storage.TeamView, err error) {
	err = s.read(ctx, func(d *data) error {
		pid, ok := d.partnerByNum[partnerNum]
		tid, found := d.teamByNum[teamNum]
		if !ok || !found || d.teams[tid].PartnerID != pid {
			return notFound("team")
		}
		v.Partner, _ = d.partner(pid)
		v.Team = d.teams[tid]
		ids := d.teamMemberIDs(tid)
		v.Members = make([]storage.UserRecord, len(ids))
		for i, u := range ids {
			v.Members[i] = d.users[u].record()
		}
		return nil
	})
	return v, err
}

// NamedRolesOfUserByNum implements storage.RoleListReader.
func (s *Store) NamedRolesOfUserByNum(ctx context.Context, num int64) (id uuid.UUID, roles []storage.NamedRole, err error) {
	err = s.read(ctx, func(d *data) error {
		row := d.byNum(num)
		if row == nil {
			return notFound("user")
		}
		id = row.id
		ids := children(d.resRolesOfUser, id, strings.Compare)
		roles = make([]storage.NamedRole, 0, len(ids))
		for _, res := range ids {
			if r, ok := d.resources[res]; ok {
				roles = append(roles, storage.NamedRole{ResourceRoleRecord: d.resRoles[resKey{id, res}], ResourceName: r.Name})
			}
		}
		return nil
	})
	return id, roles, err
}

// PortalRoleWithPortal implements storage.PortalPartReader.
func (s *Store) PortalRoleWithPortal(ctx context.Context, id uuid.UUID) (r storage.PortalRoleRecord, p storage.PortalRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		var ok bool
		if r, ok = d.roles[id]; !ok {
			return notFound("portal role")
		}
		p = d.portals[r.PortalID]
		return nil
	})
	return r, p, err
}

// AttributeWithPortal implements storage.PortalPartReader.
func (s *Store) AttributeWithPortal(ctx context.Context, id uuid.UUID) (a storage.AttributeRecord, p storage.PortalRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		var ok bool
		if a, ok = d.attrs[id]; !ok {
			return notFound("attribute")
		}
		p = d.portals[a.PortalID]
		return nil
	})
	return a, p, err
}

// ServiceAccountWithGrants implements storage.AccountReader.
func (s *Store) ServiceAccountWithGrants(ctx context.Context, id uuid.UUID) (rec storage.ServiceAccountRecord, grants []storage.GrantRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		var ok bool
		if rec, ok = d.accounts[id]; !ok {
			return notFound("service account")
		}
		grants = d.grantList(id)
		return nil
	})
	return rec, grants, err
}

// GrantsOfPrincipals implements storage.AccountReader.
func (s *Store) GrantsOfPrincipals(ctx context.Context, ids []uuid.UUID) (out map[uuid.UUID][]storage.GrantRecord, err error) {
	out = map[uuid.UUID][]storage.GrantRecord{}
	err = s.read(ctx, func(d *data) error {
		for _, id := range ids {
			if gs := d.grantList(id); len(gs) > 0 {
				out[id] = gs
			}
		}
		return nil
	})
	return out, err
}

// holdsAll reports whether the principal holds "*" on everything.
func (d *data) holdsAll(principalID uuid.UUID) bool {
	for g := range d.grantsOf[principalID] {
		if rec := d.grants[g]; rec.Action == "*" && rec.ScopeKind == storage.ScopeAll {
			return true
		}
	}
	return false
}

// partnersOfUser lists the user's partners in the order they were joined.
func (d *data) partnersOfUser(userID uuid.UUID) []storage.PartnerRecord {
	js := make([]joined, 0, len(d.partnersOf[userID]))
	for p := range d.partnersOf[userID] {
		js = append(js, d.partnerMembers[pair{p, userID}])
	}
	slices.SortFunc(js, func(a, b joined) int {
		if c := a.rec.CreatedAt.Compare(b.rec.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	out := make([]storage.PartnerRecord, 0, len(js))
	for _, j := range js {
		rec, _ := d.partner(j.rec.PartnerID)
		out = append(out, rec)
	}
	return out
}
