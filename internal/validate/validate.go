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
	})
	return v
}

// IsText reports whether s is valid UTF-8 without control characters. Every
// free-text field carries the "text" rule, so a NUL or an invalid byte is
// refused the same way on every store (PostgreSQL cannot store a NUL; the
// others could, and then search and compare differently).
func IsText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
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
