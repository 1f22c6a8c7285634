package permissions

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// Options configures a Service. The zero value (or nil) means defaults.
type Options struct {
	// Clock gives the time for records and key expiry; nil means time.Now.
	Clock userkit.Clock

	// KeyCacheTTL is how long ResolveKeyGrants reuses a resolved API key
	// with its grants before reading them again. Revoking a key, deleting
	// its account or changing its grants through this Service takes
	// effect at once; made by another instance of the application on the
	// same database, within KeyCacheTTL. Zero means DefaultKeyCacheTTL
	// (500 ms); a negative value turns the cache off, so that every
	// request reads its key.
	KeyCacheTTL time.Duration
}

// Service checks what principals may do and manages grants, resource roles,
// service accounts and their API keys, and the audit log.
type Service struct {
	store storage.Store
	clock userkit.Clock
	keys  *keyCache // nil when Options.KeyCacheTTL < 0
}

// New returns a Service over store. opts may be nil.
func New(store storage.Store, opts *Options) *Service {
	var o Options
	if opts != nil {
		o = *opts
	}
	return &Service{store: store, clock: o.Clock, keys: newKeyCache(o.KeyCacheTTL)}
}

// anyAction asks Allowed whether any grant covers a scope.
const anyAction Action = ""

var (
	errNoPrincipal = userkit.Errorf(userkit.Unauthenticated, "authentication required")
	errDenied      = userkit.Errorf(userkit.Forbidden, "permission denied")
)

// Require returns nil when the principal in ctx may perform action on
// scope, Unauthenticated when ctx carries no principal, and Forbidden
// otherwise. Deny by default: only a grant allows.
//
// A grant covers the scope when its scope is "*", equal to it, or the
// partner owning the portal asked for. A grant on a partner (or membership
// of it) is what the documented APIs call "partner access".
func (s *Service) Require(ctx context.Context, action Action, scope Scope) error {
	p, ok := PrincipalFrom(ctx)
	if !ok {
		return errNoPrincipal
	}
	if p.Kind == KindSystem {
		return nil
	}
	gs, err := s.grantSet(ctx, p)
	if err != nil {
		return err
	}
	return gs.require(ctx, action, scope)
}

// RequireOnPortal is Require on the portal's scope for a portal the
// caller has already read: a partner's grant is matched against
// portal.PartnerID instead of reading the portal again.
func (s *Service) RequireOnPortal(ctx context.Context, action Action, portal storage.PortalRecord) error {
	p, ok := PrincipalFrom(ctx)
	if !ok {
		return errNoPrincipal
	}
	if p.Kind == KindSystem {
		return nil
	}
	gs, err := s.grantSet(ctx, p)
	if err != nil {
		return err
	}
	gs.owners = map[uuid.UUID]uuid.UUID{portal.ID: portal.PartnerID}
	return gs.require(ctx, action, PortalScope(portal.ID))
}

// Allowed reports whether p may perform action on scope.
func (s *Service) Allowed(ctx context.Context, p Principal, action Action, scope Scope) (bool, error) {
	if p.Kind == KindSystem {
		return true, nil
	}
	gs, err := s.grantSet(ctx, p)
	if err != nil {
		return false, err
	}
	return gs.allows(ctx, action, scope)
}

// grantSet is a principal's grants, read once for a check that looks at
// several scopes, with the owners of portals looked up at most once each.
type grantSet struct {
	store  storage.Store
	grants []storage.GrantRecord
	owners map[uuid.UUID]uuid.UUID // portal → owning partner (uuid.Nil: none)
}

func (s *Service) grantSet(ctx context.Context, p Principal) (grantSet, error) {
	if grants, ok := heldBy(ctx, p); ok {
		return grantSet{store: s.store, grants: grants}, nil // read with the credential
	}
	grants, err := s.store.GrantsOf(ctx, p.ID)
	return grantSet{store: s.store, grants: grants}, err
}

// allows reports whether a grant covers action on scope: its scope is "*",
// the scope itself, or the partner owning the portal asked for.
func (gs *grantSet) allows(ctx context.Context, action Action, scope Scope) (bool, error) {
	for _, g := range gs.grants {
		if action != anyAction && !Matches(g.Action, action) {
			continue
		}
		switch {
		case g.ScopeKind == storage.ScopeAll:
			return true, nil
		case g.ScopeKind == scope.Kind && g.ScopeID == scope.ID:
			return true, nil
		case g.ScopeKind == storage.ScopePartner && scope.Kind == storage.ScopePortal:
			owner, err := gs.owner(ctx, scope.ID)
			if err != nil {
				return false, err
			}
			if owner != uuid.Nil && owner == g.ScopeID {
				return true, nil
			}
		}
	}
	return false, nil
}

