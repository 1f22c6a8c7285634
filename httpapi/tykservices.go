package httpapi

import (
	"context"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/users"
)

// TykPartnerService is the part of PartnerService the Tyk portal API
// calls: one method per route (see partners/portaluser.go and
// partners/orgview.go).
type TykPartnerService interface {
	PortalUsers(ctx context.Context, p userkit.PageRequest) (userkit.Page[partners.PortalUser], error)
	PortalUser(ctx context.Context, num int64) (partners.PortalUser, error)
	CreatePortalUser(ctx context.Context, p partners.PortalUserParams) (partners.PortalUser, error)
	SavePortalUser(ctx context.Context, num int64, p partners.PortalUserUpdate) (partners.PortalUser, error)

	CreateWithTeams(ctx context.Context, p partners.CreateParams) (partners.Partner, []partners.Team, error)
	Show(ctx context.Context, num int64) (partners.OrgView, error)
	UpdateByNum(ctx context.Context, num int64, p partners.UpdateParams) (partners.OrgView, error)
	DeleteByNum(ctx context.Context, num int64) error

	ListTeamsByNum(ctx context.Context, num int64) ([]partners.Team, error)
	CreateTeamByNum(ctx context.Context, num int64, p partners.TeamParams) (partners.Team, error)
	TeamByNums(ctx context.Context, orgNum, teamNum int64) (partners.Team, []users.User, error)
	SaveTeam(ctx context.Context, orgNum, teamNum int64, p partners.TeamSave) (partners.Team, []users.User, error)
	DeleteTeamByNums(ctx context.Context, orgNum, teamNum int64) error
}
