package venuzle

import (
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/users"
)

// userDTO is the seed's user resource.
type userDTO struct {
	ID        int64  `json:"id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
}

func toUser(u users.User) userDTO {
	return userDTO{ID: u.Num, FirstName: u.FirstName, LastName: u.LastName, Email: u.Email}
}

// dataDTO wraps a single resource (or a plain list) the Laravel way.
type dataDTO[T any] struct {
	Data T `json:"data"`
}

// emptyDTO is the seed's "{}" answer of delete.
type emptyDTO struct{}

// partnerDTO is one entry of the user-partners list.
type partnerDTO struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func toPartner(p partners.Partner) partnerDTO { return partnerDTO{ID: p.Num, Name: p.Name} }

// createDTO holds the only fields a client may set on create. Absent,
// null and blank values are all "missing", as Laravel's TrimStrings and
// ConvertEmptyStringsToNull middleware make them.
type createDTO struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
	Password  string `json:"password"`
}

func (d createDTO) params() users.CreateParams {
	return users.CreateParams{Email: d.Email, FirstName: d.FirstName, LastName: d.LastName, Password: d.Password,
		Problems: d.missing()}
}

// updateDTO holds the only fields a client may set on update; nil leaves a
// field as it is.
type updateDTO struct {
	FirstName               *string `json:"first_name"`
	LastName                *string `json:"last_name"`
	Email                   *string `json:"email"`
	NewPassword             *string `json:"new_password"`
	NewPasswordConfirmation *string `json:"new_password_confirmation"`
}

// params is the service's update: the profile fields, and the new
// password with its confirmation. An empty new_password is no change, as
// Laravel's ConvertEmptyStringsToNull makes it.
func (d updateDTO) params(version *int64) partners.MemberUpdate {
	return partners.MemberUpdate{
		Profile:                 users.UpdateParams{Email: d.Email, FirstName: d.FirstName, LastName: d.LastName, Version: version},
		NewPassword:             deref(d.NewPassword),
		NewPasswordConfirmation: deref(d.NewPasswordConfirmation),
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// listDTO is the Laravel paginated resource collection of the seed.
type listDTO struct {
	Data  []userDTO `json:"data"`
	Meta  metaDTO   `json:"meta"`
	Links linksDTO  `json:"links"`
}

// metaDTO keeps the seed's keys in the seed's order, then the two further
// keys of Laravel's standard meta that clients commonly read. The document
// shows from and to as integers, so an empty page has 0 for both (where
// Laravel has null; see the package documentation).
type metaDTO struct {
	CurrentPage int    `json:"current_page"`
	From        int    `json:"from"`
	To          int    `json:"to"`
	PerPage     int    `json:"per_page"`
	Total       int    `json:"total"`
	LastPage    int    `json:"last_page"`
	Path        string `json:"path"`
}

type linksDTO struct {
	First string  `json:"first"`
	Last  string  `json:"last"`
	Prev  *string `json:"prev"`
	Next  *string `json:"next"`
}
