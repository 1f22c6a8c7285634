package portals

import (
	"context"
	"errors"
	"github.com/userkit/userkit/internal/txn"
	"maps"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/validate"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// DefaultLocale is the locale of a portal, and of its members, when none is
// given.
const DefaultLocale = "en_US"

// Options configures a Service. The zero value (or nil) means defaults.
type Options struct {
	// Clock gives the time for records; nil means time.Now.
	Clock userkit.Clock
}

// Service manages portals, their roles and attribute definitions, and
// their members. Every method checks the principal in ctx (see
// permissions.WithPrincipal): no principal is Unauthenticated, a missing
// grant Forbidden. A Service is safe for concurrent use.
type Service struct {
	store storage.Store
	authz *permissions.Service
	users *users.Service
	clock userkit.Clock
}

// New returns a Service over store. It creates users through us (so they
// get the same validation, password hashing and login names as everywhere
// else) and checks permissions with authz. opts may be nil.
func New(store storage.Store, authz *permissions.Service, us *users.Service, opts *Options) *Service {
	s := &Service{store: store, authz: authz, users: us}
	if opts != nil {
		s.clock = opts.Clock
	}
	return s
}

// Portal is a branded login space for a partner's (or the host's) users.
type Portal struct {
	ID            uuid.UUID
	PartnerID     uuid.UUID // uuid.Nil when no partner owns the portal
	Name          string
	TechnicalName string // unique, e.g. "acme-partners"
	DefaultLocale string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Version       int64 // compare-and-set token for UpdateParams.Version
}

// CreateParams creates a portal. PartnerID is optional; when set, the
// partner must exist and owns the portal. TechnicalName is 2 to 63
// characters of lower-case letters, digits and "-". DefaultLocale "" means
// "en_US".
type CreateParams struct {
	PartnerID     uuid.UUID
	Name          string `validate:"required,max=200,text"`
	TechnicalName string `validate:"required,text"`
	DefaultLocale string
}

// UpdateParams changes a portal; nil fields stay as they are. Version, when
// set, must be the stored version (else PreconditionFailed).
type UpdateParams struct {
	Name          *string
	TechnicalName *string
	DefaultLocale *string
	Version       *int64
}

var (
	technicalNamePattern = regexp.MustCompile(`^[a-z0-9-]{2,63}$`)
	localePattern        = regexp.MustCompile(`^[a-z]{2}(_[A-Z]{2})?$`)
)

var (
	technicalNameProblem = userkit.Problem{Rule: userkit.RuleInvalid, Param: "2 to 63 characters of a-z, 0-9 and -"}
	localeProblem        = userkit.Problem{Rule: userkit.RuleInvalid, Param: `a locale like "en" or "en_US"`}
)

// validatePortal checks a portal as created or as it would be after an
// update, so both follow one set of rules.
func validatePortal(p CreateParams) error {
	fields := map[string]userkit.Problem{}
	checkPattern(fields, "TechnicalName", p.TechnicalName, technicalNamePattern, technicalNameProblem)
	if p.DefaultLocale == "" {
		fields["DefaultLocale"] = userkit.Problem{Rule: userkit.RuleRequired}
	}
	checkPattern(fields, "DefaultLocale", p.DefaultLocale, localePattern, localeProblem)
	return check(p, fields)
}

func toPortal(r storage.PortalRecord) Portal {
	return Portal{
		ID: r.ID, PartnerID: r.PartnerID, Name: r.Name, TechnicalName: r.TechnicalName,
		DefaultLocale: r.DefaultLocale, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version,
	}
}

// Create creates a portal. It needs portals.create on the owning partner
// (which a grant on everything covers) or, without a partner, on
// everything. A taken technical name is Conflict; a missing partner is
// Invalid on PartnerID.
func (s *Service) Create(ctx context.Context, p CreateParams) (Portal, error) {
	scope := permissions.All
	if p.PartnerID != uuid.Nil {
		scope = permissions.PartnerScope(p.PartnerID)
	}
	if err := s.authz.Require(ctx, permissions.PortalsCreate, scope); err != nil {
		return Portal{}, err
	}
	p.Name = strings.TrimSpace(p.Name)
	if p.DefaultLocale == "" {
		p.DefaultLocale = DefaultLocale
	}
	if err := validatePortal(p); err != nil {
		return Portal{}, err
	}
	now := s.clock.Now()
	rec := storage.PortalRecord{
		ID: newID(), PartnerID: p.PartnerID, Name: p.Name, TechnicalName: p.TechnicalName,
		DefaultLocale: p.DefaultLocale, CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	err := s.store.InTx(ctx, func(tx storage.Store) error {
		if p.PartnerID != uuid.Nil {
			if _, err := tx.GetPartner(ctx, p.PartnerID); err != nil {
				if errors.Is(err, userkit.ErrNotFound) {
					return userkit.FieldError("PartnerID", userkit.Problem{Rule: userkit.RuleUnknown, Param: "partner"})
				}
				return err
			}
		}
		if err := tx.CreatePortal(ctx, &rec); err != nil {
			return technicalNameTaken(err)
		}
		return permissions.Audit(ctx, tx, now, permissions.PortalsCreate, "portal", rec.ID.String(), rec.PartnerID)
	})
	if err != nil {
		return Portal{}, err
	}
	return toPortal(rec), nil
}

// technicalNameTaken gives a store's Conflict the field a client can fix:
// the technical name is the portal's only unique field besides its fresh ID.
func technicalNameTaken(err error) error {
	if errors.Is(err, userkit.ErrConflict) {
		return &userkit.Error{Kind: userkit.Conflict, Message: "technical name is taken", Fields: map[string]userkit.Problem{"TechnicalName": {Rule: userkit.RuleTaken}}, Err: err}
	}
	return err
}

// Get returns a portal; it needs portals.read on the portal.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (Portal, error) {
	rec, err := s.checkedPortal(ctx, id, permissions.PortalsRead)
	if err != nil {
		return Portal{}, err
	}
	return toPortal(rec), nil
}

// checkedPortal reads the portal and checks action on it, deciding from
// the owner it read rather than reading the portal again. A missing
// portal is decided as Require decides on it, so that who may not act on
// the portal's scope learns nothing from the miss (Forbidden, not
// NotFound).
func (s *Service) checkedPortal(ctx context.Context, id uuid.UUID, action permissions.Action) (storage.PortalRecord, error) {
	rec, err := s.store.GetPortal(ctx, id)
	switch {
	case errors.Is(err, userkit.ErrNotFound):
		if denied := s.authz.Require(ctx, action, permissions.PortalScope(id)); denied != nil {
			return rec, denied
		}
		return rec, err
	case err != nil:
		return rec, err
	}
	return rec, s.authz.RequireOnPortal(ctx, action, rec)
}

// Update changes a portal's name, technical name or default locale; it
// needs portals.update on the portal. The owning partner cannot change.
// A stale p.Version is PreconditionFailed, a taken technical name
// Conflict. An update that changes nothing writes nothing (no new
// version, no audit event).
func (s *Service) Update(ctx context.Context, id uuid.UUID, p UpdateParams) (Portal, error) {
	if err := s.authz.Require(ctx, permissions.PortalsUpdate, permissions.PortalScope(id)); err != nil {
		return Portal{}, err
	}
	if p.Name != nil {
		name := strings.TrimSpace(*p.Name)
		p.Name = &name
	}
	var rec storage.PortalRecord
	err := txn.Update(ctx, s.store, storage.KindPortal, id.String(), func(tx storage.Store) error {
		var err error
		if rec, err = tx.GetPortal(ctx, id); err != nil {
			return err
		}
		if p.Version != nil && *p.Version != rec.Version {
			return userkit.Errorf(userkit.PreconditionFailed, "the portal was changed by someone else (version %d, expected %d)", rec.Version, *p.Version)
		}
		before := rec
		setIf(&rec.Name, p.Name)
		setIf(&rec.TechnicalName, p.TechnicalName)
		setIf(&rec.DefaultLocale, p.DefaultLocale)
		if err := validatePortal(CreateParams{Name: rec.Name, TechnicalName: rec.TechnicalName, DefaultLocale: rec.DefaultLocale}); err != nil {
			return err
		}
		if rec == before {
			return nil // nothing changes: no new version, no audit event
		}
		now := s.clock.Now()
		rec.UpdatedAt = now
		rec.Version++
		if err := tx.UpdatePortal(ctx, rec, rec.Version-1); err != nil {
			return technicalNameTaken(err)
		}
		return permissions.Audit(ctx, tx, now, permissions.PortalsUpdate, "portal", id.String(), rec.PartnerID)
	})
	if err != nil {
		return Portal{}, err
	}
	return toPortal(rec), nil
}

// Delete deletes a portal with its roles, attribute definitions and
// memberships (the users themselves stay). It needs portals.delete on the
// portal.
func (s *Service) Delete(ctx context.Context, id uuid.UUID) error {
	if err := s.authz.Require(ctx, permissions.PortalsDelete, permissions.PortalScope(id)); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx storage.Store) error {
		rec, err := tx.GetPortal(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeletePortal(ctx, id); err != nil {
			return err
		}
		return permissions.Audit(ctx, tx, s.clock.Now(), permissions.PortalsDelete, "portal", id.String(), rec.PartnerID)
	})
}

