package users

import (
	"context"
	"errors"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/txn"
	"github.com/userkit/userkit/internal/validate"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
)

// Authorizer checks the principal carried in ctx. *permissions.Service
// satisfies it.
type Authorizer interface {
	Require(ctx context.Context, action permissions.Action, scope permissions.Scope) error
	RequireForUser(ctx context.Context, action permissions.Action, userID uuid.UUID) error
	RequireOnUser(ctx context.Context, action permissions.Action, userID uuid.UUID) error
	Conceal(ctx context.Context, action permissions.Action, err error) error
	HoldsAll(ctx context.Context, principalID uuid.UUID) (bool, error)
}

// Options configures a Service. The zero value (or nil) means defaults.
type Options struct {
	// Clock gives the time for records; nil means time.Now.
	Clock userkit.Clock
	// Argon2 are the parameters of new password hashes; zero fields take
	// DefaultArgon2 (OWASP). Stored hashes made with weaker parameters are
	// replaced at the user's next successful login.
	Argon2 Argon2Params
	// MaxConcurrentHashes bounds how many hashes are computed at once
	// across the Service; callers beyond it wait for a slot (see
	// MaxHashWait and MaxHashQueue) or for their ctx to end
	// (TooManyRequests). 0 means runtime.NumCPU().
	MaxConcurrentHashes int
	// MaxHashWait bounds how long a caller waits for a hashing slot; past
	// it the call fails with Unavailable and a RetryAfter (HTTP 503 with
	// Retry-After), so that an overloaded server answers instead of
	// leaving clients to time out. 0 means DefaultMaxHashWait (2 s); a
	// negative value waits as long as the caller's ctx.
	MaxHashWait time.Duration
	// MaxHashQueue bounds how many callers wait for a slot at once; one
	// more is refused at once with the same Unavailable error. 0 means 16
	// per MaxConcurrentHashes; a negative value sets no bound.
	MaxHashQueue int
	// Policy is the rule for new passwords; the zero value means
	// DefaultPolicy.
	Policy PasswordPolicy
	// MaxFailedLogins is how many consecutive failed logins lock an
	// account. 0 means 5; a negative value never locks.
	MaxFailedLogins int
}

// Service manages users: records, passwords and authentication. Every
// method except Authenticate, Prepare and Insert checks the principal in
// ctx (see permissions.WithPrincipal): no principal is Unauthenticated, a
// missing grant Forbidden. A Service is safe for concurrent use.
type Service struct {
	store     storage.Store
	authz     Authorizer
	clock     userkit.Clock
	hasher    *hasher
	policy    PasswordPolicy
	maxFailed int

	dummyOnce sync.Once
	dummy     string // a hash with current parameters, verified for unknown emails
	dummyErr  error
}

// Audit actions beyond the permission actions.
const (
	actionLock permissions.Action = "users.lock"
)

// New returns a Service over store that checks permissions with authz.
// opts may be nil.
func New(store storage.Store, authz Authorizer, opts *Options) *Service {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.MaxConcurrentHashes <= 0 {
		o.MaxConcurrentHashes = runtime.NumCPU()
	}
	switch {
	case o.MaxHashWait == 0:
		o.MaxHashWait = DefaultMaxHashWait
	case o.MaxHashWait < 0:
		o.MaxHashWait = 0 // no bound
	}
	switch {
	case o.MaxHashQueue == 0:
		o.MaxHashQueue = defaultQueuePerSlot * o.MaxConcurrentHashes
	case o.MaxHashQueue < 0:
		o.MaxHashQueue = 0 // no bound
	}
	if o.Policy.isZero() {
		o.Policy = DefaultPolicy
	}
	if o.MaxFailedLogins == 0 {
		o.MaxFailedLogins = 5
	}
	return &Service{
		store: store,
		authz: authz,
		clock: o.Clock,
		hasher: &hasher{params: o.Argon2.withDefaults(), sem: make(chan struct{}, o.MaxConcurrentHashes),
			maxWait: o.MaxHashWait, maxQueue: o.MaxHashQueue},
		policy:    o.Policy,
		maxFailed: o.MaxFailedLogins,
	}
}

// Policy returns the password policy new passwords must follow.
func (s *Service) Policy() PasswordPolicy { return s.policy }

