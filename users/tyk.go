package users

import (
	"context"

	"github.com/google/uuid"
	"github.com/userkit/userkit/internal/txn"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
)

// The methods here let another service make a user change part of its own
// one-transaction operation (partners.Service.CreatePortalUser and
// SavePortalUser, which serve the Tyk portal API).

// CreateIn is Create for a user managed by scope (permissions.All, a
// partner or a portal; see User.ManagedBy): it needs users.create on
// scope, and "*" on everything when p.Role is a Tyk administrator role in
// the Tyk vocabulary (which grants the user "*" on everything). also, when
// set, runs in the same transaction after the user is stored (say, to add
// the new user to a partner); an error from it undoes everything. A taken
// email is Conflict with Fields["Email"].
func (s *Service) CreateIn(ctx context.Context, scope permissions.Scope, p CreateParams, also func(tx storage.Store, u User) error) (User, error) {
	if err := s.authz.Require(ctx, permissions.UsersCreate, scope); err != nil {
		return User{}, err
	}
	admin := p.Vocabulary == Tyk && IsTykAdminRole(p.Role)
	if admin {
		if err := s.authz.Require(ctx, permissions.Action("*"), permissions.All); err != nil {
			return User{}, err
		}
	}
	rec, err := s.Prepare(ctx, p)
	if err != nil {
		return User{}, err
	}
	rec.ManagedKind, rec.ManagedID = scope.Kind, scope.ID
	if err := requestEnded(ctx); err != nil {
		return User{}, err // the caller is gone: never commit what it cannot hear of
	}
	var u User
	err = txn.Retry(ctx, s.store, IsLoginNameConflict, func(tx storage.Store) error {
		r := rec // Insert fills in the login name; a retry picks again
		var err error
		if u, err = s.Insert(ctx, tx, &r); err != nil {
			return err
		}
		if admin {
			if err := s.setAdmin(ctx, tx, u.ID, true); err != nil {
				return err
			}
		}
		if also != nil {
			return also(tx, u)
		}
		return nil
	})
	return u, err
}

// UpdateWith is Update, and runs also (when set) in the same transaction
// after the user's record is written, or found unchanged (u is then the
// stored user): the other parts of one operation, such as moving the user
// between partners. An error from also undoes everything. also must write
// nothing when it has nothing to change, so that writing back what was
// read stays a no-op.
func (s *Service) UpdateWith(ctx context.Context, id uuid.UUID, p UpdateParams, also func(tx storage.Store, u User) error) (User, error) {
	return s.update(ctx, id, p, also)
}

// DeleteByNum is Delete for the user with the store-assigned number num.
// A number nobody has is NotFound only for callers holding users.delete
// on everything, Forbidden for others (permissions.Service.Conceal).
func (s *Service) DeleteByNum(ctx context.Context, num int64) error {
	rec, err := s.store.GetUserByNum(ctx, num)
	if err != nil {
		return s.authz.Conceal(ctx, permissions.UsersDelete, err)
	}
	return s.Delete(ctx, rec.ID)
}
