package venuzle

import (
	"strconv"

	"github.com/userkit/userkit"
)

// parseNum reads an integer path id (partners.Partner.Num or
// users.User.Num). Anything that is not a positive integer names no model,
// so it is the same 404 as an unknown id.
func parseNum(raw, model string) (int64, error) {
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 1 {
		return 0, notFound(model, raw)
	}
	return n, nil
}

// notFound is Laravel's ModelNotFoundException message, e.g.
// "No query results for model [User] 7".
func notFound(model, raw string) error {
	if r := []rune(raw); len(r) > 24 {
		raw = string(r[:24]) + "…"
	}
	return userkit.Errorf(userkit.NotFound, "No query results for model [%s] %s", model, raw)
}
