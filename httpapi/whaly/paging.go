package whaly

import (
	"encoding/base64"
	"net/http"
	"strconv"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/portals"
)

// Paging limits: the seed documents neither.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// parsePage reads limit and after. limit must be a positive integer and is
// capped at maxLimit; after must be a cursor this API returned.
func parsePage(r *http.Request) (userkit.PageRequest, error) {
	q := r.URL.Query()
	p := userkit.PageRequest{Limit: defaultLimit}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return p, userkit.FieldError("limit", userkit.Problem{Rule: userkit.RuleInvalid, Param: "a positive integer"})
		}
		p.Limit = min(n, maxLimit)
	}
	if s := q.Get("after"); s != "" {
		after, ok := decodeCursor(s)
		if !ok {
			return p, userkit.FieldError("after", userkit.Problem{Rule: userkit.RuleCursor})
		}
		p.After = after
	}
	return p, nil
}

// encodeCursor makes the opaque cursor of the next page: the service's
// cursor (the last membership's ID) in unpadded base64url.
func encodeCursor(next string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(next))
}

// decodeCursor reverses encodeCursor, accepting only a membership ID.
func decodeCursor(s string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", false
	}
	id, err := uuid.Parse(string(b))
	if err != nil || id.String() != string(b) {
		return "", false
	}
	return string(b), true
}

// listBody renders one page in Whaly's cursor envelope; the last page has
// no "after".
func listBody(pg userkit.Page[portals.Member]) listDTO {
	out := listDTO{Data: make([]userDTO, len(pg.Items))}
	for i, m := range pg.Items {
		out.Data[i] = toUser(m)
	}
	if pg.Next != "" {
		out.Paging.Next.After = encodeCursor(pg.Next)
	}
	return out
}
