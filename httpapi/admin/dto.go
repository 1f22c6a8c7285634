package admin

import (
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
)

// The wire objects, in the key order of the object list. Times are
// RFC 3339 in UTC; ids are UUID strings (a resource's id is the caller's).

type partnerDTO struct {
	ID        string    `json:"id"`
	Num       int64     `json:"num"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

func toPartner(p partners.Partner) partnerDTO {
	return partnerDTO{ID: p.ID.String(), Num: p.Num, Name: p.Name,
		CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC(), Version: p.Version}
}

type teamDTO struct {
	ID        string `json:"id"`
	PartnerID string `json:"partner_id"`
	Name      string `json:"name"`
	Default   bool   `json:"default"`
}

func toTeam(t partners.Team) teamDTO {
	return teamDTO{ID: t.ID.String(), PartnerID: t.PartnerID.String(), Name: t.Name, Default: t.Default}
}

type portalDTO struct {
	ID            string  `json:"id"`
	PartnerID     *string `json:"partner_id"` // null: no partner owns the portal
	Name          string  `json:"name"`
	TechnicalName string  `json:"technical_name"`
	DefaultLocale string  `json:"default_locale"`
}

func toPortal(p portals.Portal) portalDTO {
	return portalDTO{ID: p.ID.String(), PartnerID: optionalID(p.PartnerID), Name: p.Name,
		TechnicalName: p.TechnicalName, DefaultLocale: p.DefaultLocale}
}

type roleDTO struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	IsSystem bool   `json:"is_system"`
}

func toRole(r portals.Role) roleDTO {
	return roleDTO{ID: r.ID.String(), Name: r.Name, IsSystem: r.IsSystem}
}

type attributeDTO struct {
	ID                  string `json:"id"`
	Name                string `json:"name"`
	Label               string `json:"label"`
	Type                string `json:"type"`
	AllowMultipleValues bool   `json:"allow_multiple_values"`
}

func toAttribute(a portals.Attribute) attributeDTO {
	return attributeDTO{ID: a.ID.String(), Name: a.Name, Label: a.Label, Type: string(a.Type),
		AllowMultipleValues: a.AllowMultipleValues}
}

type resourceDTO struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

func toResource(r permissions.Resource) resourceDTO {
	return resourceDTO{ID: r.ID, Name: r.Name, Kind: r.Kind}
}

type grantDTO struct {
	ID     string `json:"id"`
	Action string `json:"action"`
	Scope  string `json:"scope"` // "*", "partner:<id>" or "portal:<id>"
}

func toGrant(g permissions.Grant) grantDTO {
	return grantDTO{ID: g.ID.String(), Action: g.Action, Scope: g.Scope.String()}
}

type serviceAccountDTO struct {
	ID     string     `json:"id"`
	Name   string     `json:"name"`
	Grants []grantDTO `json:"grants"`
}

func toServiceAccount(sa permissions.ServiceAccount) serviceAccountDTO {
	grants := make([]grantDTO, len(sa.Grants))
	for i, g := range sa.Grants {
		grants[i] = toGrant(g)
	}
	return serviceAccountDTO{ID: sa.ID.String(), Name: sa.Name, Grants: grants}
}

// keyDTO is a key as listed: it has no field for the secret at all, so no
// code path can put one in a listing.
type keyDTO struct {
	ID        string     `json:"id"`
	Prefix    string     `json:"prefix"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
}

func toKey(k permissions.Key) keyDTO {
	return keyDTO{ID: k.ID.String(), Prefix: k.Prefix, CreatedAt: k.CreatedAt.UTC(), ExpiresAt: utcPtr(k.ExpiresAt)}
}

