package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlstore"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
)

// growthPartners is how many partners the growth data set spreads its
// users over: user k is a member of partner k % growthPartners, so each
// partner holds a tenth of the users (bench/'s shape).
const growthPartners = 10

var growthFirst = [...]string{"Mona", "Greta", "Lars", "Ines", "Paolo", "Yuki", "Amara", "Tomás", "Zoë", "Ivan"}

// growthLast is user k's last name: "Garcia" for about 8 %, "Nordvik"
// for about 0.09 %, otherwise one of a thousand others.
func growthLast(k int) string {
	switch {
	case k%1111 == 7:
		return "Nordvik"
	case k%12 == 5:
		return "Garcia"
	}
	return fmt.Sprintf("Lund%d", k%1000)
}

func growthEmail(k int) string {
	domains := [...]string{"example.com", "Example.org", "mail.example.net", "corp.example"}
	return fmt.Sprintf("%s.%s%d@%s", growthFirst[k%len(growthFirst)], growthLast(k), k, domains[k%len(domains)])
}

// growthData is one loaded store.
type growthData struct {
	n        int
	s        *sqlstore.Store
	users    []uuid.UUID
	partners []uuid.UUID
}

// loadGrowth loads n users and growthPartners partners into a fresh
// database of tg, with memberships, in bulk.
func loadGrowth(b *testing.B, tg sqltest.Target, n int) *growthData {
	b.Helper()
	ctx := context.Background()
	s := tg.Store(b)
	d := &growthData{n: n, s: s}
	now := time.Now().UTC().Truncate(time.Microsecond)
	for j := 0; j < growthPartners; j++ {
		p := storage.PartnerRecord{ID: uuid.Must(uuid.NewV7()), Name: fmt.Sprintf("Partner %d", j), CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := s.CreatePartner(ctx, &p); err != nil {
			b.Fatal(err)
		}
		d.partners = append(d.partners, p.ID)
	}
	const chunk = 5000
	for k := 0; k < n; k += chunk {
		recs := make([]*storage.UserRecord, 0, chunk)
		for i := k; i < k+chunk && i < n; i++ {
			e := growthEmail(i)
			recs = append(recs, &storage.UserRecord{ID: uuid.Must(uuid.NewV7()), Email: e, EmailNorm: strings.ToLower(e),
				FirstName: growthFirst[i%len(growthFirst)], LastName: growthLast(i), LoginName: fmt.Sprintf("u%d", i),
				Status: "active", Role: "Subscriber", Locale: "en_US", CreatedAt: now, UpdatedAt: now, Version: 1})
		}
		err := s.InTx(ctx, func(tx storage.Store) error {
			if err := tx.CreateUsers(ctx, recs); err != nil {
				return err
			}
			for i, r := range recs {
				if err := tx.AddPartnerMember(ctx, storage.PartnerMemberRecord{PartnerID: d.partners[(k+i)%growthPartners],
					UserID: r.ID, CreatedAt: now}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range recs {
			d.users = append(d.users, r.ID)
		}
	}
	if err := s.Optimize(ctx); err != nil {
		b.Fatal(err)
	}
	if tg.Name == "postgres" {
		if _, err := s.DB().ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	return d
}

// idArg is how tg's driver takes a UUID bound by hand.
func idArg(tg sqltest.Target, id uuid.UUID) any {
	if tg.Name == "postgres" {
		return id.String()
	}
	return id[:]
}

// BenchmarkGrowth measures the store's list page 1 and searches at 10,000
// and 100,000 users (partner 2 holds a tenth of them), against a point
// read on the same store, all interleaved in every iteration:
//
//	go test -run '^$' -bench Growth -benchtime 30x ./storage/sqlstore/
//
// Metrics: <query>@<n>-µs (medians), and <query>-growth, the ratio at
// 100k over the ratio at 10k, each relative to the point read of its own
// store (so machine noise cancels).
func BenchmarkGrowth(b *testing.B) {
	for _, tg := range []sqltest.Target{sqltest.SQLiteTarget, sqltest.PostgresTarget} {
		b.Run(tg.Name, func(b *testing.B) {
			ctx := context.Background()
			ds := []*growthData{loadGrowth(b, tg, 10_000), loadGrowth(b, tg, 100_000)}
			const partner = 2
			type query struct {
				name string
				f    func(d *growthData, i int) error
			}
			member := func(d *growthData, i int) int { return (i*7919*growthPartners + partner) % d.n }
			page := func(d *growthData, f storage.UserFilter, want int) error {
				p, err := d.s.ListUsers(ctx, f, userkit.PageRequest{Page: 1, Limit: 20, Total: true})
				if err != nil {
					return err
				}
				if len(p.Items) < min(want, 20) || p.Total < want {
					return fmt.Errorf("%+v: %d items, total %d, want %d", f, len(p.Items), p.Total, want)
				}
				return nil
			}
			pageOnly := func(d *growthData, f storage.UserFilter) error {
				_, err := d.s.ListUsers(ctx, f, userkit.PageRequest{Page: 1, Limit: 20})
				return err
			}
			counts := map[*growthData]*sql.Stmt{}
			for _, d := range ds {
				q := "SELECT count(*) FROM partner_members pm WHERE pm.partner_id = ?"
				if tg.Name == "postgres" {
					q = "SELECT count(*) FROM partner_members pm WHERE pm.partner_id = $1"
				}
				st, err := d.s.DB().PrepareContext(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				defer st.Close()
				counts[d] = st
			}
			queries := []query{
				{"point", func(d *growthData, i int) error {
					_, err := d.s.GetUser(ctx, d.users[member(d, i)])
					return err
				}},
				{"list", func(d *growthData, i int) error {
					return page(d, storage.UserFilter{PartnerID: d.partners[partner]}, d.n/growthPartners)
				}},
				// The partner's page 1 with its total as the store made it
				// before member_count: the page, then a count of the
				// partner's memberships (a prepared statement, as the
				// store's are).
				{"list-counted", func(d *growthData, i int) error {
					if err := pageOnly(d, storage.UserFilter{PartnerID: d.partners[partner]}); err != nil {
						return err
					}
					var n int
					if err := counts[d].QueryRowContext(ctx, idArg(tg, d.partners[partner])).Scan(&n); err != nil {
						return err
					}
					if n != d.n/growthPartners {
						return fmt.Errorf("counted %d members, want %d", n, d.n/growthPartners)
					}
					return nil
				}},
				{"email", func(d *growthData, i int) error {
					return page(d, storage.UserFilter{Search: growthEmail(member(d, i))}, 1)
				}},
				{"email-partner", func(d *growthData, i int) error {
					return page(d, storage.UserFilter{PartnerID: d.partners[partner], Search: growthEmail(member(d, i))}, 1)
				}},
				{"nordvik", func(d *growthData, i int) error {
					return page(d, storage.UserFilter{Search: "nordvik"}, 1)
				}},
			}
			times := make([][][]time.Duration, len(ds))
			for di := range ds {
				times[di] = make([][]time.Duration, len(queries))
			}
			i := 0
			for b.Loop() {
				for di, d := range ds {
					for qi, q := range queries {
						t0 := time.Now()
						if err := q.f(d, i); err != nil {
							b.Fatalf("%s at %d: %v", q.name, d.n, err)
						}
						times[di][qi] = append(times[di][qi], time.Since(t0))
					}
				}
				i++
			}
			med := func(v []time.Duration) float64 {
				v = append([]time.Duration(nil), v...)
				sort.Slice(v, func(a, c int) bool { return v[a] < v[c] })
				return float64(v[len(v)/2].Nanoseconds()) / 1e3
			}
			for qi, q := range queries {
				for di, d := range ds {
					b.ReportMetric(med(times[di][qi]), fmt.Sprintf("%s@%dk-µs", q.name, d.n/1000))
				}
				if qi > 0 {
					r0 := med(times[0][qi]) / med(times[0][0])
					r1 := med(times[1][qi]) / med(times[1][0])
					b.ReportMetric(r1/r0, q.name+"-growth")
					b.ReportMetric(med(times[1][qi])/med(times[0][qi]), q.name+"-raw-growth")
				}
			}
		})
	}
}
