package partners

import (
	"context"
	"github.com/userkit/userkit/internal/txn"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/validate"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// Options configures a Service. The zero value (or nil) means defaults.
type Options struct {
	// Clock gives the time for records; nil means time.Now.
	Clock userkit.Clock
}

// Service manages partners, their teams and which users belong to them.
// Every method checks the principal in ctx (see permissions.WithPrincipal):
// no principal is Unauthenticated, a missing grant Forbidden. A Service is
// safe for concurrent use.
type Service struct {
	store storage.Store
	authz *permissions.Service
	users *users.Service
	clock userkit.Clock
}

// Audit actions beyond the permission actions.
const (
	actionAddUser       permissions.Action = "partners.add_user"
	actionRemoveUser    permissions.Action = "partners.remove_user"
	actionAddTeamMember permissions.Action = "partners.add_team_member"
	actionRemoveTeamMbr permissions.Action = "partners.remove_team_member"
	// actionAttached is recorded under each of a user's partners when
	// another partner attaches the user.
	actionAttached permissions.Action = "partners.user_attached_elsewhere"
)

// New returns a Service over store that checks permissions with authz. us
// creates the users that AddUser brings in, so they get the same
// validation, password hashing and login names as everywhere else. opts
// may be nil.
func New(store storage.Store, authz *permissions.Service, us *users.Service, opts *Options) *Service {
	s := &Service{store: store, authz: authz, users: us}
	if opts != nil {
		s.clock = opts.Clock
	}
	return s
}

func (s *Service) audit(ctx context.Context, tx storage.Store, action permissions.Action, kind, id string, partnerID uuid.UUID) error {
	return permissions.Audit(ctx, tx, s.clock.Now(), action, kind, id, partnerID)
}

// notFoundOr conceals a lookup miss (permissions.Service.Conceal).
func (s *Service) notFoundOr(ctx context.Context, action permissions.Action, err error) error {
	return s.authz.Conceal(ctx, action, err)
}

// Create makes a partner and its default team "<name> All users". It needs
// partners.create on everything.
func (s *Service) Create(ctx context.Context, p CreateParams) (Partner, error) {
	if err := s.authz.Require(ctx, permissions.PartnersCreate, permissions.All); err != nil {
		return Partner{}, err
	}
	p.Name = strings.TrimSpace(p.Name)
	if err := validate.Struct(p); err != nil {
		return Partner{}, err
	}
	now := s.clock.Now()
	rec := storage.PartnerRecord{ID: uuid.Must(uuid.NewV7()), Name: p.Name, CreatedAt: now, UpdatedAt: now, Version: 1}
	err := s.store.InTx(ctx, func(tx storage.Store) error {
		r := rec
		if err := tx.CreatePartner(ctx, &r); err != nil {
			return err
		}
		team := storage.TeamRecord{ID: uuid.Must(uuid.NewV7()), PartnerID: r.ID, Name: DefaultTeamName(r.Name),
			Default: true, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := tx.CreateTeam(ctx, &team); err != nil {
			return err
		}
		rec = r
		return s.audit(ctx, tx, permissions.PartnersCreate, "partner", r.ID.String(), r.ID)
	})
	if err != nil {
		return Partner{}, err
	}
	return partnerFrom(rec), nil
}

// Get returns the partner with id. It needs partners.read on the partner.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (Partner, error) {
	if err := s.authz.Require(ctx, permissions.PartnersRead, permissions.PartnerScope(id)); err != nil {
		return Partner{}, err
	}
	rec, err := s.store.GetPartner(ctx, id)
	if err != nil {
		return Partner{}, err
	}
	return partnerFrom(rec), nil
}

// GetByNum returns the partner with the store-assigned number num. It
// needs partners.read on the partner; a number no partner has is NotFound
// only for callers who may read every partner, Forbidden for others.
func (s *Service) GetByNum(ctx context.Context, num int64) (Partner, error) {
	rec, err := s.store.GetPartnerByNum(ctx, num)
	if err != nil {
		return Partner{}, s.notFoundOr(ctx, permissions.PartnersRead, err)
	}
	if err := s.authz.Require(ctx, permissions.PartnersRead, permissions.PartnerScope(rec.ID)); err != nil {
		return Partner{}, err
	}
	return partnerFrom(rec), nil
}

// Update renames the partner, and its default team with it. It needs
// partners.update on the partner. With p.Version set the update is
// compare-and-set (a stale version is PreconditionFailed); without it,
// concurrent changes wait for each other (txn.Update locks the partner),
// so none fails or is lost. An update that changes nothing (no name, or
// the current one) writes nothing: no new version, no audit event.
func (s *Service) Update(ctx context.Context, id uuid.UUID, p UpdateParams) (Partner, error) {
	if err := s.authz.Require(ctx, permissions.PartnersUpdate, permissions.PartnerScope(id)); err != nil {
		return Partner{}, err
	}
	if p.Name != nil {
		name := strings.TrimSpace(*p.Name)
		if err := validate.Struct(CreateParams{Name: name}); err != nil {
			return Partner{}, err
		}
		p.Name = &name
	}
	var out storage.PartnerRecord
	err := txn.Update(ctx, s.store, storage.KindPartner, id.String(), func(tx storage.Store) error {
		rec, err := tx.GetPartner(ctx, id)
		if err != nil {
			return err
		}
		if p.Version != nil && rec.Version != *p.Version {
			return errStale
		}
		if p.Name == nil || *p.Name == rec.Name {
			out = rec // nothing changes: no new version, no audit event
			return nil
		}
		prev, now := rec.Version, s.clock.Now()
		rec.Name = *p.Name
		if err := s.renameDefaultTeam(ctx, tx, id, rec.Name, now); err != nil {
			return err
		}
		rec.Version, rec.UpdatedAt = prev+1, now
		if err := tx.UpdatePartner(ctx, rec, prev); err != nil {
			return err
		}
		out = rec
		return s.audit(ctx, tx, permissions.PartnersUpdate, "partner", id.String(), id)
	})
	if err != nil {
		return Partner{}, err
	}
	return partnerFrom(out), nil
}

var errStale = userkit.Errorf(userkit.PreconditionFailed, "changed by someone else; reload and retry")

func (s *Service) renameDefaultTeam(ctx context.Context, tx storage.Store, partnerID uuid.UUID, name string, now time.Time) error {
	team, err := defaultTeam(ctx, tx, partnerID)
	if err != nil {
		return err
	}
	prev := team.Version
	team.Name, team.Version, team.UpdatedAt = DefaultTeamName(name), prev+1, now
	return tx.UpdateTeam(ctx, team, prev)
}

func defaultTeam(ctx context.Context, tx storage.PartnerStore, partnerID uuid.UUID) (storage.TeamRecord, error) {
	teams, err := tx.ListTeams(ctx, partnerID)
	if err != nil {
		return storage.TeamRecord{}, err
	}
	for _, t := range teams {
		if t.Default {
			return t, nil
		}
	}
	return storage.TeamRecord{}, userkit.Errorf(userkit.Internal, "partner %s has no default team", partnerID)
}

// Delete removes the partner with its teams and memberships. Its users
// stay, even those it was the only partner of. It needs partners.delete on
// the partner.
func (s *Service) Delete(ctx context.Context, id uuid.UUID) error {
	if err := s.authz.Require(ctx, permissions.PartnersDelete, permissions.PartnerScope(id)); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx storage.Store) error {
		if err := tx.DeletePartner(ctx, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, permissions.PartnersDelete, "partner", id.String(), id)
	})
}

