package users

import (
	"context"
	"crypto/rand"
	"errors"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
)

// errBadCredentials is the one answer to every failed login, so a caller
// cannot tell an unknown email from a wrong password or a locked account.
var errBadCredentials = userkit.Errorf(userkit.Unauthenticated, "invalid email or password")

// maxPasswordBytes is the longest input Authenticate hashes. Passwords are
// at most Policy.MaxLength runes (4 bytes each); longer input is refused
// before any hashing so it cannot be used to burn CPU.
func (s *Service) maxPasswordBytes() int {
	if s.policy.MaxLength <= 0 {
		return 1024
	}
	return 4 * s.policy.MaxLength
}

// Authenticate returns the active user with email and password. Every
// failure is the same Unauthenticated error and costs about the same: an
// unknown email is checked against a dummy hash. Consecutive failures are
// counted in the store (so the count holds across app instances) and lock
// the account at Options.MaxFailedLogins; a success resets the count,
// records LastLoginAt and upgrades an old hash (bcrypt, weaker argon2id).
// It needs no principal in ctx: it is how one is established.
func (s *Service) Authenticate(ctx context.Context, email, password string) (User, error) {
	if password == "" || len(password) > s.maxPasswordBytes() {
		return User{}, errBadCredentials
	}
	rec, err := s.store.GetUserByEmail(ctx, NormalizeEmail(email))
	if errors.Is(err, userkit.ErrNotFound) || (err == nil && rec.PasswordHash == "") {
		if err := s.verifyDummy(ctx, password); err != nil {
			return User{}, err
		}
		return User{}, errBadCredentials
	}
	if err != nil {
		return User{}, err
	}
	ok, rehash, err := s.hasher.verify(ctx, rec.PasswordHash, password)
	if err != nil {
		return User{}, err
	}
	if rec.Status != string(StatusActive) {
		return User{}, errBadCredentials
	}
	if !ok {
		if err := s.recordFailure(ctx, rec.ID); err != nil {
			return User{}, err
		}
		return User{}, errBadCredentials
	}
	newHash := ""
	if rehash {
		if newHash, err = s.hasher.hash(ctx, password); err != nil {
			return User{}, err
		}
	}
	verified := rec.PasswordHash
	rec, err = s.mutate(ctx, rec.ID, nil, func(r *storage.UserRecord) (permissions.Action, error) {
		if r.Status != string(StatusActive) || r.PasswordHash != verified {
			// Locked or given a new password since we checked: the
			// checked password no longer counts.
			return "", errBadCredentials
		}
		now := s.clock.Now()
		r.FailedLogins = 0
		r.LastLoginAt = &now
		if newHash != "" {
			r.PasswordHash = newHash
		}
		return "", nil
	})
	if err != nil {
		return User{}, err
	}
	return FromRecord(rec), nil
}

// verifyDummy spends the work of one verification, so a login for an
// unknown email takes as long as one with a wrong password.
func (s *Service) verifyDummy(ctx context.Context, password string) error {
	s.dummyOnce.Do(func() {
		pw := make([]byte, 16)
		_, _ = rand.Read(pw)
		// Not cancelled with this caller's ctx: the result is shared.
		s.dummy, s.dummyErr = s.hasher.hash(context.WithoutCancel(ctx), string(pw))
	})
	if s.dummyErr != nil {
		return s.dummyErr
	}
	_, _, err := s.hasher.verify(ctx, s.dummy, password)
	return err
}

// recordFailure counts one failed login of an active user and locks the
// account when the count reaches the limit.
func (s *Service) recordFailure(ctx context.Context, id uuid.UUID) error {
	_, err := s.mutate(ctx, id, nil, func(r *storage.UserRecord) (permissions.Action, error) {
		if r.Status != string(StatusActive) {
			return "", errNoSave
		}
		r.FailedLogins++
		if s.maxFailed > 0 && r.FailedLogins >= s.maxFailed {
			r.Status = string(StatusLocked)
			return actionLock, nil
		}
		return "", nil
	})
	if errors.Is(err, errNoSave) || errors.Is(err, userkit.ErrNotFound) {
		return nil // the account changed under us; nothing left to count
	}
	return err
}

