package permissions_test

import (
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
)

func TestEventsAfter(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := newFixture(t)
	partner := f.partner("A")
	admin := f.user("admin")
	f.grant(admin, "*", permissions.All)
	ctx := as(admin)

	first, err := f.authz.EventsAfter(ctx, "", 0)
	is.NoErr(err)           // read from the start
	is.True(len(first) > 0) // the fixture's grant
	cursor := first[len(first)-1].Cursor

	for _, id := range []string{"r1", "r2", "r3"} {
		_, err := f.authz.CreateResource(ctx, permissions.ResourceParams{ID: id, Name: id})
		is.NoErr(err)
	}
	evs, err := f.authz.EventsAfter(ctx, cursor, 2)
	is.NoErr(err)         // a batch of two
	is.Equal(len(evs), 2) // limit
	is.Equal(evs[0].TargetID, "r1")
	is.Equal(evs[1].TargetID, "r2")
	is.Equal(evs[0].Principal, permissions.UserPrincipal(admin)) // who did it
	evs, err = f.authz.EventsAfter(ctx, evs[1].Cursor, 2)
	is.NoErr(err) // read on from the acknowledged event
	is.Equal(len(evs), 1)
	is.Equal(evs[0].TargetID, "r3")
	evs, err = f.authz.EventsAfter(ctx, evs[0].Cursor, 2)
	is.NoErr(err)         // caught up
	is.Equal(len(evs), 0) // nothing more

	_, err = f.authz.EventsAfter(ctx, "not-a-cursor", 2)
	is.Equal(userkit.KindOf(err), userkit.Invalid) // a malformed cursor
	_, ok := userkit.FieldsOf(err)["Cursor"]
	is.True(ok) // names the field

	reader := f.user("reader")
	f.grant(reader, "permissions.read", permissions.PartnerScope(partner))
	_, err = f.authz.EventsAfter(as(reader), "", 10)
	is.Equal(userkit.KindOf(err), userkit.Forbidden) // the whole log needs permissions.read on everything
}
