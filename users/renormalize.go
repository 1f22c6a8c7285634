package users

import (
	"context"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// RenormalizeReport is what RenormalizeEmails did.
type RenormalizeReport struct {
	Checked int // users read
	Changed int // users whose EmailNorm was rewritten
	// Collisions are users whose address now has the normal form of
	// another user's (two accounts a person could not tell apart, such as
	// NFC and NFD forms of one address). They are left unchanged: merging
	// two accounts is the host's decision.
	Collisions []uuid.UUID
}

// RenormalizeEmails rewrites the stored EmailNorm of every user whose
// address has a different normal form under the current NormalizeEmail.
//
// Run it once after upgrading from a release whose NormalizeEmail only
// trimmed and lower-cased. Addresses in ASCII keep their form; only
// addresses with non-ASCII characters change (full-width or decomposed
// characters in the local part, internationalised domains, now stored as
// xn-- A-labels). Until it has run, such users are not found by their
// address (login, lookups, attach by email). It is idempotent, checks no
// permission and writes no audit event (the address itself is
// unchanged); a user changed concurrently keeps its version check and is
// rewritten by the next run.
func RenormalizeEmails(ctx context.Context, store storage.Store) (RenormalizeReport, error) {
	var rep RenormalizeReport
	p := userkit.PageRequest{Limit: userkit.MaxLimit}
	for {
		page, err := store.ListUsers(ctx, storage.UserFilter{}, p)
		if err != nil {
			return rep, err
		}
		for _, rec := range page.Items {
			rep.Checked++
			norm := NormalizeEmail(rec.Email)
			if norm == rec.EmailNorm {
				continue
			}
			rec.EmailNorm = norm
			expect := rec.Version
			rec.Version++
			switch err := store.UpdateUser(ctx, rec, expect); {
			case err == nil:
				rep.Changed++
			case userkit.KindOf(err) == userkit.Conflict:
				rep.Collisions = append(rep.Collisions, rec.ID)
			case userkit.KindOf(err) == userkit.PreconditionFailed, userkit.KindOf(err) == userkit.NotFound:
				// changed or deleted meanwhile: the next run sees it
			default:
				return rep, err
			}
		}
		if page.Next == "" {
			return rep, nil
		}
		p.After = page.Next
	}
}
