package memory

import (
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// CreateUser stores a new user and assigns its Num.
func (s *Store) CreateUser(ctx context.Context, rec *storage.UserRecord) error {
	var num int64
	err := s.write(ctx, func(t *txn) (err error) {
		num, err = t.insertUser(*rec)
		return err
	})
	if err == nil {
		rec.Num = num
	}
	return err
}

// CreateUsers implements storage.UserStore: CreateUser for each record in
// one write, undone as a whole on the first error.
func (s *Store) CreateUsers(ctx context.Context, recs []*storage.UserRecord) error {
	nums := make([]int64, len(recs))
	err := s.write(ctx, func(t *txn) error {
		for i, rec := range recs {
			num, err := t.insertUser(*rec)
			if err != nil {
				return err
			}
			nums[i] = num
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, rec := range recs {
		rec.Num = nums[i]
	}
	return nil
}

// insertUser checks r's unique values, assigns its Num and writes it with
// every index; it returns the Num.
func (t *txn) insertUser(r storage.UserRecord) (int64, error) {
	d := t.d
	if _, ok := d.users[r.ID]; ok {
		return 0, conflict("ID", "user")
	}
	if _, ok := d.userByEmail[r.EmailNorm]; ok {
		return 0, conflict("EmailNorm", "user with this email")
	}
	if d.userByLogin.get(r.LoginName) != nil {
		return 0, conflict("LoginName", "user with this login name")
	}
	r.Num = int64(d.userByNum.len()) + 1
	row := t.putUser(r)
	insertSorted(t, &d.userIDs, r.ID, cmpID)
	d.userByNum.push(t, row)
	return r.Num, nil
}

// putUser writes a user row and its email and login indexes; the old row's
// index entries must already be gone. The num index is the caller's.
func (t *txn) putUser(r storage.UserRecord) *userRow {
	d := t.d
	row := newUserRow(r)
	put(t, d.users, row.id, row)
	put(t, d.userByEmail, row.emailNorm, row)
	t.indexLogin(&d.userByLogin, row)
	return row
}

func (t *txn) unindexUser(row *userRow) {
	d := t.d
	del(t, d.userByEmail, row.emailNorm)
	t.unindexLogin(&d.userByLogin, row.login)
}

// GetUser returns the user with the ID.
func (s *Store) GetUser(ctx context.Context, id uuid.UUID) (rec storage.UserRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		rec, err = d.user(id)
		return err
	})
	return rec, err
}

// LockUser implements storage.UserStore.
func (s *Store) LockUser(ctx context.Context, id uuid.UUID) error {
	return s.Lock(ctx, storage.KindUser, id.String())
}

func (d *data) user(id uuid.UUID) (storage.UserRecord, error) {
	row, ok := d.users[id]
	if !ok {
		return storage.UserRecord{}, notFound("user")
	}
	return row.record(), nil
}

// byNum returns the user with the Num, or nil.
func (d *data) byNum(num int64) *userRow {
	if num < 1 || num > int64(d.userByNum.len()) {
		return nil
	}
	return *d.userByNum.at(int(num - 1))
}

// GetUserByNum returns the user with the Num.
func (s *Store) GetUserByNum(ctx context.Context, num int64) (rec storage.UserRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		row := d.byNum(num)
		if row == nil {
			return notFound("user")
		}
		rec = row.record()
		return nil
	})
	return rec, err
}

// GetUserByEmail returns the user whose EmailNorm is emailNorm.
func (s *Store) GetUserByEmail(ctx context.Context, emailNorm string) (rec storage.UserRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		row, ok := d.userByEmail[emailNorm]
		if !ok {
			return notFound("user")
		}
		rec = row.record()
		return nil
	})
	return rec, err
}

