package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlstore"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
)

func benchRecs(from, n int) []*storage.UserRecord {
	now := time.Now().UTC().Truncate(time.Microsecond)
	recs := make([]*storage.UserRecord, n)
	for i := range recs {
		k := from + i
		recs[i] = &storage.UserRecord{ID: uuid.Must(uuid.NewV7()), Email: fmt.Sprintf("User%d@example.com", k),
			EmailNorm: fmt.Sprintf("user%d@example.com", k), FirstName: "Mona", LastName: fmt.Sprintf("Benson%d", k),
			LoginName: fmt.Sprintf("mona.benson%d", k), Status: "active", Role: "Subscriber", Locale: "en_US",
			CreatedAt: now, UpdatedAt: now, Version: 1}
	}
	return recs
}

// BenchmarkCreateUsers compares, per user, CreateUsers (chunks of 500 in
// one transaction) with CreateUser in a loop in one transaction (the
// "raw INSERT loop" reference), interleaved in every iteration:
//
//	go test -run '^$' -bench CreateUsers ./storage/sqlstore/
func BenchmarkCreateUsers(b *testing.B) {
	const batch = 2000
	for _, tg := range []sqltest.Target{sqltest.SQLiteTarget, sqltest.PostgresTarget, sqltest.MySQLTarget} {
		b.Run(tg.Name, func(b *testing.B) {
			ctx := context.Background()
			s := tg.Store(b)
			var bulk, loop time.Duration
			k := 0
			for b.Loop() {
				a, c := benchRecs(k, batch), benchRecs(k+batch, batch)
				k += 2 * batch
				t0 := time.Now()
				if err := s.InTx(ctx, func(tx storage.Store) error { return tx.CreateUsers(ctx, a) }); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				err := s.InTx(ctx, func(tx storage.Store) error {
					for _, r := range c {
						if err := tx.CreateUser(ctx, r); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				bulk += t1.Sub(t0)
				loop += t2.Sub(t1)
			}
			users := float64(b.N * batch)
			b.ReportMetric(users/bulk.Seconds(), "bulk-users/s")
			b.ReportMetric(users/loop.Seconds(), "loop-users/s")
			b.ReportMetric(loop.Seconds()/bulk.Seconds(), "bulk-speedup")
		})
	}
}

// BenchmarkSearchEmail searches 100,000 users for one whole email address
// (substring semantics, with the total) against the exact lookup by the
// unique email index on the same store:
//
//	go test -run '^$' -bench SearchEmail -benchtime 200x ./storage/sqlstore/
func BenchmarkSearchEmail(b *testing.B) {
	const users = 100_000
	for _, tg := range []sqltest.Target{sqltest.SQLiteTarget, sqltest.PostgresTarget} {
		b.Run(tg.Name, func(b *testing.B) {
			ctx := context.Background()
			s := tg.Store(b)
			for k := 0; k < users; k += 10_000 {
				if err := s.CreateUsers(ctx, benchRecs(k, 10_000)); err != nil {
					b.Fatal(err)
				}
			}
			if err := s.Optimize(ctx); err != nil {
				b.Fatal(err)
			}
			if tg.Name == "postgres" {
				if _, err := s.DB().ExecContext(ctx, "ANALYZE"); err != nil {
					b.Fatal(err)
				}
			}
			var search, exact time.Duration
			i := 0
			for b.Loop() {
				email := fmt.Sprintf("user%d@example.com", (i*7919)%users)
				i++
				t0 := time.Now()
				p, err := s.ListUsers(ctx, storage.UserFilter{Search: email}, userkit.PageRequest{Limit: 20, Total: true})
				if err != nil || p.Total < 1 {
					b.Fatal(err, p.Total)
				}
				t1 := time.Now()
				if _, err := s.GetUserByEmail(ctx, email); err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				search += t1.Sub(t0)
				exact += t2.Sub(t1)
			}
			n := float64(b.N)
			b.ReportMetric(float64(search.Microseconds())/n, "search-µs")
			b.ReportMetric(float64(exact.Microseconds())/n, "exact-µs")
			b.ReportMetric(search.Seconds()/exact.Seconds(), "search/exact")
		})
	}
}

var _ = sqlstore.New
