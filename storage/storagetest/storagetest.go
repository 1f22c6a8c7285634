package storagetest

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// Maximum lengths every adapter must store and return unchanged. SQL
// schemas size their columns to at least these. Lengths in runes are
// checked with multi-byte text (up to 4 bytes a rune, emoji included), so
// a column must hold that many characters, not bytes.
const (
	MaxEmailLen        = 254  // bytes: Email and EmailNorm (RFC 5321 path limit)
	MaxPersonNameLen   = 100  // runes: FirstName, LastName
	MaxLoginNameLen    = 200  // runes: LoginName
	MaxEntityNameLen   = 200  // runes: partner, team, portal and resource Name
	MaxResourceIDLen   = 100  // bytes: ResourceRecord.ID (host-chosen, e.g. "p-2343")
	MaxSettingValueLen = 4096 // bytes: a setting's value
)

// test is one conformance check, run on a fresh store.
type test struct {
	name string
	fn   func(t *testing.T, s storage.Store)
}

// Run runs the whole conformance suite. newStore must return a new, empty
// store on every call; subtests run in parallel.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	groups := [][]test{userTests, partnerTests, portalTests, permissionTests, eventTests, outboxTests, txTests, lockTests, limitTests, viewTests, memberCountTests}
	for _, g := range groups {
		for _, tc := range g {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				tc.fn(t, newStore(t))
			})
		}
	}
}

// now is the time the suite stamps records with: UTC, whole microseconds.
func now() time.Time { return userkit.Clock(nil).Now() }

func newID() uuid.UUID { return uuid.Must(uuid.NewV7()) }

func ptr[T any](v T) *T { return &v }

// newUser builds user n; n keeps the unique fields apart.
func newUser(n int) storage.UserRecord {
	t := now()
	return storage.UserRecord{
		ID:        newID(),
		Email:     fmt.Sprintf("User%d@Example.com", n),
		EmailNorm: fmt.Sprintf("user%d@example.com", n),
		FirstName: fmt.Sprintf("First%d", n),
		LastName:  fmt.Sprintf("Last%d", n),
		LoginName: fmt.Sprintf("first%d.last%d", n, n),
		Status:    "active",
		Locale:    "en_US",
		CreatedAt: t,
		UpdatedAt: t,
		Version:   1,
		// ManagedKind "" would read back as "*"; spelled out so that
		// round trips compare equal.
		ManagedKind: storage.ScopeAll,
	}
}

func newPartner(n int) storage.PartnerRecord {
	t := now()
	return storage.PartnerRecord{ID: newID(), Name: fmt.Sprintf("Partner %d", n), CreatedAt: t, UpdatedAt: t, Version: 1}
}

func newTeam(partnerID uuid.UUID, name string) storage.TeamRecord {
	t := now()
	return storage.TeamRecord{ID: newID(), PartnerID: partnerID, Name: name, CreatedAt: t, UpdatedAt: t, Version: 1}
}

func newPortal(partnerID uuid.UUID, n int) storage.PortalRecord {
	t := now()
	return storage.PortalRecord{
		ID: newID(), PartnerID: partnerID, Name: fmt.Sprintf("Portal %d", n),
		TechnicalName: fmt.Sprintf("portal-%d", n), DefaultLocale: "en_US",
		CreatedAt: t, UpdatedAt: t, Version: 1,
	}
}

func newRole(portalID uuid.UUID, name string) storage.PortalRoleRecord {
	return storage.PortalRoleRecord{ID: newID(), PortalID: portalID, Name: name, CreatedAt: now()}
}

func newAttribute(portalID uuid.UUID, name string) storage.AttributeRecord {
	return storage.AttributeRecord{ID: newID(), PortalID: portalID, Name: name, Label: "Label of " + name, Type: "STRING", CreatedAt: now()}
}

func newMember(portalID, userID uuid.UUID, roleIDs ...uuid.UUID) storage.PortalMemberRecord {
	t := now()
	return storage.PortalMemberRecord{
		ID: newID(), PortalID: portalID, UserID: userID, RoleIDs: roleIDs, Locale: "en_US",
		CreatedAt: t, UpdatedAt: t, Version: 1,
	}
}

func newResource(id string) storage.ResourceRecord {
	t := now()
	return storage.ResourceRecord{ID: id, Name: "Resource " + id, Kind: "project", CreatedAt: t, UpdatedAt: t, Version: 1}
}

func newAccount(n int) storage.ServiceAccountRecord {
	t := now()
	return storage.ServiceAccountRecord{ID: newID(), Name: fmt.Sprintf("Robot %d", n), CreatedAt: t, UpdatedAt: t, Version: 1}
}

func newGrant(principalID uuid.UUID, action, kind string, scopeID uuid.UUID) storage.GrantRecord {
	return storage.GrantRecord{ID: newID(), PrincipalID: principalID, Action: action, ScopeKind: kind, ScopeID: scopeID, CreatedAt: now()}
}

