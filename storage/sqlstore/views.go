package sqlstore

import (
	"context"
	"database/sql"
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

// The one-statement views of one user (issue 9). A row of the user (or
// membership) is joined with a three-row kind table, and each kind with
// one child table through its own index, so the statement returns one
// row per child (partner, portal, team; or role, attribute, value) with
// the parent's columns repeated, instead of the product of the children
// that joining them all side by side would give.
const viewKinds = "CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) x "

// userViewQuery is the user by number: a first row (k = 0) with the
// user's columns and whether they hold "*" on everything, then per row
// one partner (k = 1, in join order), one portal (k = 2, with its owner)
// or one team (k = 3, by ID); through the users num index,
// partner_members_user_idx, portal_members_user_idx and
// team_members_user_idx. The user's ~30 columns are NULL after the first
// row, so that the driver does not copy them again for every partner,
// portal and team (it copies every column of every row it steps to).
var userViewQuery = "SELECT " + onlyWhen("x.k = 0", userCols) + ", x.k, " + partnerCols + ", m.portal_id, po.partner_id, " + teamCols +
	", CASE WHEN x.k = 0 THEN " + holdsAllCol + " END FROM users u " +
	"CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) x " +
	"LEFT JOIN partner_members pm ON x.k = 1 AND pm.user_id = u.id " +
	"LEFT JOIN partners p ON p.id = pm.partner_id " +
	"LEFT JOIN portal_members m ON x.k = 2 AND m.user_id = u.id " +
	"LEFT JOIN portals po ON po.id = m.portal_id " +
	"LEFT JOIN team_members tm ON x.k = 3 AND tm.user_id = u.id " +
	"LEFT JOIN teams t ON t.id = tm.team_id " +
	"WHERE u.num = ? ORDER BY x.k, pm.created_at, pm.seq, t.id"

// onlyWhen is the comma-separated columns cols, each NULL unless cond.
func onlyWhen(cond, cols string) string {
	parts := strings.Split(cols, ", ")
	for i, c := range parts {
		parts[i] = "CASE WHEN " + cond + " THEN " + c + " END"
	}
	return strings.Join(parts, ", ")
}

// UserViewByNum implements storage.UserViewReader.
func (s *Store) UserViewByNum(ctx context.Context, num int64) (storage.UserView, error) {
	v := storage.UserView{Partners: []storage.PartnerRecord{}, Teams: []storage.TeamRecord{}}
	rows, err := s.query(ctx, userViewQuery, num)
	if err != nil {
		return v, s.wrap(err, "user", "")
	}
	defer rows.Close()
	found := false
	var (
		u             storage.UserRecord
		k             int64
		p             storage.PartnerRecord
		portal, owner uuid.UUID
		t             storage.TeamRecord
		all           sql.NullInt64
	)
	// Every part may be NULL (outer), which leaves its fields as they
	// were: the user after the first row, the children on the rows of the
	// other kinds. The destinations are built once and the parts zeroed
	// for each row.
	dst := append(append(outer(s.userDst(&u)), &k), outer(s.partnerDst(&p))...)
	dst = append(append(dst, idCol{&portal}, idCol{&owner}), outer(s.teamDst(&t))...)
	dst = append(dst, &all)
	for rows.Next() {
		u, p, t = storage.UserRecord{}, storage.PartnerRecord{}, storage.TeamRecord{}
		if err := rows.Scan(dst...); err != nil {
			return storage.UserView{}, s.wrap(err, "user", "")
		}
		switch {
		case k == 0:
			v.User, v.HoldsAll, found = u, all.Int64 == 1, true
		case k == 1 && p.ID != uuid.Nil:
			v.Partners = append(v.Partners, p)
			v.Scopes = append(v.Scopes, storage.UserScope{Kind: storage.ScopePartner, ID: p.ID, Num: p.Num})
		case k == 2 && portal != uuid.Nil:
			v.Scopes = append(v.Scopes, storage.UserScope{Kind: storage.ScopePortal, ID: portal, Owner: owner})
		case k == 3 && t.ID != uuid.Nil:
			v.Teams = append(v.Teams, t)
		}
	}
	if err := rows.Err(); err != nil {
		return storage.UserView{}, s.wrap(err, "user", "")
	}
	if !found {
		return storage.UserView{}, s.wrap(sql.ErrNoRows, "user", "")
	}
	return v, nil
}

// memberViewCols and memberViewJoins read memberships (m) with their
// portal and user and, per row, one role (k = 1), attribute (k = 2) or
// attribute value (k = 3), through the child tables' member_id keys;
// memberViewOrder puts each membership's rows in position order.
const (
	memberViewCols = "SELECT " + userCols + ", " + portalCols + ", " + memberCols + ", x.k, " +
		"r.position, r.role_id, a.position, a.attribute_id, v.position, v.value "
	memberViewJoins = "JOIN portals p ON p.id = m.portal_id JOIN users u ON u.id = m.user_id " + viewKinds +
		"LEFT JOIN portal_member_roles r ON x.k = 1 AND r.member_id = m.id " +
		"LEFT JOIN portal_member_attrs a ON x.k = 2 AND a.member_id = m.id " +
		"LEFT JOIN portal_member_values v ON x.k = 3 AND v.member_id = m.id "
	memberViewOrder = "x.k, r.position, a.position, v.position, v.value_pos"
)

// memberViewQuery is one membership, through the portal_members
// (portal_id, user_id) key.
const memberViewQuery = memberViewCols + "FROM portal_members m " + memberViewJoins +
	"WHERE m.portal_id = ? AND m.user_id = ? ORDER BY " + memberViewOrder

// MemberView implements storage.MemberViewReader.
func (s *Store) MemberView(ctx context.Context, portalID, userID uuid.UUID) (storage.MemberView, error) {
	vs, err := s.memberViews(ctx, memberViewQuery, s.id(portalID), s.id(userID))
	if err != nil {
		return storage.MemberView{}, err
	}
	if len(vs) == 0 {
		return storage.MemberView{}, notFound("portal membership")
	}
	return vs[0], nil
}

// memberDst are the destinations of memberCols in m.
func (s *Store) memberDst(m *storage.PortalMemberRecord) []any {
	return []any{idCol{&m.ID}, idCol{&m.PortalID}, idCol{&m.UserID}, &m.Locale, s.ntc(&m.LastLoginAt), s.tc(&m.CreatedAt), s.tc(&m.UpdatedAt), &m.Version}
}

// memberProfileQuery is one membership with its portal and user, without
// its roles and attributes: one row, through the portal_members
// (portal_id, user_id) key and the two primary keys.
const memberProfileQuery = "SELECT " + userCols + ", " + portalCols + ", " + memberCols +
	" FROM portal_members m JOIN portals p ON p.id = m.portal_id JOIN users u ON u.id = m.user_id" +
	" WHERE m.portal_id = ? AND m.user_id = ?"

// MemberProfile implements storage.MemberViewReader.
func (s *Store) MemberProfile(ctx context.Context, portalID, userID uuid.UUID) (storage.MemberView, error) {
	var v storage.MemberView
	row := s.queryRow(ctx, memberProfileQuery, s.id(portalID), s.id(userID))
	u, err := s.scanUser(withExtra{row, append(s.portalDst(&v.Portal), s.memberDst(&v.Member)...)})
	if err != nil {
		return storage.MemberView{}, s.wrap(err, "portal membership", "")
	}
	v.User = u
	return v, nil
}

// MemberViewPage implements storage.MemberPageReader: the page's
// memberships are chosen as ListPortalMembers chooses them, in a derived
// table, and read with memberViewJoins.
func (s *Store) MemberViewPage(ctx context.Context, portalID uuid.UUID, p userkit.PageRequest) (userkit.Page[storage.MemberView], error) {
	p = p.Normalize()
	page := userkit.Page[storage.MemberView]{Items: []storage.MemberView{}, Total: -1}
	spec, err := s.membersSpec(portalID, p)
	if err != nil {
		return emptyPage[storage.MemberView](p), err
	}
	spec.cols = "m.id"
	if err := s.count(ctx, spec, p, &page.Total); err != nil {
		return page, err
	}
	ids, args := pageQuery(spec, p)
	vs, err := s.memberViews(ctx, memberViewCols+"FROM ("+ids+") pg JOIN portal_members m ON m.id = pg.id "+memberViewJoins+
		"ORDER BY m.id, "+memberViewOrder, args...)
	if err != nil {
		return page, err
	}
	page.Items = vs
	cut(&page, p, func(v storage.MemberView) string { return v.Member.ID.String() })
	return page, nil
}

// memberViews runs a query of memberViewCols whose rows come membership
// by membership, and returns the memberships in that order.
func (s *Store) memberViews(ctx context.Context, query string, args ...any) ([]storage.MemberView, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, s.wrap(err, "portal membership", "")
	}
	defer rows.Close()
	out := []storage.MemberView{}
	var at map[int64]int // attribute position -> index in Attributes, of the last membership
	for rows.Next() {
		var (
			p                storage.PortalRecord
			m                storage.PortalMemberRecord
			k                int64
			rpos, apos, vpos sql.NullInt64
			role, attr       uuid.UUID
			value            sql.NullString
		)
		u, err := s.scanUser(withExtra{rows, append(append(s.portalDst(&p), s.memberDst(&m)...),
			&k, &rpos, idCol{&role}, &apos, idCol{&attr}, &vpos, &value)})
		if err != nil {
			return nil, s.wrap(err, "portal membership", "")
		}
		if len(out) == 0 || out[len(out)-1].Member.ID != m.ID {
			out = append(out, storage.MemberView{User: u, Portal: p, Member: m})
			at = map[int64]int{}
		}
		v := &out[len(out)-1]
		switch {
		case k == 1 && rpos.Valid:
			v.Member.RoleIDs = append(v.Member.RoleIDs, role)
		case k == 2 && apos.Valid:
			at[apos.Int64] = len(v.Member.Attributes)
			v.Member.Attributes = append(v.Member.Attributes, storage.AttributeValue{AttributeID: attr})
		case k == 3 && vpos.Valid:
			if i, ok := at[vpos.Int64]; ok { // else its attribute was deleted
				v.Member.Attributes[i].Values = append(v.Member.Attributes[i].Values, value.String)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "portal membership", "")
	}
	return out, nil
}

// holdsAllCol is 1 when the user u holds "*" on everything, through
// grants_principal_idx.
const holdsAllCol = "CASE WHEN EXISTS (SELECT 1 FROM grants g WHERE g.principal_id = u.id AND g.action = '*' AND g.scope_kind = '*') THEN 1 ELSE 0 END"

// partnerViewCols are the columns partnerView scans: the partner, a team
// and a user (either may be NULL, on the outer side of a join) and
// whether the user holds "*" on everything.
const partnerViewCols = "SELECT " + partnerCols + ", " + teamCols + ", " + userCols + ", " + holdsAllCol + " "

// partnerViewQuery is the partner by number with, per row, one team (k =
// 1, by ID) or one member (k = 2, by user ID); through the partners num
// index, the teams partner index and the partner_members key.
const partnerViewQuery = partnerViewCols + "FROM partners p " + viewKinds +
	"LEFT JOIN teams t ON x.k = 1 AND t.partner_id = p.id " +
	"LEFT JOIN partner_members pm ON x.k = 2 AND pm.partner_id = p.id " +
	"LEFT JOIN users u ON u.id = pm.user_id " +
	"WHERE p.num = ? AND x.k < 3 ORDER BY x.k, t.id, pm.user_id"

// teamViewQuery is the team by number, when its partner has the partner
// number, with one member per row in the order they joined.
const teamViewQuery = partnerViewCols + "FROM partners p JOIN teams t ON t.partner_id = p.id " +
	"LEFT JOIN team_members tm ON tm.team_id = t.id LEFT JOIN users u ON u.id = tm.user_id " +
	"WHERE p.num = ? AND t.num = ? ORDER BY tm.seq"

// PartnerViewByNum implements storage.PartnerViewReader.
func (s *Store) PartnerViewByNum(ctx context.Context, num int64) (storage.PartnerView, error) {
	return s.partnerView(ctx, "partner", partnerViewQuery, num)
}

// TeamViewByNums implements storage.PartnerViewReader.
func (s *Store) TeamViewByNums(ctx context.Context, partnerNum, teamNum int64) (storage.TeamView, error) {
	v, err := s.partnerView(ctx, "team", teamViewQuery, partnerNum, teamNum)
	if err != nil {
		return storage.TeamView{}, err
	}
	tv := storage.TeamView{Partner: v.Partner, Team: v.Teams[0], Members: make([]storage.UserRecord, len(v.Members))}
	for i, m := range v.Members {
		tv.Members[i] = m.User
	}
	return tv, nil
}

// partnerView runs a query of partnerViewCols, whose rows all carry the
// same partner, and collects the teams and members in the rows' order
// (a team once, however many rows repeat it); NotFound when no row.
func (s *Store) partnerView(ctx context.Context, what, query string, args ...any) (storage.PartnerView, error) {
	v := storage.PartnerView{Teams: []storage.TeamRecord{}, Members: []storage.HeldUser{}}
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return v, s.wrap(err, what, "")
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		var (
			t    storage.TeamRecord
			u    storage.UserRecord
			held int64
		)
		dst := append(append(s.partnerDst(&v.Partner), outer(s.teamDst(&t))...), outer(s.userDst(&u))...)
		if err := rows.Scan(append(dst, &held)...); err != nil {
			return storage.PartnerView{}, s.wrap(err, what, "")
		}
		found = true
		if t.ID != uuid.Nil && (len(v.Teams) == 0 || v.Teams[len(v.Teams)-1].ID != t.ID) {
			v.Teams = append(v.Teams, t)
		}
		if u.ID != uuid.Nil {
			v.Members = append(v.Members, storage.HeldUser{User: u, HoldsAll: held == 1})
		}
	}
	if err := rows.Err(); err != nil {
		return storage.PartnerView{}, s.wrap(err, what, "")
	}
	if !found {
		return storage.PartnerView{}, notFound(what)
	}
	return v, nil
}

