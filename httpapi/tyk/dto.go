package tyk

import (
	"time"

	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/users"
)

// Time formats of the portal: minutes without a zone, and bare dates.
const (
	timeLayout = "2006-01-02 15:04"
	dateLayout = "2006-01-02"
)

func wireTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// The portal's user roles (users.TykRoles). A portal administrator
// (super-admin, provider-admin) is a user holding the grant "*" on
// everything; the role shown is users.ShowRole(users.Tyk, …).
const (
	RoleSuperAdmin         = users.RoleSuperAdmin
	RoleProviderAdmin      = users.RoleProviderAdmin
	RoleConsumerAdmin      = users.RoleConsumerAdmin
	RoleConsumerTeamMember = users.RoleConsumerTeamMember
)

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

// toUserIndexElem renders a user of a list: OrganisationID is the
// organisation shown (0 for none, and always 0 for admins).
func toUserIndexElem(v partners.PortalUser) userIndexElem {
	var orgNum int64
	if v.Organisation != nil && !v.Admin {
		orgNum = v.Organisation.Num
	}
	return userIndexElem{
		ID: v.Num, Active: v.Status == users.StatusActive,
		Email: v.Email, First: v.FirstName, Last: v.LastName,
		OrganisationID: orgNum, Role: v.Role, Provider: v.Provider,
	}
}

// toUserShow renders one user; token is the user's API token ("" when
// not shown).
func toUserShow(v partners.PortalUser, token string) userShow {
	issued := v.CreatedAt
	if v.APITokenCreatedAt != nil {
		issued = *v.APITokenCreatedAt
	}
	s := userShow{
		Active: v.Status == users.StatusActive,
		Email:  v.Email, First: v.FirstName, Last: v.LastName,
		Role: v.Role, Provider: v.Provider,
		JWTToken:          token,
		APITokenCreatedAt: issued.UTC().Format(dateLayout),
		ResetPassword:     v.MustResetPassword,
		Teams:             make([]string, len(v.Teams)),
		ID:                v.Num,
		CreatedAt:         wireTime(v.CreatedAt),
		UpdatedAt:         wireTime(v.UpdatedAt),
	}
	for i, t := range v.Teams {
		s.Teams[i] = t.Name
	}
	if v.Organisation != nil && !v.Admin {
		s.OrganisationID, s.Organisation = v.Organisation.Num, v.Organisation.Name
	}
	return s
}

// params turns a create body into service params. An empty Role means
// consumer-team-member, the role of self-registered users.
func (in userCreate) params() partners.PortalUserParams {
	role := in.Role
	if role == "" {
		role = RoleConsumerTeamMember
	}
	return partners.PortalUserParams{
		CreateParams: users.CreateParams{
			Email: in.Email, FirstName: in.First, LastName: in.Last,
			Password: in.Password, Status: status(in.Active),
			Role: role, Provider: in.Provider, MustResetPassword: in.ResetPassword,
			Vocabulary: users.Tyk,
		},
		OrganisationNum: in.OrganisationID,
	}
}

func status(active bool) users.Status {
	if active {
		return users.StatusActive
	}
	return users.StatusSuspended
}

// params turns an update body into service params. Teams are team IDs
// (as strings), or team names as User-show lists them.
func (in userUpdate) params() partners.PortalUserUpdate {
	p := partners.PortalUserUpdate{
		Profile: users.UpdateParams{
			Email: in.Email, FirstName: in.First, LastName: in.Last,
			Role: in.Role, Provider: in.Provider, MustResetPassword: in.ResetPassword,
			Vocabulary: users.Tyk,
		},
		Active:          in.Active,
		OrganisationNum: in.OrganisationID,
	}
	if in.Teams != nil {
		refs := make([]partners.TeamRef, len(*in.Teams))
		for i, s := range *in.Teams {
			n, _ := parseTeamID(s)
			refs[i] = partners.TeamRef{Num: n, Name: s}
		}
		p.Teams = &refs
	}
	return p
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
