package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

const userCols = "u.id, u.num, u.email, u.email_norm, u.first_name, u.last_name, u.login_name, " +
	"u.status, u.role, u.provider, u.locale, u.timezone, u.city, u.country, u.department, " +
	"u.phone_land, u.phone_mobile, u.date_of_birth, u.must_reset_password, u.password_hash, " +
	"u.failed_logins, u.last_login_at, u.token_version, u.api_token_created_at, " +
	"u.created_at, u.updated_at, u.version, u.managed_kind, u.managed_id"

func (s *Store) scanUser(sc scanner) (storage.UserRecord, error) {
	var r storage.UserRecord
	err := sc.Scan(s.userDst(&r)...)
	return r, err
}

// userDst are the destinations of userCols in r.
func (s *Store) userDst(r *storage.UserRecord) []any {
	return []any{idCol{&r.ID}, &r.Num, &r.Email, &r.EmailNorm, &r.FirstName, &r.LastName, &r.LoginName,
		&r.Status, &r.Role, &r.Provider, &r.Locale, &r.Timezone, &r.City, &r.Country, &r.Department,
		&r.PhoneLand, &r.PhoneMobile, s.ntc(&r.DateOfBirth), &r.MustResetPassword, &r.PasswordHash,
		&r.FailedLogins, s.ntc(&r.LastLoginAt), &r.TokenVersion, s.ntc(&r.APITokenCreatedAt),
		s.tc(&r.CreatedAt), s.tc(&r.UpdatedAt), &r.Version, &r.ManagedKind, idCol{&r.ManagedID}}
}

// unstorable reports whether the dialect cannot hold text v, so that a
// lookup or search for it can answer "nothing" without asking.
func (s *Store) unstorable(v string) bool {
	return s.d.StrictText && (strings.IndexByte(v, 0) >= 0 || !utf8.ValidString(v))
}

// fold is the lower-cased form kept in the *_norm columns that search
// reads, so that search needs neither lower() at query time nor a
// case-insensitive collation.
func fold(v string) string { return strings.ToLower(v) }

// userInsertCols are the columns CreateUser and CreateUsers write, in the
// order of userInsertArgs.
const userInsertCols = "id, email, email_norm, first_name, first_name_norm, last_name, last_name_norm, login_name, " +
	"status, role, provider, locale, timezone, city, country, department, phone_land, phone_mobile, " +
	"date_of_birth, must_reset_password, password_hash, failed_logins, last_login_at, token_version, " +
	"api_token_created_at, created_at, updated_at, version, managed_kind, managed_id"

// userInsertArgs are rec's values for userInsertCols.
func (s *Store) userInsertArgs(rec *storage.UserRecord) []any {
	return []any{s.id(rec.ID), rec.Email, rec.EmailNorm, rec.FirstName, fold(rec.FirstName), rec.LastName, fold(rec.LastName), rec.LoginName,
		rec.Status, rec.Role, rec.Provider, rec.Locale, rec.Timezone, rec.City, rec.Country, rec.Department, rec.PhoneLand, rec.PhoneMobile,
		s.nullTime(rec.DateOfBirth), rec.MustResetPassword, rec.PasswordHash, rec.FailedLogins, s.nullTime(rec.LastLoginAt), rec.TokenVersion,
		s.nullTime(rec.APITokenCreatedAt), s.time(rec.CreatedAt), s.time(rec.UpdatedAt), rec.Version,
		managedKind(rec.ManagedKind), s.id(rec.ManagedID)}
}

// CreateUser implements storage.UserStore.
func (s *Store) CreateUser(ctx context.Context, rec *storage.UserRecord) error {
	args := s.userInsertArgs(rec)
	num, err := s.insertNum(ctx, "user", "INSERT INTO users ("+userInsertCols+") VALUES ("+placeholders(len(args))+")", args...)
	if err != nil {
		return err
	}
	rec.Num = num
	s.noteCreated(ctx)
	return nil
}

func (s *Store) getUser(ctx context.Context, cond string, arg any) (storage.UserRecord, error) {
	r, err := s.scanUser(s.queryRow(ctx, "SELECT "+userCols+" FROM users u WHERE "+cond, arg))
	if err != nil {
		return r, s.wrap(err, "user", "")
	}
	return r, nil
}

// GetUser implements storage.UserStore.
func (s *Store) GetUser(ctx context.Context, id uuid.UUID) (storage.UserRecord, error) {
	return s.getUser(ctx, "u.id = ?", s.id(id))
}

