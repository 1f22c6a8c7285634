package users

import (
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/validate"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
)

// Status is the state of a user account.
type Status string

// The account states. Only active users can authenticate; a locked user has
// failed to log in too often (or was locked by an administrator), a
// suspended one was switched off by an administrator.
const (
	StatusActive    Status = "active"
	StatusSuspended Status = "suspended"
	StatusLocked    Status = "locked"
)

// User is a user as the services and the HTTP layer see it. It carries no
// password hash and no failed-login counter: those stay in the store.
type User struct {
	ID  uuid.UUID
	Num int64 // store-assigned integer id, for APIs that use numbers

	Email     string // as entered, trimmed
	FirstName string
	LastName  string
	LoginName string // generated and unique, e.g. "mona.benson2"
	Status    Status

	// Optional profile fields; "" means unset.
	Role        string
	Provider    string // "password" unless the user signs in elsewhere
	Locale      string
	Timezone    string
	City        string
	Country     string
	Department  string
	PhoneLand   string
	PhoneMobile string

	DateOfBirth       *time.Time // midnight UTC
	MustResetPassword bool
	HasPassword       bool

	LastLoginAt       *time.Time
	APITokenCreatedAt *time.Time
	TokenVersion      int64 // bumped by RotateToken so old tokens stop working

	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64 // compare-and-set token for UpdateParams.Version

	// ManagedBy is the scope that controls the user's identity and
	// credentials: permissions.All for users created by Create, the
	// partner or portal for users created by partners.Service.AddUser or
	// portals.Service.AddUser. Membership of other partners and portals
	// (for instance after an attach by email) gives no control. A managing
	// partner or portal deleted since counts as everything.
	ManagedBy permissions.Scope
}

// CreateParams describes a new user. Email, FirstName and LastName are
// required.
type CreateParams struct {
	Email     string
	FirstName string
	LastName  string
	// Password is checked against the service's PasswordPolicy and hashed
	// with argon2id; "" creates a user without a password, who cannot
	// authenticate until one is set.
	Password string
	// PasswordHash imports an existing hash (bcrypt "$2a$/$2b$/$2y$" or an
	// argon2id PHC string) instead of Password. bcrypt hashes are replaced by
	// argon2id at the user's next successful login.
	PasswordHash string
	Status       Status // "" means StatusActive

	Role        string
	Provider    string // "" means "password"
	Locale      string
	Timezone    string
	City        string
	Country     string
	Department  string
	PhoneLand   string
	PhoneMobile string

	DateOfBirth       *time.Time // only the date is kept; after today is Invalid ("future")
	MustResetPassword bool
	// Vocabulary is the one Role and Timezone are written in; values
	// outside it are Invalid (see roles.go). An administrator role in the
	// Tyk vocabulary also grants "*" on everything.
	Vocabulary Vocabulary
	// Problems are what the caller found wrong with the input before the
	// service saw it (a wire value that does not decode into a field, a
	// field its API requires). The service reports them together with its
	// own, after it has checked that the caller may make the change at
	// all, so that a refusal comes before any complaint about the input.
	// Keys are the caller's (a field name it renders); on a key the
	// service also uses, the caller's problem wins.
	Problems map[string]userkit.Problem
}

// UpdateParams is a partial update: nil fields are left as they are.
type UpdateParams struct {
	Email       *string
	FirstName   *string
	LastName    *string
	Role        *string
	Provider    *string
	Locale      *string
	Timezone    *string
	City        *string
	Country     *string
	Department  *string
	PhoneLand   *string
	PhoneMobile *string
	// Status StatusActive also unlocks a locked user and clears their
	// failed-login count.
	Status *Status
	// DateOfBirth: nil leaves it, a pointer to nil clears it, a pointer to a
	// time sets it. A date after today is Invalid (Rule "future").
	DateOfBirth       **time.Time
	MustResetPassword *bool
	// Version, when set, makes the update compare-and-set: if the stored
	// version differs the update fails with PreconditionFailed. Without it
	// the service locks the user for the update, so no update is lost and
	// none fails because another writer won.
	Version *int64
	// Vocabulary is the one Role and Timezone are written in: writing back
	// what it shows for the stored value is no change (see roles.go).
	Vocabulary Vocabulary
	// Password, when set, replaces the password as an administrator does
	// (no current password asked), in the same transaction as the rest of
	// the update. It must follow the policy (problems under "Password")
	// and needs users.update on the user's managing scope even for the
	// user themself, who changes their own with ChangePassword.
	Password *string
	// Problems are the caller's input problems, as in CreateParams.
	Problems map[string]userkit.Problem
}

