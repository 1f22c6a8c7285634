package storagetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// PartnerRecord.MemberCount is kept by the store with the memberships, and
// a partner's user list takes its total from it: these hold every store to
// an exact count through joins, leaves, deletions, imports, rollbacks and
// concurrent writers.
var memberCountTests = []test{
	{"PartnerMemberCount", testPartnerMemberCount},
	{"PartnerMemberCountImport", testPartnerMemberCountImport},
	{"PartnerMemberCountConcurrent", testPartnerMemberCountConcurrent},
}

// checkMembers checks that the partner has want members, as every read of
// the partner reports it, as the total of its user list, and as its
// members listed one by one.
func checkMembers(t *testing.T, s storage.Store, partnerID uuid.UUID, want int) {
	t.Helper()
	is := is.New(t)
	is.Helper()
	ctx := t.Context()
	p, err := s.GetPartner(ctx, partnerID)
	is.NoErr(err)                        // GetPartner
	is.Equal(p.MemberCount, int64(want)) // GetPartner's MemberCount
	byNum, err := s.GetPartnerByNum(ctx, p.Num)
	is.NoErr(err)                            // GetPartnerByNum
	is.Equal(byNum.MemberCount, int64(want)) // GetPartnerByNum's MemberCount
	listed := int64(-1)
	for after := ""; ; {
		pg, err := s.ListPartners(ctx, userkit.PageRequest{After: after, Limit: userkit.MaxLimit})
		is.NoErr(err) // ListPartners
		for _, r := range pg.Items {
			if r.ID == partnerID {
				listed = r.MemberCount
			}
		}
		if after = pg.Next; after == "" {
			break
		}
	}
	is.Equal(listed, int64(want)) // ListPartners' MemberCount
	members := 0
	for after := ""; ; {
		pg, err := s.ListUsers(ctx, storage.UserFilter{PartnerID: partnerID}, userkit.PageRequest{After: after, Limit: 7, Total: after == ""})
		is.NoErr(err) // ListUsers of the partner
		if after == "" {
			is.Equal(pg.Total, want) // the list's total
		}
		members += len(pg.Items)
		if after = pg.Next; after == "" {
			break
		}
	}
	is.Equal(members, want) // the members there are
}

func testPartnerMemberCount(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	p, q := createPartner(t, s, 1), createPartner(t, s, 2)
	checkMembers(t, s, p.ID, 0) // a new partner has none
	us := make([]storage.UserRecord, 4)
	for i := range us {
		us[i] = createUser(t, s, i)
		join(t, s, p.ID, us[i].ID)
	}
	join(t, s, q.ID, us[0].ID)
	checkMembers(t, s, p.ID, 4) // four joins
	checkMembers(t, s, q.ID, 1) // one join

	dup := storage.PartnerMemberRecord{PartnerID: p.ID, UserID: us[1].ID, CreatedAt: now()}
	is.Equal(match(s.AddPartnerMember(ctx, dup), userkit.ErrConflict), "ok") // already a member
	missing := storage.PartnerMemberRecord{PartnerID: p.ID, UserID: newID(), CreatedAt: now()}
	is.Equal(match(s.AddPartnerMember(ctx, missing), userkit.ErrNotFound), "ok") // no such user
	checkMembers(t, s, p.ID, 4)                                                  // failed joins count nothing

	is.NoErr(s.RemovePartnerMember(ctx, p.ID, us[1].ID))                                   // leave
	is.Equal(match(s.RemovePartnerMember(ctx, p.ID, us[1].ID), userkit.ErrNotFound), "ok") // leave twice
	checkMembers(t, s, p.ID, 3)                                                            // one leave counted once

	is.NoErr(s.DeleteUser(ctx, us[0].ID))                                   // delete a member of both
	is.Equal(match(s.DeleteUser(ctx, us[0].ID), userkit.ErrNotFound), "ok") // delete twice
	checkMembers(t, s, p.ID, 2)                                             // the deleted member left p
	checkMembers(t, s, q.ID, 0)                                             // and q
	is.NoErr(s.DeleteUser(ctx, createUser(t, s, 9).ID))                     // delete a user in no partner
	checkMembers(t, s, p.ID, 2)                                             // changes no count

	err := s.InTx(ctx, func(tx storage.Store) error {
		u := newUser(10)
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		if err := tx.AddPartnerMember(ctx, storage.PartnerMemberRecord{PartnerID: p.ID, UserID: u.ID, CreatedAt: now()}); err != nil {
			return err
		}
		if err := tx.RemovePartnerMember(ctx, p.ID, us[2].ID); err != nil {
			return err
		}
		if err := tx.DeleteUser(ctx, us[3].ID); err != nil {
			return err
		}
		checkMembers(t, tx, p.ID, 1) // a transaction reads its own counts
		return errAbort
	})
	is.True(errors.Is(err, errAbort)) // rolled back
	checkMembers(t, s, p.ID, 2)       // the counts are rolled back with the memberships

	upd := p
	upd.Name, upd.Version, upd.MemberCount = "Renamed", 2, 99
	is.NoErr(s.UpdatePartner(ctx, upd, 1)) // an update
	checkMembers(t, s, p.ID, 2)            // does not write the count
	fresh := newPartner(3)
	fresh.MemberCount = 5
	is.NoErr(s.CreatePartner(ctx, &fresh)) // a create
	is.Equal(fresh.MemberCount, int64(0))  // reports no members
	checkMembers(t, s, fresh.ID, 0)        // and stores none
	is.NoErr(s.DeletePartner(ctx, q.ID))   // deleting a partner
	checkMembers(t, s, p.ID, 2)            // leaves the others' counts
}

