package portals

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/txn"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
)

// AttributeType is the type of a user attribute's values.
type AttributeType string

// The attribute types. Values are strings on the wire and in storage; the
// type says which strings are allowed.
const (
	TypeString  AttributeType = "STRING"  // any text
	TypeBoolean AttributeType = "BOOLEAN" // "true" or "false"
	TypeNumber  AttributeType = "NUMBER"  // a finite decimal number, e.g. "42" or "-1.5"
	TypeTime    AttributeType = "TIME"    // RFC 3339, e.g. "2025-05-21T10:00:00Z"
)

// Valid reports whether t is one of the four types.
func (t AttributeType) Valid() bool {
	switch t {
	case TypeString, TypeBoolean, TypeNumber, TypeTime:
		return true
	}
	return false
}

// Attribute defines a user attribute of a portal, such as a "Tenant ID"
// used for row-level filtering.
type Attribute struct {
	ID                  uuid.UUID
	PortalID            uuid.UUID
	Name                string
	Label               string
	Type                AttributeType
	AllowMultipleValues bool
}

// AttributeParams defines an attribute. Name is unique within the portal;
// Label "" means the Name. The type cannot change later.
type AttributeParams struct {
	Name                string `validate:"required,max=100,text"`
	Label               string `validate:"max=200,text"`
	Type                AttributeType
	AllowMultipleValues bool
}

// AttributeUpdateParams changes an attribute; nil fields stay as they are.
// Attributes have no version: a Version is ErrUnversioned, as no compare
// could hold.
type AttributeUpdateParams struct {
	Name                *string
	Label               *string // "" means the Name
	AllowMultipleValues *bool
	Version             *int64
}

// maxValueLen bounds one attribute value, so that attributes stay small
// labels rather than documents.
const maxValueLen = 1000

// checkValue reports what is wrong with v as a value of type t ("" when
// nothing is).
func checkValue(t AttributeType, v string) userkit.Problem {
	if utf8.RuneCountInString(v) > maxValueLen { // characters, like every other limit
		return userkit.Problem{Rule: userkit.RuleMax, Param: strconv.Itoa(maxValueLen)}
	}
	switch t {
	case TypeBoolean:
		if v != "true" && v != "false" {
			return userkit.Problem{Rule: userkit.RuleOneOf, Param: "true false"}
		}
	case TypeNumber:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return userkit.Problem{Rule: userkit.RuleInvalid, Param: "a number"}
		}
	case TypeTime:
		if _, err := time.Parse(time.RFC3339, v); err != nil {
			return userkit.Problem{Rule: userkit.RuleInvalid, Param: "an RFC 3339 time such as 2025-05-21T10:00:00Z"}
		}
	}
	return userkit.Problem{}
}

// validateAttribute checks a definition as created or as it would be after
// an update, so both follow one set of rules.
func validateAttribute(p AttributeParams) error {
	fields := map[string]userkit.Problem{}
	if !p.Type.Valid() {
		fields["Type"] = userkit.Problem{Rule: userkit.RuleOneOf, Param: "STRING BOOLEAN NUMBER TIME"}
	}
	return check(p, fields)
}

func toAttribute(r storage.AttributeRecord) Attribute {
	return Attribute{
		ID: r.ID, PortalID: r.PortalID, Name: r.Name, Label: r.Label,
		Type: AttributeType(r.Type), AllowMultipleValues: r.AllowMultipleValues,
	}
}

// CreateAttribute defines an attribute in a portal; it needs portals.update
// on the portal. A missing portal is NotFound, a taken name Conflict.
func (s *Service) CreateAttribute(ctx context.Context, portalID uuid.UUID, p AttributeParams) (Attribute, error) {
	if err := s.authz.Require(ctx, permissions.PortalsUpdate, permissions.PortalScope(portalID)); err != nil {
		return Attribute{}, err
	}
	p.Name = strings.TrimSpace(p.Name)
	p.Label = strings.TrimSpace(p.Label)
	if p.Label == "" {
		p.Label = p.Name
	}
	if err := validateAttribute(p); err != nil {
		return Attribute{}, err
	}
	now := s.clock.Now()
	rec := storage.AttributeRecord{
		ID: newID(), PortalID: portalID, Name: p.Name, Label: p.Label,
		Type: string(p.Type), AllowMultipleValues: p.AllowMultipleValues, CreatedAt: now,
	}
	err := s.store.InTx(ctx, func(tx storage.Store) error {
		if _, err := tx.GetPortal(ctx, portalID); err != nil {
			return err
		}
		if err := tx.CreateAttribute(ctx, &rec); err != nil {
			return nameTaken(err)
		}
		return s.auditInPortal(ctx, tx, permissions.PortalsUpdate, "portal_attribute", rec.ID.String(), portalID)
	})
	if err != nil {
		return Attribute{}, err
	}
	return toAttribute(rec), nil
}

