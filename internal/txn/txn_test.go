package txn_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/txn"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
)

func partner(t *testing.T, store storage.Store) storage.PartnerRecord {
	t.Helper()
	now := time.Now()
	rec := storage.PartnerRecord{ID: uuid.Must(uuid.NewV7()), Name: "Acme", CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := store.CreatePartner(context.Background(), &rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestUpdateLocksThenRunsOnce(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	ctx := context.Background()
	store := memory.New()
	p := partner(t, store)

	runs := 0
	err := txn.Update(ctx, store, storage.KindPartner, uuid.Must(uuid.NewV7()).String(), func(storage.Store) error { runs++; return nil })
	is.True(errors.Is(err, userkit.ErrNotFound)) // a missing record fails the lock
	is.Equal(runs, 0)                            // before fn runs

	stale := userkit.Errorf(userkit.PreconditionFailed, "stale")
	err = txn.Update(ctx, store, storage.KindPartner, p.ID.String(), func(storage.Store) error { runs++; return stale })
	is.True(errors.Is(err, userkit.ErrPreconditionFailed)) // a named version that is stale is the caller's answer
	is.Equal(runs, 1)                                      // and nothing is retried

	err = txn.Update(ctx, store, storage.KindPartner, p.ID.String(), func(tx storage.Store) error {
		rec, err := tx.GetPartner(ctx, p.ID)
		if err != nil {
			return err
		}
		rec.Name, rec.Version = "Acme 2", rec.Version+1
		return tx.UpdatePartner(ctx, rec, rec.Version-1)
	})
	is.NoErr(err) // the update lands
	got, err := store.GetPartner(ctx, p.ID)
	is.NoErr(err)
	is.Equal(got.Version, int64(2))
}

func TestRetryOnlyWhatAgainAccepts(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	store := memory.New()
	lost := errors.New("lost race")
	again := func(err error) bool { return errors.Is(err, lost) }

	runs := 0
	err := txn.Retry(context.Background(), store, again, func(storage.Store) error {
		runs++
		if runs < 3 {
			return lost
		}
		return nil
	})
	is.NoErr(err)     // the third run lands
	is.Equal(runs, 3) // after two retries

	runs = 0
	err = txn.Retry(context.Background(), store, again, func(storage.Store) error { runs++; return lost })
	is.True(errors.Is(err, lost))   // gives up eventually
	is.Equal(runs, txn.MaxAttempts) // after MaxAttempts runs

	runs = 0
	err = txn.Retry(context.Background(), store, again, func(storage.Store) error { runs++; return userkit.ErrNotFound })
	is.True(errors.Is(err, userkit.ErrNotFound)) // other errors end it at once
	is.Equal(runs, 1)
}
