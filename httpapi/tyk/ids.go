package tyk

import (
	"net/http"
	"strconv"

	"github.com/userkit/userkit"
)

// pathID reads the integer id in the path wildcard name. Users, partners
// and teams are addressed by their store-assigned Num. Anything but a
// positive integer names nothing, so it is NotFound.
func pathID(r *http.Request, name, what string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n < 1 {
		return 0, userkit.Errorf(userkit.NotFound, "%s not found", what)
	}
	return n, nil
}

// parseTeamID reads a team id of User-update's Teams, which the portal
// sends as strings.
func parseTeamID(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// userRef is how Team-show names a member: "User#<id>".
func userRef(num int64) string { return "User#" + strconv.FormatInt(num, 10) }
