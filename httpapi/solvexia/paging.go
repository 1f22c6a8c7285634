package solvexia

import (
	"context"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/users"
)

// listPageSize is the page size allUsers asks for: the largest the
// service allows.
const listPageSize = userkit.MaxLimit

// allUsers returns every user. Solvexia's list has no paging, so the
// handler walks the service's keyset pages of size limit and answers one
// array. Each page is a separate, permission-checked List call.
func allUsers(ctx context.Context, us httpapi.UserService, limit int) ([]users.User, error) {
	var (
		out   []users.User
		after string
	)
	for {
		page, err := us.List(ctx, users.ListParams{PageRequest: userkit.PageRequest{Limit: limit, After: after}})
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.Next == "" || page.Next == after {
			return out, nil
		}
		after = page.Next
	}
}
