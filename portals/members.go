package portals

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/txn"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// AttributeValue is a member's value(s) of one attribute, in the order
// given. Only attributes that allow multiple values have more than one.
type AttributeValue struct {
	ID     uuid.UUID // the attribute's ID
	Values []string
}

// Member is a user's membership of a portal.
type Member struct {
	ID          uuid.UUID // membership ID; members list oldest first by it
	PortalID    uuid.UUID
	User        users.User
	RoleIDs     []uuid.UUID
	Locale      string
	Attributes  []AttributeValue
	LastLoginAt *time.Time // last login in this portal
	CreatedAt   time.Time
	Version     int64
}

// AttributeInput is one attribute value given when adding a member. An
// attribute that allows multiple values may appear several times.
type AttributeInput struct {
	ID    uuid.UUID
	Value string
}

// AddUserParams adds a user to a portal. Email picks the user: a new email
// creates a user from Email, FirstName, LastName and the optional Password;
// an existing one adds that user as is (names and password are ignored).
// RoleIDs needs at least one role of this portal. Locale "" means the
// portal's default locale ("en_US" unless the portal says otherwise).
type AddUserParams struct {
	Email      string
	FirstName  string
	LastName   string
	Password   string
	RoleIDs    []uuid.UUID
	Locale     string
	Attributes []AttributeInput
	// Problems are what the caller found wrong with the input before the
	// service saw it (a wire value that does not decode, a field its API
	// requires), as in users.CreateParams: reported together with the
	// service's own, after the caller's permission has been decided, so
	// that a refusal (403) comes before any complaint about the input.
	// Keys are the caller's; on a key the service also uses, the caller's
	// problem wins.
	Problems map[string]userkit.Problem
}

func toMember(r storage.PortalMemberRecord, u storage.UserRecord) Member {
	attrs := make([]AttributeValue, len(r.Attributes))
	for i, a := range r.Attributes {
		attrs[i] = AttributeValue{ID: a.AttributeID, Values: slices.Clone(a.Values)}
	}
	roles := slices.Clone(r.RoleIDs)
	if roles == nil {
		roles = []uuid.UUID{}
	}
	return Member{
		ID: r.ID, PortalID: r.PortalID, User: users.FromRecord(u), RoleIDs: roles, Locale: r.Locale,
		Attributes: attrs, LastLoginAt: r.LastLoginAt, CreatedAt: r.CreatedAt, Version: r.Version,
	}
}

// memberTarget names a membership in the audit log.
func memberTarget(portalID, userID uuid.UUID) string {
	return portalID.String() + "/" + userID.String()
}

// membership checks the roles, locale and attributes of p against the
// portal's definitions read through st, and returns the membership fields:
// roles in the order given without repeats, the locale, and attribute
// values grouped by attribute in order of first appearance.
func membership(ctx context.Context, st storage.Store, portal storage.PortalRecord, p AddUserParams) ([]uuid.UUID, string, []storage.AttributeValue, error) {
	fields := map[string]userkit.Problem{}
	roleRecs, err := st.ListPortalRoles(ctx, portal.ID)
	if err != nil {
		return nil, "", nil, err
	}
	var roles []uuid.UUID
	for _, id := range p.RoleIDs {
		known := slices.ContainsFunc(roleRecs, func(r storage.PortalRoleRecord) bool { return r.ID == id })
		if !known {
			fields["RoleIDs"] = userkit.Problem{Rule: userkit.RuleUnknown, Param: "role of this portal"}
			break
		}
		if !slices.Contains(roles, id) {
			roles = append(roles, id)
		}
	}
	if len(p.RoleIDs) == 0 {
		fields["RoleIDs"] = userkit.Problem{Rule: userkit.RuleRequired}
	}

	locale := p.Locale
	if locale == "" {
		locale = portal.DefaultLocale
	}
	if locale == "" {
		locale = DefaultLocale
	}
	checkPattern(fields, "Locale", locale, localePattern, localeProblem)

	defs, err := st.ListAttributes(ctx, portal.ID)
	if err != nil {
		return nil, "", nil, err
	}
	var values []storage.AttributeValue
	for i, in := range p.Attributes {
		field := fmt.Sprintf("Attributes[%d]", i)
		at := slices.IndexFunc(defs, func(d storage.AttributeRecord) bool { return d.ID == in.ID })
		if at < 0 {
			fields[field+".ID"] = userkit.Problem{Rule: userkit.RuleUnknown, Param: "attribute of this portal"}
			continue
		}
		def := defs[at]
		if problem := checkValue(AttributeType(def.Type), in.Value); problem != (userkit.Problem{}) {
			fields[field+".Value"] = problem
			continue
		}
		j := slices.IndexFunc(values, func(v storage.AttributeValue) bool { return v.AttributeID == in.ID })
		switch {
		case j < 0:
			values = append(values, storage.AttributeValue{AttributeID: in.ID, Values: []string{in.Value}})
		case def.AllowMultipleValues:
			values[j].Values = append(values[j].Values, in.Value)
		default:
			fields[field+".ID"] = userkit.Problem{Rule: userkit.RuleSingle, Param: def.Name}
		}
	}
	if len(fields) > 0 {
		return nil, "", nil, &userkit.Error{Kind: userkit.Invalid, Message: "invalid input", Fields: fields}
	}
	if values == nil {
		values = []storage.AttributeValue{}
	}
	return roles, locale, values, nil
}