// owner returns the partner owning the portal, uuid.Nil when it has none or
// does not exist.
func (gs *grantSet) owner(ctx context.Context, portalID uuid.UUID) (uuid.UUID, error) {
	if owner, ok := gs.owners[portalID]; ok {
		return owner, nil
	}
	portal, err := gs.store.GetPortal(ctx, portalID)
	if err != nil && !errors.Is(err, userkit.ErrNotFound) {
		return uuid.Nil, err
	}
	if gs.owners == nil {
		gs.owners = map[uuid.UUID]uuid.UUID{}
	}
	gs.owners[portalID] = portal.PartnerID
	return portal.PartnerID, nil
}

// coversUser returns nil when a grant of action covers any scope the user
// belongs to, and Forbidden otherwise. It starts from the grants, which are
// few, so a grant on everything needs no further read and a partner's
// grant one membership check, instead of listing every scope of the user.
func (gs *grantSet) coversUser(ctx context.Context, action Action, userID uuid.UUID) error {
	var partnerGrants []uuid.UUID
	for _, g := range gs.grants {
		if !Matches(g.Action, action) {
			continue
		}
		switch g.ScopeKind {
		case storage.ScopeAll:
			return nil
		case storage.ScopePartner:
			member, err := gs.store.IsPartnerMember(ctx, g.ScopeID, userID)
			if err != nil || member {
				return err
			}
			partnerGrants = append(partnerGrants, g.ScopeID)
		case storage.ScopePortal:
			_, err := gs.store.GetPortalMember(ctx, g.ScopeID, userID)
			if err == nil || !errors.Is(err, userkit.ErrNotFound) {
				return err
			}
		}
	}
	if len(partnerGrants) > 0 {
		// A partner's grant also covers members of the portals it owns.
		memberships, err := gs.store.PortalsOfUser(ctx, userID)
		if err != nil {
			return err
		}
		for _, m := range memberships {
			owner, err := gs.owner(ctx, m.PortalID)
			if err != nil {
				return err
			}
			if owner != uuid.Nil && slices.Contains(partnerGrants, owner) {
				return nil
			}
		}
	}
	return errDenied
}

// require is allows as an error: nil, or Forbidden.
func (gs *grantSet) require(ctx context.Context, action Action, scope Scope) error {
	allowed, err := gs.allows(ctx, action, scope)
	if err != nil {
		return err
	}
	if !allowed {
		return errDenied
	}
	return nil
}

// RequireForUser checks action on one user: it passes when a grant covers
// everything, or any partner or portal the user belongs to. This keeps a
// partner's key away from users of other partners. A user may also read and
// update their own record; RequireOnUser is the check without that rule.
func (s *Service) RequireForUser(ctx context.Context, action Action, userID uuid.UUID) error {
	if p, ok := PrincipalFrom(ctx); ok && p.Kind == KindUser && p.ID == userID &&
		(action == UsersRead || action == UsersUpdate) {
		return nil
	}
	return s.RequireOnUser(ctx, action, userID)
}

// RequireOnUser is RequireForUser without the self-service rule: for
// changes a user must not make to their own account (status, role, an
// administrative password reset).
//
// Membership is not ownership. Reading (users.read) needs the action on
// any partner or portal the user belongs to, or on the user's managing
// scope. Any other action controls the one identity every partner shares
// (email, password, status, role, profile, tokens, deletion), so it needs
// the action on the user's managing scope (the partner or portal that
// created the user, or everything: see storage.UserRecord.ManagedKind; a
// managing partner or portal that no longer exists counts as everything),
// and no escalation: every grant the user holds, and permissions.update on
// everything when the user holds resource roles. A partner that merely
// has the user as a member (say, after attaching them by email) therefore
// cannot reset their password, mint a token for them or delete them, and a
// key cannot take over a user who holds more than the key (ASVS 8.4.1).
// A user that does not exist needs the action on everything, so that
// others learn nothing from the answer.
func (s *Service) RequireOnUser(ctx context.Context, action Action, userID uuid.UUID) error {
	p, ok := PrincipalFrom(ctx)
	if !ok {
		return errNoPrincipal
	}
	if p.Kind == KindSystem {
		return nil
	}
	gs, err := s.grantSet(ctx, p)
	if err != nil {
		return err
	}
	if action == UsersRead {
		err := gs.coversUser(ctx, action, userID)
		if !errors.Is(err, errDenied) {
			return err
		}
		managing, merr := s.managingScope(ctx, s.store, userID)
		if merr != nil {
			return merr
		}
		if managing == All {
			return err // coversUser already looked at grants on everything
		}
		return gs.require(ctx, action, managing)
	}
	managing, err := s.managingScope(ctx, s.store, userID)
	if err != nil {
		return err
	}
	if err := gs.require(ctx, action, managing); err != nil {
		return err
	}
	grants, err := s.store.GrantsOf(ctx, userID)
	if err != nil {
		return err
	}
	for _, g := range grants {
		if err := gs.require(ctx, Action(g.Action), Scope{Kind: g.ScopeKind, ID: g.ScopeID}); err != nil {
			return err
		}
	}
	roles, err := s.store.ResourceRolesOfUser(ctx, userID)
	if err != nil {
		return err
	}
	if len(roles) > 0 {
		return gs.require(ctx, PermissionsUpdate, All)
	}
	return nil
}

