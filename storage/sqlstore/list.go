package sqlstore

import (
	"context"
	"strings"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
)

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface {
	Scan(dest ...any) error
}

// listSpec describes one paged list query. Every fragment is a constant of
// this package; values go in args.
type listSpec struct {
	what  string // record name for errors
	cols  string // select list
	from  string // "users u"
	key   string // the ordering key column, unique: "u.id"
	where []string
	args  []any
	desc  bool  // newest first (events)
	after any   // encoded key of PageRequest.After, nil for the first page
	lead  []any // driver options before the arguments (Dialect.PlanPerQuery)
	// count, when set, counts the matches instead of "count(*)" over from
	// and where: a cheaper query with the same answer (the membership
	// index alone for a partner's or a portal's users).
	count     string
	countArgs []any
	// windowTotal, when set, has a page without a keyset cursor carry
	// the total in each row (count(*) OVER ()), one statement instead of
	// two: for matches that are few and already listed (an indexed
	// search), counting them is no more work than finding the page.
	windowTotal bool
}

// totalScanner scans the total a window count appends to each row.
type totalScanner struct {
	scanner
	total *int
}

func (t totalScanner) Scan(dest ...any) error { return t.scanner.Scan(append(dest, t.total)...) }

// afterID decodes a UUID cursor. An empty cursor is the first page.
func (s *Store) afterID(after string) (any, error) {
	if after == "" {
		return nil, nil
	}
	id, err := uuid.Parse(after)
	if err != nil {
		return nil, userkit.FieldError("After", userkit.Problem{Rule: userkit.RuleCursor})
	}
	return s.id(id), nil
}

// list runs spec as a page: keyset (After) or numbered (Page), Limit+1 rows
// to learn whether more follow, and a count only when p.Total is set.
func list[T any](ctx context.Context, s *Store, spec listSpec, p userkit.PageRequest, scan func(scanner) (T, error), keyOf func(T) string) (userkit.Page[T], error) {
	p = p.Normalize()
	page := userkit.Page[T]{Items: []T{}, Total: -1}
	window := p.Total && spec.windowTotal && (p.Page > 0 || spec.after == nil)
	if !window {
		if err := s.count(ctx, spec, p, &page.Total); err != nil {
			return page, err
		}
	} else {
		spec.cols += ", count(*) OVER ()"
	}
	q, args := pageQuery(spec, p)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return page, s.wrap(err, spec.what, "")
	}
	defer rows.Close()
	var sc scanner = rows
	if window {
		sc = totalScanner{rows, &page.Total}
	}
	for rows.Next() {
		it, err := scan(sc)
		if err != nil {
			return page, s.wrap(err, spec.what, "")
		}
		page.Items = append(page.Items, it)
	}
	if err := rows.Err(); err != nil {
		return page, s.wrap(err, spec.what, "")
	}
	if window && len(page.Items) == 0 {
		// No row to carry the total: none at all on the first page,
		// but a page past the end still has its matches counted.
		page.Total = 0
		if off := p.Offset(); p.Page > 0 && off > 0 {
			if err := s.count(ctx, spec, p, &page.Total); err != nil {
				return page, err
			}
		}
	}
	cut(&page, p, keyOf)
	return page, nil
}

// count sets *total to the number of spec's matches when p.Total is set.
func (s *Store) count(ctx context.Context, spec listSpec, p userkit.PageRequest, total *int) error {
	if !p.Total {
		return nil
	}
	q, args := "SELECT count(*) FROM "+spec.from+whereClause(spec.where), append(append([]any(nil), spec.lead...), spec.args...)
	if spec.count != "" {
		q, args = spec.count, spec.countArgs
	}
	if err := s.queryRow(ctx, q, args...).Scan(total); err != nil {
		return s.wrap(err, spec.what, "")
	}
	return nil
}

// pageQuery is the statement of spec's page p (normalized): its Limit+1
// rows after the cursor, or from the numbered page's offset.
func pageQuery(spec listSpec, p userkit.PageRequest) (string, []any) {
	where := spec.where
	args := append(append([]any(nil), spec.lead...), spec.args...)
	order, cmp := " ASC", " > ?"
	if spec.desc {
		order, cmp = " DESC", " < ?"
	}
	if p.Page == 0 && spec.after != nil {
		where = append(where[:len(where):len(where)], spec.key+cmp)
		args = append(args, spec.after)
	}
	// LIMIT and OFFSET are parameters, so that every page of a list is
	// one prepared statement.
	q := "SELECT " + spec.cols + " FROM " + spec.from + whereClause(where) +
		" ORDER BY " + spec.key + order + " LIMIT ?"
	args = append(args, int64(p.Limit+1))
	if off := p.Offset(); p.Page > 0 && off > 0 {
		q += " OFFSET ?"
		args = append(args, int64(off))
	}
	return q, args
}

// cut drops the extra row a page query reads past p.Limit, and sets Next
// from the last row kept when there was one.
func cut[T any](page *userkit.Page[T], p userkit.PageRequest, keyOf func(T) string) {
	if len(page.Items) > p.Limit {
		page.Items = page.Items[:p.Limit]
		page.Next = keyOf(page.Items[p.Limit-1])
	}
}

// collect runs a query and scans every row.
func collect[T any](ctx context.Context, s *Store, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, s.wrap(err, what, "")
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		it, err := scan(rows)
		if err != nil {
			return nil, s.wrap(err, what, "")
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, what, "")
	}
	return out, nil
}

func whereClause(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}
