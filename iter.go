package userkit

import (
	"context"
	"iter"
)

// All walks a keyset-paged list from the start: it calls list with
// PageRequest{Limit: MaxLimit}, then with each page's Next as After, and
// yields every item in order. An error from list is yielded once, with the
// zero T, and ends the walk; so does ctx ending. Breaking out of the loop
// stops the paging, so no page is read that is not needed.
//
// list is usually a method value with the other arguments bound:
//
//	list := func(ctx context.Context, r userkit.PageRequest) (userkit.Page[users.User], error) {
//		return us.List(ctx, users.ListParams{PartnerID: id, PageRequest: r})
//	}
//	for u, err := range userkit.All(ctx, list) {
//		if err != nil { return err }
//		...
//	}
//
// A list may change the Limit it is given (a smaller page) but must keep
// After. A page whose Next repeats the After it was asked with ends the
// walk, so that a misbehaving list cannot loop for ever.
func All[T any](ctx context.Context, list func(context.Context, PageRequest) (Page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		req := PageRequest{Limit: MaxLimit}
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			page, err := list(ctx, req)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range page.Items {
				if !yield(it, nil) {
					return
				}
			}
			if page.Next == "" || page.Next == req.After {
				return
			}
			req.After = page.Next
		}
	}
}