// ManagingScope returns the scope that manages the user: the partner or
// portal recorded at creation when it still exists, everything otherwise
// (and for a user that does not exist). It checks no permission.
func ManagingScope(ctx context.Context, st storage.Store, userID uuid.UUID) (Scope, error) {
	rec, err := st.GetUser(ctx, userID)
	if errors.Is(err, userkit.ErrNotFound) {
		return All, nil
	}
	if err != nil {
		return Scope{}, err
	}
	return managingOf(ctx, st, rec)
}

func (s *Service) managingScope(ctx context.Context, st storage.Store, userID uuid.UUID) (Scope, error) {
	return ManagingScope(ctx, st, userID)
}

// managingOf is the managing scope of a stored user: a partner or portal
// that was deleted since counts as everything.
func managingOf(ctx context.Context, st storage.Store, rec storage.UserRecord) (Scope, error) {
	var err error
	switch rec.ManagedKind {
	case storage.ScopePartner:
		_, err = st.GetPartner(ctx, rec.ManagedID)
	case storage.ScopePortal:
		_, err = st.GetPortal(ctx, rec.ManagedID)
	default:
		return All, nil
	}
	switch {
	case errors.Is(err, userkit.ErrNotFound):
		return All, nil
	case err != nil:
		return Scope{}, err
	}
	return Scope{Kind: rec.ManagedKind, ID: rec.ManagedID}, nil
}

// Conceal is the one rule for lookups by a key other than an ID (a
// number, an email, a path): a miss (NotFound) is told only to callers
// holding action on everything, who could list what exists anyway; anyone
// else gets the answer of a refused check (Forbidden, or Unauthenticated
// without a principal), so they learn nothing about what exists. Any other
// err is returned as it is.
func (s *Service) Conceal(ctx context.Context, action Action, err error) error {
	if !errors.Is(err, userkit.ErrNotFound) {
		return err
	}
	if aerr := s.Require(ctx, action, All); aerr != nil {
		return aerr
	}
	return err
}

// HoldsAll reports whether the principal holds the grant "*" (every
// action) on everything: what the Tyk portal calls an administrator.
func (s *Service) HoldsAll(ctx context.Context, principalID uuid.UUID) (bool, error) {
	grants, err := s.store.GrantsOf(ctx, principalID)
	if err != nil {
		return false, err
	}
	for _, g := range grants {
		if g.Action == "*" && g.ScopeKind == storage.ScopeAll {
			return true, nil
		}
	}
	return false, nil
}

// VisiblePartner reports whether the principal in ctx may see that a user
// belongs to the partner: users.read (or, for a user principal,
// membership) covering the partner. Lists of a user's memberships keep
// only these, so a partner never learns the user's other partners.
func (s *Service) VisiblePartner(ctx context.Context, partnerID uuid.UUID) (bool, error) {
	return s.partnerAccess(ctx, partnerID, UsersRead)
}

// HasPartnerAccess reports whether the principal in ctx has access to the
// partner: a grant of any action covering it, or (for a user) membership.
func (s *Service) HasPartnerAccess(ctx context.Context, partnerID uuid.UUID) (bool, error) {
	return s.partnerAccess(ctx, partnerID, anyAction)
}

// partnerAccess reports whether the principal in ctx is a member of the
// partner (users) or holds a grant of action covering it.
func (s *Service) partnerAccess(ctx context.Context, partnerID uuid.UUID, action Action) (bool, error) {
	p, ok := PrincipalFrom(ctx)
	if !ok {
		return false, errNoPrincipal
	}
	if p.Kind == KindSystem {
		return true, nil
	}
	if p.Kind == KindUser {
		member, err := s.store.IsPartnerMember(ctx, partnerID, p.ID)
		if err != nil || member {
			return member, err
		}
	}
	return s.Allowed(ctx, p, action, PartnerScope(partnerID))
}
