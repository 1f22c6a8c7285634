package partners

import (
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// Partner is a tenant: a customer organisation whose users are managed
// together.
type Partner struct {
	ID        uuid.UUID
	Num       int64 // store-assigned integer id, for APIs that use numbers
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64 // compare-and-set token for UpdateParams.Version
}

// Team is a group of a partner's users. Every partner has one default team,
// "<partner name> All users", that every member joins.
type Team struct {
	ID        uuid.UUID
	Num       int64 // store-assigned integer id, for APIs that use numbers
	PartnerID uuid.UUID
	Name      string
	Default   bool // the partner's "<name> All users" team
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64 // compare-and-set token for TeamUpdateParams.Version
}

// CreateParams describes a new partner.
type CreateParams struct {
	Name string `validate:"required,max=200,text"`
}

// UpdateParams is a partial update of a partner; nil fields stay as they
// are. Version, when set, makes the update compare-and-set
// (PreconditionFailed when stale).
type UpdateParams struct {
	Name    *string
	Version *int64
}

// TeamParams describes a new team.
type TeamParams struct {
	Name string `validate:"required,max=200,text"`
}

// TeamUpdateParams is a partial update of a team, like UpdateParams.
type TeamUpdateParams struct {
	Name    *string
	Version *int64
}

// ListUsersParams filters and pages ListUsers; the embedded PageRequest
// pages the result.
type ListUsersParams struct {
	// Search matches a case-insensitive substring of first name, last name
	// or email.
	Search string
	userkit.PageRequest
}

// DefaultTeamName is the name of a partner's default team.
func DefaultTeamName(partnerName string) string { return partnerName + " All users" }

func partnerFrom(r storage.PartnerRecord) Partner {
	return Partner{ID: r.ID, Num: r.Num, Name: r.Name, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
}

func teamFrom(r storage.TeamRecord) Team {
	return Team{ID: r.ID, Num: r.Num, PartnerID: r.PartnerID, Name: r.Name, Default: r.Default,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
}
