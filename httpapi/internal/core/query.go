package core

import (
	"encoding/base64"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/userkit/userkit"
)

// Range bounds a numeric query parameter. Max 0 means no upper bound.
type Range struct{ Min, Max int }

// QueryInt reads the optional whole-number query parameter name: def when
// it is absent, else a value within bounds. Every spelling of a whole
// number that JSON and OpenAPI clients send is accepted ("2", "+2", "2.0",
// "2.0000000000", "2e0", "0.2e1"); a fraction, a non-number ("NaN",
// "Inf", "0x2") or a value beyond an int is refused. Problems are Invalid
// errors naming the parameter, Malformed for the APIs that tell an
// unreadable request from invalid content.
func QueryInt(r *http.Request, name string, def int, bounds Range) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, ok := WholeNumber(s)
	hi := int64(math.MaxInt)
	if bounds.Max > 0 {
		hi = int64(bounds.Max)
	}
	switch {
	case !ok:
		return 0, Malformed(userkit.FieldError(name, userkit.Problem{Rule: RuleInteger}))
	case n < int64(bounds.Min):
		return 0, Malformed(userkit.FieldError(name, userkit.Problem{Rule: RuleGTE, Param: strconv.Itoa(bounds.Min)}))
	case n > hi:
		return 0, Malformed(userkit.FieldError(name, userkit.Problem{Rule: RuleLTE, Param: strconv.FormatInt(hi, 10)}))
	}
	return int(n), nil
}

// The rules of numeric query parameters (Laravel's and the validator's
// names), beyond those of userkit.Problem.
const (
	RuleInteger = "integer" // not a whole number
	RuleGTE     = "gte"     // below Param
	RuleLTE     = "lte"     // above Param
)

// Text renders a problem as the shared English default: Problem.String,
// plus the numeric query rules.
func Text(p userkit.Problem) string {
	switch p.Rule {
	case RuleInteger:
		return "must be an integer"
	case RuleGTE:
		return "must be at least " + p.Param
	case RuleLTE:
		return "must be at most " + p.Param
	}
	return p.String()
}

// WholeNumber parses a decimal number in JSON's syntax (with an optional
// leading "+" and leading zeros) whose value is a whole number fitting an
// int64: "2", "2.0", "2e0", "20e-1", "-3". It never allocates more than
// the input's size, whatever the exponent.
func WholeNumber(s string) (int64, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	mant, exp, hasExp := s, "", false
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, exp, hasExp = s[:i], s[i+1:], true
	}
	whole, frac, _ := strings.Cut(mant, ".")
	if whole == "" || !allDigits(whole) || !allDigits(frac) || (strings.Contains(mant, ".") && frac == "") {
		return 0, false
	}
	e := 0
	if hasExp {
		digits := strings.TrimLeft(exp, "+-")
		if digits == "" || !allDigits(digits) || len(exp)-len(digits) > 1 {
			return 0, false
		}
		digits = strings.TrimLeft(digits, "0")
		if len(digits) > 4 { // beyond ±9999: zero or far out of range
			digits = "99999"
		}
		e, _ = strconv.Atoi(digits)
		if exp[0] == '-' {
			e = -e
		}
	}
	// The value is digits × 10^e.
	digits := strings.TrimLeft(whole+frac, "0")
	e -= len(frac)
	if digits == "" {
		return 0, true
	}
	for e < 0 && strings.HasSuffix(digits, "0") {
		digits, e = digits[:len(digits)-1], e+1
	}
	if e < 0 || len(digits)+e > 19 {
		return 0, false // a fraction, or more than 19 digits
	}
	digits += strings.Repeat("0", e)
	if neg {
		digits = "-" + digits
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	return n, err == nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// EncodeCursor makes a service's page cursor opaque on the wire: unpadded
// base64url. "" (the last page) stays "".
func EncodeCursor(next string) string {
	if next == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(next))
}

// DecodeCursor reverses EncodeCursor; ok is false for anything
// EncodeCursor cannot have made.
func DecodeCursor(s string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) == 0 || EncodeCursor(string(b)) != s {
		return "", false
	}
	return string(b), true
}