func newKey(accountID uuid.UUID, secret string) storage.APIKeyRecord {
	h := sha256.Sum256([]byte(secret))
	return storage.APIKeyRecord{ID: newID(), ServiceAccountID: accountID, Prefix: "sk:" + secret[:4], Hash: h[:], CreatedAt: now()}
}

func newEvent(action, targetID string, partnerID uuid.UUID) storage.EventRecord {
	return storage.EventRecord{
		ID: newID(), Time: now(), PrincipalKind: "system", Action: action,
		TargetKind: "user", TargetID: targetID, PartnerID: partnerID,
	}
}

// The create helpers store a record and stop the test when that fails.

func createUser(t *testing.T, s storage.Store, n int) storage.UserRecord {
	t.Helper()
	u := newUser(n)
	must(t, s.CreateUser(t.Context(), &u), "CreateUser")
	return u
}

func createPartner(t *testing.T, s storage.Store, n int) storage.PartnerRecord {
	t.Helper()
	p := newPartner(n)
	must(t, s.CreatePartner(t.Context(), &p), "CreatePartner")
	return p
}

func createPortal(t *testing.T, s storage.Store, partnerID uuid.UUID, n int) storage.PortalRecord {
	t.Helper()
	p := newPortal(partnerID, n)
	must(t, s.CreatePortal(t.Context(), &p), "CreatePortal")
	return p
}

func createRole(t *testing.T, s storage.Store, portalID uuid.UUID, name string) storage.PortalRoleRecord {
	t.Helper()
	r := newRole(portalID, name)
	must(t, s.CreatePortalRole(t.Context(), &r), "CreatePortalRole")
	return r
}

func join(t *testing.T, s storage.Store, partnerID, userID uuid.UUID) {
	t.Helper()
	must(t, s.AddPartnerMember(t.Context(), storage.PartnerMemberRecord{PartnerID: partnerID, UserID: userID, CreatedAt: now()}), "AddPartnerMember")
}

func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// match returns "ok" when errors.Is(err, target), else err's text, so a
// failing assertion shows the error the store returned.
func match(err, target error) string {
	if errors.Is(err, target) {
		return "ok"
	}
	return fmt.Sprintf("%v", err)
}

// conflictOn returns "ok" when err is a Conflict whose Fields name field.
func conflictOn(err error, field string) string {
	if !errors.Is(err, userkit.ErrConflict) {
		return fmt.Sprintf("want conflict, got %v", err)
	}
	if _, ok := userkit.FieldsOf(err)[field]; !ok {
		return fmt.Sprintf("want Fields[%q], got %v", field, userkit.FieldsOf(err))
	}
	return "ok"
}

// diff compares two records field by field and describes the first
// difference ("" when equal). Times compare with Equal and must be UTC; a
// nil slice equals an empty one, since SQL cannot tell them apart.
func diff(want, got any) string {
	return diffValue("", reflect.ValueOf(want), reflect.ValueOf(got))
}

var timeType = reflect.TypeFor[time.Time]()

func diffValue(path string, a, b reflect.Value) string {
	if a.Type() != b.Type() {
		return fmt.Sprintf("%s: type %s != %s", path, a.Type(), b.Type())
	}
	if a.Type() == timeType {
		ta, tb := a.Interface().(time.Time), b.Interface().(time.Time)
		if !ta.Equal(tb) {
			return fmt.Sprintf("%s: want %s, got %s", path, ta.Format(time.RFC3339Nano), tb.Format(time.RFC3339Nano))
		}
		if tb.Location() != time.UTC {
			return fmt.Sprintf("%s: %s is not in UTC", path, tb)
		}
		return ""
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return fmt.Sprintf("%s: want nil=%t, got nil=%t", path, a.IsNil(), b.IsNil())
			}
			return ""
		}
		return diffValue(path, a.Elem(), b.Elem())
	case reflect.Struct:
		for i := range a.NumField() {
			if d := diffValue(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: want %d items, got %d", path, a.Len(), b.Len())
		}
		for i := range a.Len() {
			if d := diffValue(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i)); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(a.Interface(), b.Interface()) {
		return fmt.Sprintf("%s: want %#v, got %#v", path, a.Interface(), b.Interface())
	}
	return ""
}

// ids returns the IDs of records, in order, for comparing lists.
func ids[T any](recs []T, id func(T) uuid.UUID) []uuid.UUID {
	out := make([]uuid.UUID, len(recs))
	for i, r := range recs {
		out[i] = id(r)
	}
	return out
}

func userID(r storage.UserRecord) uuid.UUID       { return r.ID }
func partnerID(r storage.PartnerRecord) uuid.UUID { return r.ID }
func memberID(r storage.PortalMemberRecord) uuid.UUID {
	return r.ID
}

// runes returns s repeated to exactly n runes.
func runes(s string, n int) string {
	r := []rune(strings.Repeat(s, n/len([]rune(s))+1))
	return string(r[:n])
}

func cmpUUID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }
