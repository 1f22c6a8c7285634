package users

import (
	"context"
	"strconv"
	"strings"

	"github.com/userkit/userkit/storage"
)

// maxLoginBase bounds the generated part of a login name; a numeric
// suffix may follow.
const maxLoginBase = 64

// foldTable spells letters outside ASCII with ASCII, so "Zoë Ångström"
// becomes "zoe.angstrom". Letters not listed are dropped.
var foldTable = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ă': "a", 'ą': "a",
	'æ': "ae", 'ç': "c", 'ć': "c", 'č': "c", 'ĉ': "c", 'ċ': "c", 'ď': "d", 'đ': "d", 'ð': "d",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ė': "e", 'ę': "e", 'ě': "e",
	'ğ': "g", 'ģ': "g", 'ĝ': "g", 'ħ': "h", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ī': "i", 'į': "i", 'ı': "i",
	'ķ': "k", 'ĺ': "l", 'ļ': "l", 'ľ': "l", 'ł': "l", 'ñ': "n", 'ń': "n", 'ņ': "n", 'ň': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o", 'ő': "o", 'œ': "oe",
	'ŕ': "r", 'ř': "r", 'ś': "s", 'š': "s", 'ş': "s", 'ș': "s", 'ß': "ss", 'ť': "t", 'ţ': "t", 'ț': "t", 'þ': "th",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ū': "u", 'ů': "u", 'ű': "u", 'ų': "u",
	'ý': "y", 'ÿ': "y", 'ź': "z", 'ż': "z", 'ž': "z",
}

// loginPart lower-cases s, folds it to ASCII and keeps [a-z0-9] and single
// inner dots.
func loginPart(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '.':
			b.WriteByte('.')
		default:
			b.WriteString(foldTable[r])
		}
	}
	// Collapse runs of dots and trim them at the ends.
	parts := strings.FieldsFunc(b.String(), func(r rune) bool { return r == '.' })
	return strings.Join(parts, ".")
}

// loginBase is the preferred login name for a user: "first.last", else the
// local part of the email, else "user".
func loginBase(first, last, email string) string {
	var parts []string
	for _, s := range []string{first, last} {
		if p := loginPart(s); p != "" {
			parts = append(parts, p)
		}
	}
	base := strings.Join(parts, ".")
	if base == "" {
		local, _, _ := strings.Cut(email, "@")
		base = loginPart(local)
	}
	if base == "" {
		base = "user"
	}
	if len(base) > maxLoginBase {
		base = strings.TrimRight(base[:maxLoginBase], ".")
	}
	return base
}

// freeLoginName returns base if nobody has it, else base2, base3, ...
// A concurrent insert can still take the name first; CreateUser then fails
// with Conflict on LoginName and the caller runs its transaction again.
func freeLoginName(ctx context.Context, st storage.UserStore, base string) (string, error) {
	names, err := st.LoginNamesWithPrefix(ctx, base)
	if err != nil {
		return "", err
	}
	taken := make(map[string]bool, len(names))
	for _, n := range names {
		taken[n] = true
	}
	if !taken[base] {
		return base, nil
	}
	for i := 2; ; i++ {
		if name := base + strconv.Itoa(i); !taken[name] {
			return name, nil
		}
	}
}
