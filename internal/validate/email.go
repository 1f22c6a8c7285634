package validate

import (
	"strings"
	"unicode"

	"github.com/go-playground/validator/v10"
	"golang.org/x/net/idna"
	"golang.org/x/text/secure/precis"
)

// Email identity. Two addresses that a person cannot tell apart must be
// one account, and an address built to look like another must be
// refused. The choices, each with its reference:
//
//   - Local part: the PRECIS UsernameCaseMapped profile (RFC 8264, RFC
//     8265 section 3.3): full-width characters map to their ordinary
//     forms ("ａnna" is "anna"), text is normalised to NFC (NFD "jose" +
//     U+0301 is "josé"), upper case maps to lower case, and characters of
//     the disallowed categories (spaces, controls, zero-width and other
//     format characters such as U+200B) are refused. The simple Unicode
//     lower-case mapping runs first, so that U+0130 "İ" maps to "i" and the
//     Kelvin sign to "k", as they did before PRECIS.
//   - "ß" is not "ss": PRECIS (like IDNA2008, RFC 5892) keeps ß as its own
//     letter, and the two look different, so "straße" and "strasse" stay
//     two addresses (as they are two mailboxes on most mail servers).
//   - Domain: IDNA2008 through the UTS #46 Lookup profile (RFC 5891,
//     Unicode TS #46), stored as A-labels: "bücher.de" and
//     "xn--bcher-kva.de" are one domain, and a full-width "ｅxample.com"
//     is "example.com".
//   - Mixed scripts (Unicode TS #39 section 5.2, "Highly Restrictive"): a
//     local part or domain label whose letters come from more than one
//     script is refused (Rule "mixedscript"), except the combinations
//     that TS #39 allows for Chinese, Japanese and Korean (Latin with Han
//     and Hiragana and Katakana, with Han and Bopomofo, or with Han and
//     Hangul). Latin "alice" and "аlice" with a Cyrillic "а" thus cannot
//     both exist: the second is refused. Characters common to all scripts
//     (digits, punctuation) and combining marks do not count.
//
// Addresses whose local part or domain PRECIS or IDNA refuse fall back to
// the old normal form (trimmed, lower-cased) in NormalizeEmail, so that a
// lookup never fails; IsEmail refuses them for new writes.

// NormalizeEmail returns the form emails are compared and looked up by
// (see the choices above). It never fails.
func NormalizeEmail(email string) string {
	email = strings.TrimSpace(email)
	i := strings.LastIndexByte(email, '@')
	if i < 0 {
		return strings.ToLower(email)
	}
	local, domain := email[:i], email[i+1:]
	return normalizeLocal(local) + "@" + normalizeDomain(domain)
}

func normalizeLocal(local string) string {
	lower := strings.ToLower(local)
	if p, err := precis.UsernameCaseMapped.String(lower); err == nil {
		return p
	}
	return lower
}

func normalizeDomain(domain string) string {
	if a, err := idna.Lookup.ToASCII(domain); err == nil {
		return a
	}
	return strings.ToLower(domain)
}

// plain checks the address syntax with the validator's own "email" rule.
var plain = validator.New()

// IsEmail reports whether email is an address userkit stores: valid
// syntax (the validator's "email" rule), a local part that the PRECIS
// UsernameCaseMapped profile accepts and a domain that IDNA2008 Lookup
// accepts. It is the "email" validation rule of Validator.
func IsEmail(email string) bool {
	if plain.Var(email, "email") != nil {
		return false
	}
	i := strings.LastIndexByte(email, '@')
	if _, err := precis.UsernameCaseMapped.String(strings.ToLower(email[:i])); err != nil {
		return false
	}
	_, err := idna.Lookup.ToASCII(email[i+1:])
	return err == nil
}

// MixesScripts reports whether email's local part, or one of its domain
// labels, mixes letters of several scripts beyond what Unicode TS #39's
// Highly Restrictive level allows (see the choices above). Text that is
// not an address is checked as a whole.
func MixesScripts(email string) bool {
	i := strings.LastIndexByte(email, '@')
	if i < 0 {
		return mixes(email)
	}
	if mixes(email[:i]) {
		return true
	}
	domain := email[i+1:]
	if u, err := idna.Lookup.ToUnicode(domain); err == nil {
		domain = u
	}
	for label := range strings.SplitSeq(domain, ".") {
		if mixes(label) {
			return true
		}
	}
	return false
}

// cjk are the script combinations TS #39 Highly Restrictive allows.
var cjk = []map[string]bool{
	{"Latin": true, "Han": true, "Hiragana": true, "Katakana": true},
	{"Latin": true, "Han": true, "Bopomofo": true},
	{"Latin": true, "Han": true, "Hangul": true},
}

func mixes(s string) bool {
	seen := map[string]bool{}
	for _, r := range s {
		if sc := script(r); sc != "" {
			seen[sc] = true
		}
	}
	if len(seen) <= 1 {
		return false
	}
	for _, allowed := range cjk {
		ok := true
		for sc := range seen {
			ok = ok && allowed[sc]
		}
		if ok {
			return false
		}
	}
	return true
}

// script names r's Unicode script, or "" for characters shared by all
// scripts (Common, Inherited) and unassigned ones.
func script(r rune) string {
	if r < 0x80 {
		if ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') {
			return "Latin"
		}
		return ""
	}
	if unicode.In(r, unicode.Common, unicode.Inherited) {
		return ""
	}
	for name, table := range unicode.Scripts {
		if unicode.Is(table, r) {
			return name
		}
	}
	return ""
}