// List pages portals by ID; partnerID uuid.Nil lists every portal and needs
// portals.read on everything, a partner's ID lists that partner's portals
// and needs portals.read on the partner.
func (s *Service) List(ctx context.Context, partnerID uuid.UUID, p userkit.PageRequest) (userkit.Page[Portal], error) {
	scope := permissions.All
	if partnerID != uuid.Nil {
		scope = permissions.PartnerScope(partnerID)
	}
	if err := s.authz.Require(ctx, permissions.PortalsRead, scope); err != nil {
		return userkit.Page[Portal]{}, err
	}
	page, err := s.store.ListPortals(ctx, partnerID, p.Normalize())
	if err != nil {
		return userkit.Page[Portal]{}, err
	}
	return userkit.MapPage(page, toPortal), nil
}

// newID returns a fresh UUIDv7, so records sort by creation.
func newID() uuid.UUID { return uuid.Must(uuid.NewV7()) }

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// checkPattern records problem for field when a non-empty value does not
// match re (an empty one is left to the "required" tag).
func checkPattern(fields map[string]userkit.Problem, field, value string, re *regexp.Regexp, problem userkit.Problem) {
	if value != "" && !re.MatchString(value) {
		fields[field] = problem
	}
}

// check validates params with the struct tags and merges the per-field
// problems found by hand, so the caller gets every problem in one Invalid
// error. A tag problem wins for the same field ("is required" is the more
// useful message).
func check(params any, extra map[string]userkit.Problem) error {
	err := validate.Struct(params)
	if err != nil && userkit.FieldsOf(err) == nil {
		return err
	}
	fields := maps.Clone(userkit.FieldsOf(err))
	if fields == nil {
		fields = map[string]userkit.Problem{}
	}
	for k, v := range extra {
		if _, seen := fields[k]; !seen {
			fields[k] = v
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return &userkit.Error{Kind: userkit.Invalid, Message: "invalid input", Fields: fields}
}
