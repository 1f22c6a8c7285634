package admin

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/core"
)

// Paging is Whaly's cursor model: `limit` (default 20, at most 100) and
// `after`, an opaque cursor from the previous page's paging.next.after.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// list is the envelope of every collection.
type list[T any] struct {
	Data   []T    `json:"data"`
	Paging paging `json:"paging"`
}

type paging struct {
	Next next `json:"next"`
}

// next.After is omitted on the last page: "next": {}.
type next struct {
	After string `json:"after,omitempty"`
}

// pageRequest reads limit and after. Problems make the request unreadable
// (400), with the parameter named in errors.
func pageRequest(r *http.Request) (userkit.PageRequest, error) {
	limit, err := core.QueryInt(r, "limit", defaultLimit, core.Range{Min: 1, Max: maxLimit})
	if err != nil {
		return userkit.PageRequest{}, queryError("limit", userkit.Problem{Rule: userkit.RuleInvalid, Param: "an integer from 1 to " + strconv.Itoa(maxLimit)})
	}
	pr := userkit.PageRequest{Limit: limit}
	if s := r.URL.Query().Get("after"); s != "" {
		after, ok := core.DecodeCursor(s)
		if !ok {
			return pr, errBadCursor
		}
		pr.After = after
	}
	return pr, nil
}

var errBadCursor = queryError("after", userkit.Problem{Rule: userkit.RuleCursor})

// listOf renders a page. A cursor the store could not read is the
// client's unreadable request, not a validation failure.
func listOf[T, U any](p userkit.Page[T], err error, f func(T) U) (list[U], error) {
	if err != nil {
		if _, ok := userkit.FieldsOf(err)["After"]; ok && userkit.KindOf(err) == userkit.Invalid {
			return list[U]{}, errBadCursor
		}
		return list[U]{}, err
	}
	out := userkit.MapPage(p, f)
	return list[U]{Data: out.Items, Paging: paging{Next: next{After: core.EncodeCursor(out.Next)}}}, nil
}

// pageOf pages a short list a service returns whole (teams, roles,
// attributes, keys, grants) the same way, keyed by id: ids are UUIDv7, so
// their order is creation order, and a cursor stays valid when items before
// it are deleted.
func pageOf[T any](items []T, id func(T) string, pr userkit.PageRequest) userkit.Page[T] {
	items = slices.Clone(items)
	slices.SortFunc(items, func(a, b T) int { return strings.Compare(id(a), id(b)) })
	start := 0
	if pr.After != "" {
		start, _ = slices.BinarySearchFunc(items, pr.After, func(it T, after string) int {
			if id(it) <= after {
				return -1
			}
			return 1
		})
	}
	end := min(start+pr.Limit, len(items))
	out := userkit.Page[T]{Items: items[start:end], Total: -1}
	if out.Items == nil {
		out.Items = []T{}
	}
	if end < len(items) && end > start {
		out.Next = id(items[end-1])
	}
	return out
}