// UpdateUser writes rec when the stored version is expectVersion. Num stays
// as assigned.
func (s *Store) UpdateUser(ctx context.Context, rec storage.UserRecord, expectVersion int64) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		old, ok := d.users[rec.ID]
		if !ok {
			return notFound("user")
		}
		if old.version != expectVersion {
			return stale("user")
		}
		if other, ok := d.userByEmail[rec.EmailNorm]; ok && other.id != rec.ID {
			return conflict("EmailNorm", "user with this email")
		}
		if other := d.userByLogin.get(rec.LoginName); other != nil && other.id != rec.ID {
			return conflict("LoginName", "user with this login name")
		}
		rec.Num = old.num
		t.unindexUser(old)
		d.userByNum.set(t, int(rec.Num-1), t.putUser(rec))
		return nil
	})
}

// DeleteUser removes the user and everything that hangs off it: partner,
// team and portal memberships, resource roles and grants.
func (s *Store) DeleteUser(ctx context.Context, id uuid.UUID) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		row, ok := d.users[id]
		if !ok {
			return notFound("user")
		}
		for _, p := range children(d.partnersOf, id, cmpID) {
			t.removePartnerMember(p, id)
		}
		for _, team := range children(d.teamsOfUser, id, cmpID) {
			t.removeTeamMember(team, id)
		}
		for _, m := range children(d.portalsOfUser, id, cmpID) {
			t.removePortalMember(d.members[m])
		}
		for _, r := range children(d.resRolesOfUser, id, strings.Compare) {
			t.removeResourceRole(id, r)
		}
		t.removeGrantsOf(id)
		t.unindexUser(row)
		del(t, d.users, id)
		d.userByNum.set(t, int(row.num-1), nil)
		removeSorted(t, &d.userIDs, id, cmpID)
		return nil
	})
}

// ListUsers pages users by ID. Search is a case-insensitive substring of
// the first name, last name or email, taken literally.
func (s *Store) ListUsers(ctx context.Context, f storage.UserFilter, p userkit.PageRequest) (out userkit.Page[storage.UserRecord], err error) {
	p = p.Normalize()
	err = s.read(ctx, func(d *data) error {
		// Walk the smallest sorted candidate list the filter allows.
		ids := d.userIDs
		switch {
		case f.PartnerID != uuid.Nil:
			ids = children(d.membersOf, f.PartnerID, cmpID)
		case f.PortalID != uuid.Nil:
			ids = make([]uuid.UUID, 0, len(d.membersOfPort[f.PortalID]))
			for m := range d.membersOfPort[f.PortalID] {
				ids = append(ids, d.members[m].UserID)
			}
			slices.SortFunc(ids, cmpID)
		}
		start, err := idAfter(ids, p)
		if err != nil {
			return err
		}
		search := strings.ToLower(f.Search)
		match := func(i int) bool {
			id := ids[i]
			row := d.users[id]
			if f.Status != "" && row.profile.Value().status != f.Status {
				return false
			}
			if f.PartnerID != uuid.Nil {
				if _, ok := d.partnerMembers[pair{f.PartnerID, id}]; !ok {
					return false
				}
			}
			if f.PortalID != uuid.Nil {
				if _, ok := d.memberByPair[pair{f.PortalID, id}]; !ok {
					return false
				}
			}
			return row.matches(search)
		}
		get := func(i int) storage.UserRecord { return d.users[ids[i]].record() }
		out = page(p, len(ids), start, match, get, func(r storage.UserRecord) string { return r.ID.String() })
		return nil
	})
	return out, err
}

// LoginNamesWithPrefix returns, sorted, the login names that start with
// prefix (taken literally, case-sensitively).
func (s *Store) LoginNamesWithPrefix(ctx context.Context, prefix string) (out []string, err error) {
	err = s.read(ctx, func(d *data) error {
		out = d.userByLogin.withPrefix(prefix)
		return nil
	})
	return out, err
}

// LoginNamesWithPrefixes implements storage.UserStore.
func (s *Store) LoginNamesWithPrefixes(ctx context.Context, prefixes []string) (out []string, err error) {
	err = s.read(ctx, func(d *data) error {
		out = []string{}
		for _, p := range prefixes {
			out = append(out, d.userByLogin.withPrefix(p)...)
		}
		return nil
	})
	slices.Sort(out)
	return slices.Compact(out), err
}
