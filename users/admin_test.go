package users_test

import (
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
)

// TestIsAdmin: whether a user holds "*" on everything, for readers of the
// user only.
func TestIsAdmin(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil)
	u := e.create(t, "ada@example.com", "Ada", "Lovelace")
	admin, err := e.us.IsAdmin(e.sys, u.ID)
	is.NoErr(err)
	is.True(!admin) // no grant yet
	_, err = e.authz.AddGrant(e.sys, u.ID, permissions.GrantParams{Action: "*", Scope: permissions.All})
	is.NoErr(err)
	admin, err = e.us.IsAdmin(e.sys, u.ID)
	is.NoErr(err)
	is.True(admin) // holds * on everything
	stranger := e.serviceAccount(t, grant("users.read", permissions.PartnerScope(e.partnerWith(t))))
	_, err = e.us.IsAdmin(stranger, u.ID)
	is.Equal(userkit.KindOf(err), userkit.Forbidden) // only readers of the user may ask
}
