package validate_test

import (
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit/internal/validate"
)

// confusables are the 12 look-alike pairs of the reliability report
// (2026-12, F8), with what must happen to the second address once the
// first exists: "same" (one normal form: the second is "taken"),
// "mixedscript" or "email" (refused), or "distinct" (two accounts, by
// decision: ß is not ss).
var confusables = []struct {
	name, first, second, want string
}{
	{"NFC vs NFD", "jos\u00e9@example.com", "jose\u0301@example.com", "same"},
	{"Latin vs Cyrillic a", "alice@example.com", "\u0430lice@example.com", "mixedscript"},
	{"full-width local part", "anna@example.com", "\uff41nna@example.com", "same"},
	{"zero-width space", "zed@example.com", "ze\u200bd@example.com", "email"},
	{"IDN U-label vs A-label", "x@b\u00fccher.de", "x@xn--bcher-kva.de", "same"},
	{"sharp s", "strasse@example.com", "stra\u00dfe@example.com", "distinct"},
	{"case of local part", "Kate@Example.com", "kate@example.com", "same"},
	{"case of domain", "kate@example.com", "kate@EXAMPLE.COM", "same"},
	{"Kelvin sign", "kim@example.com", "\u212aim@example.com", "same"},
	{"dotted capital I", "ivan@example.com", "\u0130van@example.com", "same"},
	{"surrounding spaces", "pad@example.com", "  pad@example.com ", "same"},
	{"full-width domain", "a@example.com", "a@\uff45xample.com", "same"},
}

func TestConfusableEmails(t *testing.T) {
	t.Parallel()
	for _, c := range confusables {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			is.True(validate.IsEmail(c.first))       // the first is a valid address
			is.True(!validate.MixesScripts(c.first)) // of one script
			same := validate.NormalizeEmail(c.first) == validate.NormalizeEmail(c.second)
			switch c.want {
			case "same":
				is.True(same) // one account
			case "distinct":
				is.True(!same) // two accounts, by decision
				is.True(validate.IsEmail(c.second) && !validate.MixesScripts(c.second))
			case "mixedscript":
				is.True(validate.MixesScripts(c.second)) // refused: mixes scripts
			case "email":
				is.True(!validate.IsEmail(c.second)) // refused: not a valid address
			}
		})
	}
}

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	for in, want := range map[string]string{
		"Mona.Benson@Sample.COM":    "mona.benson@sample.com", // ASCII: trimmed and lower-cased, as before
		" o'brien+tag@example.com ": "o'brien+tag@example.com",
		"JOSE\u0301@B\u00dcCHER.DE": "jos\u00e9@xn--bcher-kva.de",
		"a_b@under_score.example":   "a_b@under_score.example", // IDNA refuses "_": the old form
		"no-at-sign":                "no-at-sign",
		"ze\u200bd@example.com":     "ze\u200bd@example.com", // PRECIS refuses: the old form (and IsEmail refuses it)
	} {
		is.Equal(validate.NormalizeEmail(in), want)
	}
}

func TestMixesScripts(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	for s, want := range map[string]bool{
		"alice@example.com":                          false,
		"\u0430\u043b\u0438\u0441\u0430@example.com": false, // all Cyrillic: one script
		"\u0430lice@example.com":                     true,  // Cyrillic а in Latin
		"alice@\u0435xample.com":                     true,  // Cyrillic е in a domain label
		"\u03bfmega@example.com":                     true,  // Greek ο in Latin
		"yamada\u5c71\u7530\u3042\u30a2@example.jp":  false, // Latin + Han + Hiragana + Katakana (Japanese)
		"kim\uae40@example.kr":                       false, // Latin + Hangul
		"\u0430\u5c71@example.com":                   true,  // Cyrillic + Han
		"jose\u0301-42@example.com":                  false, // combining marks and digits count for no script
	} {
		is.Equal(validate.MixesScripts(s), want) // s
	}
}