// Create validates p, hashes its password and stores a new user with a
// generated, unique login name, managed by everything (permissions.All).
// It needs users.create on everything; p.Role given in the Tyk vocabulary
// as an administrator role also grants the user "*" on everything, which
// needs the caller to hold "*" on everything. A taken email (compared
// case-insensitively) is Conflict with Fields["Email"].
func (s *Service) Create(ctx context.Context, p CreateParams) (User, error) {
	return s.CreateIn(ctx, permissions.All, p, nil)
}

// Prepare validates p and hashes its password, returning the record to
// store. It checks no permission and writes nothing, so other services can
// run it outside their transaction and then call Insert inside it.
// Validation problems of all fields are reported together.
func (s *Service) Prepare(ctx context.Context, p CreateParams) (storage.UserRecord, error) {
	now := s.clock.Now()
	rec := storage.UserRecord{
		ID:                uuid.Must(uuid.NewV7()),
		Email:             strings.TrimSpace(p.Email),
		EmailNorm:         NormalizeEmail(p.Email),
		FirstName:         strings.TrimSpace(p.FirstName),
		LastName:          strings.TrimSpace(p.LastName),
		Status:            string(p.Status),
		Role:              p.Role,
		Provider:          p.Provider,
		Locale:            p.Locale,
		Timezone:          p.Timezone,
		City:              p.City,
		Country:           p.Country,
		Department:        p.Department,
		PhoneLand:         p.PhoneLand,
		PhoneMobile:       p.PhoneMobile,
		DateOfBirth:       dateOnly(p.DateOfBirth),
		MustResetPassword: p.MustResetPassword,
		CreatedAt:         now,
		UpdatedAt:         now,
		Version:           1,
		ManagedKind:       storage.ScopeAll,
	}
	if rec.Status == "" {
		rec.Status = string(StatusActive)
	}
	if rec.Provider == "" {
		rec.Provider = "password"
	}
	fields := map[string]userkit.Problem{}
	for k, v := range p.Problems {
		fields[k] = v
	}
	if err := validate.Struct(profileOf(&rec)); err != nil {
		mergeFields(fields, err)
	}
	checkVocabulary(fields, p.Vocabulary, nonEmpty(p.Role), nonEmpty(p.Timezone))
	checkBirth(fields, rec.DateOfBirth, now)
	switch {
	case p.Password != "" && p.PasswordHash != "":
		fields["PasswordHash"] = userkit.Problem{Rule: userkit.RuleExcluded, Param: "Password"}
	case p.Password != "":
		if err := s.policy.Validate(p.Password); err != nil {
			mergeFields(fields, err)
		}
	case p.PasswordHash != "":
		if err := checkImportedHash(p.PasswordHash); err != nil {
			mergeFields(fields, err)
		}
	}
	if len(fields) > 0 {
		return storage.UserRecord{}, &userkit.Error{Kind: userkit.Invalid, Message: "invalid input", Fields: fields}
	}
	if p.Password != "" {
		h, err := s.hasher.hash(ctx, p.Password)
		if err != nil {
			return storage.UserRecord{}, err
		}
		rec.PasswordHash = h
	} else {
		rec.PasswordHash = p.PasswordHash
	}
	return rec, nil
}

// Insert stores a record made by Prepare through tx: it picks a free login
// name, creates the user and records the audit event. It checks no
// permission. A Conflict for which IsLoginNameConflict is true means a
// concurrent insert took the login name: run the transaction again.
func (s *Service) Insert(ctx context.Context, tx storage.Store, rec *storage.UserRecord) (User, error) {
	name, err := freeLoginName(ctx, tx, loginBase(rec.FirstName, rec.LastName, rec.EmailNorm))
	if err != nil {
		return User{}, err
	}
	rec.LoginName = name
	if err := tx.CreateUser(ctx, rec); err != nil {
		return User{}, emailConflict(err)
	}
	if err := permissions.Audit(ctx, tx, s.clock.Now(), permissions.UsersCreate, "user", rec.ID.String(), uuid.Nil); err != nil {
		return User{}, err
	}
	return FromRecord(*rec), nil
}

// IsLoginNameConflict reports whether err is the store's Conflict on the
// unique login name, which a retry with a fresh name resolves.
func IsLoginNameConflict(err error) bool {
	_, ok := userkit.FieldsOf(err)["LoginName"]
	return ok && userkit.KindOf(err) == userkit.Conflict
}

