package userkit

import (
	"fmt"
	"strings"
)

// Problem is what is wrong with one field, as data: the rule it broke and
// the rule's parameter. Each API renders it in its own words (Laravel's
// sentences, a portal's "Field: problem", RFC 9457 details); String gives
// the default English sentence. Nothing should parse that sentence back:
// switch on Rule instead.
//
// Rules are the validator tags the params structs use ("required", "email",
// "max", "min", "oneof", "uuid", "text", "mixedscript") and these userkit
// rules:
//
//	taken      a unique value (an email, a name) is used by another record
//	immutable  the field cannot be changed (Param: why, optional)
//	unknown    an id or name that refers to nothing (Param: what kind)
//	invalid    a value of the wrong form (Param: the expected form)
//	mismatch   a confirmation differs from its value (Param: the other field)
//	future     a date that must not lie in the future
//	excluded   cannot be combined with another field (Param: that field)
//	policy     a password that breaks the password policy (Param: the rule's text)
//	cursor     a paging cursor this API did not issue
//	charset    a character outside the allowed set (Param: the set)
//	contains   a password lacks a required class (Param: "digit", "upper-case letter", …)
//	common     a password on the policy's block list
//	incorrect  a current password that does not match
//	member     already a member (Param: of what, optional)
//	notmember  not a member (Param: of what)
//	single     an attribute that takes one value was given several
//	field      a field the request body may not carry (unknown or read-only)
//	null       a member that must not be null
type Problem struct {
	Rule  string
	Param string
}

// The userkit rules of Problem.Rule beyond the validator tags.
const (
	RuleRequired = "required"
	RuleMax      = "max"
	RuleMin      = "min"
	RuleOneOf    = "oneof"
	RuleEmail    = "email"
	RuleText     = "text"
	// RuleMixedScript: an address whose local part or domain label mixes
	// letters of several scripts (Latin and Cyrillic, say), as Unicode
	// TS #39 "Highly Restrictive" refuses; see users.NormalizeEmail.
	RuleMixedScript = "mixedscript"
	RuleUUID        = "uuid"
	RuleTaken       = "taken"
	RuleImmutable   = "immutable"
	RuleUnknown     = "unknown"
	RuleInvalid     = "invalid"
	RuleMismatch    = "mismatch"
	RuleFuture      = "future"
	RuleExcluded    = "excluded"
	RulePolicy      = "policy"
	RuleCursor      = "cursor"
	RuleCharset     = "charset"
	RuleContains    = "contains"
	RuleCommon      = "common"
	RuleIncorrect   = "incorrect"
	RuleMember      = "member"
	RuleNotMember   = "notmember"
	RuleSingle      = "single"
	RuleField       = "field"
	RuleNull        = "null"
)

// String returns the default English sentence for the problem, e.g.
// "must be at most 100 characters".
func (p Problem) String() string {
	switch p.Rule {
	case RuleRequired:
		if p.Param != "" {
			return "is required: " + p.Param
		}
		return "is required"
	case RuleEmail:
		return "must be a valid email address"
	case RuleMax:
		return fmt.Sprintf("must be at most %s characters", p.Param)
	case RuleMin:
		return fmt.Sprintf("must be at least %s characters", p.Param)
	case RuleOneOf:
		return "must be one of: " + strings.Join(strings.Fields(p.Param), ", ")
	case RuleUUID:
		return "must be a UUID"
	case RuleText:
		return "must be valid UTF-8 text without control characters"
	case RuleMixedScript:
		return "must not mix letters of different scripts (such as Latin and Cyrillic)"
	case RuleTaken:
		return "already taken"
	case RuleImmutable:
		if p.Param != "" {
			return "cannot be changed: " + p.Param
		}
		return "cannot be changed"
	case RuleUnknown:
		if p.Param != "" {
			return "does not name a known " + p.Param
		}
		return "does not name a known record"
	case RuleInvalid:
		if p.Param != "" {
			return "must be " + p.Param
		}
		return "is invalid"
	case RuleMismatch:
		return "does not match " + p.Param
	case RuleFuture:
		return "must not be in the future"
	case RuleExcluded:
		return "cannot be combined with " + p.Param
	case RulePolicy:
		return p.Param
	case RuleContains:
		return "must contain at least one " + p.Param
	case RuleMember:
		return "already a member"
	case RuleNotMember:
		return "is not a member of " + p.Param
	case RuleNull:
		return "cannot be null"
	case RuleField:
		return "is not a known field"
	case RuleSingle:
		return "takes only one value"
	case RuleIncorrect:
		return "is incorrect"
	case RuleCommon:
		return "is too common"
	case RuleCharset:
		return "may contain only " + p.Param
	case RuleCursor:
		return "is not a cursor returned by this API"
	default:
		if p.Param != "" {
			return fmt.Sprintf("failed the %q rule (%s)", p.Rule, p.Param)
		}
		return fmt.Sprintf("failed the %q rule", p.Rule)
	}
}
