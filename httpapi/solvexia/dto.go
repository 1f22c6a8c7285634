package solvexia

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/users"
)

// Wire formats of dates and times.
const (
	// lastSignInLayout is .NET's round-trip format without a zone, as in
	// the seed's "2011-03-14T14:56:00.0000000"; times are UTC.
	lastSignInLayout = "2006-01-02T15:04:05.0000000"
	// dateOfBirthLayout is the documented dd/MM/yyyy.
	dateOfBirthLayout = "02/01/2006"
	// minBirthYear bounds dateOfBirth from below: earlier dates are typing
	// mistakes, and some SQL date types cannot hold them.
	minBirthYear = 1900
)

// userListItem is Solvexia's "User List Item".
type userListItem struct {
	ID        string `json:"id"`
	LoginName string `json:"loginName"`
}

// userDTO is Solvexia's "User", with the seed's keys in the seed's order.
// The fields the document only ever shows as strings are strings; the
// others (city … phoneNumberMobile) are null when unset, as documented.
type userDTO struct {
	ID                string  `json:"id"`
	FirstName         string  `json:"firstName"`
	LastName          string  `json:"lastName"`
	LoginName         string  `json:"loginName"`
	Email             string  `json:"email"`
	AccountStatus     string  `json:"accountStatus"`
	City              *string `json:"city"`
	Country           *string `json:"country"`
	DateOfBirth       *string `json:"dateOfBirth"`
	Department        *string `json:"department"`
	LastSignInDate    *string `json:"lastSignInDate"`
	PhoneNumberLand   *string `json:"phoneNumberLand"`
	PhoneNumberMobile *string `json:"phoneNumberMobile"`
	Timezone          *string `json:"timezone"`
	UserRole          string  `json:"userRole"`
}

// nullable is s, or nil (JSON null) when s is empty.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// formatTime renders t with layout in UTC, or nil when t is nil.
func formatTime(t *time.Time, layout string) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(layout)
	return &s
}

func toListItem(u users.User) userListItem {
	return userListItem{ID: formatUserID(u.Num), LoginName: u.LoginName}
}

// toUser renders a user. Role and timezone are shown in Solvexia's
// vocabulary (users.ShowRole, users.ShowTimezone), whatever another API
// stored, so that posting back the user just read changes nothing.
func toUser(u users.User) userDTO {
	tz := users.ShowTimezone(users.Solvexia, u.Timezone)
	return userDTO{
		ID:                formatUserID(u.Num),
		FirstName:         u.FirstName,
		LastName:          u.LastName,
		LoginName:         u.LoginName,
		Email:             u.Email,
		AccountStatus:     statusToWire[u.Status],
		City:              nullable(u.City),
		Country:           nullable(u.Country),
		DateOfBirth:       formatTime(u.DateOfBirth, dateOfBirthLayout),
		Department:        nullable(u.Department),
		LastSignInDate:    formatTime(u.LastLoginAt, lastSignInLayout),
		PhoneNumberLand:   nullable(u.PhoneLand),
		PhoneNumberMobile: nullable(u.PhoneMobile),
		Timezone:          nullable(tz),
		UserRole:          users.ShowRole(users.Solvexia, u.Role, false),
	}
}

// createUserRequest is the body of POST /users: exactly the documented,
// client-settable fields, all required.
type createUserRequest struct {
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Password  string `json:"password"`
	UserRole  string `json:"userRole"`
	Timezone  string `json:"timezone"`
}

// params returns the service's params in the Solvexia vocabulary. What
// only Solvexia requires (presence of every field, its enums, matched
// case-insensitively) goes with them as the input's problems, which the
// service reports after checking the caller's rights, with its own
// (formats, lengths, the password policy). Problems are keyed by wire
// name.
func (c createUserRequest) params() users.CreateParams {
	fields := map[string]userkit.Problem{}
	for name, v := range map[string]string{
		"email": c.Email, "firstName": c.FirstName, "lastName": c.LastName,
		"password": c.Password, "userRole": c.UserRole, "timezone": c.Timezone,
	} {
		if strings.TrimSpace(v) == "" {
			fields[name] = userkit.Problem{Rule: userkit.RuleRequired}
		}
	}
	role := enumField(fields, "userRole", userRoles, c.UserRole)
	tz := enumField(fields, "timezone", timezoneEnum, c.Timezone)
	return users.CreateParams{
		Email: c.Email, FirstName: c.FirstName, LastName: c.LastName,
		Password: c.Password, Role: role, Timezone: tz,
		Vocabulary: users.Solvexia, Problems: problemsOrNil(fields),
	}
}

func problemsOrNil(fields map[string]userkit.Problem) map[string]userkit.Problem {
	if len(fields) == 0 {
		return nil
	}
	return fields
}

// enumField parses v as a value of e into fields' problems; an empty v is
// left to the required check.
func enumField(fields map[string]userkit.Problem, name string, e enum, v string) string {
	if v == "" {
		return ""
	}
	out, ok := e.parse(v)
	if !ok {
		fields[name] = e.problem
	}
	return out
}