// ChangePassword sets a new password for a user who knows the current one.
// It needs the user themself or users.update on a scope covering the user.
// Problems are Invalid with Fields "CurrentPassword" (wrong; counts as a
// failed login), "Password" (breaks the policy) or "ConfirmPassword"
// (differs from the new one). It clears MustResetPassword. A locked or
// suspended account always gets "CurrentPassword" wrong, as Authenticate
// refuses it, so guessing here cannot get past the lockout.
func (s *Service) ChangePassword(ctx context.Context, id uuid.UUID, current, next, confirm string) error {
	if err := s.authz.RequireForUser(ctx, permissions.UsersUpdate, id); err != nil {
		return err
	}
	fields := map[string]userkit.Problem{}
	if current == "" {
		fields["CurrentPassword"] = userkit.Problem{Rule: userkit.RuleRequired}
	}
	if err := s.policy.Validate(next); err != nil {
		mergeFields(fields, err)
	}
	if next != confirm {
		fields["ConfirmPassword"] = userkit.Problem{Rule: userkit.RuleMismatch, Param: "the new password"}
	}
	if len(fields) > 0 {
		return &userkit.Error{Kind: userkit.Invalid, Message: "invalid input", Fields: fields}
	}
	rec, err := s.store.GetUser(ctx, id)
	if err != nil {
		return err
	}
	wrong := userkit.FieldError("CurrentPassword", userkit.Problem{Rule: userkit.RuleIncorrect})
	if rec.PasswordHash == "" || len(current) > s.maxPasswordBytes() {
		return wrong
	}
	ok, _, err := s.hasher.verify(ctx, rec.PasswordHash, current)
	if err != nil {
		return err
	}
	if rec.Status != string(StatusActive) {
		// A locked (or suspended) account answers as Authenticate does:
		// the same as a wrong password, so the lockout cannot be sidestepped
		// by guessing here, and nothing changes.
		return wrong
	}
	if !ok {
		if err := s.recordFailure(ctx, id); err != nil {
			return err
		}
		return wrong
	}
	return s.storeHash(ctx, id, next, rec.PasswordHash, true)
}

// SetPassword sets a user's password without the current one, as an
// administrator does. It needs users.update on a scope covering the user;
// users changing their own password use ChangePassword instead.
func (s *Service) SetPassword(ctx context.Context, id uuid.UUID, password string) error {
	if err := s.authz.RequireOnUser(ctx, permissions.UsersUpdate, id); err != nil {
		return err
	}
	if err := s.policy.Validate(password); err != nil {
		return err
	}
	return s.storeHash(ctx, id, password, "", false)
}

// storeHash hashes password (outside any transaction) and stores it,
// resetting the failed-login count. A non-empty expectOld makes it fail
// with PreconditionFailed when the stored hash changed since the caller
// verified it; clearReset clears MustResetPassword.
func (s *Service) storeHash(ctx context.Context, id uuid.UUID, password, expectOld string, clearReset bool) error {
	h, err := s.hasher.hash(ctx, password)
	if err != nil {
		return err
	}
	_, err = s.mutate(ctx, id, nil, func(r *storage.UserRecord) (permissions.Action, error) {
		if expectOld != "" && r.PasswordHash != expectOld {
			return "", userkit.Errorf(userkit.PreconditionFailed, "the password was changed meanwhile")
		}
		r.PasswordHash = h
		if clearReset {
			r.MustResetPassword = false
		}
		r.FailedLogins = 0
		return permissions.UsersUpdate, nil
	})
	return err
}

// RotateToken bumps the user's token version, so API tokens issued before
// stop working, and records when the new token was made. It needs the user
// themself or users.update on a scope covering the user.
func (s *Service) RotateToken(ctx context.Context, id uuid.UUID) (User, error) {
	if err := s.authz.RequireForUser(ctx, permissions.UsersUpdate, id); err != nil {
		return User{}, err
	}
	rec, err := s.mutate(ctx, id, nil, func(r *storage.UserRecord) (permissions.Action, error) {
		now := s.clock.Now()
		r.TokenVersion++
		r.APITokenCreatedAt = &now
		return permissions.UsersUpdate, nil
	})
	if err != nil {
		return User{}, err
	}
	return FromRecord(rec), nil
}
