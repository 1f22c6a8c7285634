package users_test

import (
	"context"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/users"
)

// TestChangePasswordHonoursLockout: once failed guesses lock an account,
// ChangePassword must not keep answering whether the current password is
// right (an unlimited guessing oracle past the lockout) nor set a new
// password with it.
func TestChangePasswordHonoursLockout(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t, nil) // MaxFailedLogins: 3
	u := e.create(t, "mona@example.com", "Mona", "Benson")
	self := permissions.WithPrincipal(context.Background(), permissions.UserPrincipal(u.ID))
	for range 3 {
		err := e.us.ChangePassword(self, u.ID, "Wrongpassword1", "Otherpassword34", "Otherpassword34")
		is.Equal(userkit.FieldsOf(err)["CurrentPassword"].String(), "is incorrect") // a wrong guess
	}
	is.Equal(e.record(t, u.ID).Status, string(users.StatusLocked)) // locked at the limit

	before := e.record(t, u.ID).PasswordHash
	err := e.us.ChangePassword(self, u.ID, goodPassword, "Otherpassword34", "Otherpassword34")
	is.Equal(userkit.FieldsOf(err)["CurrentPassword"].String(), "is incorrect") // the right guess looks like a wrong one
	is.Equal(e.record(t, u.ID).PasswordHash, before)                            // and changes nothing
	is.Equal(e.record(t, u.ID).Status, string(users.StatusLocked))              // still locked
}