// emailConflict turns the store's Conflict on EmailNorm into the
// service-level field name.
func emailConflict(err error) error {
	if _, ok := userkit.FieldsOf(err)["EmailNorm"]; ok && userkit.KindOf(err) == userkit.Conflict {
		return &userkit.Error{Kind: userkit.Conflict, Message: "email already taken",
			Fields: map[string]userkit.Problem{"Email": {Rule: userkit.RuleTaken}}}
	}
	return err
}

func mergeFields(dst map[string]userkit.Problem, err error) {
	for k, v := range userkit.FieldsOf(err) {
		if _, ok := dst[k]; !ok {
			dst[k] = v
		}
	}
}

// Get returns the user with id. It needs users.read on a scope covering
// the user (users may always read themselves).
func (s *Service) Get(ctx context.Context, id uuid.UUID) (User, error) {
	if sr, ok := s.store.(storage.UserScopesReader); ok {
		// The user and their scopes in one statement; the check needs no
		// other read when the caller's grants came with its credential.
		rec, scopes, err := sr.UserWithScopes(ctx, id)
		if errors.Is(err, userkit.ErrNotFound) {
			// As below: who may not read every user learns nothing.
			if err := s.authz.RequireForUser(ctx, permissions.UsersRead, id); err != nil {
				return User{}, err
			}
			return User{}, err
		}
		if err != nil {
			return User{}, err
		}
		if err := s.requireReadIn(ctx, rec.ID, scopes); err != nil {
			return User{}, err
		}
		return FromRecord(rec), nil
	}
	if err := s.authz.RequireForUser(ctx, permissions.UsersRead, id); err != nil {
		return User{}, err
	}
	rec, err := s.store.GetUser(ctx, id)
	if err != nil {
		return User{}, err
	}
	return FromRecord(rec), nil
}

// requireReadIn checks users.read on a user read with their scopes: with
// no further read when the Authorizer can use the scopes
// (permissions.Service.RequireForUserIn).
func (s *Service) requireReadIn(ctx context.Context, id uuid.UUID, scopes []storage.UserScope) error {
	type scoped interface {
		RequireForUserIn(ctx context.Context, action permissions.Action, userID uuid.UUID, scopes []storage.UserScope) error
	}
	if a, ok := s.authz.(scoped); ok {
		return a.RequireForUserIn(ctx, permissions.UsersRead, id, scopes)
	}
	return s.authz.RequireForUser(ctx, permissions.UsersRead, id)
}

// GetByNum returns the user with the store-assigned number num. It needs
// users.read on a scope covering the user; a number nobody has is NotFound
// only for callers who may read every user, Forbidden for others.
func (s *Service) GetByNum(ctx context.Context, num int64) (User, error) {
	if sr, ok := s.store.(storage.UserScopesReader); ok {
		rec, scopes, err := sr.UserByNumWithScopes(ctx, num)
		if err != nil {
			return User{}, s.authz.Conceal(ctx, permissions.UsersRead, err)
		}
		if err := s.requireReadIn(ctx, rec.ID, scopes); err != nil {
			return User{}, err
		}
		return FromRecord(rec), nil
	}
	rec, err := s.store.GetUserByNum(ctx, num)
	return s.readLookedUp(ctx, rec, err)
}

// GetByEmail returns the user with email, compared case-insensitively.
// Permissions and misses work as in GetByNum.
func (s *Service) GetByEmail(ctx context.Context, email string) (User, error) {
	rec, err := s.store.GetUserByEmail(ctx, NormalizeEmail(email))
	return s.readLookedUp(ctx, rec, err)
}

// readLookedUp checks users.read for a user found by a key other than its
// ID. A miss is concealed (permissions.Service.Conceal): NotFound only for
// principals who may read every user, so others learn nothing about who
// exists.
func (s *Service) readLookedUp(ctx context.Context, rec storage.UserRecord, err error) (User, error) {
	if err != nil {
		return User{}, s.authz.Conceal(ctx, permissions.UsersRead, err)
	}
	if err := s.authz.RequireForUser(ctx, permissions.UsersRead, rec.ID); err != nil {
		return User{}, err
	}
	return FromRecord(rec), nil
}

