package validate_test

import (
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/validate"
)

type params struct {
	Name  string `validate:"required,max=5,text"`
	Email string `validate:"omitempty,email"`
}

func TestStruct(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		in     params
		fields map[string]string
	}{
		{"valid", params{Name: "Mona"}, nil},
		{"emoji and accents are text", params{Name: "Zoë🙂"}, nil},
		{"missing", params{}, map[string]string{"Name": "is required"}},
		{"too long in runes", params{Name: "Zoëzoë"}, map[string]string{"Name": "must be at most 5 characters"}},
		{"NUL", params{Name: "a\x00b"}, map[string]string{"Name": "must be valid UTF-8 text without control characters"}},
		{"newline", params{Name: "a\nb"}, map[string]string{"Name": "must be valid UTF-8 text without control characters"}},
		{"invalid UTF-8", params{Name: "a\xffb"}, map[string]string{"Name": "must be valid UTF-8 text without control characters"}},
		{"two fields", params{Email: "nope"}, map[string]string{"Name": "is required", "Email": "must be a valid email address"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			err := validate.Struct(c.in)
			if c.fields == nil {
				is.NoErr(err) // valid input passes
				return
			}
			is.Equal(userkit.KindOf(err), userkit.Invalid)   // invalid input is Invalid
			is.Equal(texts(userkit.FieldsOf(err)), c.fields) // reported field by field
		})
	}
}

func texts(fields map[string]userkit.Problem) map[string]string {
	out := map[string]string{}
	for k, p := range fields {
		out[k] = p.String()
	}
	return out
}
