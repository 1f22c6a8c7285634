package partners

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// errRace ends a transaction that found the email's user changed since
// AddUser looked (deleted, or created by someone else); AddUser starts over.
var errRace = errors.New("user changed during add; retrying")

// AddUser attaches a user to the partner, creating it when the email is
// new: created reports which happened. A user who exists and is not yet a
// member is attached as they are (first and last name in p are ignored);
// one who is already a member is Conflict. New members join the partner's
// default team. Everything happens in one transaction. It needs
// users.create on the partner.
func (s *Service) AddUser(ctx context.Context, partnerID uuid.UUID, p users.CreateParams) (u users.User, created bool, err error) {
	if err := s.authz.Require(ctx, permissions.UsersCreate, permissions.PartnerScope(partnerID)); err != nil {
		return users.User{}, false, err
	}
	norm := users.NormalizeEmail(p.Email)
	var prepared *storage.UserRecord
	for attempt := 0; ; attempt++ {
		// Hashing a password is slow, so it happens outside the
		// transaction and only when the email looks new.
		if prepared == nil {
			_, err := s.store.GetUserByEmail(ctx, norm)
			switch {
			case errors.Is(err, userkit.ErrNotFound):
				rec, err := s.users.Prepare(ctx, p)
				if err != nil {
					return users.User{}, false, err
				}
				prepared = &rec
			case err != nil:
				return users.User{}, false, err
			}
		}
		err = s.store.InTx(ctx, func(tx storage.Store) error {
			u, created, err = s.attach(ctx, tx, partnerID, norm, prepared)
			return err
		})
		if (errors.Is(err, errRace) || users.IsLoginNameConflict(err)) && attempt < maxRetries {
			continue
		}
		if errors.Is(err, errRace) {
			err = userkit.Errorf(userkit.Conflict, "the user changed repeatedly while being added; try again")
		}
		return u, created, err
	}
}

// attach is AddUser's transaction.
func (s *Service) attach(ctx context.Context, tx storage.Store, partnerID uuid.UUID, norm string, prepared *storage.UserRecord) (users.User, bool, error) {
	if _, err := tx.GetPartner(ctx, partnerID); err != nil {
		return users.User{}, false, err
	}
	team, err := defaultTeam(ctx, tx, partnerID)
	if err != nil {
		return users.User{}, false, err
	}
	var u users.User
	created := false
	rec, err := tx.GetUserByEmail(ctx, norm)
	switch {
	case err == nil:
		// Lock the user first: a concurrent RemoveUser of their last
		// partner would otherwise delete them, and this attach with them.
		if err := tx.LockUser(ctx, rec.ID); err != nil {
			if errors.Is(err, userkit.ErrNotFound) {
				return users.User{}, false, errRace
			}
			return users.User{}, false, err
		}
		member, err := tx.IsPartnerMember(ctx, partnerID, rec.ID)
		if err != nil {
			return users.User{}, false, err
		}
		if member {
			return users.User{}, false, &userkit.Error{Kind: userkit.Conflict,
				Message: "the user is already a member of this partner", Fields: map[string]userkit.Problem{"Email": {Rule: userkit.RuleMember}}}
		}
		u = users.FromRecord(rec)
	case errors.Is(err, userkit.ErrNotFound):
		if prepared == nil {
			return users.User{}, false, errRace
		}
		r := *prepared // Insert fills in the login name; keep prepared reusable
		if u, err = s.users.Insert(ctx, tx, &r); err != nil {
			if userkit.KindOf(err) == userkit.Conflict && userkit.FieldsOf(err)["Email"].Rule == userkit.RuleTaken {
				// Created concurrently: start over and attach it.
				return users.User{}, false, errRace
			}
			return users.User{}, false, err
		}
		created = true
	default:
		return users.User{}, false, err
	}
	if err := tx.AddPartnerMember(ctx, storage.PartnerMemberRecord{PartnerID: partnerID, UserID: u.ID, CreatedAt: s.clock.Now()}); err != nil {
		if !created && errors.Is(err, userkit.ErrNotFound) {
			// A SQL store's foreign key found the user gone: deleted (say,
			// removed from their last partner) after this transaction read
			// them. Start over, which creates the user anew.
			return users.User{}, false, errRace
		}
		return users.User{}, false, err
	}
	if err := tx.AddTeamMember(ctx, team.ID, u.ID); err != nil {
		return users.User{}, false, err
	}
	if err := s.audit(ctx, tx, actionAddUser, "user", u.ID.String(), partnerID); err != nil {
		return users.User{}, false, err
	}
	return u, created, nil
}

// RemoveUser detaches the user from the partner and its teams. When that
// was the user's last partner the user is deleted too (userDeleted), in the
// same transaction. A user who is not a member is NotFound. It needs
// users.delete on the partner.
func (s *Service) RemoveUser(ctx context.Context, partnerID, userID uuid.UUID) (userDeleted bool, err error) {
	if err := s.authz.Require(ctx, permissions.UsersDelete, permissions.PartnerScope(partnerID)); err != nil {
		return false, err
	}
	err = s.store.InTx(ctx, func(tx storage.Store) error {
		userDeleted = false
		// Lock the user before counting their partners, so that a
		// concurrent attach either commits first (and is counted) or waits
		// and finds the user gone.
		if err := tx.LockUser(ctx, userID); err != nil {
			if errors.Is(err, userkit.ErrNotFound) {
				return userkit.Errorf(userkit.NotFound, "no such user in this partner")
			}
			return err
		}
		if err := tx.RemovePartnerMember(ctx, partnerID, userID); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actionRemoveUser, "user", userID.String(), partnerID); err != nil {
			return err
		}
		left, err := tx.PartnersOfUser(ctx, userID)
		if err != nil || len(left) > 0 {
			return err
		}
		if err := tx.DeleteUser(ctx, userID); err != nil {
			return err
		}
		userDeleted = true
		return s.audit(ctx, tx, permissions.UsersDelete, "user", userID.String(), partnerID)
	})
	return userDeleted, err
}

// GetUser returns a member of the partner; a user who is not a member is
// NotFound. It needs users.read on the partner.
func (s *Service) GetUser(ctx context.Context, partnerID, userID uuid.UUID) (users.User, error) {
	if err := s.authz.Require(ctx, permissions.UsersRead, permissions.PartnerScope(partnerID)); err != nil {
		return users.User{}, err
	}
	member, err := s.store.IsPartnerMember(ctx, partnerID, userID)
	if err != nil {
		return users.User{}, err
	}
	if !member {
		return users.User{}, userkit.Errorf(userkit.NotFound, "no such user in this partner")
	}
	rec, err := s.store.GetUser(ctx, userID)
	if err != nil {
		return users.User{}, err
	}
	return users.FromRecord(rec), nil
}

// ListUsers pages the partner's members, optionally narrowed by a search
// over first name, last name and email. It needs users.read on the
// partner.
func (s *Service) ListUsers(ctx context.Context, partnerID uuid.UUID, p ListUsersParams) (userkit.Page[users.User], error) {
	if err := s.authz.Require(ctx, permissions.UsersRead, permissions.PartnerScope(partnerID)); err != nil {
		return userkit.Page[users.User]{}, err
	}
	if _, err := s.store.GetPartner(ctx, partnerID); err != nil {
		return userkit.Page[users.User]{}, err
	}
	return s.users.List(ctx, users.ListParams{Search: p.Search, PartnerID: partnerID, PageRequest: p.PageRequest})
}