// testPartnerMemberCountImport: a bulk import (CreateUsers, then the
// memberships, in one transaction, as users.Service.Import writes a
// chunk) counts every member; a failed one counts none.
func testPartnerMemberCountImport(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	p := createPartner(t, s, 1)
	join(t, s, p.ID, createUser(t, s, 0).ID)
	importChunk := func(from, n int, fail bool) error {
		return s.InTx(ctx, func(tx storage.Store) error {
			recs := make([]*storage.UserRecord, n)
			for i := range recs {
				u := newUser(from + i)
				recs[i] = &u
			}
			if err := tx.CreateUsers(ctx, recs); err != nil {
				return err
			}
			for _, u := range recs {
				if err := tx.AddPartnerMember(ctx, storage.PartnerMemberRecord{PartnerID: p.ID, UserID: u.ID, CreatedAt: now()}); err != nil {
					return err
				}
			}
			if fail {
				return errAbort
			}
			return nil
		})
	}
	is.NoErr(importChunk(100, 25, false)) // an import of 25
	checkMembers(t, s, p.ID, 26)          // counts each of them
	is.True(errors.Is(importChunk(200, 10, true), errAbort))
	checkMembers(t, s, p.ID, 26) // a failed import counts none
}

// testPartnerMemberCountConcurrent: two writers at once on one partner.
// Joins and leaves of different users each count (no lost update), and
// when one writer removes a membership while the other deletes its user,
// the membership is uncounted once.
func testPartnerMemberCountConcurrent(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	p := createPartner(t, s, 1)
	const n = 15
	// Users 0..n-1 are members already: writer A removes them from p while
	// writer B deletes them. Each writer also joins n new users and makes
	// every third of them leave again.
	old := make([]storage.UserRecord, n)
	for i := range old {
		old[i] = createUser(t, s, i)
		join(t, s, p.ID, old[i].ID)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for w := range 2 {
		wg.Go(func() {
			errs[w] = func() error {
				for i := range n {
					u := newUser(1000*(w+1) + i)
					if err := s.CreateUser(ctx, &u); err != nil {
						return err
					}
					if err := s.AddPartnerMember(ctx, storage.PartnerMemberRecord{PartnerID: p.ID, UserID: u.ID, CreatedAt: now()}); err != nil {
						return err
					}
					if i%3 == 0 {
						if err := s.RemovePartnerMember(ctx, p.ID, u.ID); err != nil {
							return err
						}
					}
					var err error
					if w == 0 {
						err = s.RemovePartnerMember(ctx, p.ID, old[i].ID)
					} else {
						err = s.DeleteUser(ctx, old[i].ID)
					}
					if err != nil && !errors.Is(err, userkit.ErrNotFound) { // the other writer was first
						return fmt.Errorf("writer %d, user %d: %w", w, i, err)
					}
				}
				return nil
			}()
		})
	}
	wg.Wait()
	is.NoErr(errs[0]) // writer A
	is.NoErr(errs[1]) // writer B
	for _, u := range old {
		_, err := s.GetUser(ctx, u.ID)
		is.Equal(match(err, userkit.ErrNotFound), "ok") // writer B deleted every old member
	}
	checkMembers(t, s, p.ID, 2*(n-(n+2)/3)) // each writer's joins that stayed, none of the old members
}
