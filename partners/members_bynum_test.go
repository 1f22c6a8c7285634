package partners_test

import (
	"errors"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// TestUpdateMemberOneWrite: the profile and the new password are written
// in one transaction: one new version, one audit event, and both take.
func TestUpdateMemberOneWrite(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t)
	p := e.partner(t, "Acme")
	u := e.addUser(t, p.ID, "ada@example.com", "Ada", "L")
	events := func() int {
		pg, err := e.store.ListEvents(e.sys, storage.EventFilter{}, userkit.PageRequest{Limit: 1, Total: true})
		is.NoErr(err)
		return pg.Total
	}
	before := events()
	name := "Augusta"
	got, err := e.ps.UpdateMember(e.sys, p.Num, u.Num, partners.MemberUpdate{
		Profile:     users.UpdateParams{FirstName: &name},
		NewPassword: "New secret 1234", NewPasswordConfirmation: "New secret 1234",
	})
	is.NoErr(err)
	is.Equal(got.FirstName, "Augusta") // profile written
	is.Equal(got.Version, u.Version+1) // in one write
	is.Equal(events(), before+1)       // with one event
	_, err = e.us.Authenticate(e.sys, "ada@example.com", "New secret 1234")
	is.NoErr(err) // and the password took
}

// TestUpdateMemberAllProblems: a bad profile, a password that breaks the
// policy and a confirmation that differs are reported together, and
// nothing is written.
func TestUpdateMemberAllProblems(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t)
	p := e.partner(t, "Acme")
	u := e.addUser(t, p.ID, "ada@example.com", "Ada", "L")
	bad := "not an email"
	_, err := e.ps.UpdateMember(e.sys, p.Num, u.Num, partners.MemberUpdate{
		Profile:     users.UpdateParams{Email: &bad},
		NewPassword: "short", NewPasswordConfirmation: "other",
	})
	is.Equal(userkit.KindOf(err), userkit.Invalid)
	fields := userkit.FieldsOf(err)
	is.Equal(fields["Email"].Rule, userkit.RuleEmail)                      // the profile
	is.True(fields["NewPassword"].Rule != "")                              // the policy
	is.Equal(fields["NewPasswordConfirmation"].Rule, userkit.RuleMismatch) // the confirmation
	after, err := e.us.Get(e.sys, u.ID)
	is.NoErr(err)
	is.Equal(after.Version, u.Version) // nothing written
}

// TestMemberMisses: the by-number methods tell an unknown partner from a
// user who is not a member, and conceal both from strangers.
func TestMemberMisses(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t)
	a, b := e.partner(t, "A"), e.partner(t, "B")
	ub := e.addUser(t, b.ID, "bob@example.com", "Bob", "B")
	_, err := e.ps.GetMember(e.sys, 999, ub.Num)
	is.True(errors.Is(err, partners.ErrPartnerNotFound)) // unknown partner, to a caller who may read all
	_, err = e.ps.GetMember(e.sys, a.Num, ub.Num)
	is.True(errors.Is(err, partners.ErrNotMember)) // B's user is not A's member
	_, err = e.ps.GetMember(e.sys, a.Num, 999)
	is.True(errors.Is(err, partners.ErrNotMember)) // nor is nobody

	// A caller scoped to A: an unknown partner and B are both Forbidden.
	sa, err := e.authz.CreateServiceAccount(e.sys, permissions.ServiceAccountParams{Name: "a",
		Grants: []permissions.GrantParams{{Action: "users.*", Scope: permissions.PartnerScope(a.ID)}}})
	is.NoErr(err)
	ctxA := permissions.WithPrincipal(e.sys, permissions.ServiceAccountPrincipal(sa.ID))
	_, err = e.ps.GetMember(ctxA, 999, ub.Num)
	is.Equal(userkit.KindOf(err), userkit.Forbidden) // unknown partner concealed
	_, err = e.ps.GetMember(ctxA, b.Num, ub.Num)
	is.Equal(userkit.KindOf(err), userkit.Forbidden) // another partner
	_, err = e.ps.UpdateMember(ctxA, b.Num, ub.Num, partners.MemberUpdate{NewPassword: "Attacker pw 1234", NewPasswordConfirmation: "Attacker pw 1234"})
	is.Equal(userkit.KindOf(err), userkit.Forbidden) // no reset through another partner
}