// GetUserByNum implements storage.UserStore.
func (s *Store) GetUserByNum(ctx context.Context, num int64) (storage.UserRecord, error) {
	return s.getUser(ctx, "u.num = ?", num)
}

// GetUserByEmail implements storage.UserStore.
func (s *Store) GetUserByEmail(ctx context.Context, emailNorm string) (storage.UserRecord, error) {
	if s.unstorable(emailNorm) {
		return storage.UserRecord{}, notFound("user") // it cannot have been stored
	}
	return s.getUser(ctx, "u.email_norm = ?", emailNorm)
}

// UpdateUser implements storage.UserStore.
func (s *Store) UpdateUser(ctx context.Context, rec storage.UserRecord, expectVersion int64) error {
	return s.casUpdate(ctx, "user", "SELECT 1 FROM users WHERE id = ?", []any{s.id(rec.ID)},
		"UPDATE users SET email = ?, email_norm = ?, first_name = ?, first_name_norm = ?, last_name = ?, last_name_norm = ?, "+
			"login_name = ?, status = ?, role = ?, provider = ?, locale = ?, timezone = ?, city = ?, country = ?, "+
			"department = ?, phone_land = ?, phone_mobile = ?, date_of_birth = ?, must_reset_password = ?, "+
			"password_hash = ?, failed_logins = ?, last_login_at = ?, token_version = ?, api_token_created_at = ?, "+
			"created_at = ?, updated_at = ?, version = ?, managed_kind = ?, managed_id = ? WHERE id = ? AND version = ?",
		rec.Email, rec.EmailNorm, rec.FirstName, fold(rec.FirstName), rec.LastName, fold(rec.LastName),
		rec.LoginName, rec.Status, rec.Role, rec.Provider, rec.Locale, rec.Timezone, rec.City, rec.Country,
		rec.Department, rec.PhoneLand, rec.PhoneMobile, s.nullTime(rec.DateOfBirth), rec.MustResetPassword,
		rec.PasswordHash, rec.FailedLogins, s.nullTime(rec.LastLoginAt), rec.TokenVersion, s.nullTime(rec.APITokenCreatedAt),
		s.time(rec.CreatedAt), s.time(rec.UpdatedAt), rec.Version, managedKind(rec.ManagedKind), s.id(rec.ManagedID),
		s.id(rec.ID), expectVersion)
}

// DeleteUser implements storage.UserStore. Memberships, team memberships,
// grants and resource roles go with the user (foreign keys with ON DELETE
// CASCADE; grants by principal explicitly, as a principal may also be a
// service account). The member counts of the user's partners fall first:
// the memberships are read with a row lock, so that a concurrent
// RemovePartnerMember of one of them either committed before (and is not
// read here) or waits and then finds nothing to remove; each is counted
// once.
func (s *Store) DeleteUser(ctx context.Context, id uuid.UUID) error {
	return s.atomic(ctx, func(s *Store) error {
		partners, err := collect(ctx, s, "partner membership", scanID, "SELECT partner_id FROM partner_members WHERE user_id = ? ORDER BY partner_id"+s.d.RowLock, s.id(id))
		if err != nil {
			return err
		}
		if err := s.countMembers(ctx, -1, partners...); err != nil {
			return err
		}
		if err := s.execOne(ctx, "user", "", nil, "DELETE FROM users WHERE id = ?", s.id(id)); err != nil {
			return err
		}
		return s.deleteGrantsOf(ctx, id)
	})
}

// managedKind stores an unset managing scope as everything ("*").
func managedKind(k string) string {
	if k == "" {
		return storage.ScopeAll
	}
	return k
}

// LockUser implements storage.UserStore.
func (s *Store) LockUser(ctx context.Context, id uuid.UUID) error {
	return s.Lock(ctx, storage.KindUser, id.String())
}

