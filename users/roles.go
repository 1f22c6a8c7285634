package users

import (
	"slices"
	"strings"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/validate"
)

// Vocabulary names the words an API uses for the fields that several APIs
// share with their own value sets: User.Role and User.Timezone. The stored
// value is kept as it was written; each API shows it through its
// vocabulary (ShowRole, ShowTimezone), and UpdateParams.Vocabulary says
// which vocabulary an update's Role and Timezone are written in, so that
// writing back exactly what an API showed changes nothing (no new version,
// no audit event), whatever another API stored.
type Vocabulary string

// The vocabularies.
const (
	// Stored shows and takes the stored values as they are (the admin API,
	// Venuzle, Whaly and Go callers).
	Stored Vocabulary = ""
	// Solvexia: roles Subscriber, Designer, ClientAdmin, SVXAdmin; the
	// timezones of SolvexiaTimezones.
	Solvexia Vocabulary = "solvexia"
	// Tyk: roles super-admin, provider-admin, consumer-admin,
	// consumer-team-member. The portal has no timezone.
	Tyk Vocabulary = "tyk"
)

// The role names of the two APIs that have role sets.
const (
	RoleSubscriber  = "Subscriber"
	RoleDesigner    = "Designer"
	RoleClientAdmin = "ClientAdmin"
	RoleSVXAdmin    = "SVXAdmin"

	RoleSuperAdmin         = "super-admin"
	RoleProviderAdmin      = "provider-admin"
	RoleConsumerAdmin      = "consumer-admin"
	RoleConsumerTeamMember = "consumer-team-member"
)

// SolvexiaRoles and TykRoles are the role sets, in their documents' order.
var (
	SolvexiaRoles = []string{RoleSubscriber, RoleDesigner, RoleClientAdmin, RoleSVXAdmin}
	TykRoles      = []string{RoleSuperAdmin, RoleProviderAdmin, RoleConsumerAdmin, RoleConsumerTeamMember}
)

// The role table. User.Role is a label: it grants nothing. Privilege is a
// grant: a Tyk portal administrator is a user holding the grant "*" on
// everything, and Tyk shows an administrator's role iff the user holds it
// (admin below). Changing that (writing super-admin or provider-admin
// through the Tyk vocabulary for a user without the grant, or a consumer
// role for one with it) grants or revokes "*" on everything in the same
// transaction and needs the caller to hold "*" on everything.
//
//	stored value          Solvexia shows   Tyk shows (no grant)    Tyk shows (holds "*" on everything)
//	Subscriber            Subscriber       consumer-team-member    super-admin
//	Designer              Designer         consumer-team-member    super-admin
//	ClientAdmin           ClientAdmin      consumer-admin          super-admin
//	SVXAdmin              SVXAdmin         consumer-admin          super-admin
//	super-admin           SVXAdmin         consumer-team-member    super-admin
//	provider-admin        SVXAdmin         consumer-team-member    provider-admin
//	consumer-admin        ClientAdmin      consumer-admin          super-admin
//	consumer-team-member  Subscriber       consumer-team-member    super-admin
//	"" or anything else   Subscriber       consumer-team-member    super-admin
//
// Why: each API shows its own nearest role, never more privilege than the
// stored label and the grants say. An administrator label without the
// grant (only writable through the Stored vocabulary, as a label) shows as
// the least privileged consumer. Solvexia's SVXAdmin and ClientAdmin are
// labels in Solvexia, as its document has no grants behind them.
var roleTable = map[string][2]string{ // stored → {Solvexia, Tyk without the grant}
	RoleSubscriber:         {RoleSubscriber, RoleConsumerTeamMember},
	RoleDesigner:           {RoleDesigner, RoleConsumerTeamMember},
	RoleClientAdmin:        {RoleClientAdmin, RoleConsumerAdmin},
	RoleSVXAdmin:           {RoleSVXAdmin, RoleConsumerAdmin},
	RoleSuperAdmin:         {RoleSVXAdmin, RoleConsumerTeamMember},
	RoleProviderAdmin:      {RoleSVXAdmin, RoleConsumerTeamMember},
	RoleConsumerAdmin:      {RoleClientAdmin, RoleConsumerAdmin},
	RoleConsumerTeamMember: {RoleSubscriber, RoleConsumerTeamMember},
}

// ShowRole returns the role the vocabulary v shows for a stored role.
// admin is whether the user holds "*" on everything; only Tyk looks at it.
func ShowRole(v Vocabulary, stored string, admin bool) string {
	row, known := roleTable[stored]
	switch v {
	case Solvexia:
		if !known {
			return RoleSubscriber
		}
		return row[0]
	case Tyk:
		if admin {
			if stored == RoleProviderAdmin {
				return RoleProviderAdmin
			}
			return RoleSuperAdmin
		}
		if !known {
			return RoleConsumerTeamMember
		}
		return row[1]
	}
	return stored
}

// IsTykAdminRole reports whether role is one of Tyk's administrator roles,
// which stand for the grant "*" on everything.
func IsTykAdminRole(role string) bool { return role == RoleSuperAdmin || role == RoleProviderAdmin }

// DefaultSolvexiaTimezone is what Solvexia shows for a user whose stored
// timezone is not one of its values (none, or an IANA name set through
// another API): UTC without daylight saving time, the neutral choice.
const DefaultSolvexiaTimezone = "(UTC+00:00) Monrovia, Reykjavik"

// ShowTimezone returns the timezone the vocabulary v shows for a stored
// one. Solvexia always shows one of SolvexiaTimezones, so a client that
// posts back the user it read sends a value Solvexia accepts, and nothing
// changes.
func ShowTimezone(v Vocabulary, stored string) string {
	if v == Solvexia && !slices.Contains(SolvexiaTimezones[:], stored) {
		return DefaultSolvexiaTimezone
	}
	return stored
}

// checkVocabulary checks that role and timezone (nil: not written) are
// values of v, adding problems to fields.
func checkVocabulary(fields map[string]userkit.Problem, v Vocabulary, role, timezone *string) {
	var roles []string
	switch v {
	case Stored:
		return
	case Solvexia:
		roles = SolvexiaRoles
		if timezone != nil && !slices.Contains(SolvexiaTimezones[:], *timezone) {
			fields["Timezone"] = userkit.Problem{Rule: userkit.RuleInvalid, Param: "one of the documented TimeZone names"}
		}
	case Tyk:
		roles = TykRoles
	default:
		fields["Vocabulary"] = userkit.Problem{Rule: userkit.RuleUnknown, Param: "vocabulary"}
		return
	}
	if role != nil && !slices.Contains(roles, *role) {
		fields["Role"] = validate.Problem("oneof", strings.Join(roles, " "))
	}
}
