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

// maxRetries bounds compare-and-set retries under contention.
const maxRetries = 20

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
// generated, unique login name. It needs users.create on everything.
// A taken email (compared case-insensitively) is Conflict with
// Fields["Email"].
func (s *Service) Create(ctx context.Context, p CreateParams) (User, error) {
	if err := s.authz.Require(ctx, permissions.UsersCreate, permissions.All); err != nil {
		return User{}, err
	}
	rec, err := s.Prepare(ctx, p)
	if err != nil {
		return User{}, err
	}
	if err := requestEnded(ctx); err != nil {
		return User{}, err // the caller is gone: never commit what it cannot hear of
	}
	var u User
	for attempt := 0; ; attempt++ {
		err = s.store.InTx(ctx, func(tx storage.Store) error {
			var err error
			u, err = s.Insert(ctx, tx, &rec)
			return err
		})
		if err != nil && IsLoginNameConflict(err) && attempt < maxRetries {
			continue // a concurrent create took the login name; pick again
		}
		return u, err
	}
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
	}
	if rec.Status == "" {
		rec.Status = string(StatusActive)
	}
	if rec.Provider == "" {
		rec.Provider = "password"
	}
	fields := map[string]userkit.Problem{}
	if err := validate.Struct(profileOf(&rec)); err != nil {
		mergeFields(fields, err)
	}
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
	if err := s.authz.RequireForUser(ctx, permissions.UsersRead, id); err != nil {
		return User{}, err
	}
	rec, err := s.store.GetUser(ctx, id)
	if err != nil {
		return User{}, err
	}
	return FromRecord(rec), nil
}

// GetByNum returns the user with the store-assigned number num. It needs
// users.read on a scope covering the user; a number nobody has is NotFound
// only for callers who may read every user, Forbidden for others.
func (s *Service) GetByNum(ctx context.Context, num int64) (User, error) {
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
// ID. A miss is NotFound only for principals who may read every user;
// others get Forbidden, so they learn nothing about who exists.
func (s *Service) readLookedUp(ctx context.Context, rec storage.UserRecord, err error) (User, error) {
	if err != nil {
		if errors.Is(err, userkit.ErrNotFound) {
			if aerr := s.authz.Require(ctx, permissions.UsersRead, permissions.All); aerr != nil {
				return User{}, aerr
			}
		}
		return User{}, err
	}
	if err := s.authz.RequireForUser(ctx, permissions.UsersRead, rec.ID); err != nil {
		return User{}, err
	}
	return FromRecord(rec), nil
}

// Update applies the non-nil fields of p. It needs users.update on a scope
// covering the user; users may update their own profile but not their own
// status, role, provider or must-reset flag. With p.Version set the update
// is compare-and-set (a stale version is PreconditionFailed); without it,
// concurrent changes are retried so none is lost.
func (s *Service) Update(ctx context.Context, id uuid.UUID, p UpdateParams) (User, error) {
	if err := s.authz.RequireForUser(ctx, permissions.UsersUpdate, id); err != nil {
		return User{}, err
	}
	if p.Status != nil || p.Role != nil || p.Provider != nil || p.MustResetPassword != nil {
		if err := s.authz.RequireOnUser(ctx, permissions.UsersUpdate, id); err != nil {
			return User{}, err
		}
	}
	var unchanged storage.UserRecord
	rec, err := s.mutate(ctx, id, p.Version, func(r *storage.UserRecord) (permissions.Action, error) {
		before := *r
		if err := applyUpdate(r, p); err != nil {
			return "", err
		}
		if reflect.DeepEqual(before, *r) {
			// Nothing changes: no new version, no audit event.
			unchanged = before
			return "", errNoSave
		}
		return permissions.UsersUpdate, nil
	})
	if errors.Is(err, errNoSave) {
		return FromRecord(unchanged), nil
	}
	if err != nil {
		return User{}, err
	}
	return FromRecord(rec), nil
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

// mutate reads the user, lets change edit the record and writes it back
// with an audit event (of the action change returns, none when "") in one
// transaction. With expect set, a different stored version is
// PreconditionFailed; without it, a concurrent write makes mutate start
// over, so no update is lost. change returning errNoSave ends mutate
// without writing (and mutate returns errNoSave).
func (s *Service) mutate(ctx context.Context, id uuid.UUID, expect *int64, change func(*storage.UserRecord) (permissions.Action, error)) (storage.UserRecord, error) {
	for attempt := 0; ; attempt++ {
		var out storage.UserRecord
		lost := false // a concurrent write got in between our read and write
		err := s.store.InTx(ctx, func(tx storage.Store) error {
			rec, err := tx.GetUser(ctx, id)
			if err != nil {
				return err
			}
			if expect != nil && rec.Version != *expect {
				return errStale
			}
			prev := rec.Version
			action, err := change(&rec)
			if err != nil {
				return err
			}
			now := s.clock.Now()
			rec.Version = prev + 1
			rec.UpdatedAt = now
			if err := tx.UpdateUser(ctx, rec, prev); err != nil {
				lost = errors.Is(err, userkit.ErrPreconditionFailed)
				return emailConflict(err)
			}
			if action != "" {
				if err := permissions.Audit(ctx, tx, now, action, "user", id.String(), uuid.Nil); err != nil {
					return err
				}
			}
			out = rec
			return nil
		})
		if err != nil && lost && expect == nil && attempt < maxRetries {
			continue
		}
		return out, err
	}
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