// readAttribute reads an attribute with what decides a check on its
// portal.
func (s *Service) readAttribute(ctx context.Context, id uuid.UUID) (storage.AttributeRecord, portalCheck, error) {
	if pr, ok := s.store.(storage.PortalPartReader); ok {
		// With its portal, whose owner decides the check.
		rec, portal, err := pr.AttributeWithPortal(ctx, id)
		return rec, portalCheck{authz: s.authz, portal: &portal, id: rec.PortalID}, err
	}
	rec, err := s.store.GetAttribute(ctx, id)
	return rec, portalCheck{authz: s.authz, id: rec.PortalID}, err
}

// attribute reads an attribute and checks action on its portal.
func (s *Service) attribute(ctx context.Context, id uuid.UUID, action permissions.Action) (storage.AttributeRecord, error) {
	rec, c, err := s.readAttribute(ctx, id)
	if err != nil {
		return rec, err
	}
	return rec, c.require(ctx, action)
}

// attributeIn reads the attribute id of the portal portalID and checks
// action on it, refusing a version (see portalCheck.in).
func (s *Service) attributeIn(ctx context.Context, portalID, id uuid.UUID, action permissions.Action, version *int64) (storage.AttributeRecord, error) {
	rec, c, err := s.readAttribute(ctx, id)
	if err != nil {
		return rec, err
	}
	return rec, c.in(ctx, portalID, action, version)
}

// GetAttributeIn returns the attribute attributeID of the portal portalID;
// it needs portals.read on the portal. An attribute of another portal is
// ErrNotInPortal.
func (s *Service) GetAttributeIn(ctx context.Context, portalID, attributeID uuid.UUID) (Attribute, error) {
	rec, err := s.attributeIn(ctx, portalID, attributeID, permissions.PortalsRead, nil)
	if err != nil {
		return Attribute{}, err
	}
	return toAttribute(rec), nil
}

// GetAttribute returns an attribute; it needs portals.read on its portal.
func (s *Service) GetAttribute(ctx context.Context, id uuid.UUID) (Attribute, error) {
	rec, err := s.attribute(ctx, id, permissions.PortalsRead)
	if err != nil {
		return Attribute{}, err
	}
	return toAttribute(rec), nil
}

// UpdateAttribute changes an attribute's name, label or whether it allows
// several values; it needs portals.update on its portal. Switching multiple
// values off while a member holds several is Conflict; a p.Version is
// ErrUnversioned. An update that changes nothing writes nothing (no audit
// event).
func (s *Service) UpdateAttribute(ctx context.Context, id uuid.UUID, p AttributeUpdateParams) (Attribute, error) {
	if _, err := s.attribute(ctx, id, permissions.PortalsUpdate); err != nil {
		return Attribute{}, err
	}
	if p.Version != nil {
		return Attribute{}, ErrUnversioned
	}
	return s.updateAttribute(ctx, id, p)
}

// UpdateAttributeIn is UpdateAttribute on the attribute attributeID of the
// portal portalID: an attribute of another portal is ErrNotInPortal, and
// changes nothing.
func (s *Service) UpdateAttributeIn(ctx context.Context, portalID, attributeID uuid.UUID, p AttributeUpdateParams) (Attribute, error) {
	if _, err := s.attributeIn(ctx, portalID, attributeID, permissions.PortalsUpdate, p.Version); err != nil {
		return Attribute{}, err
	}
	return s.updateAttribute(ctx, attributeID, p)
}

