package users_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// TestConfusableEmailsAreOneAccount creates the look-alike pairs of the
// reliability report (F8) through the service: the second address of each
// pair is "taken", refused, or (ß vs ss, by decision) a second account.
func TestConfusableEmailsAreOneAccount(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		first, second string
		rule          string // the second address's problem, "" when it is created
	}{
		{"jos\u00e9@example.com", "jose\u0301@example.com", userkit.RuleTaken},
		{"alice@example.com", "\u0430lice@example.com", userkit.RuleMixedScript},
		{"anna@example.com", "\uff41nna@example.com", userkit.RuleTaken},
		{"zed@example.com", "ze\u200bd@example.com", userkit.RuleEmail},
		{"x@b\u00fccher.de", "x@xn--bcher-kva.de", userkit.RuleTaken},
		{"strasse@example.com", "stra\u00dfe@example.com", ""},
		{"Kate@Example.com", "kate@example.com", userkit.RuleTaken},
		{"kate@example.com", "kate@EXAMPLE.COM", userkit.RuleTaken},
		{"kim@example.com", "\u212aim@example.com", userkit.RuleTaken},
		{"ivan@example.com", "\u0130van@example.com", userkit.RuleTaken},
		{"pad@example.com", "  pad@example.com ", userkit.RuleTaken},
		{"a@example.com", "a@\uff45xample.com", userkit.RuleTaken},
	} {
		t.Run(c.second, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			e := newEnv(t, nil)
			first := e.create(t, c.first, "First", "User")
			_, err := e.us.Create(e.sys, users.CreateParams{Email: c.second, FirstName: "Second", LastName: "User", Password: goodPassword})
			if c.rule == "" {
				is.NoErr(err) // a distinct address
				return
			}
			is.Equal(userkit.FieldsOf(err)["Email"].Rule, c.rule) // refused on Email
			if c.rule == userkit.RuleTaken {
				got, err := e.us.GetByEmail(e.sys, c.second)
				is.NoErr(err)              // the look-alike finds the first account
				is.Equal(got.ID, first.ID) // the same one
			}
		})
	}
}

// TestRenormalizeEmails: users stored with the old normal form (trimmed and
// lower-cased) are rewritten to the current one, once; two stored users
// that now share a normal form are reported and left alone.
func TestRenormalizeEmails(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	ctx := context.Background()
	legacy := func(email string) uuid.UUID {
		rec := storage.UserRecord{ID: uuid.Must(uuid.NewV7()), Email: email, EmailNorm: strings.ToLower(strings.TrimSpace(email)),
			FirstName: "L", LastName: "Egacy", LoginName: "legacy" + uuid.NewString()[:8], Status: "active", Version: 1, CreatedAt: fixedNow, UpdatedAt: fixedNow}
		is.NoErr(e.store.CreateUser(ctx, &rec))
		return rec.ID
	}
	ascii := legacy("Mona@Example.com")
	idn := legacy("x@B\u00fccher.de")
	legacy("jos\u00e9@example.com")
	nfd := legacy("jose\u0301@example.com")

	_, err := e.us.GetByEmail(e.sys, "x@bücher.de")
	is.Equal(userkit.KindOf(err), userkit.NotFound) // before: the old form is not found

	rep, err := users.RenormalizeEmails(ctx, e.store)
	is.NoErr(err)
	is.Equal(rep.Checked, 4)
	is.Equal(rep.Changed, 1)                   // the IDN (the NFC address already has its form)
	is.Equal(rep.Collisions, []uuid.UUID{nfd}) // the NFD one now collides with the NFC one
	got, err := e.us.GetByEmail(e.sys, "x@xn--bcher-kva.de")
	is.NoErr(err)
	is.Equal(got.ID, idn) // found by either form now
	got, err = e.us.GetByEmail(e.sys, "mona@example.com")
	is.NoErr(err)
	is.Equal(got.ID, ascii)                        // ASCII addresses are unchanged
	is.Equal(e.record(t, ascii).Version, int64(1)) // and not rewritten

	rep, err = users.RenormalizeEmails(ctx, e.store)
	is.NoErr(err)
	is.Equal(rep.Changed, 0) // idempotent
	is.Equal(len(rep.Collisions), 1)
}
