package tyk

import (
	"net/http"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/core"
)

// Paging defaults of the portal's list endpoints.
const (
	defaultPerPage = 20
	maxPerPage     = 100
	// maxPage bounds the page number so that the offset cannot overflow
	// (a negative offset would slice out of range).
	maxPage = 1 << 31
)

// paging is a parsed page/per_page/limit query.
type paging struct {
	userkit.PageRequest
	// limit caps the rows returned without changing the offset, as the
	// portal's limit parameter does; 0 means no cap.
	limit int
}

// pagingOf parses page (default 1), per_page (default 20, at most 100:
// larger values are clamped) and limit. Lists are bare arrays, as in the
// portal, so there is no envelope to render.
func pagingOf(r *http.Request) (paging, error) {
	page, err := core.QueryInt(r, "page", 1, core.Range{Min: 1, Max: maxPage})
	if err != nil {
		return paging{}, err
	}
	per, err := core.QueryInt(r, "per_page", defaultPerPage, core.Range{Min: 1})
	if err != nil {
		return paging{}, err
	}
	limit, err := core.QueryInt(r, "limit", 0, core.Range{Min: 1})
	if err != nil {
		return paging{}, err
	}
	return paging{PageRequest: userkit.PageRequest{Page: page, Limit: min(per, maxPerPage)}, limit: limit}, nil
}

// capped applies limit to a page's items.
func capped[T any](p paging, items []T) []T {
	if p.limit > 0 && len(items) > p.limit {
		return items[:p.limit]
	}
	return items
}

// pageOf returns the slice of items a numbered page shows, for lists the
// services return whole (an organisation's teams).
func pageOf[T any](p paging, items []T) []T {
	off := p.Offset()
	if off >= len(items) {
		return []T{}
	}
	return capped(p, items[off:min(off+p.Limit, len(items))])
}