// Update applies the non-nil fields of p. Users may update their own
// profile, but not their own status, role, provider or must-reset flag;
// anything else needs users.update on the user's managing scope and no
// escalation (permissions.Service.RequireOnUser): being a member of the
// user's partner is not enough. p.Role and p.Timezone are read in
// p.Vocabulary: the value that vocabulary shows for the stored one
// (ShowRole, ShowTimezone) changes nothing. In the Tyk vocabulary, making
// a user an administrator grants them "*" on everything and making an
// administrator a consumer revokes it, in the same transaction; either
// needs the caller to hold "*" on everything. Every field problem is
// reported at once. With p.Version set the update is compare-and-set (a
// stale version is PreconditionFailed); without it the user's row is
// locked for the update, so concurrent writers queue and none fails or is
// lost.
func (s *Service) Update(ctx context.Context, id uuid.UUID, p UpdateParams) (User, error) {
	return s.update(ctx, id, p, nil)
}

// update is Update; extra, when set, runs in the same transaction after
// the record is written (other services' parts of one operation).
func (s *Service) update(ctx context.Context, id uuid.UUID, p UpdateParams, extra func(tx storage.Store, u User) error) (User, error) {
	pre, err := s.store.GetUser(ctx, id)
	if err != nil && !errors.Is(err, userkit.ErrNotFound) {
		return User{}, err
	}
	found := err == nil
	wasAdmin := false
	if found && p.Vocabulary == Tyk {
		if wasAdmin, err = s.authz.HoldsAll(ctx, id); err != nil {
			return User{}, err
		}
	}
	// Every problem of the input at once: the caller's, the vocabulary's,
	// the password policy's and the profile's as it would be after the
	// update. They are reported after the caller's rights are checked.
	fields := map[string]userkit.Problem{}
	for k, v := range p.Problems {
		fields[k] = v
	}
	checkVocabulary(fields, p.Vocabulary, p.Role, p.Timezone)
	if p.DateOfBirth != nil {
		checkBirth(fields, *p.DateOfBirth, s.clock.Now())
	}
	if p.Password != nil {
		if err := s.policy.Validate(*p.Password); err != nil {
			mergeFields(fields, err)
		}
	}
	if found {
		next := pre
		if err := applyUpdate(&next, effective(p, pre, wasAdmin)); err != nil {
			mergeFields(fields, err)
		}
	}
	eff := effective(p, pre, wasAdmin)
	privileged := eff.Status != nil || eff.Role != nil || eff.Provider != nil || eff.MustResetPassword != nil || p.Password != nil
	if privileged || !isSelf(ctx, id) {
		if err := s.authz.RequireOnUser(ctx, permissions.UsersUpdate, id); err != nil {
			return User{}, err
		}
	}
	grantChange := found && p.Vocabulary == Tyk && eff.Role != nil && IsTykAdminRole(*eff.Role) != wasAdmin
	if grantChange {
		if err := s.authz.Require(ctx, permissions.Action("*"), permissions.All); err != nil {
			return User{}, err
		}
	}
	if len(fields) > 0 {
		return User{}, &userkit.Error{Kind: userkit.Invalid, Message: "invalid input", Fields: fields}
	}
	var hash string
	if p.Password != nil {
		// Hashing is slow: outside the transaction, once the caller may.
		if hash, err = s.hasher.hash(ctx, *p.Password); err != nil {
			return User{}, err
		}
	}
	var unchanged storage.UserRecord
	rec, err := s.mutateTx(ctx, id, p.Version, func(tx storage.Store, r *storage.UserRecord) (permissions.Action, error) {
		admin := false
		if p.Vocabulary == Tyk {
			var err error
			if admin, err = holdsAll(ctx, tx, id); err != nil {
				return "", err
			}
		}
		q := effective(p, *r, admin)
		if q.Vocabulary == Tyk && q.Role != nil && IsTykAdminRole(*q.Role) != admin {
			if !grantChange {
				// The user became or stopped being an administrator since
				// the caller's rights were checked: decide again.
				return "", userkit.Errorf(userkit.Conflict, "the user's administrator grant changed meanwhile; try again")
			}
			if err := s.setAdmin(ctx, tx, id, !admin); err != nil {
				return "", err
			}
		}
		before := *r
		if err := applyUpdate(r, q); err != nil {
			return "", err
		}
		if hash != "" {
			r.PasswordHash = hash
			r.FailedLogins = 0
		}
		if reflect.DeepEqual(before, *r) {
			unchanged = before
			if extra != nil {
				if err := extra(tx, FromRecord(before)); err != nil {
					return "", err
				}
			}
			// Nothing changes: no new version, no audit event.
			return "", errNoSave
		}
		return permissions.UsersUpdate, nil
	}, extra)
	if errors.Is(err, errNoSave) {
		return FromRecord(unchanged), nil
	}
	if err != nil {
		return User{}, err
	}
	return FromRecord(rec), nil
}

