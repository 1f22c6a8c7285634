package tyk

import (
	"slices"
	"strings"
	"time"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/internal/validate"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/users"
)

// Time formats of the portal: minutes without a zone, and bare dates.
const (
	timeLayout = "2006-01-02 15:04"
	dateLayout = "2006-01-02"
)

func wireTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// The portal's user roles. Admins (super-admin, provider-admin) belong to
// no organisation; consumers belong to one.
const (
	RoleSuperAdmin         = core.RoleSuperAdmin
	RoleProviderAdmin      = core.RoleProviderAdmin
	RoleConsumerAdmin      = "consumer-admin"
	RoleConsumerTeamMember = "consumer-team-member"
)

var roles = []string{RoleSuperAdmin, RoleProviderAdmin, RoleConsumerAdmin, RoleConsumerTeamMember}

// isAdmin reports whether a stored role is a portal administrator's.
func isAdmin(role string) bool { return core.IsPortalAdmin(role) }

// wireRole is the role shown for a stored one. users.User.Role is shared
// with the other APIs, so a value that is not a portal role is shown as
// the least privileged one.
func wireRole(stored string) string {
	if slices.Contains(roles, stored) {
		return stored
	}
	return RoleConsumerTeamMember
}

// checkRole validates a role sent by a client.
func checkRole(role string) error {
	if slices.Contains(roles, role) {
		return nil
	}
	return userkit.FieldError("Role", validate.Problem("oneof", strings.Join(roles, " ")))
}

// userIndexElem is the portal's User-index-elem: a user in a list.
type userIndexElem struct {
	ID             int64  `json:"ID"`
	Active         bool   `json:"Active"`
	Email          string `json:"Email"`
	First          string `json:"First"`
	Last           string `json:"Last"`
	OrganisationID int64  `json:"OrganisationID"`
	Role           string `json:"Role"`
	Provider       string `json:"Provider"`
}

// userShow is the portal's User-show, in the seed's key order.
type userShow struct {
	Active            bool     `json:"Active"`
	Email             string   `json:"Email"`
	First             string   `json:"First"`
	Last              string   `json:"Last"`
	OrganisationID    int64    `json:"OrganisationID"`
	Role              string   `json:"Role"`
	Provider          string   `json:"Provider"`
	JWTToken          string   `json:"JWTToken"`
	APITokenCreatedAt string   `json:"APITokenCreatedAt"`
	Organisation      string   `json:"Organisation"`
	ResetPassword     bool     `json:"ResetPassword"`
	Teams             []string `json:"Teams"`
	ID                int64    `json:"ID"`
	CreatedAt         string   `json:"CreatedAt"`
	UpdatedAt         string   `json:"UpdatedAt"`
}

// userCreate is the portal's User-create plus the undocumented Password
// the portal's demo scripts send. Only these fields are read from a body.
type userCreate struct {
	Active         bool   `json:"Active"`
	Email          string `json:"Email"`
	First          string `json:"First"`
	Last           string `json:"Last"`
	OrganisationID int64  `json:"OrganisationID"`
	Role           string `json:"Role"`
	Provider       string `json:"Provider"`
	ResetPassword  bool   `json:"ResetPassword"`
	Password       string `json:"Password"`
}

// userUpdate is the portal's User-update; absent fields stay as they are.
type userUpdate struct {
	Active         *bool     `json:"Active"`
	Email          *string   `json:"Email"`
	First          *string   `json:"First"`
	Last           *string   `json:"Last"`
	OrganisationID *int64    `json:"OrganisationID"`
	Role           *string   `json:"Role"`
	Provider       *string   `json:"Provider"`
	ResetPassword  *bool     `json:"ResetPassword"`
	Teams          *[]string `json:"Teams"`
}

// organisation is an element of the organisation list.
type organisation struct {
	ID   int64  `json:"ID"`
	Name string `json:"Name"`
}

// organisationShow is the portal's Organisation-show.
type organisationShow struct {
	ID        int64           `json:"ID"`
	Name      string          `json:"Name"`
	CreatedAt string          `json:"CreatedAt"`
	UpdatedAt string          `json:"UpdatedAt"`
	Teams     []teamIndexElem `json:"Teams"`
	Users     []userIndexElem `json:"Users"`
}

// organisationInput is the body of organisation create and update.
type organisationInput struct {
	Name *string `json:"Name"`
}

// teamIndexElem is a team in a list.
type teamIndexElem struct {
	Default bool   `json:"Default"`
	ID      int64  `json:"ID"`
	Name    string `json:"Name"`
}

// teamShow is the portal's Team-show; Users holds "User#<id>" strings.
type teamShow struct {
	ID        int64    `json:"ID"`
	Name      string   `json:"Name"`
	CreatedAt string   `json:"CreatedAt"`
	UpdatedAt string   `json:"UpdatedAt"`
	Users     []string `json:"Users"`
}