// List pages all partners, ordered by ID. It needs partners.read on
// everything.
func (s *Service) List(ctx context.Context, p userkit.PageRequest) (userkit.Page[Partner], error) {
	if err := s.authz.Require(ctx, permissions.PartnersRead, permissions.All); err != nil {
		return userkit.Page[Partner]{}, err
	}
	page, err := s.store.ListPartners(ctx, p.Normalize())
	if err != nil {
		return userkit.Page[Partner]{}, err
	}
	return userkit.MapPage(page, partnerFrom), nil
}

// PartnersOf lists the partners of a user that the caller may see, in
// the order joined; the first is the user's primary partner. It needs
// users.read on a scope covering the user. A partner's key sees only its
// own partner among the user's partners, never the others (see
// permissions.Service.VisiblePartner).
func (s *Service) PartnersOf(ctx context.Context, userID uuid.UUID) ([]Partner, error) {
	if err := s.authz.RequireForUser(ctx, permissions.UsersRead, userID); err != nil {
		return nil, err
	}
	return s.visiblePartnersOf(ctx, userID)
}

// visiblePartnersOf is PartnersOf once the caller's users.read on the
// user is established.
func (s *Service) visiblePartnersOf(ctx context.Context, userID uuid.UUID) ([]Partner, error) {
	recs, err := s.store.PartnersOfUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]Partner, 0, len(recs))
	for _, r := range recs {
		ok, err := s.authz.VisiblePartner(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, partnerFrom(r))
		}
	}
	return out, nil
}
