package sqlstore_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/sqlcount"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
)

// explain returns the plan of query as one lower-cased text.
func explain(t *testing.T, tg sqltest.Target, db queryer, query string, args ...any) string {
	t.Helper()
	prefix := "EXPLAIN QUERY PLAN "
	if tg.Name == "postgres" {
		prefix = "EXPLAIN "
	}
	rows, err := db.QueryContext(context.Background(), prefix+query, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			switch v := v.(type) {
			case string:
				b.WriteString(v + " ")
			case []byte:
				b.WriteString(string(v) + " ")
			}
		}
		b.WriteString("\n")
	}
	return strings.ToLower(b.String())
}

// A partner's or a portal's total is counted from the membership index:
// the count query does not read users at all (issue 9: the join with
// users made page 1 cost in proportion to the partner).
func TestMemberTotalsReadOnlyTheMembershipIndex(t *testing.T) {
	t.Parallel()
	for _, tg := range []sqltest.Target{sqltest.SQLiteTarget, sqltest.PostgresTarget} {
		t.Run(tg.Name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			ctx := context.Background()
			s, _ := tg.CountedStore(t)
			ids := loadUsers(t, s, 5)
			now := time.Now().UTC().Truncate(time.Microsecond)
			partner := storage.PartnerRecord{ID: uuid.Must(uuid.NewV7()), Name: "A", CreatedAt: now, UpdatedAt: now, Version: 1}
			is.NoErr(s.CreatePartner(ctx, &partner))
			for _, id := range ids[:3] {
				is.NoErr(s.AddPartnerMember(ctx, storage.PartnerMemberRecord{PartnerID: partner.ID, UserID: id, CreatedAt: now}))
			}
			sctx, n := sqlcount.Scope(ctx)
			p, err := s.ListUsers(sctx, storage.UserFilter{PartnerID: partner.ID}, userkit.PageRequest{Limit: 2, Total: true})
			is.NoErr(err)
			is.Equal(p.Total, 3)
			is.Equal(n.Statements(), int64(2)) // the count and the page
			count := n.Queries()[0]
			is.True(!strings.Contains(count, "users")) // the count names no users table
			var arg any = partner.ID[:]
			if tg.Name == "postgres" {
				arg = partner.ID.String()
			}
			plan := explain(t, tg, s.DB(), count, arg)
			t.Logf("%s count plan:\n%s", tg.Name, plan)
			is.True(!strings.Contains(plan, "users"))          // nor does its plan
			is.True(strings.Contains(plan, "partner_members")) // it reads the membership index
		})
	}
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}
