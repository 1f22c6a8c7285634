package solvexia

import (
	"strconv"
	"strings"
)

// userIDPrefix starts every Solvexia user id: "u-11427" is the user whose
// users.User.Num is 11427.
const userIDPrefix = "u-"

// formatUserID returns the wire id of the user with number num.
func formatUserID(num int64) string {
	return userIDPrefix + strconv.FormatInt(num, 10)
}

// parseUserID returns the user number of a wire id. Only the canonical
// form formatUserID writes is accepted ("u-0011427" and "u-+5" are not), so
// every user has exactly one id; anything else names no user and is
// NotFound, as Solvexia answers unknown ids.
func parseUserID(s string) (int64, error) {
	digits, ok := strings.CutPrefix(s, userIDPrefix)
	if !ok {
		return 0, errUserNotFound
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n < 1 || strconv.FormatInt(n, 10) != digits {
		return 0, errUserNotFound
	}
	return n, nil
}