// createdKeyDTO is the create response, the one place the secret is shown.
type createdKeyDTO struct {
	ID        string     `json:"id"`
	Prefix    string     `json:"prefix"`
	Key       string     `json:"key"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
}

func toCreatedKey(k permissions.Key, secret string) createdKeyDTO {
	l := toKey(k)
	return createdKeyDTO{ID: l.ID, Prefix: l.Prefix, Key: secret, CreatedAt: l.CreatedAt, ExpiresAt: l.ExpiresAt}
}

// tokenDTO is a user's freshly rotated API token.
type tokenDTO struct {
	Token     string    `json:"token"`
	CreatedAt time.Time `json:"created_at"`
}

type principalDTO struct {
	Kind string  `json:"kind"` // "user", "service_account" or "system"
	ID   *string `json:"id"`   // null for the system
}

type eventDTO struct {
	ID         string       `json:"id"`
	Time       time.Time    `json:"time"`
	Principal  principalDTO `json:"principal"`
	Action     string       `json:"action"`
	TargetKind string       `json:"target_kind"`
	TargetID   string       `json:"target_id"`
	PartnerID  *string      `json:"partner_id"`
}

func toEvent(e permissions.Event) eventDTO {
	return eventDTO{
		ID: e.ID.String(), Time: e.Time.UTC(),
		Principal: principalDTO{Kind: string(e.Principal.Kind), ID: optionalID(e.Principal.ID)},
		Action:    e.Action, TargetKind: e.TargetKind, TargetID: e.TargetID, PartnerID: optionalID(e.PartnerID),
	}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// optionalID is nil for uuid.Nil, so that "none" is null on the wire.
func optionalID(id uuid.UUID) *string {
	if id == uuid.Nil {
		return nil
	}
	s := id.String()
	return &s
}

// Request bodies. Each holds only what a client may set (no mass
// assignment); decoding is strict, so any other member is refused.

type partnerCreate struct {
	Name string `json:"name"`
}

type partnerPatch struct {
	Name      optional[string] `json:"name"`
	ID        readOnly         `json:"id"`
	Num       readOnly         `json:"num"`
	CreatedAt readOnly         `json:"created_at"`
	UpdatedAt readOnly         `json:"updated_at"`
	Version   readOnly         `json:"version"`
}

type teamCreate struct {
	Name string `json:"name"`
}

type teamPatch struct {
	Name      optional[string] `json:"name"`
	ID        readOnly         `json:"id"`
	PartnerID readOnly         `json:"partner_id"`
	Default   readOnly         `json:"default"`
}

type portalCreate struct {
	PartnerID     *string `json:"partner_id"` // absent or null: no owning partner
	Name          string  `json:"name"`
	TechnicalName string  `json:"technical_name"`
	DefaultLocale string  `json:"default_locale"` // "" means en_US
}

type portalPatch struct {
	Name          optional[string] `json:"name"`
	TechnicalName optional[string] `json:"technical_name"`
	DefaultLocale optional[string] `json:"default_locale"` // null resets to en_US
	ID            readOnly         `json:"id"`
	PartnerID     readOnly         `json:"partner_id"`
}

type roleCreate struct {
	Name     string `json:"name"`
	IsSystem bool   `json:"is_system"`
}

type rolePatch struct {
	Name     optional[string] `json:"name"`
	ID       readOnly         `json:"id"`
	IsSystem readOnly         `json:"is_system"`
}

type attributeCreate struct {
	Name                string `json:"name"`
	Label               string `json:"label"`
	Type                string `json:"type"`
	AllowMultipleValues bool   `json:"allow_multiple_values"`
}

type attributePatch struct {
	Name                optional[string] `json:"name"`
	Label               optional[string] `json:"label"` // null clears it (the name is shown)
	AllowMultipleValues optional[bool]   `json:"allow_multiple_values"`
	ID                  readOnly         `json:"id"`
	Type                readOnly         `json:"type"`
}

type resourceCreate struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

type resourcePatch struct {
	Name optional[string] `json:"name"`
	Kind optional[string] `json:"kind"` // null clears it
	ID   readOnly         `json:"id"`
}

type grantCreate struct {
	Action string `json:"action"`
	Scope  string `json:"scope"`
}

type serviceAccountCreate struct {
	Name   string        `json:"name"`
	Grants []grantCreate `json:"grants"`
}

type serviceAccountPatch struct {
	Name   optional[string] `json:"name"`
	ID     readOnly         `json:"id"`
	Grants readOnly         `json:"grants"` // managed through /grants
}

type keyCreate struct {
	ExpiresAt *string `json:"expires_at"` // RFC 3339; absent or null: never
}

// From request bodies to service params. Patches refuse read-only members
// first; a null where clearing makes no sense is Invalid on its field.

func (p partnerPatch) params(version *int64) (partners.UpdateParams, error) {
	if err := checkReadOnly(p); err != nil {
		return partners.UpdateParams{}, err
	}
	name, err := p.Name.value("name")
	return partners.UpdateParams{Name: name, Version: version}, err
}

func (p teamPatch) params(version *int64) (partners.TeamUpdateParams, error) {
	if err := checkReadOnly(p); err != nil {
		return partners.TeamUpdateParams{}, err
	}
	name, err := p.Name.value("name")
	return partners.TeamUpdateParams{Name: name, Version: version}, err
}

func (p portalCreate) params() (portals.CreateParams, error) {
	out := portals.CreateParams{Name: p.Name, TechnicalName: p.TechnicalName, DefaultLocale: p.DefaultLocale}
	if p.PartnerID != nil {
		id, err := parseID(*p.PartnerID)
		if err != nil {
			return out, userkit.FieldError("partner_id", userkit.Problem{Rule: userkit.RuleInvalid, Param: "a partner id (a UUID) or null"})
		}
		out.PartnerID = id
	}
	return out, nil
}

func (p portalPatch) params(version *int64) (portals.UpdateParams, error) {
	if err := checkReadOnly(p); err != nil {
		return portals.UpdateParams{}, err
	}
	out := portals.UpdateParams{DefaultLocale: p.DefaultLocale.orDefault(portals.DefaultLocale), Version: version}
	var err error
	if out.Name, err = p.Name.value("name"); err != nil {
		return out, err
	}
	out.TechnicalName, err = p.TechnicalName.value("technical_name")
	return out, err
}

func (p rolePatch) params() (portals.RoleUpdateParams, error) {
	if err := checkReadOnly(p); err != nil {
		return portals.RoleUpdateParams{}, err
	}
	name, err := p.Name.value("name")
	return portals.RoleUpdateParams{Name: name}, err
}

func (p attributeCreate) params() portals.AttributeParams {
	return portals.AttributeParams{Name: p.Name, Label: p.Label, Type: portals.AttributeType(p.Type),
		AllowMultipleValues: p.AllowMultipleValues}
}

func (p attributePatch) params() (portals.AttributeUpdateParams, error) {
	if err := checkReadOnly(p); err != nil {
		return portals.AttributeUpdateParams{}, err
	}
	out := portals.AttributeUpdateParams{Label: p.Label.orDefault("")}
	var err error
	if out.Name, err = p.Name.value("name"); err != nil {
		return out, err
	}
	out.AllowMultipleValues, err = p.AllowMultipleValues.value("allow_multiple_values")
	return out, err
}

func (p resourcePatch) params(version *int64) (permissions.ResourceUpdateParams, error) {
	if err := checkReadOnly(p); err != nil {
		return permissions.ResourceUpdateParams{}, err
	}
	name, err := p.Name.value("name")
	return permissions.ResourceUpdateParams{Name: name, Kind: p.Kind.orDefault(""), Version: version}, err
}

// params parses the scope; field prefixes the error's field name
// ("grants[1]." inside a service account).
func (g grantCreate) params(field string) (permissions.GrantParams, error) {
	sc, err := permissions.ParseScope(g.Scope)
	if err != nil {
		return permissions.GrantParams{}, userkit.FieldError(field+"scope", userkit.Problem{Rule: userkit.RuleInvalid, Param: `"*", "partner:<partner id>" or "portal:<portal id>"`})
	}
	return permissions.GrantParams{Action: g.Action, Scope: sc}, nil
}

func (p serviceAccountCreate) params() (permissions.ServiceAccountParams, error) {
	out := permissions.ServiceAccountParams{Name: p.Name, Grants: make([]permissions.GrantParams, len(p.Grants))}
	for i, g := range p.Grants {
		var err error
		if out.Grants[i], err = g.params("grants[" + strconv.Itoa(i) + "]."); err != nil {
			return out, err
		}
	}
	return out, nil
}

func (p serviceAccountPatch) params(version *int64) (permissions.ServiceAccountUpdateParams, error) {
	if err := checkReadOnly(p); err != nil {
		return permissions.ServiceAccountUpdateParams{}, err
	}
	name, err := p.Name.value("name")
	return permissions.ServiceAccountUpdateParams{Name: name, Version: version}, err
}

func (p keyCreate) params() (permissions.KeyParams, error) {
	if p.ExpiresAt == nil {
		return permissions.KeyParams{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, *p.ExpiresAt)
	if err != nil {
		return permissions.KeyParams{}, userkit.FieldError("expires_at", userkit.Problem{Rule: userkit.RuleInvalid, Param: "an RFC 3339 time, e.g. 2024-06-23T21:02:00Z"})
	}
	return permissions.KeyParams{ExpiresAt: &t}, nil
}
