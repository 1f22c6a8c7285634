package validate

import (
	"errors"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/userkit/userkit"
)

var (
	once sync.Once
	v    *validator.Validate
)

// Validator returns the shared validator (with required struct enabled), so
// packages can register their own tags once at init.
func Validator() *validator.Validate {
	once.Do(func() {
		v = validator.New(validator.WithRequiredStructEnabled())
		_ = v.RegisterValidation("text", func(fl validator.FieldLevel) bool {
			return IsText(fl.Field().String())
		})
		// "email" is the validator's syntax check plus PRECIS and IDNA
		// (IsEmail); "mixedscript" refuses look-alike addresses
		// (MixesScripts). See email.go for the references.
		_ = v.RegisterValidation("email", func(fl validator.FieldLevel) bool {
			return IsEmail(fl.Field().String())
		})
		_ = v.RegisterValidation("mixedscript", func(fl validator.FieldLevel) bool {
			return !MixesScripts(fl.Field().String())
		})
	})
	return v
}

// IsText reports whether s is valid UTF-8 without control characters and
// without the format characters that make text read differently from
// what it holds. Every free-text field carries the "text" rule, so a NUL
// or an invalid byte is refused the same way on every store (PostgreSQL
// cannot store a NUL; the others could, and then search and compare
// differently), and so is a name that hides or reorders characters:
//
//   - bidirectional embeddings, overrides and isolates, U+202A–U+202E and
//     U+2066–U+2069 (the "Trojan Source" characters, CVE-2021-42574;
//     Unicode TR #36 section 2.1), which display text in another order;
//   - zero-width characters U+200B–U+200D, the word joiner U+2060 and the
//     byte-order mark U+FEFF, which make two different strings look the
//     same (Unicode TR #36 section 2.1, TS #39 section 3.1). ZWJ (U+200D)
//     and ZWNJ (U+200C) have legitimate uses in emoji sequences and some
//     scripts (Persian, Indic), which these fields then cannot hold; an
//     identity field must not look like another.
func IsText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || misleading(r) {
			return false
		}
	}
	return true
}

// misleading reports the format (Cf) characters IsText refuses.
func misleading(r rune) bool {
	switch {
	case 0x200B <= r && r <= 0x200D, r == 0x2060, r == 0xFEFF:
		return true
	case 0x202A <= r && r <= 0x202E, 0x2066 <= r && r <= 0x2069:
		return true
	}
	return false
}

// Struct validates s. It returns nil or a *userkit.Error{Kind: Invalid}
// whose Fields maps each failing field (its dotted path below the top
// struct, e.g. "Email" or "Attributes[0].Value") to a readable problem.
func Struct(s any) error {
	err := Validator().Struct(s)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return &userkit.Error{Kind: userkit.Invalid, Message: "invalid input", Err: err}
	}
	fields := make(map[string]userkit.Problem, len(verrs))
	for _, fe := range verrs {
		name := fe.StructNamespace()
		if _, rest, ok := strings.Cut(name, "."); ok {
			name = rest
		}
		if _, seen := fields[name]; !seen {
			fields[name] = Problem(fe.Tag(), fe.Param())
		}
	}
	return &userkit.Error{Kind: userkit.Invalid, Message: "invalid input", Fields: fields}
}

// Problem returns the structured problem for a validator tag and its
// parameter; userkit.Problem.String renders the sentence a client sees.
func Problem(tag, param string) userkit.Problem {
	return userkit.Problem{Rule: tag, Param: param}
}