// teamInput is the body of team create and update. Users (update only)
// replaces the team's members.
type teamInput struct {
	Name  *string  `json:"Name"`
	Users *[]int64 `json:"Users"`
}

// toUserIndexElem renders a user of a list; orgNum is the user's
// organisation (0 for none, and always 0 for admins).
func toUserIndexElem(u users.User, orgNum int64) userIndexElem {
	if isAdmin(u.Role) {
		orgNum = 0
	}
	return userIndexElem{
		ID: u.Num, Active: u.Status == users.StatusActive,
		Email: u.Email, First: u.FirstName, Last: u.LastName,
		OrganisationID: orgNum, Role: wireRole(u.Role), Provider: u.Provider,
	}
}

// toUserShow renders one user. org is the user's primary partner (nil for
// none), teams the names of the user's teams in it and token the user's
// API token ("" when not shown).
func toUserShow(u users.User, org *partners.Partner, teams []string, token string) userShow {
	issued := u.CreatedAt
	if u.APITokenCreatedAt != nil {
		issued = *u.APITokenCreatedAt
	}
	s := userShow{
		Active: u.Status == users.StatusActive,
		Email:  u.Email, First: u.FirstName, Last: u.LastName,
		Role: wireRole(u.Role), Provider: u.Provider,
		JWTToken:          token,
		APITokenCreatedAt: issued.UTC().Format(dateLayout),
		ResetPassword:     u.MustResetPassword,
		Teams:             teams,
		ID:                u.Num,
		CreatedAt:         wireTime(u.CreatedAt),
		UpdatedAt:         wireTime(u.UpdatedAt),
	}
	if s.Teams == nil {
		s.Teams = []string{}
	}
	if org != nil && !isAdmin(u.Role) {
		s.OrganisationID, s.Organisation = org.Num, org.Name
	}
	return s
}

// createParams turns a create body into service params. An empty Role
// means consumer-team-member, the role of self-registered users.
func (in userCreate) createParams() (users.CreateParams, error) {
	role := in.Role
	if role == "" {
		role = RoleConsumerTeamMember
	}
	if err := checkRole(role); err != nil {
		return users.CreateParams{}, err
	}
	if in.OrganisationID < 0 {
		return users.CreateParams{}, userkit.FieldError("OrganisationID", userkit.Problem{Rule: userkit.RuleInvalid, Param: "0 or the ID of an organisation"})
	}
	if in.OrganisationID != 0 && isAdmin(role) {
		return users.CreateParams{}, userkit.FieldError("OrganisationID", userkit.Problem{Rule: userkit.RuleInvalid, Param: "0 for admin users"})
	}
	return users.CreateParams{
		Email: in.Email, FirstName: in.First, LastName: in.Last,
		Password: in.Password, Status: status(in.Active),
		Role: role, Provider: in.Provider, MustResetPassword: in.ResetPassword,
	}, nil
}

func status(active bool) users.Status {
	if active {
		return users.StatusActive
	}
	return users.StatusSuspended
}

// updateParams turns the User-basis part of an update body into service
// params for u. Active changes the status only when it flips, so a
// locked user stays locked on "Active": false.
func (in userUpdate) updateParams(u users.User) (users.UpdateParams, error) {
	p := users.UpdateParams{
		Email: in.Email, FirstName: in.First, LastName: in.Last,
		Provider: in.Provider, MustResetPassword: in.ResetPassword,
	}
	if in.Role != nil {
		if err := checkRole(*in.Role); err != nil {
			return users.UpdateParams{}, err
		}
		p.Role = in.Role
	}
	if in.Active != nil && *in.Active != (u.Status == users.StatusActive) {
		st := status(*in.Active)
		p.Status = &st
	}
	if in.OrganisationID != nil && *in.OrganisationID < 0 {
		return users.UpdateParams{}, userkit.FieldError("OrganisationID", userkit.Problem{Rule: userkit.RuleInvalid, Param: "0 or the ID of an organisation"})
	}
	return p, nil
}

// mapSlice converts every item; the result is never nil, so it encodes
// as [].
func mapSlice[T, U any](items []T, f func(T) U) []U {
	out := make([]U, len(items))
	for i, it := range items {
		out[i] = f(it)
	}
	return out
}

func toOrganisation(p partners.Partner) organisation { return organisation{ID: p.Num, Name: p.Name} }

func toTeamIndexElem(t partners.Team) teamIndexElem {
	return teamIndexElem{Default: t.Default, ID: t.Num, Name: t.Name}
}

func toTeamShow(t partners.Team, members []users.User) teamShow {
	s := teamShow{ID: t.Num, Name: t.Name, CreatedAt: wireTime(t.CreatedAt), UpdatedAt: wireTime(t.UpdatedAt),
		Users: make([]string, len(members))}
	for i, m := range members {
		s.Users[i] = userRef(m.Num)
	}
	return s
}