// ListUsers implements storage.UserStore.
func (s *Store) ListUsers(ctx context.Context, f storage.UserFilter, p userkit.PageRequest) (userkit.Page[storage.UserRecord], error) {
	spec := listSpec{what: "user", cols: userCols, from: "users u", key: "u.id"}
	indexed := false // the search index narrowed the users to a short list
	if f.Search != "" {
		if s.unstorable(f.Search) {
			// No stored text can contain it: nothing matches.
			return emptyPage[storage.UserRecord](p), nil
		}
		term := fold(f.Search)
		if s.d.SearchIndex != nil {
			cond, args, err := s.d.SearchIndex(ctx, cachedQuerier{s}, term)
			if err != nil {
				return emptyPage[storage.UserRecord](p), s.wrap(err, "user", "")
			}
			if cond != "" {
				spec.where = append(spec.where, cond)
				spec.args = append(spec.args, args...)
				indexed = true
			}
		}
		arg := s.d.ContainsArg(term)
		spec.where = append(spec.where, "("+s.d.Contains("u.first_name_norm")+" OR "+
			s.d.Contains("u.last_name_norm")+" OR "+s.d.Contains("u.email_norm")+")")
		spec.args = append(spec.args, arg, arg, arg)
	}
	if f.Status != "" {
		spec.where = append(spec.where, "u.status = ?")
		spec.args = append(spec.args, f.Status)
	}
	// Memberships: when the search index has already narrowed the users
	// to a short list, each of them is checked against the membership's
	// unique index (EXISTS), so the plan starts from the list. Otherwise a
	// partner's users are read from the partner's range of the
	// (partner_id, user_id) index, which is in user id order, joined with
	// users: page 1 reads a page of members, not all of them (with
	// "u.id IN (SELECT ...)" SQLite collected every member and sorted
	// them, so page 1 grew with the partner). CROSS JOIN keeps SQLite's
	// planner to that order; elsewhere it is an inner join.
	switch {
	case f.PartnerID == uuid.Nil:
	case indexed:
		spec.where = append(spec.where, "EXISTS (SELECT 1 FROM partner_members pm WHERE pm.partner_id = ? AND pm.user_id = u.id)")
		spec.args = append(spec.args, s.id(f.PartnerID))
	default:
		spec.from, spec.key = "partner_members pm CROSS JOIN users u", "pm.user_id"
		spec.where = append(spec.where, "pm.partner_id = ?", "u.id = pm.user_id")
		spec.args = append(spec.args, s.id(f.PartnerID))
	}
	switch {
	case f.PortalID == uuid.Nil:
	case indexed:
		spec.where = append(spec.where, "EXISTS (SELECT 1 FROM portal_members m WHERE m.portal_id = ? AND m.user_id = u.id)")
		spec.args = append(spec.args, s.id(f.PortalID))
	default:
		spec.where = append(spec.where, "u.id IN (SELECT m.user_id FROM portal_members m WHERE m.portal_id = ?)")
		spec.args = append(spec.args, s.id(f.PortalID))
	}
	// When nothing else filters them, a partner's users are as many as
	// its member_count (kept with the memberships: one row's read, not a
	// count that grows with the partner; 0 for a missing partner), and a
	// portal's are counted from the membership index alone: the foreign
	// key guarantees each member's user, so the join with users adds
	// nothing but a read per member (a scan of every user on PostgreSQL).
	switch {
	case f.Search != "" || f.Status != "":
	case f.PartnerID != uuid.Nil && f.PortalID == uuid.Nil:
		spec.count = "SELECT coalesce((SELECT member_count FROM partners WHERE id = ?), 0)"
		spec.countArgs = []any{s.id(f.PartnerID)}
	case f.PortalID != uuid.Nil && f.PartnerID == uuid.Nil:
		spec.count = "SELECT count(*) FROM portal_members m WHERE m.portal_id = ?"
		spec.countArgs = []any{s.id(f.PortalID)}
	}
	// A list from the index is short: its total comes with the page.
	spec.windowTotal = indexed
	if len(spec.where) > 0 && s.d.PlanPerQuery != nil {
		spec.lead = []any{s.d.PlanPerQuery}
	}
	var err error
	if spec.after, err = s.afterID(p.After); err != nil {
		return emptyPage[storage.UserRecord](p), err
	}
	return list(ctx, s, spec, p, s.scanUser, func(r storage.UserRecord) string { return r.ID.String() })
}

// emptyPage is a page with no items; its Total is 0 when asked for.
func emptyPage[T any](p userkit.PageRequest) userkit.Page[T] {
	pg := userkit.Page[T]{Items: []T{}, Total: -1}
	if p.Total {
		pg.Total = 0
	}
	return pg
}

// LoginNamesWithPrefix implements storage.UserStore. It reads the range
// [prefix, successor(prefix)) of the unique login_name index, which every
// dialect orders by bytes, so no LIKE pattern is needed.
func (s *Store) LoginNamesWithPrefix(ctx context.Context, prefix string) ([]string, error) {
	if s.unstorable(prefix) {
		return []string{}, nil
	}
	q, args := "SELECT login_name FROM users WHERE login_name >= ?", []any{prefix}
	if end, ok := PrefixEnd(prefix); ok {
		q += " AND login_name < ?"
		args = append(args, end)
	}
	names, err := collect(ctx, s, "user", func(sc scanner) (string, error) {
		var n string
		return n, sc.Scan(&n)
	}, q+" ORDER BY login_name", args...)
	if err != nil {
		return nil, err
	}
	out := names[:0]
	for _, n := range names {
		if strings.HasPrefix(n, prefix) { // belt and braces over the range
			out = append(out, n)
		}
	}
	return out, nil
}

