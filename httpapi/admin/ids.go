package admin

import (
	"errors"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
)

// errNotFound answers a path id that is not an id at all: no object has it,
// so it is the same 404 as an unknown one.
var errNotFound = userkit.Errorf(userkit.NotFound, "not found")

var errBadID = errors.New("not a canonical UUID")

// parseID accepts the canonical UUID form the API writes (36 characters,
// hyphenated, any case) and refuses the nil UUID, so one object has one id
// on the wire.
func parseID(s string) (uuid.UUID, error) {
	if len(s) != 36 {
		return uuid.Nil, errBadID
	}
	id, err := uuid.Parse(strings.ToLower(s))
	if err != nil || id == uuid.Nil {
		return uuid.Nil, errBadID
	}
	return id, nil
}

// pathID returns the UUID in the path wildcard name; a malformed one is
// NotFound.
func pathID(r *http.Request, name string) (uuid.UUID, error) {
	id, err := parseID(r.PathValue(name))
	if err != nil {
		return uuid.Nil, errNotFound
	}
	return id, nil
}

// queryID returns the optional UUID query parameter name (uuid.Nil when
// absent); a malformed one is an unreadable request.
func queryID(r *http.Request, name string) (uuid.UUID, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return uuid.Nil, nil
	}
	id, err := parseID(s)
	if err != nil {
		return uuid.Nil, queryError(name, userkit.Problem{Rule: userkit.RuleUUID})
	}
	return id, nil
}
