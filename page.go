package userkit

// DefaultLimit is the page size used when PageRequest.Limit is zero.
const DefaultLimit = 20

// MaxLimit caps PageRequest.Limit so that a client cannot ask for an
// unbounded page.
const MaxLimit = 1000

// PageRequest is the one paging model. Keyset paging (After) is the default:
// it costs the same on page 1 and page 10,000. Numbered paging (Page, from 1)
// serves the APIs that expose page numbers; when Page > 0, After is ignored.
// Total asks for the total count of matching items, which costs a count
// query, so it is computed only when asked for.
//
// To walk every item, pass each page's Next as the following request's
// After until Next is "":
//
//	req := userkit.PageRequest{Limit: 100}
//	for {
//		page, err := partnerService.List(ctx, req) // *partners.Service
//		if err != nil { ... }
//		// use page.Items
//		if page.Next == "" {
//			break
//		}
//		req.After = page.Next
//	}
type PageRequest struct {
	Limit int    // items per page; 0 means DefaultLimit, more than MaxLimit means MaxLimit
	After string // the Next of the previous page; "" starts at the beginning
	Page  int    // 1-based page number for numbered paging; 0 means keyset paging
	Total bool   // also count every matching item (Page.Total)
}

// Normalize returns r with Limit clamped to [1, MaxLimit] (zero means
// DefaultLimit) and a negative Page treated as zero.
func (r PageRequest) Normalize() PageRequest {
	switch {
	case r.Limit <= 0:
		r.Limit = DefaultLimit
	case r.Limit > MaxLimit:
		r.Limit = MaxLimit
	}
	if r.Page < 0 {
		r.Page = 0
	}
	return r
}

// Offset is the number of items a numbered page skips.
func (r PageRequest) Offset() int {
	if r.Page <= 1 {
		return 0
	}
	return (r.Page - 1) * r.Limit
}

// Page is one page of a list. Items is never nil, so it encodes as [].
// Next is the cursor for the following page, to pass as PageRequest.After
// ("" on the last page). Total is the number of matching items when it was
// asked for, and -1 otherwise.
type Page[T any] struct {
	Items []T
	Next  string
	Total int
}

// MapPage converts the items of a page, keeping its cursor and total.
func MapPage[T, U any](p Page[T], f func(T) U) Page[U] {
	out := Page[U]{Items: make([]U, len(p.Items)), Next: p.Next, Total: p.Total}
	for i, it := range p.Items {
		out.Items[i] = f(it)
	}
	return out
}
