package solvexia

import (
	"strings"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/users"
)

// enum is one of Solvexia's string enums. Input is matched
// case-insensitively (as the .NET enum converters behind the real API do)
// and always written back in the documented spelling.
type enum struct {
	byFold  map[string]string
	problem userkit.Problem // what is wrong with a value outside the enum
}

func newEnum(problem userkit.Problem, values ...string) enum {
	e := enum{byFold: make(map[string]string, len(values)), problem: problem}
	for _, v := range values {
		e.byFold[fold(v)] = v
	}
	return e
}

// fold is the form enum values are compared in.
func fold(s string) string { return strings.ToLower(s) }

// parse returns the documented spelling of s, or false when s is not in
// the enum.
func (e enum) parse(s string) (string, bool) {
	v, ok := e.byFold[fold(s)]
	return v, ok
}

// has reports whether a stored value is exactly one of the enum's values.
func (e enum) has(s string) bool {
	v, ok := e.byFold[fold(s)]
	return ok && v == s
}

// The user roles (users_schemas.md "User Roles"). They are stored verbatim
// in users.User.Role, a field other APIs use with their own role names.
const (
	roleSubscriber  = "Subscriber"
	roleDesigner    = "Designer"
	roleClientAdmin = "ClientAdmin"
	roleSVXAdmin    = "SVXAdmin"
)

var (
	userRoles = newEnum(oneOf(roleSubscriber, roleDesigner, roleClientAdmin, roleSVXAdmin),
		roleSubscriber, roleDesigner, roleClientAdmin, roleSVXAdmin)
	timezoneEnum = newEnum(userkit.Problem{Rule: userkit.RuleInvalid, Param: `one of the documented TimeZone names, e.g. "(UTC+10:00) Canberra, Melbourne, Sydney"`},
		timezones[:]...)
	accountStatuses = newEnum(oneOf("Active", "Suspended", "Locked"),
		"Active", "Suspended", "Locked")
	permissionRoles = newEnum(oneOf(string(permissions.RoleOwner), string(permissions.RoleEditor), string(permissions.RoleExecutor), string(permissions.RoleReader)),
		string(permissions.RoleOwner), string(permissions.RoleEditor),
		string(permissions.RoleExecutor), string(permissions.RoleReader))
)

// statusToWire and statusFromWire translate users.Status and Solvexia's
// AccountStatus.
var (
	statusToWire = map[users.Status]string{
		users.StatusActive:    "Active",
		users.StatusSuspended: "Suspended",
		users.StatusLocked:    "Locked",
	}
	statusFromWire = map[string]users.Status{
		"Active":    users.StatusActive,
		"Suspended": users.StatusSuspended,
		"Locked":    users.StatusLocked,
	}
)

// oneOf is the problem of a value outside values.
func oneOf(values ...string) userkit.Problem {
	return userkit.Problem{Rule: userkit.RuleOneOf, Param: strings.Join(values, " ")}
}
