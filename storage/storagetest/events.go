package storagetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

var eventTests = []test{
	{"Events", testEvents},
	{"EventsByAction", testEventsByAction},
	{"Settings", testSettings},
}

func eventID(r storage.EventRecord) uuid.UUID { return r.ID }

func testEvents(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	pa, pb := newID(), newID()
	var evs []storage.EventRecord
	for i := range 6 {
		partner := pa
		if i%2 == 1 {
			partner = pb
		}
		target := "u-1"
		if i >= 3 {
			target = "u-2"
		}
		e := newEvent("users.update", target, partner)
		if i == 0 {
			e.PartnerID = uuid.Nil // not partner-scoped
			e.PrincipalKind, e.PrincipalID = "user", newID()
		}
		is.NoErr(s.AppendEvent(ctx, e)) // append
		evs = append(evs, e)
	}
	newest := slices.Clone(evs)
	slices.Reverse(newest)

	p, err := s.ListEvents(ctx, storage.EventFilter{}, userkit.PageRequest{Limit: 4, Total: true})
	is.NoErr(err)                                             // first page
	is.Equal(ids(p.Items, eventID), ids(newest[:4], eventID)) // newest first
	is.Equal(diff(newest[0], p.Items[0]), "")                 // full event records
	is.Equal(diff(evs[0], newest[5]), "")                     // uuid.Nil partner round-trips
	is.Equal(p.Total, 6)                                      // total
	is.Equal(p.Next, newest[3].ID.String())                   // Next is the last ID seen
	p, err = s.ListEvents(ctx, storage.EventFilter{}, userkit.PageRequest{Limit: 4, After: p.Next})
	is.NoErr(err)                                             // second page
	is.Equal(ids(p.Items, eventID), ids(newest[4:], eventID)) // the oldest two
	is.Equal(p.Next, "")                                      // no more
	is.Equal(p.Total, -1)                                     // no total asked

	p, err = s.ListEvents(ctx, storage.EventFilter{PartnerID: pb}, userkit.PageRequest{Total: true})
	is.NoErr(err)                                                                 // partner filter
	is.Equal(ids(p.Items, eventID), []uuid.UUID{evs[5].ID, evs[3].ID, evs[1].ID}) // the partner's events, newest first
	is.Equal(p.Total, 3)                                                          // partner total
	p, err = s.ListEvents(ctx, storage.EventFilter{TargetID: "u-1", PartnerID: pa}, userkit.PageRequest{Total: true})
	is.NoErr(err)                                           // target and partner filters
	is.Equal(ids(p.Items, eventID), []uuid.UUID{evs[2].ID}) // both filters apply
	p, err = s.ListEvents(ctx, storage.EventFilter{TargetID: "u-2"}, userkit.PageRequest{Limit: 2, Page: 2, Total: true})
	is.NoErr(err)                                           // numbered page of a target's events
	is.Equal(ids(p.Items, eventID), []uuid.UUID{evs[3].ID}) // the target's oldest event
	is.Equal(p.Total, 3)                                    // the target's total
	_, err = s.ListEvents(ctx, storage.EventFilter{}, userkit.PageRequest{After: "x"})
	is.Equal(match(err, userkit.ErrInvalid), "ok") // malformed cursor
}

func testEventsByAction(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	pa, pb := newID(), newID()
	// Neighbours of the family "users." in byte order and in LIKE syntax,
	// so that a range or a pattern one character off shows.
	actions := []string{"users.create", "users", "users.update", "usersx.update", "users_.update",
		"users.update.more", "user.read", "partners.create", "users.delete", "users/x"}
	var evs []storage.EventRecord
	for i, a := range actions {
		partner := pa
		if i%2 == 1 {
			partner = pb
		}
		e := newEvent(a, "t", partner)
		is.NoErr(s.AppendEvent(ctx, e)) // append
		evs = append(evs, e)
	}
	list := func(f storage.EventFilter, p userkit.PageRequest) userkit.Page[storage.EventRecord] {
		t.Helper()
		page, err := s.ListEvents(ctx, f, p)
		is.NoErr(err) // ListEvents
		return page
	}
	want := func(idx ...int) []uuid.UUID {
		var out []uuid.UUID
		for _, i := range idx {
			out = append(out, evs[i].ID)
		}
		return out
	}

	p := list(storage.EventFilter{Action: "users."}, userkit.PageRequest{Total: true})
	is.Equal(ids(p.Items, eventID), want(8, 5, 2, 0)) // the family, newest first, nothing beside it
	is.Equal(p.Total, 4)                              // family total
	p = list(storage.EventFilter{Action: "users.update"}, userkit.PageRequest{Total: true})
	is.Equal(ids(p.Items, eventID), want(2)) // exact: not users.update.more
	is.Equal(p.Total, 1)                     // exact total
	p = list(storage.EventFilter{Action: "users"}, userkit.PageRequest{})
	is.Equal(ids(p.Items, eventID), want(1)) // no dot: exact, not a family
	p = list(storage.EventFilter{Action: "users_."}, userkit.PageRequest{})
	is.Equal(ids(p.Items, eventID), want(4)) // "_" is a character, not a wildcard
	p = list(storage.EventFilter{Action: "nothing."}, userkit.PageRequest{Total: true})
	is.Equal(len(p.Items), 0) // an empty family
	is.Equal(p.Total, 0)      // empty total

	p = list(storage.EventFilter{Action: "users."}, userkit.PageRequest{Limit: 3})
	is.Equal(ids(p.Items, eventID), want(8, 5, 2)) // first page of the family
	p = list(storage.EventFilter{Action: "users."}, userkit.PageRequest{Limit: 3, After: p.Next})
	is.Equal(ids(p.Items, eventID), want(0)) // the cursor pages within the family
	is.Equal(p.Next, "")                     // no more
	p = list(storage.EventFilter{Action: "users.", PartnerID: pb}, userkit.PageRequest{Total: true})
	is.Equal(ids(p.Items, eventID), want(5)) // family and partner
	p = list(storage.EventFilter{Action: "users.", TargetID: "other"}, userkit.PageRequest{})
	is.Equal(len(p.Items), 0) // family and target
}

func testSettings(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	_, err := s.GetSetting(ctx, "jwt.secret")
	is.Equal(match(err, userkit.ErrNotFound), "ok")  // unset
	is.NoErr(s.PutSetting(ctx, "jwt.secret", "one")) // set
	v, err := s.GetSetting(ctx, "jwt.secret")
	is.NoErr(err)      // GetSetting
	is.Equal(v, "one") // read back
	big := strings.Repeat("0123456789abcdef", MaxSettingValueLen/16)
	is.NoErr(s.PutSetting(ctx, "jwt.secret", big)) // replace with the longest value
	v, err = s.GetSetting(ctx, "jwt.secret")
	is.NoErr(err)                            // GetSetting
	is.Equal(v, big)                         // replaced, MaxSettingValueLen bytes intact
	is.NoErr(s.PutSetting(ctx, "empty", "")) // an empty value is a value
	v, err = s.GetSetting(ctx, "empty")
	is.NoErr(err)   // an empty value is set, not missing
	is.Equal(v, "") // empty value
}
