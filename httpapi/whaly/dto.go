package whaly

import (
	"time"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/portals"
)

// userDTO is the seed's PartnerPortalUserDto.
type userDTO struct {
	ID           string `json:"id"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
	Email        string `json:"email"`
	LastLoggedAt string `json:"last_logged_at"` // RFC 3339 UTC; "" before the first login
}

// toUser renders a member. The document requires last_logged_at as a
// string (not nullable), so a member who never logged in reads "" (see
// the package documentation).
func toUser(m portals.Member) userDTO {
	out := userDTO{ID: m.User.ID.String(), FirstName: m.User.FirstName, LastName: m.User.LastName, Email: m.User.Email}
	if m.LastLoginAt != nil {
		out.LastLoggedAt = m.LastLoginAt.UTC().Format(time.RFC3339)
	}
	return out
}

// listDTO is the seed's PaginatedListWrapper with its data.
type listDTO struct {
	Data   []userDTO `json:"data"`
	Paging pagingDTO `json:"paging"`
}

type pagingDTO struct {
	Next nextDTO `json:"next"`
}

// nextDTO holds the cursor of the next page. The document requires
// "after", so the last page has "after": "" (see the package
// documentation).
type nextDTO struct {
	After string `json:"after"`
}

// deleteDTO is the seed's PartnerPortalUserDeleteResultDto (camelCase
// isDeleted, as documented).
type deleteDTO struct {
	ID        string `json:"id"`
	IsDeleted bool   `json:"isDeleted"`
}

// createDTO is the seed's CreatePartnerPortalUserDto: the only fields a
// client may set. Roles is a pointer-free slice: nil means absent.
type createDTO struct {
	FirstName  string         `json:"first_name"`
	LastName   string         `json:"last_name"`
	Email      string         `json:"email"`
	Password   string         `json:"password"`
	Roles      []string       `json:"roles"`
	Locale     string         `json:"locale"`
	Attributes []attributeDTO `json:"attributes"`
}

type attributeDTO struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// params checks what the service cannot (presence of the required fields,
// the form of the ids) and converts the body. Problems are keyed by the
// service's field names (rendered as wire names by writeError), so that
// the service knows which of its own problems they make moot ("roles[0]
// is not a UUID" rather than also "roles is required").
func (d createDTO) params() (portals.AddUserParams, map[string]userkit.Problem) {
	problems := map[string]userkit.Problem{}
	for _, f := range []struct{ name, value string }{
		{"FirstName", d.FirstName}, {"LastName", d.LastName}, {"Email", d.Email},
	} {
		if isBlank(f.value) {
			problems[f.name] = userkit.Problem{Rule: userkit.RuleRequired}
		}
	}
	p := portals.AddUserParams{
		Email: d.Email, FirstName: d.FirstName, LastName: d.LastName, Password: d.Password, Locale: d.Locale,
	}
	if d.Roles == nil {
		problems["RoleIDs"] = userkit.Problem{Rule: userkit.RuleRequired}
	}
	for i, s := range d.Roles {
		id, err := parseBodyID(s)
		if err != nil {
			problems[index("RoleIDs", i)] = userkit.Problem{Rule: userkit.RuleInvalid, Param: "a UUID"}
			continue
		}
		p.RoleIDs = append(p.RoleIDs, id)
	}
	for i, a := range d.Attributes {
		id, err := parseBodyID(a.ID)
		if err != nil {
			problems[index("Attributes", i)+".ID"] = userkit.Problem{Rule: userkit.RuleInvalid, Param: "a UUID"}
			continue
		}
		p.Attributes = append(p.Attributes, portals.AttributeInput{ID: id, Value: a.Value})
	}
	return p, problems
}

func isBlank(s string) bool {
	for _, c := range s {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}
