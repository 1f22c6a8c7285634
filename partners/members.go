package partners

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/txn"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// errRace ends a transaction that found the email's user changed since
// AddUser looked (deleted, or created by someone else); the transaction
// runs again (txn.Retry).
var errRace = errors.New("user changed during add; retrying")

// errNeedRecord ends a transaction that found no user with the email
// although there was one when AddUser looked: the new user's record (and
// password hash) must be prepared outside the transaction first.
var errNeedRecord = errors.New("user deleted during add; preparing a new one")

// AddUser attaches a user to the partner, creating it when the email is
// new: created reports which happened. It needs users.create on the
// partner. Everything happens in one transaction; new members join the
// partner's default team.
//
// A new user is managed by the partner (users.User.ManagedBy): the
// partner controls their identity and credentials. An existing user who
// is not yet a member is attached as they are (names and password in p
// are ignored) and stays managed by whoever managed them: the attach
// gives the partner the membership, never control of the user, and it is
// recorded in the audit log under the user's other partners too, so they
// see who else has their user. One who is already a member is Conflict.
func (s *Service) AddUser(ctx context.Context, partnerID uuid.UUID, p users.CreateParams) (u users.User, created bool, err error) {
	if err := s.authz.Require(ctx, permissions.UsersCreate, permissions.PartnerScope(partnerID)); err != nil {
		return users.User{}, false, err
	}
	if len(p.Problems) > 0 {
		// The caller's problems are reported with every other one, even
		// when the email names a user to attach (Prepare stores nothing).
		_, err := s.users.Prepare(ctx, p)
		return users.User{}, false, err
	}
	norm := users.NormalizeEmail(p.Email)
	var prepared *storage.UserRecord
	prepare := func() error {
		// Hashing a password is slow, so it happens outside the
		// transaction and only when the email looks new.
		rec, err := s.users.Prepare(ctx, p)
		if err != nil {
			return err
		}
		rec.ManagedKind, rec.ManagedID = storage.ScopePartner, partnerID
		prepared = &rec
		return nil
	}
	if _, err := s.store.GetUserByEmail(ctx, norm); errors.Is(err, userkit.ErrNotFound) {
		if err := prepare(); err != nil {
			return users.User{}, false, err
		}
	} else if err != nil {
		return users.User{}, false, err
	}
	again := func(err error) bool { return errors.Is(err, errRace) || users.IsLoginNameConflict(err) }
	run := func(tx storage.Store) error {
		u, created, err = s.attach(ctx, tx, partnerID, norm, prepared)
		return err
	}
	err = txn.Retry(ctx, s.store, again, run)
	if errors.Is(err, errNeedRecord) {
		if err := prepare(); err != nil {
			return users.User{}, false, err
		}
		err = txn.Retry(ctx, s.store, again, run)
	}
	if errors.Is(err, errRace) || errors.Is(err, errNeedRecord) {
		err = userkit.Errorf(userkit.Conflict, "the user changed repeatedly while being added; try again")
	}
	return u, created, err
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
	var others []storage.PartnerRecord // the user's partners before the attach
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
		if others, err = tx.PartnersOfUser(ctx, rec.ID); err != nil {
			return users.User{}, false, err
		}
		u = users.FromRecord(rec)
	case errors.Is(err, userkit.ErrNotFound):
		if prepared == nil {
			return users.User{}, false, errNeedRecord
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
	for _, o := range others {
		// The user's other partners see that someone attached their user
		// (not who: the event names only the user).
		if err := s.audit(ctx, tx, actionAttached, "user", u.ID.String(), o.ID); err != nil {
			return users.User{}, false, err
		}
	}
	return u, created, nil
}

// RemoveUser detaches the user from the partner and its teams, in one
// transaction. It needs users.delete on the partner; a user who is not a
// member is NotFound. Membership is not ownership, so what else happens
// depends on who manages the user:
//
//   - a partner that does not manage the user only detaches them;
//   - detaching from the managing partner makes the user managed by
//     everything when they remain in another partner or portal, and
//     deletes them (userDeleted) when they were in no other partner or
//     portal.
func (s *Service) RemoveUser(ctx context.Context, partnerID, userID uuid.UUID) (userDeleted bool, err error) {
	if err := s.authz.Require(ctx, permissions.UsersDelete, permissions.PartnerScope(partnerID)); err != nil {
		return false, err
	}
	err = s.store.InTx(ctx, func(tx storage.Store) error {
		userDeleted = false
		// Lock the user before counting their memberships, so that a
		// concurrent attach either commits first (and is counted) or waits
		// and finds the user gone.
		if err := tx.LockUser(ctx, userID); err != nil {
			if errors.Is(err, userkit.ErrNotFound) {
				return userkit.Errorf(userkit.NotFound, "no such user in this partner")
			}
			return err
		}
		rec, managed, err := s.detach(ctx, tx, partnerID, userID)
		if err != nil || !managed {
			return err // a member, not managed here: only detached
		}
		left, err := tx.PartnersOfUser(ctx, userID)
		if err != nil {
			return err
		}
		portals, err := tx.PortalsOfUser(ctx, userID)
		if err != nil {
			return err
		}
		if len(left) > 0 || len(portals) > 0 {
			return s.handOver(ctx, tx, rec, partnerID) // still elsewhere
		}
		if err := tx.DeleteUser(ctx, userID); err != nil {
			return err
		}
		userDeleted = true
		return s.audit(ctx, tx, permissions.UsersDelete, "user", userID.String(), partnerID)
	})
	return userDeleted, err
}

// detach removes the user from the partner (and its teams) through tx,
// audited, and returns the user's record and whether the partner manages
// them.
func (s *Service) detach(ctx context.Context, tx storage.Store, partnerID, userID uuid.UUID) (storage.UserRecord, bool, error) {
	if err := tx.RemovePartnerMember(ctx, partnerID, userID); err != nil {
		return storage.UserRecord{}, false, err
	}
	if err := s.audit(ctx, tx, actionRemoveUser, "user", userID.String(), partnerID); err != nil {
		return storage.UserRecord{}, false, err
	}
	rec, err := tx.GetUser(ctx, userID)
	if err != nil {
		return storage.UserRecord{}, false, err
	}
	return rec, rec.ManagedKind == storage.ScopePartner && rec.ManagedID == partnerID, nil
}

// handOver makes a user whom the partner managed, and who stays elsewhere,
// managed by everything: no partner controls their identity any more.
func (s *Service) handOver(ctx context.Context, tx storage.Store, rec storage.UserRecord, partnerID uuid.UUID) error {
	prev := rec.Version
	rec.ManagedKind, rec.ManagedID = storage.ScopeAll, uuid.Nil
	rec.Version, rec.UpdatedAt = prev+1, s.clock.Now()
	if err := tx.UpdateUser(ctx, rec, prev); err != nil {
		return err
	}
	return s.audit(ctx, tx, permissions.UsersUpdate, "user", rec.ID.String(), partnerID)
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
	rec, err := s.store.GetPartner(ctx, partnerID)
	if err != nil {
		return userkit.Page[users.User]{}, err
	}
	return s.listMembers(ctx, rec, p)
}

// listMembers lists the users of the partner rec for ListUsers and
// ListUsersByNum, which have read it. Without a search term the total is
// the partner's MemberCount, read with the partner, so that the page
// costs one statement more than the partner rather than two (issue 9).
func (s *Service) listMembers(ctx context.Context, rec storage.PartnerRecord, p ListUsersParams) (userkit.Page[users.User], error) {
	known := p.Total && strings.TrimSpace(p.Search) == "" // users.List trims the search text too
	lp := users.ListParams{Search: p.Search, PartnerID: rec.ID, PageRequest: p.PageRequest}
	lp.Total = p.Total && !known
	pg, err := s.users.List(ctx, lp)
	if err == nil && known {
		pg.Total = int(rec.MemberCount)
	}
	return pg, err
}
