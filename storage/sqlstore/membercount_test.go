package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
)

// memberCounts returns the MemberCount of each partner.
func memberCounts(t *testing.T, s storage.Store, partners ...uuid.UUID) []int64 {
	t.Helper()
	out := make([]int64, len(partners))
	for i, id := range partners {
		p, err := s.GetPartner(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = p.MemberCount
	}
	return out
}

// The counts of memberships written around the store are set by the
// migration that adds member_count (for existing data) and by
// RecountMembers (after a bulk load).
func TestMemberCountBackfill(t *testing.T) {
	t.Parallel()
	for _, tg := range sqltest.Targets {
		t.Run(tg.Name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			ctx := context.Background()
			s := tg.Store(t)
			ids := loadUsers(t, s, 4)
			now := time.Now().UTC().Truncate(time.Microsecond)
			var partners []uuid.UUID
			for _, name := range []string{"A", "B", "C"} {
				p := storage.PartnerRecord{ID: uuid.Must(uuid.NewV7()), Name: name, CreatedAt: now, UpdatedAt: now, Version: 1}
				is.NoErr(s.CreatePartner(ctx, &p))
				partners = append(partners, p.ID)
			}
			for i, id := range ids {
				is.NoErr(s.AddPartnerMember(ctx, storage.PartnerMemberRecord{PartnerID: partners[min(i, 1)], UserID: id, CreatedAt: now}))
			}
			want := []int64{1, 3, 0}
			is.Equal(memberCounts(t, s, partners...), want) // kept by the store

			// A bulk load that wrote the memberships itself leaves the
			// counts at their default.
			_, err := s.DB().ExecContext(ctx, "UPDATE partners SET member_count = 0")
			is.NoErr(err)
			is.NoErr(s.RecountMembers(ctx))                 // RecountMembers
			is.Equal(memberCounts(t, s, partners...), want) // counts them

			// A database migrated before member_count existed.
			_, err = s.DB().ExecContext(ctx, "ALTER TABLE partners DROP COLUMN member_count")
			is.NoErr(err)
			_, err = s.DB().ExecContext(ctx, "DELETE FROM schema_migrations WHERE version = 40")
			is.NoErr(err)
			is.NoErr(s.Migrate(ctx))                        // the migration
			is.Equal(memberCounts(t, s, partners...), want) // backfills the counts
		})
	}
}
