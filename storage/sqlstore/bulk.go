package sqlstore

import (
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/userkit/userkit/storage"
)

// bulkRows is how many users one INSERT of CreateUsers writes: 500 rows of
// 28 values stay under every engine's limit on bind parameters (SQLite
// 32,766, PostgreSQL and MySQL 65,535) with room for more columns.
const bulkRows = 500

// CreateUsers implements storage.UserStore with one multi-row INSERT per
// 500 users, all in one transaction (the caller's, under InTx). The Nums
// come back from RETURNING (PostgreSQL, SQLite) or from one SELECT per
// chunk (MySQL, whose LastInsertId names only the first row). On SQLite,
// called outside a transaction, it refreshes the planner statistics
// afterwards (see Optimize); an importer that calls it inside InTx should
// call Optimize once the import is done.
func (s *Store) CreateUsers(ctx context.Context, recs []*storage.UserRecord) error {
	if len(recs) == 0 {
		return nil
	}
	nums := make([]int64, len(recs))
	err := s.atomic(ctx, func(s *Store) error {
		for start := 0; start < len(recs); start += bulkRows {
			end := min(start+bulkRows, len(recs))
			if err := s.insertUsers(ctx, recs[start:end], nums[start:end]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, rec := range recs {
		rec.Num = nums[i]
	}
	if !s.tx {
		return s.Optimize(ctx)
	}
	return nil
}

// insertUsers writes one chunk and fills nums.
func (s *Store) insertUsers(ctx context.Context, recs []*storage.UserRecord, nums []int64) error {
	var b strings.Builder
	b.WriteString("INSERT INTO users (" + userInsertCols + ") VALUES ")
	args := make([]any, 0, len(recs)*28)
	row := ""
	for i, rec := range recs {
		a := s.userInsertArgs(rec)
		if row == "" {
			row = "(" + placeholders(len(a)) + ")"
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
		args = append(args, a...)
	}
	at := make(map[uuid.UUID]int, len(recs))
	for i, rec := range recs {
		at[rec.ID] = i
	}
	scan := func(query string, args ...any) error {
		rows, err := s.query(ctx, query, args...)
		if err != nil {
			return s.wrap(err, "user", "ID")
		}
		defer rows.Close()
		for rows.Next() {
			var (
				id  uuid.UUID
				num int64
			)
			if err := rows.Scan(idCol{&id}, &num); err != nil {
				return s.wrap(err, "user", "ID")
			}
			if i, ok := at[id]; ok {
				nums[i] = num
			}
		}
		return s.wrap(rows.Err(), "user", "ID")
	}
	if s.d.Returning {
		return scan(b.String()+" RETURNING id, num", args...)
	}
	if _, err := s.exec(ctx, b.String(), args...); err != nil {
		return s.wrap(err, "user", "ID")
	}
	ids := make([]any, len(recs))
	for i, rec := range recs {
		ids[i] = s.id(rec.ID)
	}
	return scan("SELECT id, num FROM users WHERE id IN ("+placeholders(len(ids))+")", ids...)
}

// prefixesPerQuery bounds the ranges of one LoginNamesWithPrefixes query.
const prefixesPerQuery = 200

// LoginNamesWithPrefixes implements storage.UserStore: one query per 200
// prefixes, each prefix a range of the unique login_name index (as in
// LoginNamesWithPrefix), joined by OR.
func (s *Store) LoginNamesWithPrefixes(ctx context.Context, prefixes []string) ([]string, error) {
	var ok []string
	for _, p := range prefixes {
		if !s.unstorable(p) {
			ok = append(ok, p)
		}
	}
	slices.Sort(ok)
	ok = slices.Compact(ok)
	out := []string{}
	for start := 0; start < len(ok); start += prefixesPerQuery {
		chunk := ok[start:min(start+prefixesPerQuery, len(ok))]
		conds := make([]string, len(chunk))
		args := make([]any, 0, 2*len(chunk))
		for i, p := range chunk {
			args = append(args, p)
			if end, ok := PrefixEnd(p); ok {
				conds[i] = "(login_name >= ? AND login_name < ?)"
				args = append(args, end)
			} else {
				conds[i] = "login_name >= ?"
			}
		}
		names, err := collect(ctx, s, "user", func(sc scanner) (string, error) {
			var n string
			return n, sc.Scan(&n)
		}, "SELECT login_name FROM users WHERE "+strings.Join(conds, " OR "), args...)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			for _, p := range chunk { // belt and braces over the ranges
				if strings.HasPrefix(n, p) {
					out = append(out, n)
					break
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Optimize refreshes the planner's statistics where the store keeps them
// itself (SQLite: "PRAGMA optimize", a bounded ANALYZE of the tables that
// changed a lot; see the sqlite package). Migrate calls it, and
// CreateUsers outside a transaction; a host that imports users in its own
// transactions calls it once at the end. It does nothing elsewhere.
func (s *Store) Optimize(ctx context.Context) error {
	if s.d.Optimize == "" {
		return nil
	}
	_, err := s.q.ExecContext(ctx, s.d.Optimize)
	return s.wrap(err, "optimize", "")
}
