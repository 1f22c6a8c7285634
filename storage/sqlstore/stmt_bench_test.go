package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlstore"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
)

// benchUsers is how many users the point-read benchmarks load.
const benchUsers = 2000

// loadUsers creates n users in one transaction and returns their IDs.
func loadUsers(tb testing.TB, s *sqlstore.Store, n int) []uuid.UUID {
	tb.Helper()
	ctx := context.Background()
	ids := make([]uuid.UUID, n)
	now := time.Now().UTC().Truncate(time.Microsecond)
	err := s.InTx(ctx, func(tx storage.Store) error {
		for i := range ids {
			u := storage.UserRecord{ID: uuid.Must(uuid.NewV7()), Email: fmt.Sprintf("User%d@example.com", i),
				EmailNorm: fmt.Sprintf("user%d@example.com", i), FirstName: "Mona", LastName: fmt.Sprintf("Benson%d", i),
				LoginName: fmt.Sprintf("mona.benson%d", i), Status: "active", Role: "Subscriber", Locale: "en_US",
				CreatedAt: now, UpdatedAt: now, Version: 1}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			ids[i] = u.ID
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return ids
}

// bareSelect is what a host would write by hand: one SELECT of the same 27
// columns through database/sql, scanned into plain values.
func bareSelect(ctx context.Context, db *sql.DB, q string, id any) error {
	var (
		idb                                                          any
		num, failed, tokenVersion, version                           int64
		email, emailNorm, first, last, login, status, role, provider string
		locale, tz, city, country, dept, phoneLand, phoneMobile      string
		pwHash                                                       string
		mustReset                                                    bool
		dob, lastLogin, tokenAt, created, updated                    any
	)
	return db.QueryRowContext(ctx, q, id).Scan(&idb, &num, &email, &emailNorm, &first, &last, &login,
		&status, &role, &provider, &locale, &tz, &city, &country, &dept, &phoneLand, &phoneMobile,
		&dob, &mustReset, &pwHash, &failed, &lastLogin, &tokenVersion, &tokenAt, &created, &updated, &version)
}

const bareCols = "id, num, email, email_norm, first_name, last_name, login_name, status, role, provider, " +
	"locale, timezone, city, country, department, phone_land, phone_mobile, date_of_birth, must_reset_password, " +
	"password_hash, failed_logins, last_login_at, token_version, api_token_created_at, created_at, updated_at, version"

// BenchmarkGetUser compares store.GetUser with the bare SELECT on the same
// *sql.DB, with and without the statement cache. The three run interleaved
// in every iteration, so machine noise hits them alike; the ratios
// (store/bare, uncached/bare) are the figures to read, not ns/op:
//
//	go test -run '^$' -bench GetUser ./storage/sqlstore/
func BenchmarkGetUser(b *testing.B) {
	for _, tg := range []sqltest.Target{sqltest.SQLiteTarget, sqltest.PostgresTarget, sqltest.MySQLTarget} {
		b.Run(tg.Name, func(b *testing.B) {
			ctx := context.Background()
			s := tg.Store(b)
			ids := loadUsers(b, s, benchUsers)
			old := sqlstore.WithoutStmtCache(s)
			q := "SELECT " + bareCols + " FROM users WHERE id = ?"
			if tg.Name == "postgres" {
				q = "SELECT " + bareCols + " FROM users WHERE id = $1"
			}
			arg := func(id uuid.UUID) any {
				if tg.Name == "postgres" {
					return id.String()
				}
				return id[:]
			}
			var bare, cached, uncached time.Duration
			i := 0
			for b.Loop() {
				id := ids[(i*7919)%len(ids)]
				i++
				t0 := time.Now()
				if err := bareSelect(ctx, s.DB(), q, arg(id)); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if _, err := s.GetUser(ctx, id); err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				if _, err := old.GetUser(ctx, id); err != nil {
					b.Fatal(err)
				}
				t3 := time.Now()
				bare += t1.Sub(t0)
				cached += t2.Sub(t1)
				uncached += t3.Sub(t2)
			}
			n := float64(b.N)
			b.ReportMetric(float64(bare.Nanoseconds())/n, "bare-ns")
			b.ReportMetric(float64(cached.Nanoseconds())/n, "store-ns")
			b.ReportMetric(float64(uncached.Nanoseconds())/n, "uncached-ns")
			b.ReportMetric(float64(cached)/float64(bare), "store/bare")
			b.ReportMetric(float64(uncached)/float64(bare), "uncached/bare")
		})
	}
}