// actionAttached is recorded under each of a user's partners when a
// portal attaches the user.
const actionAttached permissions.Action = "partners.user_attached_elsewhere"

var errAlreadyMember = userkit.Errorf(userkit.Conflict, "the user is already a member of this portal")

// errUserChanged ends AddUser when the user or a role it reads is deleted
// while it runs.
var errUserChanged = userkit.Errorf(userkit.Conflict, "the user changed while being added; try again")

// AddUser adds a user to a portal: when no user has the email it creates
// one (with the password, if given), otherwise it adds the existing user.
// It needs users.create on the portal. Unknown roles or attributes, bad
// attribute values and a bad locale are Invalid; a user who is already a
// member is Conflict. The user and the membership are written in one
// transaction (a password is hashed before it starts).
//
// Portal and partner memberships are independent: adding a user to a
// portal owned by a partner does not attach the user to that partner, so
// partner-wide lists and the partner's "last partner" rule are unaffected.
// Attach them with partners.Service.AddUser when both are wanted.
func (s *Service) AddUser(ctx context.Context, portalID uuid.UUID, p AddUserParams) (Member, error) {
	if err := s.authz.Require(ctx, permissions.UsersCreate, permissions.PortalScope(portalID)); err != nil {
		return Member{}, err
	}
	portal, err := s.store.GetPortal(ctx, portalID)
	if err != nil {
		return Member{}, err
	}
	if len(p.Problems) > 0 {
		return Member{}, s.inputProblems(ctx, portal, p)
	}
	// Check the membership before hashing a password, so bad input fails
	// fast and costs no hash.
	if _, _, _, err := membership(ctx, s.store, portal, p); err != nil {
		return Member{}, err
	}
	var prepared *storage.UserRecord
	_, err = s.store.GetUserByEmail(ctx, users.NormalizeEmail(p.Email))
	switch {
	case errors.Is(err, userkit.ErrNotFound):
		rec, err := s.users.Prepare(ctx, users.CreateParams{
			Email: p.Email, FirstName: p.FirstName, LastName: p.LastName, Password: p.Password,
			Locale: p.Locale,
		})
		if err != nil {
			return Member{}, err
		}
		rec.ManagedKind, rec.ManagedID = storage.ScopePortal, portalID
		prepared = &rec
	case err != nil:
		return Member{}, err
	}
	return s.addUser(ctx, portalID, p, prepared)
}

// inputProblems is AddUser's answer to input the caller already found
// wrong: Invalid with the caller's problems and every problem the service
// finds in the membership and the user's fields (users.Service.Prepare,
// which stores and hashes nothing when there are problems).
func (s *Service) inputProblems(ctx context.Context, portal storage.PortalRecord, p AddUserParams) error {
	fields := maps.Clone(p.Problems)
	if _, _, _, err := membership(ctx, s.store, portal, p); err != nil {
		if userkit.KindOf(err) != userkit.Invalid {
			return err
		}
		for k, v := range userkit.FieldsOf(err) {
			if !reported(p.Problems, k) {
				fields[k] = v
			}
		}
	}
	_, err := s.users.Prepare(ctx, users.CreateParams{
		Email: p.Email, FirstName: p.FirstName, LastName: p.LastName, Password: p.Password, Locale: p.Locale,
		Problems: fields,
	})
	return err
}

