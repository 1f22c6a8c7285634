package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

var lockTests = []test{
	{"Lock", testLock},
	{"LockSerializes", testLockSerializes},
	{"LockedUpdatesNeverConflict", testLockedUpdatesNeverConflict},
}

// testLock: Lock finds a record of every kind, inside a transaction and
// out of one, and is NotFound for a missing record, an ID that is not a
// UUID and a deleted record; a kind it does not know is Internal.
func testLock(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	w, err := writeWorld(s, t, 1)
	is.NoErr(err) // world written
	for _, r := range []struct {
		kind storage.RecordKind
		id   string
	}{
		{storage.KindUser, w.user.ID.String()},
		{storage.KindPartner, w.partner.ID.String()},
		{storage.KindTeam, w.team.ID.String()},
		{storage.KindPortal, w.portal.ID.String()},
		{storage.KindPortalRole, w.role.ID.String()},
		{storage.KindAttribute, w.attr.ID.String()},
		{storage.KindResource, w.resource.ID},
		{storage.KindServiceAccount, w.account.ID.String()},
	} {
		is.NoErr(s.Lock(ctx, r.kind, r.id))                                                       // an existing record outside a transaction
		is.NoErr(s.InTx(ctx, func(tx storage.Store) error { return tx.Lock(ctx, r.kind, r.id) })) // and inside one
		missing := newID().String()
		if r.kind == storage.KindResource {
			missing = "no-such-resource"
		}
		for _, id := range []string{missing, "not a uuid", ""} {
			err := s.InTx(ctx, func(tx storage.Store) error { return tx.Lock(ctx, r.kind, id) })
			if !errors.Is(err, userkit.ErrNotFound) {
				t.Errorf("Lock(%s, %q) = %v, want NotFound", r.kind, id, err)
			}
		}
	}
	is.NoErr(s.DeletePartner(ctx, w.partner.ID))
	err = s.InTx(ctx, func(tx storage.Store) error { return tx.Lock(ctx, storage.KindPartner, w.partner.ID.String()) })
	is.True(errors.Is(err, userkit.ErrNotFound)) // a deleted record is NotFound
	err = s.Lock(ctx, storage.RecordKind("planet"), newID().String())
	is.True(errors.Is(err, userkit.ErrInternal)) // an unknown kind is Internal
}

// testLockSerializes: a transaction that locks a record another holds
// waits until that one commits, and then reads what it wrote. The first
// transaction lets the second start before it writes and commits; the
// pause it takes then only gives the second time to reach its Lock (the
// check holds however the two interleave).
func testLockSerializes(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	p := newPartner(1)
	is.NoErr(s.CreatePartner(ctx, &p))
	id := p.ID.String()

	locked := make(chan struct{})   // the first holds the lock
	starting := make(chan struct{}) // the second is about to begin
	var second storage.PartnerRecord
	var secondErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		<-locked
		close(starting)
		secondErr = s.InTx(ctx, func(tx storage.Store) error {
			if err := tx.Lock(ctx, storage.KindPartner, id); err != nil {
				return err
			}
			var err error
			second, err = tx.GetPartner(ctx, p.ID)
			return err
		})
	})
	err := s.InTx(ctx, func(tx storage.Store) error {
		if err := tx.Lock(ctx, storage.KindPartner, id); err != nil {
			return err
		}
		rec, err := tx.GetPartner(ctx, p.ID)
		if err != nil {
			return err
		}
		close(locked)
		<-starting
		time.Sleep(50 * time.Millisecond) // not a check: lets the second reach its Lock
		rec.Name, rec.Version = "Written first", rec.Version+1
		return tx.UpdatePartner(ctx, rec, rec.Version-1)
	})
	is.NoErr(err) // the first commits
	wg.Wait()
	is.NoErr(secondErr)                    // the second commits
	is.Equal(second.Name, "Written first") // after the first: it read the first's write
	is.Equal(second.Version, p.Version+1)
}

// testLockedUpdatesNeverConflict: concurrent read-modify-writes of one
// record that each lock it first all land, in turn: none reads a version
// another has already replaced, so no compare-and-set fails.
func testLockedUpdatesNeverConflict(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	p := newPartner(1)
	is.NoErr(s.CreatePartner(ctx, &p))
	r := newResource("locked")
	is.NoErr(s.CreateResource(ctx, &r))
	const writers = 16
	errs := make([]error, 2*writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			errs[i] = s.InTx(ctx, func(tx storage.Store) error {
				if err := tx.Lock(ctx, storage.KindPartner, p.ID.String()); err != nil {
					return err
				}
				rec, err := tx.GetPartner(ctx, p.ID)
				if err != nil {
					return err
				}
				rec.Name, rec.Version = fmt.Sprint("Partner ", i), rec.Version+1
				return tx.UpdatePartner(ctx, rec, rec.Version-1)
			})
		})
		wg.Go(func() {
			errs[writers+i] = s.InTx(ctx, func(tx storage.Store) error {
				if err := tx.Lock(ctx, storage.KindResource, r.ID); err != nil {
					return err
				}
				rec, err := tx.GetResource(ctx, r.ID)
				if err != nil {
					return err
				}
				rec.Name, rec.Version = fmt.Sprint("Resource ", i), rec.Version+1
				return tx.UpdateResource(ctx, rec, rec.Version-1)
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("locked update %d: %v", i, err) // none loses a race
		}
	}
	gotP, err := s.GetPartner(context.Background(), p.ID)
	is.NoErr(err)
	is.Equal(gotP.Version, p.Version+writers) // every update landed
	gotR, err := s.GetResource(context.Background(), r.ID)
	is.NoErr(err)
	is.Equal(gotR.Version, r.Version+writers)
}
