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

// TestTextRefusesMisleadingFormatCharacters: bidi embeddings, overrides and
// isolates and zero-width characters are refused in free text (reliability
// report F9); other format characters and ordinary text pass.
func TestTextRefusesMisleadingFormatCharacters(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	for _, r := range []rune{0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF} {
		is.True(!validate.IsText("ab" + string(r) + "c")) // refused
		err := validate.Struct(params{Name: "a" + string(r) + "b"})
		is.Equal(userkit.FieldsOf(err)["Name"].Rule, userkit.RuleText) // as the "text" rule
	}
	for _, s := range []string{"Zoë", "Ŝtraße", "محمد", "山田", "a\u00adb", "a\u200eb"} {
		is.True(validate.IsText(s)) // ordinary text, soft hyphen and LRM pass
	}
}
