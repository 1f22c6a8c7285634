package partners_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

func TestAddUserTwiceNamesTheEmail(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t)
	a := e.partner(t, "A")
	e.addUser(t, a.ID, "mona@example.com", "Mona", "Benson")
	_, _, err := e.ps.AddUser(e.sys, a.ID, users.CreateParams{Email: "MONA@example.com", FirstName: "Mona", LastName: "Benson"})
	is.True(errors.Is(err, userkit.ErrConflict))                          // already a member
	is.Equal(userkit.FieldsOf(err)["Email"].String(), "already a member") // reported on Email
}

// takenNameStore fails the next user creations with the Conflict on the
// login name that a concurrent create causes on a SQL store.
type takenNameStore struct {
	*memory.Store
	taken *atomic.Int32
}

func (s takenNameStore) InTx(ctx context.Context, fn func(storage.Store) error) error {
	return s.Store.InTx(ctx, func(tx storage.Store) error { return fn(takenNameTx{Store: tx, taken: s.taken}) })
}

type takenNameTx struct {
	storage.Store
	taken *atomic.Int32
}

func (t takenNameTx) CreateUser(ctx context.Context, rec *storage.UserRecord) error {
	if t.taken.Add(-1) >= 0 {
		return &userkit.Error{Kind: userkit.Conflict, Message: "taken", Fields: map[string]userkit.Problem{"LoginName": {Rule: userkit.RuleTaken}}}
	}
	return t.Store.CreateUser(ctx, rec)
}

func TestAddUserRetriesATakenLoginName(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := newEnv(t)
	a := e.partner(t, "A")
	st := takenNameStore{Store: e.store, taken: new(atomic.Int32)}
	ps := kit.New(st, &kit.Options{Users: cheap}).Partners

	st.taken.Store(2)
	u, created, err := ps.AddUser(e.sys, a.ID, users.CreateParams{Email: "mona@example.com", FirstName: "Mona", LastName: "Benson"})
	is.NoErr(err)    // a login name taken meanwhile is picked again
	is.True(created) // and the user is created
	member, err := e.store.IsPartnerMember(e.sys, a.ID, u.ID)
	is.NoErr(err)
	is.True(member) // and attached
}
