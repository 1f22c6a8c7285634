package permissions

import (
	"context"
	"errors"
	"slices"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// Options configures a Service. The zero value (or nil) means defaults.
type Options struct {
	// Clock gives the time for records and key expiry; nil means time.Now.
	Clock userkit.Clock
}

// Service checks what principals may do and manages grants, resource roles,
// service accounts and their API keys, and the audit log.
type Service struct {
	store storage.Store
	clock userkit.Clock
}

// New returns a Service over store. opts may be nil.
func New(store storage.Store, opts *Options) *Service {
	s := &Service{store: store}
	if opts != nil {
		s.clock = opts.Clock
	}
	return s
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
// Reading needs action on any scope the user belongs to. A change (any
// action but users.read) acts on the one identity every partner shares and
// can hand the caller the user's credentials, so it needs more: action on
// every partner and portal the user belongs to (on everything when none),
// every grant the user holds, and permissions.update on everything when the
// user holds resource roles. A partner's key therefore cannot reset the
// password of, mint a token for or delete a user who is also another
// partner's, or who holds more than the key (ASVS 8.4.1, no escalation).
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
		return gs.coversUser(ctx, action, userID)
	}
	var scopes []Scope
	partners, err := s.store.PartnersOfUser(ctx, userID)
	if err != nil {
		return err
	}
	for _, pr := range partners {
		scopes = append(scopes, PartnerScope(pr.ID))
	}
	portals, err := s.store.PortalsOfUser(ctx, userID)
	if err != nil {
		return err
	}
	for _, m := range portals {
		scopes = append(scopes, PortalScope(m.PortalID))
	}
	if len(scopes) == 0 {
		scopes = []Scope{All}
	}
	for _, sc := range scopes {
		if err := gs.require(ctx, action, sc); err != nil {
			return err
		}
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

// HasPartnerAccess reports whether the principal in ctx has access to the
// partner: a grant of any action covering it, or (for a user) membership.
func (s *Service) HasPartnerAccess(ctx context.Context, partnerID uuid.UUID) (bool, error) {
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
	return s.Allowed(ctx, p, anyAction, PartnerScope(partnerID))
}
