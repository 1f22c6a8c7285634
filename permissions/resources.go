package permissions

import (
	"context"
	"errors"
	"github.com/userkit/userkit/internal/txn"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/validate"
	"github.com/userkit/userkit/storage"
)

// Role is a user's role on a resource. Roles are ordered
// owner > editor > executor > reader: each includes the ones below it.
type Role string

// The resource roles, highest first.
const (
	RoleOwner    Role = "owner"
	RoleEditor   Role = "editor"
	RoleExecutor Role = "executor"
	RoleReader   Role = "reader"
)

// rank orders the roles; 0 means "not a role".
func (r Role) rank() int {
	switch r {
	case RoleOwner:
		return 4
	case RoleEditor:
		return 3
	case RoleExecutor:
		return 2
	case RoleReader:
		return 1
	}
	return 0
}

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// AtLeast reports whether r includes min: an editor is at least a reader,
// a reader is not at least an editor. An invalid role includes nothing.
func (r Role) AtLeast(min Role) bool { return r.Valid() && min.Valid() && r.rank() >= min.rank() }

var roleProblem = userkit.Problem{Rule: userkit.RuleOneOf, Param: "owner editor executor reader"}

// Resource is something users hold roles on, registered by the host under
// its own ID (for example "p-2343").
type Resource struct {
	ID        string
	Name      string
	Kind      string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// ResourceRole is one user's role on one resource.
type ResourceRole struct {
	UserID       uuid.UUID
	ResourceID   string
	ResourceName string
	Role         Role
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ResourceParams registers a resource. ID is chosen by the host: up to 100
// characters of letters, digits and ". _ : -".
type ResourceParams struct {
	ID   string `validate:"required,max=100,text"`
	Name string `validate:"required,max=200,text"`
	Kind string `validate:"max=100,text"`
}

// ResourceUpdateParams changes a resource; nil fields stay as they are.
// Version, when set, must be the stored version (else PreconditionFailed).
type ResourceUpdateParams struct {
	Name    *string
	Kind    *string
	Version *int64
}

var resourceIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]+$`)

// validateResource checks a resource as created or as it would be after an
// update, so both follow one set of rules.
func validateResource(p ResourceParams) error {
	if err := validate.Struct(p); err != nil {
		return err
	}
	if !resourceIDPattern.MatchString(p.ID) {
		return userkit.FieldError("ID", userkit.Problem{Rule: userkit.RuleCharset, Param: "letters, digits and . _ : -"})
	}
	return nil
}

func toResource(r storage.ResourceRecord) Resource {
	return Resource{ID: r.ID, Name: r.Name, Kind: r.Kind, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
}

// CreateResource registers a resource. It needs permissions.create on
// everything; a taken ID is Conflict.
func (s *Service) CreateResource(ctx context.Context, p ResourceParams) (Resource, error) {
	if err := s.Require(ctx, PermissionsCreate, All); err != nil {
		return Resource{}, err
	}
	p.Name = strings.TrimSpace(p.Name)
	if err := validateResource(p); err != nil {
		return Resource{}, err
	}
	now := s.now()
	rec := storage.ResourceRecord{ID: p.ID, Name: p.Name, Kind: p.Kind, CreatedAt: now, UpdatedAt: now, Version: 1}
	err := s.store.InTx(ctx, func(tx storage.Store) error {
		if err := tx.CreateResource(ctx, &rec); err != nil {
			return err
		}
		return Audit(ctx, tx, now, PermissionsCreate, "resource", rec.ID, uuid.Nil)
	})
	if err != nil {
		return Resource{}, err
	}
	return toResource(rec), nil
}

// GetResource returns a resource; it needs permissions.read on everything.
func (s *Service) GetResource(ctx context.Context, id string) (Resource, error) {
	if err := s.Require(ctx, PermissionsRead, All); err != nil {
		return Resource{}, err
	}
	rec, err := s.store.GetResource(ctx, id)
	if err != nil {
		return Resource{}, err
	}
	return toResource(rec), nil
}

// UpdateResource changes a resource's name or kind; it needs
// permissions.update on everything. An update that changes nothing
// writes nothing (no new version, no audit event).
func (s *Service) UpdateResource(ctx context.Context, id string, p ResourceUpdateParams) (Resource, error) {
	if err := s.Require(ctx, PermissionsUpdate, All); err != nil {
		return Resource{}, err
	}
	if p.Name != nil {
		name := strings.TrimSpace(*p.Name)
		p.Name = &name
	}
	var rec storage.ResourceRecord
	err := txn.Update(ctx, s.store, storage.KindResource, id, func(tx storage.Store) error {
		var err error
		rec, err = tx.GetResource(ctx, id)
		if err != nil {
			return err
		}
		if err := checkVersion(p.Version, rec.Version); err != nil {
			return err
		}
		before := rec
		if p.Name != nil {
			rec.Name = *p.Name
		}
		if p.Kind != nil {
			rec.Kind = *p.Kind
		}
		if err := validateResource(ResourceParams{ID: rec.ID, Name: rec.Name, Kind: rec.Kind}); err != nil {
			return err
		}
		if rec == before {
			return nil // nothing changes: no new version, no audit event
		}
		now := s.now()
		rec.UpdatedAt = now
		rec.Version++
		if err := tx.UpdateResource(ctx, rec, rec.Version-1); err != nil {
			return err
		}
		return Audit(ctx, tx, now, PermissionsUpdate, "resource", id, uuid.Nil)
	})
	if err != nil {
		return Resource{}, err
	}
	return toResource(rec), nil
}

// DeleteResource removes a resource and every role on it; it needs
// permissions.delete on everything.
func (s *Service) DeleteResource(ctx context.Context, id string) error {
	if err := s.Require(ctx, PermissionsDelete, All); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx storage.Store) error {
		if err := tx.DeleteResource(ctx, id); err != nil {
			return err
		}
		return Audit(ctx, tx, s.now(), PermissionsDelete, "resource", id, uuid.Nil)
	})
}

// ListResources pages resources by ID; it needs permissions.read on
// everything.
func (s *Service) ListResources(ctx context.Context, p userkit.PageRequest) (userkit.Page[Resource], error) {
	if err := s.Require(ctx, PermissionsRead, All); err != nil {
		return userkit.Page[Resource]{}, err
	}
	page, err := s.store.ListResources(ctx, p.Normalize())
	if err != nil {
		return userkit.Page[Resource]{}, err
	}
	return userkit.MapPage(page, toResource), nil
}

// roleTarget names a resource role in the audit log: the resource and the
// user, so one event says whose access to what changed.
func roleTarget(userID uuid.UUID, resourceID string) string {
	return resourceID + "/" + userID.String()
}

// SetRole gives the user role on the resource, replacing any role the user
// had there. It needs permissions.update on everything; a missing user or
// resource is NotFound.
func (s *Service) SetRole(ctx context.Context, userID uuid.UUID, resourceID string, role Role) (ResourceRole, error) {
	if err := s.Require(ctx, PermissionsUpdate, All); err != nil {
		return ResourceRole{}, err
	}
	if !role.Valid() {
		return ResourceRole{}, userkit.FieldError("Role", roleProblem)
	}
	var out ResourceRole
	err := s.store.InTx(ctx, func(tx storage.Store) error {
		res, err := tx.GetResource(ctx, resourceID)
		if err != nil {
			return err
		}
		if _, err := tx.GetUser(ctx, userID); err != nil {
			return err
		}
		now := s.now()
		rec := storage.ResourceRoleRecord{UserID: userID, ResourceID: resourceID, Role: string(role), CreatedAt: now, UpdatedAt: now}
		old, err := tx.GetResourceRole(ctx, userID, resourceID)
		switch {
		case err == nil:
			rec.CreatedAt = old.CreatedAt // an update keeps when access was first given
		case !errors.Is(err, userkit.ErrNotFound):
			return err
		}
		if err := tx.PutResourceRole(ctx, rec); err != nil {
			return err
		}
		out = toResourceRole(rec, res.Name)
		return Audit(ctx, tx, now, PermissionsUpdate, "resource_role", roleTarget(userID, resourceID), uuid.Nil)
	})
	if err != nil {
		return ResourceRole{}, err
	}
	return out, nil
}

func toResourceRole(r storage.ResourceRoleRecord, resourceName string) ResourceRole {
	return ResourceRole{
		UserID: r.UserID, ResourceID: r.ResourceID, ResourceName: resourceName,
		Role: Role(r.Role), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

// GetRole returns the user's role on the resource, NotFound when there is
// none. The user may read their own roles; anyone else needs
// permissions.read on everything.
func (s *Service) GetRole(ctx context.Context, userID uuid.UUID, resourceID string) (ResourceRole, error) {
	if err := s.requireSelfOr(ctx, PermissionsRead, userID); err != nil {
		return ResourceRole{}, err
	}
	rec, err := s.store.GetResourceRole(ctx, userID, resourceID)
	if err != nil {
		return ResourceRole{}, err
	}
	res, err := s.store.GetResource(ctx, resourceID)
	if err != nil {
		return ResourceRole{}, err
	}
	return toResourceRole(rec, res.Name), nil
}

// RevokeRole removes the user's role on the resource, NotFound when there is
// none. It needs permissions.delete on everything.
func (s *Service) RevokeRole(ctx context.Context, userID uuid.UUID, resourceID string) error {
	if err := s.Require(ctx, PermissionsDelete, All); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx storage.Store) error {
		if err := tx.DeleteResourceRole(ctx, userID, resourceID); err != nil {
			return err
		}
		return Audit(ctx, tx, s.now(), PermissionsDelete, "resource_role", roleTarget(userID, resourceID), uuid.Nil)
	})
}

// RolesOfUser lists the user's roles by resource ID. The user may list their
// own; anyone else needs permissions.read on everything.
func (s *Service) RolesOfUser(ctx context.Context, userID uuid.UUID) ([]ResourceRole, error) {
	if err := s.requireSelfOr(ctx, PermissionsRead, userID); err != nil {
		return nil, err
	}
	recs, err := s.store.ResourceRolesOfUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	return s.withNames(ctx, recs)
}

// RolesOnResource lists the roles on a resource by user ID; it needs
// permissions.read on everything. A missing resource is NotFound.
func (s *Service) RolesOnResource(ctx context.Context, resourceID string) ([]ResourceRole, error) {
	if err := s.Require(ctx, PermissionsRead, All); err != nil {
		return nil, err
	}
	res, err := s.store.GetResource(ctx, resourceID)
	if err != nil {
		return nil, err
	}
	recs, err := s.store.ResourceRolesOfResource(ctx, resourceID)
	if err != nil {
		return nil, err
	}
	out := make([]ResourceRole, len(recs))
	for i, r := range recs {
		out[i] = toResourceRole(r, res.Name)
	}
	return out, nil
}

// withNames fills in resource names, reading each resource once. A role
// whose resource was deleted after the list was read is left out, as the
// deletion removed it too.
func (s *Service) withNames(ctx context.Context, recs []storage.ResourceRoleRecord) ([]ResourceRole, error) {
	names := map[string]*string{}
	out := make([]ResourceRole, 0, len(recs))
	for _, r := range recs {
		name, ok := names[r.ResourceID]
		if !ok {
			res, err := s.store.GetResource(ctx, r.ResourceID)
			switch {
			case err == nil:
				name = &res.Name
			case !errors.Is(err, userkit.ErrNotFound):
				return nil, err
			}
			names[r.ResourceID] = name
		}
		if name != nil {
			out = append(out, toResourceRole(r, *name))
		}
	}
	return out, nil
}

// HasRole reports whether the user holds at least the role atLeast on the
// resource: HasRole(ctx, u, "p-1", RoleReader) is true for an editor. No role
// (or no such resource) is false, not an error. The user may ask about
// themselves; anyone else needs permissions.read on everything.
func (s *Service) HasRole(ctx context.Context, userID uuid.UUID, resourceID string, atLeast Role) (bool, error) {
	if err := s.requireSelfOr(ctx, PermissionsRead, userID); err != nil {
		return false, err
	}
	if !atLeast.Valid() {
		return false, userkit.FieldError("Role", roleProblem)
	}
	rec, err := s.store.GetResourceRole(ctx, userID, resourceID)
	if errors.Is(err, userkit.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return Role(rec.Role).AtLeast(atLeast), nil
}