// isSelf reports whether the principal in ctx is the user id.
func isSelf(ctx context.Context, id uuid.UUID) bool {
	p, ok := permissions.PrincipalFrom(ctx)
	return ok && p.Kind == permissions.KindUser && p.ID == id && id != uuid.Nil
}

// effective returns p with Role and Timezone cleared when they are what
// p.Vocabulary shows for the stored record r (admin: whether the user
// holds "*" on everything), so that writing back a read value is no
// change (and, for a user's own role, no attempt at a privileged one).
func effective(p UpdateParams, r storage.UserRecord, admin bool) UpdateParams {
	if p.Role != nil && *p.Role == ShowRole(p.Vocabulary, r.Role, admin) {
		p.Role = nil
	}
	if p.Timezone != nil && *p.Timezone == ShowTimezone(p.Vocabulary, r.Timezone) {
		p.Timezone = nil
	}
	return p
}

// holdsAll reports whether the user holds "*" on everything, read through
// tx.
func holdsAll(ctx context.Context, tx storage.Store, id uuid.UUID) (bool, error) {
	grants, err := tx.GrantsOf(ctx, id)
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

// setAdmin grants (admin) or revokes the user's "*" on everything through
// tx, with an audit event. The caller's right to do so ("*" on everything)
// is checked before.
func (s *Service) setAdmin(ctx context.Context, tx storage.Store, id uuid.UUID, admin bool) error {
	now := s.clock.Now()
	if admin {
		g := storage.GrantRecord{ID: uuid.Must(uuid.NewV7()), PrincipalID: id, Action: "*", ScopeKind: storage.ScopeAll, CreatedAt: now}
		if err := tx.AddGrant(ctx, &g); err != nil && !errors.Is(err, userkit.ErrConflict) {
			return err
		}
		return permissions.Audit(ctx, tx, now, permissions.PermissionsCreate, "grant", id.String(), uuid.Nil)
	}
	grants, err := tx.GrantsOf(ctx, id)
	if err != nil {
		return err
	}
	for _, g := range grants {
		if g.Action == "*" && g.ScopeKind == storage.ScopeAll {
			if err := tx.RemoveGrant(ctx, g.ID); err != nil {
				return err
			}
		}
	}
	return permissions.Audit(ctx, tx, now, permissions.PermissionsDelete, "grant", id.String(), uuid.Nil)
}

// checkBirth adds Fields["DateOfBirth"] (Rule "future") for a date of
// birth after today.
func checkBirth(fields map[string]userkit.Problem, dob *time.Time, now time.Time) {
	if dob == nil {
		return
	}
	d, today := dateOnly(dob), dateOnly(&now)
	if d.After(*today) {
		fields["DateOfBirth"] = userkit.Problem{Rule: userkit.RuleFuture}
	}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func applyUpdate(r *storage.UserRecord, p UpdateParams) error {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	if p.Email != nil {
		r.Email = strings.TrimSpace(*p.Email)
		r.EmailNorm = NormalizeEmail(*p.Email)
	}
	if p.FirstName != nil {
		r.FirstName = strings.TrimSpace(*p.FirstName)
	}
	if p.LastName != nil {
		r.LastName = strings.TrimSpace(*p.LastName)
	}
	set(&r.Role, p.Role)
	set(&r.Provider, p.Provider)
	set(&r.Locale, p.Locale)
	set(&r.Timezone, p.Timezone)
	set(&r.City, p.City)
	set(&r.Country, p.Country)
	set(&r.Department, p.Department)
	set(&r.PhoneLand, p.PhoneLand)
	set(&r.PhoneMobile, p.PhoneMobile)
	if p.Status != nil {
		if *p.Status == StatusActive && r.Status != string(StatusActive) {
			r.FailedLogins = 0 // unlocking gives the user a fresh count
		}
		r.Status = string(*p.Status)
	}
	if p.DateOfBirth != nil {
		r.DateOfBirth = dateOnly(*p.DateOfBirth)
	}
	if p.MustResetPassword != nil {
		r.MustResetPassword = *p.MustResetPassword
	}
	return validate.Struct(profileOf(r))
}

var (
	errStale  = userkit.Errorf(userkit.PreconditionFailed, "the user was changed by someone else; reload and retry")
	errNoSave = errors.New("no change to save")
)

// mutate is mutateTx for a change that reads nothing else.
func (s *Service) mutate(ctx context.Context, id uuid.UUID, expect *int64, change func(*storage.UserRecord) (permissions.Action, error)) (storage.UserRecord, error) {
	return s.mutateTx(ctx, id, expect, func(_ storage.Store, r *storage.UserRecord) (permissions.Action, error) {
		return change(r)
	}, nil)
}

// mutateTx reads the user, lets change edit the record and writes it back
// with an audit event (of the action change returns, none when "") in one
// transaction, then runs extra (when set) in it. With expect set, a
// different stored version is PreconditionFailed. The user's row is
// locked first (txn.Update), so a concurrent writer waits instead of
// failing this one. change returning errNoSave ends mutateTx without
// writing (and mutateTx returns errNoSave, committing what change and
// extra did through tx).
func (s *Service) mutateTx(ctx context.Context, id uuid.UUID, expect *int64, change func(storage.Store, *storage.UserRecord) (permissions.Action, error), extra func(tx storage.Store, u User) error) (storage.UserRecord, error) {
	var out storage.UserRecord
	noSave := false
	err := txn.Update(ctx, s.store, storage.KindUser, id.String(), func(tx storage.Store) error {
		noSave = false
		rec, err := tx.GetUser(ctx, id)
		if err != nil {
			return err
		}
		if expect != nil && rec.Version != *expect {
			return errStale
		}
		prev := rec.Version
		action, err := change(tx, &rec)
		if errors.Is(err, errNoSave) {
			noSave = true
			return nil // commit what change did through tx
		}
		if err != nil {
			return err
		}
		now := s.clock.Now()
		rec.Version = prev + 1
		rec.UpdatedAt = now
		if err := tx.UpdateUser(ctx, rec, prev); err != nil {
			return emailConflict(err)
		}
		if action != "" {
			if err := permissions.Audit(ctx, tx, now, action, "user", id.String(), uuid.Nil); err != nil {
				return err
			}
		}
		if extra != nil {
			if err := extra(tx, FromRecord(rec)); err != nil {
				return err
			}
		}
		out = rec
		return nil
	})
	if err == nil && noSave {
		return storage.UserRecord{}, errNoSave
	}
	return out, err
}

// Delete removes the user (and their memberships, grants and roles). It
// needs users.delete on a scope covering the user; a missing user is
// NotFound.
func (s *Service) Delete(ctx context.Context, id uuid.UUID) error {
	if err := s.authz.RequireForUser(ctx, permissions.UsersDelete, id); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx storage.Store) error {
		if err := tx.DeleteUser(ctx, id); err != nil {
			return err
		}
		return permissions.Audit(ctx, tx, s.clock.Now(), permissions.UsersDelete, "user", id.String(), uuid.Nil)
	})
}

