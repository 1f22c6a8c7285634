package permissions

import (
	"context"
	"errors"
	"slices"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// ErrUserNotFound is the NotFound of the ...ByNum methods when no user has
// the number, told only to callers holding the action on everything
// (Conceal). It tells a missing user from a missing role or resource.
var ErrUserNotFound = userkit.Errorf(userkit.NotFound, "no such user")

// ErrPrincipalNotFound is the NotFound of the grant methods taking a
// Principal when no principal of its kind has the ID.
var ErrPrincipalNotFound = userkit.Errorf(userkit.NotFound, "no such principal")

// ErrGrantNotFound is the NotFound of PrincipalGrant and RevokeGrantOf
// when the principal holds no grant with the ID.
var ErrGrantNotFound = userkit.Errorf(userkit.NotFound, "no such grant")

// userByNum resolves a user number, concealing a miss for action.
func (s *Service) userByNum(ctx context.Context, num int64, action Action) (uuid.UUID, error) {
	rec, err := s.store.GetUserByNum(ctx, num)
	if errors.Is(err, userkit.ErrNotFound) {
		err = ErrUserNotFound
	}
	if err != nil {
		return uuid.Nil, s.Conceal(ctx, action, err)
	}
	return rec.ID, nil
}

// RolesOfUserByNum is RolesOfUser for the user with the store-assigned
// number num; an unknown number is ErrUserNotFound for callers holding
// permissions.read on everything, Forbidden for others.
func (s *Service) RolesOfUserByNum(ctx context.Context, num int64) ([]ResourceRole, error) {
	if rr, ok := s.store.(storage.RoleListReader); ok {
		// The user's roles with their resources' names in one statement;
		// a miss goes the way below, which conceals it.
		id, roles, err := rr.NamedRolesOfUserByNum(ctx, num)
		switch {
		case err == nil:
			if err := s.requireSelfOr(ctx, PermissionsRead, id); err != nil {
				return nil, err
			}
			out := make([]ResourceRole, len(roles))
			for i, r := range roles {
				out[i] = toResourceRole(r.ResourceRoleRecord, r.ResourceName)
			}
			return out, nil
		case !errors.Is(err, userkit.ErrNotFound):
			return nil, err
		}
	}
	id, err := s.userByNum(ctx, num, PermissionsRead)
	if err != nil {
		return nil, err
	}
	return s.RolesOfUser(ctx, id)
}

// SetRoleByNum is SetRole for the user with number num. The caller's
// right (permissions.update on everything) is checked before the input: an
// empty resourceID is Invalid (Fields["ResourceID"] "required"), an empty
// or unknown role Fields["Role"], both reported at once. An unknown number
// is ErrUserNotFound for callers holding the right, Forbidden for others.
func (s *Service) SetRoleByNum(ctx context.Context, num int64, resourceID string, role Role) (ResourceRole, error) {
	id, err := s.userByNum(ctx, num, PermissionsUpdate)
	if err != nil {
		return ResourceRole{}, err
	}
	if err := s.Require(ctx, PermissionsUpdate, All); err != nil {
		return ResourceRole{}, err
	}
	fields := map[string]userkit.Problem{}
	if resourceID == "" {
		fields["ResourceID"] = userkit.Problem{Rule: userkit.RuleRequired}
	}
	switch {
	case role == "":
		fields["Role"] = userkit.Problem{Rule: userkit.RuleRequired}
	case !role.Valid():
		fields["Role"] = roleProblem
	}
	if len(fields) > 0 {
		return ResourceRole{}, &userkit.Error{Kind: userkit.Invalid, Message: "invalid input", Fields: fields}
	}
	return s.SetRole(ctx, id, resourceID, role)
}

// RevokeRoleByNum is RevokeRole for the user with number num; an unknown
// number is ErrUserNotFound for callers holding permissions.delete on
// everything, Forbidden for others.
func (s *Service) RevokeRoleByNum(ctx context.Context, num int64, resourceID string) error {
	id, err := s.userByNum(ctx, num, PermissionsDelete)
	if err != nil {
		return err
	}
	return s.RevokeRole(ctx, id, resourceID)
}

// principalOfKind is ErrPrincipalNotFound unless who.ID names a principal
// of who.Kind (a user or a service account).
func principalOfKind(ctx context.Context, st storage.Store, who Principal) error {
	var err error
	switch who.Kind {
	case KindUser:
		_, err = st.GetUser(ctx, who.ID)
	case KindServiceAccount:
		_, err = st.GetServiceAccount(ctx, who.ID)
	default:
		return ErrPrincipalNotFound
	}
	if errors.Is(err, userkit.ErrNotFound) {
		return ErrPrincipalNotFound
	}
	return err
}

// PrincipalGrants is GrantsOf for a principal of a known kind: the
// principal itself or a caller holding permissions.read on everything
// may list them (checked first), and an ID that names no principal of
// who.Kind is ErrPrincipalNotFound. The existence check needs no
// users.read: a permissions reader need not also read users.
func (s *Service) PrincipalGrants(ctx context.Context, who Principal) ([]Grant, error) {
	if err := s.requireSelfOr(ctx, PermissionsRead, who.ID); err != nil {
		return nil, err
	}
	grants, err := s.principalWithGrants(ctx, who)
	if err != nil {
		return nil, err
	}
	return toGrants(grants), nil
}

// principalWithGrants reads the principal's grants and checks that it is
// a principal of its kind (ErrPrincipalNotFound), in one statement when
// the store can.
func (s *Service) principalWithGrants(ctx context.Context, who Principal) ([]storage.GrantRecord, error) {
	var (
		grants []storage.GrantRecord
		err    error
	)
	cr, credentials := s.store.(storage.CredentialReader)
	switch {
	case who.Kind == KindUser && credentials:
		_, grants, err = cr.UserWithGrants(ctx, who.ID)
	case who.Kind == KindServiceAccount:
		_, grants, err = s.accountWithGrants(ctx, who.ID)
	default:
		if grants, err = s.store.GrantsOf(ctx, who.ID); err == nil {
			err = principalOfKind(ctx, s.store, who)
		}
	}
	if errors.Is(err, userkit.ErrNotFound) {
		return nil, ErrPrincipalNotFound
	}
	return grants, err
}

// PrincipalGrant returns one grant of the principal, ErrGrantNotFound
// when the principal holds none with grantID. Rights and misses are as in
// PrincipalGrants.
func (s *Service) PrincipalGrant(ctx context.Context, who Principal, grantID uuid.UUID) (Grant, error) {
	grants, err := s.PrincipalGrants(ctx, who)
	if err != nil {
		return Grant{}, err
	}
	i := slices.IndexFunc(grants, func(g Grant) bool { return g.ID == grantID })
	if i < 0 {
		return Grant{}, ErrGrantNotFound
	}
	return grants[i], nil
}

// GrantTo is AddGrant for a principal of a known kind: an ID that names
// no principal of who.Kind is ErrPrincipalNotFound. Rights are AddGrant's
// (permissions.create on everything, and holding the grant), checked
// before anything is looked up.
func (s *Service) GrantTo(ctx context.Context, who Principal, p GrantParams) (Grant, error) {
	return s.grant(ctx, who.ID, p, func(tx storage.Store) error { return principalOfKind(ctx, tx, who) })
}

// RevokeGrantOf removes the principal's grant grantID in one transaction.
// It needs permissions.delete on everything; an ID that names no
// principal of who.Kind is ErrPrincipalNotFound, a grant the principal
// does not hold ErrGrantNotFound.
func (s *Service) RevokeGrantOf(ctx context.Context, who Principal, grantID uuid.UUID) error {
	if err := s.Require(ctx, PermissionsDelete, All); err != nil {
		return err
	}
	return s.accessTx(ctx, func(tx storage.Store) error {
		if err := principalOfKind(ctx, tx, who); err != nil {
			return err
		}
		grants, err := tx.GrantsOf(ctx, who.ID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(grants, func(g storage.GrantRecord) bool { return g.ID == grantID }) {
			return ErrGrantNotFound
		}
		if err := tx.RemoveGrant(ctx, grantID); err != nil {
			return err
		}
		return Audit(ctx, tx, s.now(), PermissionsDelete, "grant", grantID.String(), uuid.Nil)
	})
}