// updateAttribute is UpdateAttribute once the caller is checked.
func (s *Service) updateAttribute(ctx context.Context, id uuid.UUID, p AttributeUpdateParams) (Attribute, error) {
	if p.Name != nil {
		name := strings.TrimSpace(*p.Name)
		p.Name = &name
	}
	if p.Label != nil {
		label := strings.TrimSpace(*p.Label)
		p.Label = &label
	}
	var rec storage.AttributeRecord
	err := txn.Update(ctx, s.store, storage.KindAttribute, id.String(), func(tx storage.Store) error {
		var err error
		if rec, err = tx.GetAttribute(ctx, id); err != nil {
			return err
		}
		if p.AllowMultipleValues != nil && !*p.AllowMultipleValues && rec.AllowMultipleValues {
			several := false
			err := eachMember(ctx, tx, rec.PortalID, func(m storage.PortalMemberRecord) (bool, error) {
				for _, v := range m.Attributes {
					if v.AttributeID == id && len(v.Values) > 1 {
						several = true
					}
				}
				return !several, nil
			})
			if err != nil {
				return err
			}
			if several {
				return &userkit.Error{Kind: userkit.Conflict, Message: "members hold several values of this attribute",
					Fields: map[string]userkit.Problem{"AllowMultipleValues": {Rule: userkit.RuleImmutable, Param: "members hold several values"}}}
			}
		}
		before := rec
		setIf(&rec.Name, p.Name)
		setIf(&rec.Label, p.Label)
		setIf(&rec.AllowMultipleValues, p.AllowMultipleValues)
		if rec.Label == "" {
			rec.Label = rec.Name
		}
		if err := validateAttribute(AttributeParams{Name: rec.Name, Label: rec.Label, Type: AttributeType(rec.Type)}); err != nil {
			return err
		}
		if rec == before {
			return nil // nothing changes: no audit event
		}
		if err := tx.UpdateAttribute(ctx, rec); err != nil {
			return nameTaken(err)
		}
		return s.auditInPortal(ctx, tx, permissions.PortalsUpdate, "portal_attribute", id.String(), rec.PortalID)
	})
	if err != nil {
		return Attribute{}, err
	}
	return toAttribute(rec), nil
}

// DeleteAttribute deletes an attribute definition and every member's values
// of it, in one transaction; it needs portals.update on its portal.
func (s *Service) DeleteAttribute(ctx context.Context, id uuid.UUID) error {
	def, err := s.attribute(ctx, id, permissions.PortalsUpdate)
	if err != nil {
		return err
	}
	return s.deleteAttribute(ctx, def.PortalID, id)
}

// DeleteAttributeIn is DeleteAttribute on the attribute attributeID of the
// portal portalID: an attribute of another portal is ErrNotInPortal, and
// stays.
func (s *Service) DeleteAttributeIn(ctx context.Context, portalID, attributeID uuid.UUID) error {
	if _, err := s.attributeIn(ctx, portalID, attributeID, permissions.PortalsUpdate, nil); err != nil {
		return err
	}
	return s.deleteAttribute(ctx, portalID, attributeID)
}

// deleteAttribute is DeleteAttribute once the caller is checked.
func (s *Service) deleteAttribute(ctx context.Context, portalID, id uuid.UUID) error {
	// It rewrites memberships: under the portal's lock, as every writer
	// of a portal's memberships (an attribute never changes portal).
	return txn.Update(ctx, s.store, storage.KindPortal, portalID.String(), func(tx storage.Store) error {
		rec, err := tx.GetAttribute(ctx, id)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		err = eachMember(ctx, tx, rec.PortalID, func(m storage.PortalMemberRecord) (bool, error) {
			kept := slices.DeleteFunc(slices.Clone(m.Attributes), func(v storage.AttributeValue) bool { return v.AttributeID == id })
			if len(kept) == len(m.Attributes) {
				return true, nil
			}
			m.Attributes = kept
			m.UpdatedAt = now
			m.Version++
			return true, tx.UpdatePortalMember(ctx, m, m.Version-1)
		})
		if err != nil {
			return err
		}
		if err := tx.DeleteAttribute(ctx, id); err != nil {
			return err
		}
		return s.auditInPortal(ctx, tx, permissions.PortalsUpdate, "portal_attribute", id.String(), rec.PortalID)
	})
}

// ListAttributes lists a portal's attribute definitions; it needs
// portals.read on the portal. A missing portal is NotFound.
func (s *Service) ListAttributes(ctx context.Context, portalID uuid.UUID) ([]Attribute, error) {
	if _, err := s.checkedPortal(ctx, portalID, permissions.PortalsRead); err != nil {
		return nil, err
	}
	recs, err := s.store.ListAttributes(ctx, portalID)
	if err != nil {
		return nil, err
	}
	out := make([]Attribute, len(recs))
	for i, r := range recs {
		out[i] = toAttribute(r)
	}
	return out, nil
}