// nullString is an update field that tells absent, null and a string
// apart: absent leaves the stored value, null clears it.
type nullString struct {
	Set   bool // present in the body
	Null  bool // present as null
	Value string
}

// UnmarshalJSON records that the field was present. A non-string is the
// same *json.UnmarshalTypeError the decoder returns for plain strings, so
// the error names the field.
func (n *nullString) UnmarshalJSON(b []byte) error {
	*n = nullString{Set: true} // a repeated key replaces the earlier value
	if string(b) == "null" {
		n.Null = true
		return nil
	}
	if err := json.Unmarshal(b, &n.Value); err != nil {
		return &json.UnmarshalTypeError{Value: "non-string", Type: reflect.TypeFor[string]()}
	}
	return nil
}

// updateUserRequest is the body of POST /users/{userId}: the documented
// updatable fields only.
type updateUserRequest struct {
	FirstName         nullString `json:"firstName"`
	LastName          nullString `json:"lastName"`
	Email             nullString `json:"email"`
	AccountStatus     nullString `json:"accountStatus"`
	City              nullString `json:"city"`
	Country           nullString `json:"country"`
	DateOfBirth       nullString `json:"dateOfBirth"`
	Department        nullString `json:"department"`
	PhoneNumberLand   nullString `json:"phoneNumberLand"`
	PhoneNumberMobile nullString `json:"phoneNumberMobile"`
	Timezone          nullString `json:"timezone"`
	UserRole          nullString `json:"userRole"`
}

// params returns the service's partial update in the Solvexia
// vocabulary. Optional text fields are cleared by null (or ""); the fields
// a user must have (names, email, status, timezone, role) refuse null.
// Values that do not decode go with the update as its problems (keyed by
// wire name), reported after the caller's rights are checked.
func (u updateUserRequest) params() users.UpdateParams {
	p := users.UpdateParams{Vocabulary: users.Solvexia}
	fields := map[string]userkit.Problem{}
	required := func(name string, f nullString) *string {
		switch {
		case !f.Set:
			return nil
		case f.Null:
			fields[name] = userkit.Problem{Rule: userkit.RuleNull}
			return nil
		}
		v := f.Value
		return &v
	}
	optional := func(f nullString) *string {
		if !f.Set {
			return nil
		}
		v := f.Value // "" for null: the services' "unset"
		return &v
	}
	requiredEnum := func(name string, e enum, f nullString) *string {
		v := required(name, f)
		if v == nil {
			return nil
		}
		out, ok := e.parse(*v)
		if !ok {
			fields[name] = e.problem
			return nil
		}
		return &out
	}

	p.FirstName = required("firstName", u.FirstName)
	p.LastName = required("lastName", u.LastName)
	p.Email = required("email", u.Email)
	if s := requiredEnum("accountStatus", accountStatuses, u.AccountStatus); s != nil {
		st := statusFromWire[*s]
		p.Status = &st
	}
	p.City = optional(u.City)
	p.Country = optional(u.Country)
	p.Department = optional(u.Department)
	p.PhoneLand = optional(u.PhoneNumberLand)
	p.PhoneMobile = optional(u.PhoneNumberMobile)
	p.Timezone = requiredEnum("timezone", timezoneEnum, u.Timezone)
	p.Role = requiredEnum("userRole", userRoles, u.UserRole)
	if u.DateOfBirth.Set {
		var dob *time.Time
		if v := u.DateOfBirth.Value; !u.DateOfBirth.Null && v != "" {
			t, err := time.Parse(dateOfBirthLayout, v)
			switch {
			case err != nil:
				fields["dateOfBirth"] = userkit.Problem{Rule: userkit.RuleInvalid, Param: "a date in the form dd/MM/yyyy"}
			case t.Year() < minBirthYear:
				fields["dateOfBirth"] = userkit.Problem{Rule: userkit.RuleInvalid, Param: "01/01/1900 or later"}
			default:
				dob = &t
			}
		}
		p.DateOfBirth = &dob
	}
	p.Problems = problemsOrNil(fields)
	return p
}

// permissionDTO is Solvexia's "Permission".
type permissionDTO struct {
	ResourceID   string `json:"resourceId"`
	ResourceName string `json:"resourceName"`
	Role         string `json:"role"`
}

func toPermission(r permissions.ResourceRole) permissionDTO {
	return permissionDTO{ResourceID: r.ResourceID, ResourceName: r.ResourceName, Role: string(r.Role)}
}

// addPermissionRequest is the body of POST /users/{userId}/permissions.
type addPermissionRequest struct {
	ResourceID string `json:"resourceId"`
	Role       string `json:"role"`
}

// setPermissionRequest is the body of POST
// /users/{userId}/permissions/{resourceId}.
type setPermissionRequest struct {
	Role string `json:"role"`
}

// permissionRole is the documented spelling of a permission role matched
// case-insensitively, or role as it came: the service refuses an empty or
// unknown one after checking the caller's rights.
func permissionRole(role string) permissions.Role {
	if v, ok := permissionRoles.parse(role); ok {
		return permissions.Role(v)
	}
	return permissions.Role(role)
}
