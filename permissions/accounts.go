package permissions

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/txn"
	"github.com/userkit/userkit/internal/validate"
	"github.com/userkit/userkit/storage"
)

// ServiceAccount is a non-human principal: a program that calls with API
// keys and holds grants like a user.
type ServiceAccount struct {
	ID        uuid.UUID
	Name      string
	Grants    []Grant
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// Grant gives a principal (user or service account) an action on a scope.
// Action is an Action or a pattern ending in "*" ("users.*", "*").
type Grant struct {
	ID          uuid.UUID
	PrincipalID uuid.UUID
	Action      string
	Scope       Scope
	CreatedAt   time.Time
}

// GrantParams describes a grant to give.
type GrantParams struct {
	Action string
	Scope  Scope
}

// ServiceAccountParams creates a service account with its initial grants.
type ServiceAccountParams struct {
	Name   string `validate:"required,max=200,text"`
	Grants []GrantParams
}

// ServiceAccountUpdateParams renames a service account. Version, when set,
// must be the stored version (else PreconditionFailed).
type ServiceAccountUpdateParams struct {
	Name    *string
	Version *int64
}

func toGrant(r storage.GrantRecord) Grant {
	return Grant{ID: r.ID, PrincipalID: r.PrincipalID, Action: r.Action, Scope: Scope{Kind: r.ScopeKind, ID: r.ScopeID}, CreatedAt: r.CreatedAt}
}

func toGrants(recs []storage.GrantRecord) []Grant {
	out := make([]Grant, len(recs))
	for i, r := range recs {
		out[i] = toGrant(r)
	}
	return out
}

func toServiceAccount(r storage.ServiceAccountRecord, grants []Grant) ServiceAccount {
	if grants == nil {
		grants = []Grant{}
	}
	return ServiceAccount{ID: r.ID, Name: r.Name, Grants: grants, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
}

// checkGrant validates a grant and refuses privilege escalation: a caller
// other than System may only give a grant it holds itself. Because Allowed
// matches patterns, a wildcard such as "users.*" needs a held grant of
// "users.*" or "*" (holding the four verbs one by one is not enough, as a
// wildcard also covers verbs added later). field names the params field in
// errors ("Grants[1]" for an initial grant). It returns the partner the
// grant's scope belongs to, for the audit log.
func (s *Service) checkGrant(ctx context.Context, g GrantParams, field string) (uuid.UUID, error) {
	if !ValidAction(g.Action) {
		return uuid.Nil, userkit.FieldError(field+"Action", userkit.Problem{Rule: userkit.RuleInvalid, Param: `"*", "<family>.*" or "<family>.<verb>" with a known family and verb`})
	}
	partnerID, err := s.checkScope(ctx, g.Scope, field+"Scope")
	if err != nil {
		return uuid.Nil, err
	}
	p, ok := PrincipalFrom(ctx)
	if !ok {
		return uuid.Nil, errNoPrincipal
	}
	held, err := s.Allowed(ctx, p, Action(g.Action), g.Scope)
	if err != nil {
		return uuid.Nil, err
	}
	if !held {
		return uuid.Nil, userkit.Errorf(userkit.Forbidden, "you cannot give a grant you do not hold (%s on %s)", g.Action, g.Scope)
	}
	return partnerID, nil
}

// checkScope reports a malformed scope or one naming a missing partner or
// portal as Invalid on field. It returns the scope's partner: the partner
// itself, or the portal's owner.
func (s *Service) checkScope(ctx context.Context, sc Scope, field string) (uuid.UUID, error) {
	switch sc.Kind {
	case storage.ScopeAll:
		if sc.ID != uuid.Nil {
			return uuid.Nil, userkit.FieldError(field, userkit.Problem{Rule: userkit.RuleExcluded, Param: "the scope of everything"})
		}
		return uuid.Nil, nil
	case storage.ScopePartner:
		if sc.ID == uuid.Nil {
			return uuid.Nil, userkit.FieldError(field, userkit.Problem{Rule: userkit.RuleRequired})
		}
		_, err := s.store.GetPartner(ctx, sc.ID)
		if errors.Is(err, userkit.ErrNotFound) {
			return uuid.Nil, userkit.FieldError(field, userkit.Problem{Rule: userkit.RuleUnknown, Param: "partner"})
		}
		return sc.ID, err
	case storage.ScopePortal:
		if sc.ID == uuid.Nil {
			return uuid.Nil, userkit.FieldError(field, userkit.Problem{Rule: userkit.RuleRequired})
		}
		portal, err := s.store.GetPortal(ctx, sc.ID)
		if errors.Is(err, userkit.ErrNotFound) {
			return uuid.Nil, userkit.FieldError(field, userkit.Problem{Rule: userkit.RuleUnknown, Param: "portal"})
		}
		return portal.PartnerID, err
	}
	return uuid.Nil, userkit.FieldError(field, userkit.Problem{Rule: userkit.RuleInvalid, Param: `"*", "partner:<id>" or "portal:<id>"`})
}

// addGrant writes one checked grant and its audit event through tx.
func addGrant(ctx context.Context, tx storage.Store, now time.Time, principalID uuid.UUID, g GrantParams, partnerID uuid.UUID) (Grant, error) {
	rec := storage.GrantRecord{ID: newID(), PrincipalID: principalID, Action: g.Action, ScopeKind: g.Scope.Kind, ScopeID: g.Scope.ID, CreatedAt: now}
	if err := tx.AddGrant(ctx, &rec); err != nil {
		return Grant{}, err
	}
	if err := Audit(ctx, tx, now, PermissionsCreate, "grant", rec.ID.String(), partnerID); err != nil {
		return Grant{}, err
	}
	return toGrant(rec), nil
}

// CreateServiceAccount creates a service account and its initial grants in
// one transaction. It needs permissions.create on everything, and the caller
// must hold each grant it gives (else Forbidden).
func (s *Service) CreateServiceAccount(ctx context.Context, p ServiceAccountParams) (ServiceAccount, error) {
	if err := s.Require(ctx, PermissionsCreate, All); err != nil {
		return ServiceAccount{}, err
	}
	p.Name = strings.TrimSpace(p.Name)
	if err := validate.Struct(p); err != nil {
		return ServiceAccount{}, err
	}
	partners := make([]uuid.UUID, len(p.Grants))
	for i, g := range p.Grants {
		var err error
		if partners[i], err = s.checkGrant(ctx, g, "Grants["+strconv.Itoa(i)+"]."); err != nil {
			return ServiceAccount{}, err
		}
	}
	now := s.now()
	rec := storage.ServiceAccountRecord{ID: newID(), Name: p.Name, CreatedAt: now, UpdatedAt: now, Version: 1}
	grants := make([]Grant, 0, len(p.Grants))
	err := s.store.InTx(ctx, func(tx storage.Store) error {
		grants = grants[:0] // the store may retry fn
		if err := tx.CreateServiceAccount(ctx, &rec); err != nil {
			return err
		}
		if err := Audit(ctx, tx, now, PermissionsCreate, "service_account", rec.ID.String(), uuid.Nil); err != nil {
			return err
		}
		for i, g := range p.Grants {
			gr, err := addGrant(ctx, tx, now, rec.ID, g, partners[i])
			if err != nil {
				return err
			}
			grants = append(grants, gr)
		}
		return nil
	})
	if err != nil {
		return ServiceAccount{}, err
	}
	return toServiceAccount(rec, grants), nil
}

// GetServiceAccount returns a service account with its grants. It needs
// permissions.read on everything; a service account may read itself.
func (s *Service) GetServiceAccount(ctx context.Context, id uuid.UUID) (ServiceAccount, error) {
	if err := s.requireSelfOr(ctx, PermissionsRead, id); err != nil {
		return ServiceAccount{}, err
	}
	rec, grants, err := s.accountWithGrants(ctx, id)
	if err != nil {
		return ServiceAccount{}, err
	}
	return toServiceAccount(rec, toGrants(grants)), nil
}

// accountWithGrants reads the service account and its grants, in one
// statement when the store can.
func (s *Service) accountWithGrants(ctx context.Context, id uuid.UUID) (storage.ServiceAccountRecord, []storage.GrantRecord, error) {
	if ar, ok := s.store.(storage.AccountReader); ok {
		return ar.ServiceAccountWithGrants(ctx, id)
	}
	rec, err := s.store.GetServiceAccount(ctx, id)
	if err != nil {
		return rec, nil, err
	}
	grants, err := s.store.GrantsOf(ctx, id)
	return rec, grants, err
}

// UpdateServiceAccount renames a service account; it needs
// permissions.update on everything. An update that changes nothing writes
// nothing (no new version, no audit event).
func (s *Service) UpdateServiceAccount(ctx context.Context, id uuid.UUID, p ServiceAccountUpdateParams) (ServiceAccount, error) {
	if err := s.Require(ctx, PermissionsUpdate, All); err != nil {
		return ServiceAccount{}, err
	}
	if p.Name != nil {
		name := strings.TrimSpace(*p.Name)
		p.Name = &name
	}
	var (
		rec    storage.ServiceAccountRecord
		grants []storage.GrantRecord
	)
	err := txn.Update(ctx, s.store, storage.KindServiceAccount, id.String(), func(tx storage.Store) error {
		var err error
		if rec, err = tx.GetServiceAccount(ctx, id); err != nil {
			return err
		}
		if err := checkVersion(p.Version, rec.Version); err != nil {
			return err
		}
		before := rec
		if p.Name != nil {
			rec.Name = *p.Name
		}
		if err := validate.Struct(ServiceAccountParams{Name: rec.Name}); err != nil {
			return err
		}
		if rec == before {
			// Nothing changes: no new version, no audit event.
			grants, err = tx.GrantsOf(ctx, id)
			return err
		}
		now := s.now()
		rec.UpdatedAt = now
		rec.Version++
		if err := tx.UpdateServiceAccount(ctx, rec, rec.Version-1); err != nil {
			return err
		}
		if grants, err = tx.GrantsOf(ctx, id); err != nil {
			return err
		}
		return Audit(ctx, tx, now, PermissionsUpdate, "service_account", id.String(), uuid.Nil)
	})
	if err != nil {
		return ServiceAccount{}, err
	}
	return toServiceAccount(rec, toGrants(grants)), nil
}

// DeleteServiceAccount deletes a service account with its grants and keys,
// so its keys stop working at once. It needs permissions.delete on
// everything.
func (s *Service) DeleteServiceAccount(ctx context.Context, id uuid.UUID) error {
	if err := s.Require(ctx, PermissionsDelete, All); err != nil {
		return err
	}
	return s.accessTx(ctx, func(tx storage.Store) error {
		if err := tx.DeleteServiceAccount(ctx, id); err != nil {
			return err
		}
		return Audit(ctx, tx, s.now(), PermissionsDelete, "service_account", id.String(), uuid.Nil)
	})
}

// ErrKeyNotFound is the NotFound of LiveKey when the service account has
// no live key with the ID.
var ErrKeyNotFound = userkit.Errorf(userkit.NotFound, "no such key")

// LiveKey returns the service account's key keyID unless it is revoked.
// It needs keys.read on everything; a missing service account is
// NotFound (as in ListKeys), a key that is not one of the account's live
// keys ErrKeyNotFound. One read when the key is found: a key names its
// account, which exists while the key does (its keys go with it).
func (s *Service) LiveKey(ctx context.Context, serviceAccountID, keyID uuid.UUID) (Key, error) {
	if err := s.Require(ctx, KeysRead, All); err != nil {
		return Key{}, err
	}
	rec, err := s.store.GetAPIKey(ctx, keyID)
	switch {
	case err == nil && rec.ServiceAccountID == serviceAccountID && rec.RevokedAt == nil:
		return toKey(rec), nil
	case err != nil && !errors.Is(err, userkit.ErrNotFound):
		return Key{}, err
	}
	if _, err := s.store.GetServiceAccount(ctx, serviceAccountID); err != nil {
		return Key{}, err
	}
	return Key{}, ErrKeyNotFound
}

// RevokeLiveKey is RevokeKey for the service account's live key keyID,
// found as LiveKey finds it: keys.read on everything and then
// keys.delete, ErrKeyNotFound for a key that is not one of the account's
// live keys, NotFound for a missing account.
func (s *Service) RevokeLiveKey(ctx context.Context, serviceAccountID, keyID uuid.UUID) error {
	if _, err := s.LiveKey(ctx, serviceAccountID, keyID); err != nil {
		return err
	}
	return s.RevokeKey(ctx, keyID)
}

// ListServiceAccounts pages service accounts (with their grants) by ID; it
// needs permissions.read on everything.
func (s *Service) ListServiceAccounts(ctx context.Context, p userkit.PageRequest) (userkit.Page[ServiceAccount], error) {
	if err := s.Require(ctx, PermissionsRead, All); err != nil {
		return userkit.Page[ServiceAccount]{}, err
	}
	page, err := s.store.ListServiceAccounts(ctx, p.Normalize())
	if err != nil {
		return userkit.Page[ServiceAccount]{}, err
	}
	grants, err := s.grantsOfAll(ctx, page.Items)
	if err != nil {
		return userkit.Page[ServiceAccount]{}, err
	}
	out := userkit.Page[ServiceAccount]{Items: make([]ServiceAccount, len(page.Items)), Next: page.Next, Total: page.Total}
	for i, rec := range page.Items {
		out.Items[i] = toServiceAccount(rec, toGrants(grants[rec.ID]))
	}
	return out, nil
}

// grantsOfAll reads the grants of the accounts, by account ID, in one
// statement when the store can.
func (s *Service) grantsOfAll(ctx context.Context, accounts []storage.ServiceAccountRecord) (map[uuid.UUID][]storage.GrantRecord, error) {
	ids := make([]uuid.UUID, len(accounts))
	for i, a := range accounts {
		ids[i] = a.ID
	}
	if ar, ok := s.store.(storage.AccountReader); ok {
		return ar.GrantsOfPrincipals(ctx, ids)
	}
	out := make(map[uuid.UUID][]storage.GrantRecord, len(ids))
	for _, id := range ids {
		grants, err := s.store.GrantsOf(ctx, id)
		if err != nil {
			return nil, err
		}
		out[id] = grants
	}
	return out, nil
}

// AddGrant gives a user or service account a grant. It needs
// permissions.create on everything, and the caller must hold the grant
// itself (else Forbidden): nobody hands out more than they have. A missing
// principal is NotFound; the same grant twice is Conflict.
func (s *Service) AddGrant(ctx context.Context, principalID uuid.UUID, p GrantParams) (Grant, error) {
	return s.grant(ctx, principalID, p, func(tx storage.Store) error { return principalExists(ctx, tx, principalID) })
}

// grant is AddGrant with the check that the principal exists (exists, run
// in the grant's transaction) as a parameter.
func (s *Service) grant(ctx context.Context, principalID uuid.UUID, p GrantParams, exists func(tx storage.Store) error) (Grant, error) {
	if err := s.Require(ctx, PermissionsCreate, All); err != nil {
		return Grant{}, err
	}
	partnerID, err := s.checkGrant(ctx, p, "")
	if err != nil {
		return Grant{}, err
	}
	var out Grant
	err = s.accessTx(ctx, func(tx storage.Store) error {
		if err := exists(tx); err != nil {
			return err
		}
		var err error
		out, err = addGrant(ctx, tx, s.now(), principalID, p, partnerID)
		return err
	})
	return out, err
}

// principalExists is NotFound unless id is a service account or a user.
func principalExists(ctx context.Context, tx storage.Store, id uuid.UUID) error {
	_, err := tx.GetServiceAccount(ctx, id)
	if !errors.Is(err, userkit.ErrNotFound) {
		return err
	}
	_, err = tx.GetUser(ctx, id)
	if errors.Is(err, userkit.ErrNotFound) {
		return userkit.Errorf(userkit.NotFound, "no user or service account with that ID")
	}
	return err
}

// RemoveGrant removes a grant, NotFound when there is none. It needs
// permissions.delete on everything.
func (s *Service) RemoveGrant(ctx context.Context, grantID uuid.UUID) error {
	if err := s.Require(ctx, PermissionsDelete, All); err != nil {
		return err
	}
	return s.accessTx(ctx, func(tx storage.Store) error {
		if err := tx.RemoveGrant(ctx, grantID); err != nil {
			return err
		}
		return Audit(ctx, tx, s.now(), PermissionsDelete, "grant", grantID.String(), uuid.Nil)
	})
}

// GrantsOf lists a principal's grants by ID. A principal may list its own;
// anyone else needs permissions.read on everything.
func (s *Service) GrantsOf(ctx context.Context, principalID uuid.UUID) ([]Grant, error) {
	if err := s.requireSelfOr(ctx, PermissionsRead, principalID); err != nil {
		return nil, err
	}
	recs, err := s.store.GrantsOf(ctx, principalID)
	if err != nil {
		return nil, err
	}
	return toGrants(recs), nil
}