// namedRolesQuery is the user by number with, per row, one of their
// resource roles (NULL when none) and its resource's name; through the
// users num index and the resource_roles and resources keys.
const namedRolesQuery = "SELECT u.id, rr.user_id, rr.resource_id, rr.role, rr.created_at, rr.updated_at, r.name " +
	"FROM users u LEFT JOIN resource_roles rr ON rr.user_id = u.id LEFT JOIN resources r ON r.id = rr.resource_id " +
	"WHERE u.num = ? ORDER BY rr.resource_id"

// NamedRolesOfUserByNum implements storage.RoleListReader.
func (s *Store) NamedRolesOfUserByNum(ctx context.Context, num int64) (uuid.UUID, []storage.NamedRole, error) {
	rows, err := s.query(ctx, namedRolesQuery, num)
	if err != nil {
		return uuid.Nil, nil, s.wrap(err, "user", "")
	}
	defer rows.Close()
	var (
		id    uuid.UUID
		roles = []storage.NamedRole{}
	)
	for rows.Next() {
		var r storage.NamedRole
		var name sql.NullString
		if err := rows.Scan(append(append([]any{idCol{&id}}, outer(s.resRoleDst(&r.ResourceRoleRecord))...), &name)...); err != nil {
			return uuid.Nil, nil, s.wrap(err, "user", "")
		}
		if name.Valid { // else no role, or its resource went with it
			r.ResourceName = name.String
			roles = append(roles, r)
		}
	}
	if err := rows.Err(); err != nil {
		return uuid.Nil, nil, s.wrap(err, "user", "")
	}
	if id == uuid.Nil {
		return uuid.Nil, nil, notFound("user")
	}
	return id, roles, nil
}

