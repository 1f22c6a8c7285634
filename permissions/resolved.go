package permissions

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit/storage"
)

// Resolved is the principal of a credential together with the grants it
// held when the credential was resolved, read in the same statement
// (issue 9: one indexed read per credential). Its Context carries both,
// so the permission checks of the service calls made with it read no
// grants.
//
// The grants are a snapshot of one request: a grant added or removed
// while the request runs is seen by the next request, which resolves its
// credential again. Do not keep such a context beyond the request.
type Resolved struct {
	Principal Principal
	grants    *heldGrants
}

// heldGrants are the grants a principal held at resolution.
type heldGrants struct {
	of   Principal
	recs []storage.GrantRecord
}

type grantsKey struct{}

// ResolvedWith returns p with the grants read with its credential. It is
// for the services that resolve credentials (users.Service for user
// tokens); grants must be all of p's grants.
func ResolvedWith(p Principal, grants []storage.GrantRecord) Resolved {
	return Resolved{Principal: p, grants: &heldGrants{of: p, recs: grants}}
}

// Context returns ctx carrying the principal (as WithPrincipal does) and,
// when they were read with the credential, its grants.
func (r Resolved) Context(ctx context.Context) context.Context {
	ctx = WithPrincipal(ctx, r.Principal)
	if r.grants != nil {
		ctx = context.WithValue(ctx, grantsKey{}, r.grants)
	}
	return ctx
}

// heldBy returns the grants ctx carries for p, if any.
func heldBy(ctx context.Context, p Principal) ([]storage.GrantRecord, bool) {
	h, ok := ctx.Value(grantsKey{}).(*heldGrants)
	if !ok || h.of != p {
		return nil, false
	}
	return h.recs, true
}

// ResolveKeyGrants is ResolveKey that also returns the service account's
// grants, read with the key in one statement when the store implements
// storage.CredentialReader (the SQL stores and the memory store do).
//
// A key it has resolved is reused, with its grants, for
// Options.KeyCacheTTL (DefaultKeyCacheTTL): a change made through this
// Service takes effect at once, one made by another instance within the
// TTL. Expiry is checked on every call.
func (s *Service) ResolveKeyGrants(ctx context.Context, secret string) (Resolved, error) {
	cr, ok := s.store.(storage.CredentialReader)
	if !ok {
		p, err := s.ResolveKey(ctx, secret)
		return Resolved{Principal: p}, err
	}
	if !wellFormed(secret) {
		return Resolved{}, errBadKey
	}
	hash := hashKey(secret)
	var (
		e   keyEntry
		gen uint64
		hit bool
	)
	if s.keys != nil {
		e, gen, hit = s.keys.get([32]byte(hash))
	}
	if !hit {
		rec, grants, err := cr.APIKeyWithGrants(ctx, hash)
		if err != nil {
			return Resolved{}, keyErr(err)
		}
		e = keyEntry{rec: rec, res: ResolvedWith(ServiceAccountPrincipal(rec.ServiceAccountID), grants), loaded: time.Now()}
	}
	used := e.rec.LastUsedAt
	if err := s.admit(ctx, &e.rec, hash); err != nil {
		return Resolved{}, err
	}
	// Only a key that was admitted is kept; kept again when its last use
	// was written, so that the next calls do not write it again.
	if s.keys != nil && (!hit || e.rec.LastUsedAt != used) {
		s.keys.put([32]byte(hash), gen, e)
	}
	return e.res, nil
}

// RequireForUserIn is RequireForUser for a user whose scopes were read
// with the user (storage.UserScopesReader): when a grant of the caller
// covers one of those scopes for reading, it decides without another
// read; otherwise (another action, or no covering grant) it is
// RequireForUser, which reads what it needs.
func (s *Service) RequireForUserIn(ctx context.Context, action Action, userID uuid.UUID, scopes []storage.UserScope) error {
	p, ok := PrincipalFrom(ctx)
	if !ok {
		return errNoPrincipal
	}
	if p.Kind == KindSystem {
		return nil
	}
	if action == UsersRead {
		gs, err := s.grantSet(ctx, p)
		if err != nil {
			return err
		}
		if gs.coversScopes(action, scopes) {
			return nil
		}
	}
	return s.RequireForUser(ctx, action, userID)
}

// coversScopes reports whether a grant of action covers everything or
// one of the scopes: the partner or portal itself, or the partner owning
// the portal.
func (gs *grantSet) coversScopes(action Action, scopes []storage.UserScope) bool {
	for _, g := range gs.grants {
		if !Matches(g.Action, action) {
			continue
		}
		if g.ScopeKind == storage.ScopeAll {
			return true
		}
		for _, sc := range scopes {
			switch {
			case g.ScopeKind == sc.Kind && g.ScopeID == sc.ID:
				return true
			case g.ScopeKind == storage.ScopePartner && sc.Kind == storage.ScopePortal && sc.Owner != uuid.Nil && sc.Owner == g.ScopeID:
				return true
			}
		}
	}
	return false
}
