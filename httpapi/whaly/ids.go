package whaly

import (
	"strconv"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
)

// parsePathID reads a portalId or userId: a UUID. Anything else names no
// resource, so it is the same 404 as an unknown id.
func parsePathID(raw, what string) (uuid.UUID, error) {
	id, err := uuid.Parse(raw)
	if err != nil {
		return uuid.Nil, userkit.Errorf(userkit.NotFound, "%s not found", what)
	}
	return id, nil
}

// parseBodyID reads a role or attribute id of a request body: a UUID.
func parseBodyID(raw string) (uuid.UUID, error) {
	return uuid.Parse(raw)
}

// index names the i-th element of a wire field, e.g. "roles[1]".
func index(field string, i int) string {
	return field + "[" + strconv.Itoa(i) + "]"
}