// PortalRoleWithPortal implements storage.PortalPartReader, through the
// portal_roles and portals keys.
func (s *Store) PortalRoleWithPortal(ctx context.Context, id uuid.UUID) (storage.PortalRoleRecord, storage.PortalRecord, error) {
	return withPortal(ctx, s, "portal role", "SELECT r.id, r.portal_id, r.name, r.is_system, r.created_at, "+portalCols+
		" FROM portal_roles r JOIN portals p ON p.id = r.portal_id WHERE r.id = ?", id, s.roleDst)
}

// AttributeWithPortal implements storage.PortalPartReader, through the
// attributes and portals keys.
func (s *Store) AttributeWithPortal(ctx context.Context, id uuid.UUID) (storage.AttributeRecord, storage.PortalRecord, error) {
	return withPortal(ctx, s, "attribute", "SELECT a.id, a.portal_id, a.name, a.label, a.type, a.allow_multiple_values, a.created_at, "+portalCols+
		" FROM attributes a JOIN portals p ON p.id = a.portal_id WHERE a.id = ?", id, s.attrDst)
}

// withPortal runs query, whose one row is a record (scanned into dst)
// followed by portalCols, with id.
func withPortal[T any](ctx context.Context, s *Store, what, query string, id uuid.UUID, dst func(*T) []any) (T, storage.PortalRecord, error) {
	var (
		rec T
		p   storage.PortalRecord
	)
	err := s.queryRow(ctx, query, s.id(id)).Scan(append(dst(&rec), s.portalDst(&p)...)...)
	return rec, p, s.wrap(err, what, "")
}

// ServiceAccountWithGrants implements storage.AccountReader: the account
// LEFT JOINed with its grants through grants_principal_idx.
func (s *Store) ServiceAccountWithGrants(ctx context.Context, id uuid.UUID) (storage.ServiceAccountRecord, []storage.GrantRecord, error) {
	return withGrants(ctx, s, "service account", s.scanAccount,
		"SELECT a.id, a.name, a.created_at, a.updated_at, a.version, "+grantJoinCols+
			" FROM service_accounts a LEFT JOIN grants g ON g.principal_id = a.id WHERE a.id = ? ORDER BY g.id", s.id(id))
}

// GrantsOfPrincipals implements storage.AccountReader, through
// grants_principal_idx.
func (s *Store) GrantsOfPrincipals(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]storage.GrantRecord, error) {
	out := map[uuid.UUID][]storage.GrantRecord{}
	if len(ids) == 0 {
		return out, nil
	}
	grants, err := collect(ctx, s, "grant", s.scanGrant,
		"SELECT "+grantCols+" FROM grants WHERE principal_id IN ("+placeholders(len(ids))+") ORDER BY id", s.ids(ids)...)
	for _, g := range grants {
		out[g.PrincipalID] = append(out[g.PrincipalID], g)
	}
	return out, err
}