// ListParams filters and pages List. Zero values mean "no filter"; the
// embedded PageRequest pages the result.
type ListParams struct {
	// Search matches a case-insensitive substring of first name, last name
	// or email.
	Search    string
	Status    Status
	PartnerID uuid.UUID
	PortalID  uuid.UUID
	userkit.PageRequest
}

// NormalizeEmail returns the form emails are compared and looked up by:
// trimmed; the local part mapped by the PRECIS UsernameCaseMapped profile
// (RFC 8265: width-mapped, NFC, lower-cased), the domain by IDNA2008
// Lookup as A-labels. "Ａlice@Bücher.de", "alice@xn--bcher-kva.de" and
// NFD forms are one address; "ß" stays distinct from "ss". Addresses
// PRECIS or IDNA refuse fall back to trimmed and lower-cased. See
// RenormalizeEmails for rows stored before this form.
func NormalizeEmail(email string) string {
	return validate.NormalizeEmail(email)
}

// FromRecord converts a stored record to the domain User, dropping the
// password hash and failed-login counter.
func FromRecord(r storage.UserRecord) User {
	return User{
		ID:                r.ID,
		Num:               r.Num,
		Email:             r.Email,
		FirstName:         r.FirstName,
		LastName:          r.LastName,
		LoginName:         r.LoginName,
		Status:            Status(r.Status),
		Role:              r.Role,
		Provider:          r.Provider,
		Locale:            r.Locale,
		Timezone:          r.Timezone,
		City:              r.City,
		Country:           r.Country,
		Department:        r.Department,
		PhoneLand:         r.PhoneLand,
		PhoneMobile:       r.PhoneMobile,
		DateOfBirth:       copyTime(r.DateOfBirth),
		MustResetPassword: r.MustResetPassword,
		HasPassword:       r.PasswordHash != "",
		LastLoginAt:       copyTime(r.LastLoginAt),
		APITokenCreatedAt: copyTime(r.APITokenCreatedAt),
		TokenVersion:      r.TokenVersion,
		CreatedAt:         r.CreatedAt,
		UpdatedAt:         r.UpdatedAt,
		Version:           r.Version,
		ManagedBy:         managedBy(r),
	}
}

// managedBy is the recorded managing scope of r ("" reads as everything).
func managedBy(r storage.UserRecord) permissions.Scope {
	if r.ManagedKind == storage.ScopePartner || r.ManagedKind == storage.ScopePortal {
		return permissions.Scope{Kind: r.ManagedKind, ID: r.ManagedID}
	}
	return permissions.All
}

func copyTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

// dateOnly keeps the calendar date of t (in t's own location) as midnight
// UTC, which is how a date of birth is stored.
func dateOnly(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	y, m, d := t.Date()
	c := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &c
}

// profile is what validation sees of a user: the same rules apply on
// create and on the result of an update, keyed by the Go field names of
// CreateParams/UpdateParams.
type profile struct {
	Email       string `validate:"required,email,max=254,text,mixedscript"`
	FirstName   string `validate:"required,max=100,text"`
	LastName    string `validate:"required,max=100,text"`
	Status      string `validate:"oneof=active suspended locked"`
	Role        string `validate:"max=200,text"`
	Provider    string `validate:"max=200,text"`
	Locale      string `validate:"max=200,text"`
	Timezone    string `validate:"max=200,text"`
	City        string `validate:"max=200,text"`
	Country     string `validate:"max=200,text"`
	Department  string `validate:"max=200,text"`
	PhoneLand   string `validate:"max=200,text"`
	PhoneMobile string `validate:"max=200,text"`
}

func profileOf(r *storage.UserRecord) profile {
	return profile{
		Email: r.Email, FirstName: r.FirstName, LastName: r.LastName, Status: r.Status,
		Role: r.Role, Provider: r.Provider, Locale: r.Locale, Timezone: r.Timezone,
		City: r.City, Country: r.Country, Department: r.Department,
		PhoneLand: r.PhoneLand, PhoneMobile: r.PhoneMobile,
	}
}