// maxSearch bounds the search text of List.
const maxSearch = 200

// List pages users matching p, ordered by ID. It needs users.read on the
// partner or portal asked for (the partner when both are set), or on
// everything when neither is set. A Search over 200 characters or an
// unknown Status is Invalid.
func (s *Service) List(ctx context.Context, p ListParams) (userkit.Page[User], error) {
	scope := permissions.All
	switch {
	case p.PartnerID != uuid.Nil:
		scope = permissions.PartnerScope(p.PartnerID)
	case p.PortalID != uuid.Nil:
		scope = permissions.PortalScope(p.PortalID)
	}
	if err := s.authz.Require(ctx, permissions.UsersRead, scope); err != nil {
		return userkit.Page[User]{}, err
	}
	switch p.Status {
	case "", StatusActive, StatusSuspended, StatusLocked:
	default:
		return userkit.Page[User]{}, userkit.FieldError("Status", validate.Problem("oneof", "active suspended locked"))
	}
	if utf8.RuneCountInString(p.Search) > maxSearch {
		return userkit.Page[User]{}, userkit.FieldError("Search", validate.Problem("max", "200"))
	}
	f := storage.UserFilter{Search: strings.TrimSpace(p.Search), Status: string(p.Status), PartnerID: p.PartnerID, PortalID: p.PortalID}
	page, err := s.store.ListUsers(ctx, f, p.PageRequest.Normalize())
	if err != nil {
		return userkit.Page[User]{}, err
	}
	return userkit.MapPage(page, FromRecord), nil
}
