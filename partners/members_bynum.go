package partners

import (
	"context"
	"errors"
	"maps"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// The misses of the methods that take a partner's and a user's numbers,
// so that an API can name what was not found.
var (
	// ErrPartnerNotFound: no partner has the number. Told only to callers
	// holding the action on every partner (Conceal); others get Forbidden.
	ErrPartnerNotFound = userkit.Errorf(userkit.NotFound, "no such partner")
	// ErrNotMember: no user with the number is a member of the partner.
	// Told to callers holding the action on the partner, whether the user
	// exists elsewhere or not at all.
	ErrNotMember = userkit.Errorf(userkit.NotFound, "no such user in this partner")
)

// partnerByNum resolves a partner number for action: the caller must hold
// action on the partner (Forbidden otherwise, before anything about users
// is looked up, so that a stranger cannot probe user numbers), and an
// unknown number is ErrPartnerNotFound only for callers holding action on
// everything.
func (s *Service) partnerByNum(ctx context.Context, num int64, action permissions.Action) (storage.PartnerRecord, error) {
	rec, err := s.store.GetPartnerByNum(ctx, num)
	if errors.Is(err, userkit.ErrNotFound) {
		err = ErrPartnerNotFound
	}
	if err != nil {
		return storage.PartnerRecord{}, s.authz.Conceal(ctx, action, err)
	}
	if err := s.authz.Require(ctx, action, permissions.PartnerScope(rec.ID)); err != nil {
		return storage.PartnerRecord{}, err
	}
	return rec, nil
}

// member resolves a partner number and a member's number for action
// (partnerByNum); a user who is not a member, or does not exist, is
// ErrNotMember. The user is read once.
func (s *Service) member(ctx context.Context, partnerNum, userNum int64, action permissions.Action) (storage.PartnerRecord, storage.UserRecord, error) {
	if sr, ok := s.store.(storage.UserScopesReader); ok {
		// One statement: the user with the partners they belong to. When
		// the partner is among them and the caller holds action on it
		// (from the grants read with its credential), that is the answer;
		// anything else goes the long way below, for its exact error.
		u, scopes, err := sr.UserByNumWithScopes(ctx, userNum)
		if err == nil {
			for _, sc := range scopes {
				if sc.Kind == storage.ScopePartner && sc.Num == partnerNum {
					if s.authz.Require(ctx, action, permissions.PartnerScope(sc.ID)) == nil {
						return storage.PartnerRecord{ID: sc.ID, Num: partnerNum}, u, nil
					}
					break
				}
			}
		}
	}
	p, err := s.partnerByNum(ctx, partnerNum, action)
	if err != nil {
		return p, storage.UserRecord{}, err
	}
	u, err := s.store.GetUserByNum(ctx, userNum)
	if errors.Is(err, userkit.ErrNotFound) {
		return p, storage.UserRecord{}, ErrNotMember
	}
	if err != nil {
		return p, storage.UserRecord{}, err
	}
	ok, err := s.store.IsPartnerMember(ctx, p.ID, u.ID)
	if err != nil {
		return p, storage.UserRecord{}, err
	}
	if !ok {
		return p, storage.UserRecord{}, ErrNotMember
	}
	return p, u, nil
}

// ListUsersByNum is ListUsers for the partner with the store-assigned
// number partnerNum (misses as in GetMember).
func (s *Service) ListUsersByNum(ctx context.Context, partnerNum int64, p ListUsersParams) (userkit.Page[users.User], error) {
	rec, err := s.partnerByNum(ctx, partnerNum, permissions.UsersRead)
	if err != nil {
		return userkit.Page[users.User]{}, err
	}
	return s.listMembers(ctx, rec, p)
}

// AddUserByNum is AddUser (create-or-attach, one transaction; an attach
// gives the partner no control of the user) for the partner with number
// partnerNum. It needs users.create on the partner; an unknown number is
// ErrPartnerNotFound for callers holding users.create on everything.
func (s *Service) AddUserByNum(ctx context.Context, partnerNum int64, p users.CreateParams) (u users.User, created bool, err error) {
	rec, err := s.partnerByNum(ctx, partnerNum, permissions.UsersCreate)
	if err != nil {
		return users.User{}, false, err
	}
	return s.AddUser(ctx, rec.ID, p)
}

// GetMember returns the member userNum of the partner partnerNum (by the
// store-assigned numbers). It needs users.read on the partner; an unknown
// partner is ErrPartnerNotFound for callers who may read every partner's
// users (Forbidden for others), a user who is not a member ErrNotMember.
func (s *Service) GetMember(ctx context.Context, partnerNum, userNum int64) (users.User, error) {
	_, u, err := s.member(ctx, partnerNum, userNum, permissions.UsersRead)
	if err != nil {
		return users.User{}, err
	}
	return users.FromRecord(u), nil
}

// MemberUpdate is a partner's change to one of its members: the profile
// and, optionally, a new password, written in one transaction.
type MemberUpdate struct {
	// Profile is the partial profile update (users.Service.Update).
	Profile users.UpdateParams
	// NewPassword, when not "", replaces the password; it must follow the
	// password policy (problems under "NewPassword").
	NewPassword string
	// NewPasswordConfirmation must equal NewPassword when that is set
	// (Fields["NewPasswordConfirmation"], Rule "mismatch", otherwise).
	NewPasswordConfirmation string
}

// UpdateMember changes the member userNum of the partner partnerNum: the
// profile and the new password in one transaction. It needs users.update
// on the partner to address the member at all (misses as in GetMember),
// and then what users.Service.Update needs: users.update on the user's
// managing scope with no escalation, so that a partner that merely has
// the user as a member (say, after attaching them by email) can neither
// change their profile nor set their password. Every problem of the
// input (profile, password policy, confirmation, Profile.Problems) is
// reported at once, after the rights are checked.
func (s *Service) UpdateMember(ctx context.Context, partnerNum, userNum int64, p MemberUpdate) (users.User, error) {
	_, u, err := s.member(ctx, partnerNum, userNum, permissions.UsersUpdate)
	if err != nil {
		return users.User{}, err
	}
	up := p.Profile
	if p.NewPassword != "" {
		pw := p.NewPassword
		up.Password = &pw
		if p.NewPasswordConfirmation != p.NewPassword {
			up.Problems = maps.Clone(up.Problems)
			if up.Problems == nil {
				up.Problems = map[string]userkit.Problem{}
			}
			up.Problems["NewPasswordConfirmation"] = userkit.Problem{Rule: userkit.RuleMismatch, Param: "NewPassword"}
		}
	}
	out, err := s.users.Update(ctx, u.ID, up)
	if err != nil {
		return users.User{}, renamePassword(err)
	}
	return out, nil
}

// renamePassword reports the users service's "Password" problem under
// MemberUpdate's name for it, "NewPassword".
func renamePassword(err error) error {
	var e *userkit.Error
	if !errors.As(err, &e) {
		return err
	}
	pr, ok := e.Fields["Password"]
	if !ok {
		return err
	}
	c := *e
	c.Fields = maps.Clone(e.Fields)
	delete(c.Fields, "Password")
	c.Fields["NewPassword"] = pr
	return &c
}

// RemoveMember is RemoveUser for the member userNum of the partner
// partnerNum: it needs users.delete on the partner (misses as in
// GetMember) and detaches the user as RemoveUser does (membership is not
// ownership: only the managing partner's detach can delete the user).
func (s *Service) RemoveMember(ctx context.Context, partnerNum, userNum int64) (userDeleted bool, err error) {
	p, u, err := s.member(ctx, partnerNum, userNum, permissions.UsersDelete)
	if err != nil {
		return false, err
	}
	deleted, err := s.RemoveUser(ctx, p.ID, u.ID)
	if errors.Is(err, userkit.ErrNotFound) {
		return false, ErrNotMember // removed meanwhile
	}
	return deleted, err
}

// MemberPartners lists the partners of the member userNum of the partner
// partnerNum that the caller may see (PartnersOf), in the order joined. It
// needs users.read on the partner (misses as in GetMember), which covers
// its member: PartnersOf's check on the user is not made again.
func (s *Service) MemberPartners(ctx context.Context, partnerNum, userNum int64) ([]Partner, error) {
	_, u, err := s.member(ctx, partnerNum, userNum, permissions.UsersRead)
	if err != nil {
		return nil, err
	}
	return s.visiblePartnersOf(ctx, u.ID)
}