// reported is whether the caller's problems name field or a part of it
// ("RoleIDs[0]" for "RoleIDs"): a role id that did not decode leaves
// RoleIDs short, and "required" would be a second, misleading problem.
func reported(problems map[string]userkit.Problem, field string) bool {
	for k := range problems {
		if k == field || strings.HasPrefix(k, field+"[") || strings.HasPrefix(k, field+".") {
			return true
		}
	}
	return false
}

// addUser is AddUser's transaction, run again (txn.Retry) when a
// concurrent create took the generated login name. prepared is the new
// user's record when the email was unknown before the transaction.
func (s *Service) addUser(ctx context.Context, portalID uuid.UUID, p AddUserParams, prepared *storage.UserRecord) (Member, error) {
	var out Member
	err := txn.Retry(ctx, s.store, users.IsLoginNameConflict, func(tx storage.Store) error {
		// Read everything again inside the transaction: roles, attributes or
		// the user may have changed since the checks above.
		attached := false
		portal, err := tx.GetPortal(ctx, portalID)
		if err != nil {
			return err
		}
		roles, locale, values, err := membership(ctx, tx, portal, p)
		if err != nil {
			return err
		}
		user, err := tx.GetUserByEmail(ctx, users.NormalizeEmail(p.Email))
		switch {
		case errors.Is(err, userkit.ErrNotFound) && prepared != nil:
			rec := *prepared // a copy, as the store may retry this function
			if _, err := s.users.Insert(ctx, tx, &rec); err != nil {
				return err
			}
			user = rec
		case errors.Is(err, userkit.ErrNotFound):
			// The user was deleted since we looked; creating one now would
			// need a password hash inside the transaction.
			return errUserChanged
		case err != nil:
			return err
		default:
			// An existing user is attached as they are: the portal gets the
			// membership, not control of the user (users.User.ManagedBy).
			if err := tx.LockUser(ctx, user.ID); err != nil {
				if errors.Is(err, userkit.ErrNotFound) {
					return errUserChanged
				}
				return err
			}
			if _, err := tx.GetPortalMember(ctx, portalID, user.ID); err == nil {
				return errAlreadyMember
			} else if !errors.Is(err, userkit.ErrNotFound) {
				return err
			}
			attached = true
		}
		now := s.clock.Now()
		m := storage.PortalMemberRecord{
			ID: newID(), PortalID: portalID, UserID: user.ID, RoleIDs: roles, Locale: locale,
			Attributes: values, CreatedAt: now, UpdatedAt: now, Version: 1,
		}
		if err := tx.AddPortalMember(ctx, &m); err != nil {
			if errors.Is(err, userkit.ErrConflict) {
				return errAlreadyMember
			}
			if errors.Is(err, userkit.ErrNotFound) {
				// A SQL store's foreign key found the user (or a role) gone:
				// deleted after this transaction read it.
				return errUserChanged
			}
			return err
		}
		out = toMember(m, user)
		if err := permissions.Audit(ctx, tx, now, permissions.UsersCreate, "portal_member", memberTarget(portalID, user.ID), portal.PartnerID); err != nil {
			return err
		}
		if !attached {
			return nil
		}
		// The user's partners see that someone attached their user.
		others, err := tx.PartnersOfUser(ctx, user.ID)
		if err != nil {
			return err
		}
		for _, o := range others {
			if o.ID == portal.PartnerID {
				continue
			}
			if err := permissions.Audit(ctx, tx, now, actionAttached, "user", user.ID.String(), o.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Member{}, err
	}
	return out, nil
}

// GetUser returns a member of the portal; it needs users.read on the
// portal. A user who is not a member is NotFound.
func (s *Service) GetUser(ctx context.Context, portalID, userID uuid.UUID) (Member, error) {
	return s.getMember(ctx, portalID, userID, storage.MemberViewReader.MemberView)
}

// GetUserProfile is GetUser without the member's roles and attributes
// (RoleIDs and Attributes are nil): for an answer that shows only the
// user and the membership (Whaly's GET user), one row to read instead of
// one per role, attribute and value. Same check, same errors.
func (s *Service) GetUserProfile(ctx context.Context, portalID, userID uuid.UUID) (Member, error) {
	m, err := s.getMember(ctx, portalID, userID, storage.MemberViewReader.MemberProfile)
	m.RoleIDs, m.Attributes = nil, nil // the store without a MemberViewReader read them
	return m, err
}

// getMember is GetUser with the view's read as a parameter.
func (s *Service) getMember(ctx context.Context, portalID, userID uuid.UUID, view func(storage.MemberViewReader, context.Context, uuid.UUID, uuid.UUID) (storage.MemberView, error)) (Member, error) {
	if vr, ok := s.store.(storage.MemberViewReader); ok {
		// The membership with its portal and user in one statement; the
		// check takes the portal's owner from it. A miss goes the way
		// below, so that who may not read the portal learns nothing.
		v, err := view(vr, ctx, portalID, userID)
		switch {
		case err == nil:
			if err := s.authz.RequireOnPortal(ctx, permissions.UsersRead, v.Portal); err != nil {
				return Member{}, err
			}
			return toMember(v.Member, v.User), nil
		case !errors.Is(err, userkit.ErrNotFound):
			return Member{}, err
		}
	}
	if err := s.authz.Require(ctx, permissions.UsersRead, permissions.PortalScope(portalID)); err != nil {
		return Member{}, err
	}
	m, err := s.store.GetPortalMember(ctx, portalID, userID)
	if err != nil {
		return Member{}, err
	}
	u, err := s.store.GetUser(ctx, userID)
	if err != nil {
		return Member{}, err
	}
	return toMember(m, u), nil
}

// RemoveUser takes a user out of a portal and reports whether it was a
// member; not being one is not an error. The user itself stays; a user
// managed by this portal becomes managed by everything (the portal no
// longer controls them). It needs users.delete on the portal; a missing
// portal is NotFound.
func (s *Service) RemoveUser(ctx context.Context, portalID, userID uuid.UUID) (bool, error) {
	if err := s.authz.Require(ctx, permissions.UsersDelete, permissions.PortalScope(portalID)); err != nil {
		return false, err
	}
	removed := false
	err := s.store.InTx(ctx, func(tx storage.Store) error {
		removed = false
		// The user's lock first, as the user may be written below (a user
		// managed by this portal), then the portal's, under which its
		// memberships are written (RecordLogin, DeleteAttribute): the
		// locks are this transaction's first statements, so its reads see
		// what the writers it waited for committed.
		if err := tx.LockUser(ctx, userID); errors.Is(err, userkit.ErrNotFound) {
			_, err := tx.GetPortal(ctx, portalID)
			return err // no such user: not a member, unless the portal is missing too
		} else if err != nil {
			return err
		}
		if err := tx.Lock(ctx, storage.KindPortal, portalID.String()); err != nil {
			return err
		}
		portal, err := tx.GetPortal(ctx, portalID)
		if err != nil {
			return err
		}
		err = tx.RemovePortalMember(ctx, portalID, userID)
		if errors.Is(err, userkit.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		removed = true
		now := s.clock.Now()
		if err := permissions.Audit(ctx, tx, now, permissions.UsersDelete, "portal_member", memberTarget(portalID, userID), portal.PartnerID); err != nil {
			return err
		}
		rec, err := tx.GetUser(ctx, userID)
		if err != nil {
			return err
		}
		if rec.ManagedKind != storage.ScopePortal || rec.ManagedID != portalID {
			return nil
		}
		prev := rec.Version
		rec.ManagedKind, rec.ManagedID = storage.ScopeAll, uuid.Nil
		rec.Version, rec.UpdatedAt = prev+1, now
		if err := tx.UpdateUser(ctx, rec, prev); err != nil {
			return err
		}
		return permissions.Audit(ctx, tx, now, permissions.UsersUpdate, "user", userID.String(), portal.PartnerID)
	})
	if err != nil {
		return false, err
	}
	return removed, nil
}

// ListUsers pages a portal's members, oldest first; it needs users.read on
// the portal. A missing portal is NotFound.
func (s *Service) ListUsers(ctx context.Context, portalID uuid.UUID, p userkit.PageRequest) (userkit.Page[Member], error) {
	if pr, ok := s.store.(storage.MemberPageReader); ok {
		page, ok, err := s.memberViewPage(ctx, pr, portalID, p)
		if ok || err != nil {
			return page, err
		}
	}
	if _, err := s.checkedPortal(ctx, portalID, permissions.UsersRead); err != nil {
		return userkit.Page[Member]{}, err
	}
	page, err := s.store.ListPortalMembers(ctx, portalID, p.Normalize())
	if err != nil {
		return userkit.Page[Member]{}, err
	}
	out := userkit.Page[Member]{Items: make([]Member, 0, len(page.Items)), Next: page.Next, Total: page.Total}
	if ur, ok := s.store.(storage.UsersReader); ok {
		// The page's users in one statement.
		ids := make([]uuid.UUID, len(page.Items))
		for i, m := range page.Items {
			ids[i] = m.UserID
		}
		us, err := ur.UsersByIDs(ctx, ids)
		if err != nil {
			return userkit.Page[Member]{}, err
		}
		for _, m := range page.Items {
			if u, ok := us[m.UserID]; ok { // else deleted after the page was read, with its membership
				out.Items = append(out.Items, toMember(m, u))
			}
		}
		return out, nil
	}
	for _, m := range page.Items {
		u, err := s.store.GetUser(ctx, m.UserID)
		if errors.Is(err, userkit.ErrNotFound) {
			continue // deleted after the page was read; its membership went with it
		}
		if err != nil {
			return userkit.Page[Member]{}, err
		}
		out.Items = append(out.Items, toMember(m, u))
	}
	return out, nil
}

// memberViewPage is ListUsers in one statement: the page's members with
// their portal and users, the check deciding from the portal read with
// them; an empty page reads the portal (it may not exist). ok is false
// when the read failed (a bad cursor, say), so that the caller goes the
// way that checks the caller's rights before it meets the error again.
func (s *Service) memberViewPage(ctx context.Context, pr storage.MemberPageReader, portalID uuid.UUID, p userkit.PageRequest) (page userkit.Page[Member], ok bool, err error) {
	vs, err := pr.MemberViewPage(ctx, portalID, p.Normalize())
	if err != nil {
		return page, false, nil
	}
	if len(vs.Items) > 0 {
		err = s.authz.RequireOnPortal(ctx, permissions.UsersRead, vs.Items[0].Portal)
	} else {
		_, err = s.checkedPortal(ctx, portalID, permissions.UsersRead)
	}
	if err != nil {
		return page, true, err
	}
	page = userkit.Page[Member]{Items: make([]Member, len(vs.Items)), Next: vs.Next, Total: vs.Total}
	for i, v := range vs.Items {
		page.Items[i] = toMember(v.Member, v.User)
	}
	return page, true, nil
}

// RecordLogin sets the member's last login in the portal to now. The user
// may record their own login; anyone else needs users.update on the
// portal. A user who is not a member is NotFound.
func (s *Service) RecordLogin(ctx context.Context, portalID, userID uuid.UUID) error {
	if p, ok := permissions.PrincipalFrom(ctx); !ok || p != permissions.UserPrincipal(userID) {
		if err := s.authz.Require(ctx, permissions.UsersUpdate, permissions.PortalScope(portalID)); err != nil {
			return err
		}
	}
	// A portal's memberships are written under the portal's lock, so
	// that a login racing with other writes of the membership (another
	// login, DeleteAttribute's rewrite of every member, a removal) waits
	// for them instead of losing a compare-and-set.
	return txn.Update(ctx, s.store, storage.KindPortal, portalID.String(), func(tx storage.Store) error {
		m, err := tx.GetPortalMember(ctx, portalID, userID)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		m.LastLoginAt = &now
		m.UpdatedAt = now
		m.Version++
		if err := tx.UpdatePortalMember(ctx, m, m.Version-1); err != nil {
			return err
		}
		return s.auditInPortal(ctx, tx, permissions.UsersUpdate, "portal_member", memberTarget(portalID, userID), portalID)
	})
}