// PrefixEnd returns the least valid UTF-8 string greater than every string
// that starts with prefix, in byte order: prefix with its last rune
// incremented. ok is false when there is none (empty prefix, or only
// U+10FFFF), or when prefix is not valid UTF-8.
func PrefixEnd(prefix string) (string, bool) {
	if !utf8.ValidString(prefix) {
		return "", false
	}
	rs := []rune(prefix)
	for len(rs) > 0 {
		last := rs[len(rs)-1]
		switch {
		case last == utf8.MaxRune:
			rs = rs[:len(rs)-1]
			continue
		case last == 0xD7FF:
			rs[len(rs)-1] = 0xE000 // skip the surrogates, which UTF-8 cannot hold
		default:
			rs[len(rs)-1] = last + 1
		}
		return string(rs), true
	}
	return "", false
}

// userScopesFrom joins a user with the partners and portals they belong
// to: one row per (partner, portal) pair, through partner_members_user_idx
// and portal_members_user_idx, so a user in a few scopes is a few rows.
const userScopesFrom = "SELECT " + userCols + ", pm.partner_id, pp.num, m.portal_id, p.partner_id FROM users u " +
	"LEFT JOIN partner_members pm ON pm.user_id = u.id " +
	"LEFT JOIN partners pp ON pp.id = pm.partner_id " +
	"LEFT JOIN portal_members m ON m.user_id = u.id " +
	"LEFT JOIN portals p ON p.id = m.portal_id WHERE "

func (s *Store) userWithScopes(ctx context.Context, cond string, arg any) (storage.UserRecord, []storage.UserScope, error) {
	rows, err := s.query(ctx, userScopesFrom+cond, arg)
	if err != nil {
		return storage.UserRecord{}, nil, s.wrap(err, "user", "")
	}
	defer rows.Close()
	var (
		rec             storage.UserRecord
		scopes          []storage.UserScope
		found           bool
		partner, portal uuid.UUID
		owner           uuid.UUID
		num             sql.NullInt64
	)
	seen := map[storage.UserScope]bool{}
	add := func(sc storage.UserScope) {
		if sc.ID != uuid.Nil && !seen[sc] {
			seen[sc] = true
			scopes = append(scopes, sc)
		}
	}
	for rows.Next() {
		r, err := s.scanUser(withExtra{rows, []any{idCol{&partner}, &num, idCol{&portal}, idCol{&owner}}})
		if err != nil {
			return storage.UserRecord{}, nil, s.wrap(err, "user", "")
		}
		rec, found = r, true
		add(storage.UserScope{Kind: storage.ScopePartner, ID: partner, Num: num.Int64})
		add(storage.UserScope{Kind: storage.ScopePortal, ID: portal, Owner: owner})
	}
	if err := rows.Err(); err != nil {
		return storage.UserRecord{}, nil, s.wrap(err, "user", "")
	}
	if !found {
		return storage.UserRecord{}, nil, s.wrap(sql.ErrNoRows, "user", "")
	}
	return rec, scopes, nil
}

// UserWithScopes implements storage.UserScopesReader.
func (s *Store) UserWithScopes(ctx context.Context, id uuid.UUID) (storage.UserRecord, []storage.UserScope, error) {
	return s.userWithScopes(ctx, "u.id = ?", s.id(id))
}

// UserByNumWithScopes implements storage.UserScopesReader.
func (s *Store) UserByNumWithScopes(ctx context.Context, num int64) (storage.UserRecord, []storage.UserScope, error) {
	return s.userWithScopes(ctx, "u.num = ?", num)
}

// UsersByIDs implements storage.UsersReader: one statement on the
// primary key for the whole page.
func (s *Store) UsersByIDs(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]storage.UserRecord, error) {
	out := make(map[uuid.UUID]storage.UserRecord, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	recs, err := collect(ctx, s, "user", s.scanUser,
		"SELECT "+userCols+" FROM users u WHERE u.id IN ("+placeholders(len(ids))+")", s.ids(ids)...)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		out[r.ID] = r
	}
	return out, nil
}
