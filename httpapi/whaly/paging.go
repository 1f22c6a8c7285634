package whaly

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/portals"
)

// Paging limits: the seed documents neither.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// parsePage reads limit and after. limit must be a whole number from 1
// and is capped at maxLimit; after must be a cursor this API returned.
func parsePage(r *http.Request) (userkit.PageRequest, error) {
	limit, err := core.QueryInt(r, "limit", defaultLimit, core.Range{Min: 1})
	if err != nil {
		return userkit.PageRequest{}, err
	}
	p := userkit.PageRequest{Limit: min(limit, maxLimit)}
	if s := r.URL.Query().Get("after"); s != "" {
		after, ok := core.DecodeCursor(s)
		if id, err := uuid.Parse(after); !ok || err != nil || id.String() != after {
			return p, errBadCursor
		}
		p.After = after
	}
	return p, nil
}

// errBadCursor answers an after that is not a membership cursor.
var errBadCursor = core.Malformed(userkit.FieldError("after", userkit.Problem{Rule: userkit.RuleCursor}))

// listBody renders one page in Whaly's cursor envelope; the last page has
// no "after".
func listBody(pg userkit.Page[portals.Member]) listDTO {
	out := listDTO{Data: make([]userDTO, len(pg.Items))}
	for i, m := range pg.Items {
		out.Data[i] = toUser(m)
	}
	if pg.Next != "" {
		out.Paging.Next.After = core.EncodeCursor(pg.Next)
	}
	return out
}
