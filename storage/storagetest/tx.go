package storagetest

import (
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

var txTests = []test{
	{"TxCommit", testTxCommit},
	{"TxRollback", testTxRollback},
	{"TxRollbackUpdatesAndDeletes", testTxRollbackUpdatesAndDeletes},
	{"TxNested", testTxNested},
}

var errAbort = errors.New("storagetest: abort")

// world is one record of many kinds, written by writeWorld.
type world struct {
	user     storage.UserRecord
	partner  storage.PartnerRecord
	team     storage.TeamRecord
	portal   storage.PortalRecord
	role     storage.PortalRoleRecord
	attr     storage.AttributeRecord
	member   storage.PortalMemberRecord
	resource storage.ResourceRecord
	account  storage.ServiceAccountRecord
	grant    storage.GrantRecord
	key      storage.APIKeyRecord
	event    storage.EventRecord
}

// writeWorld creates one of nearly everything through s.
func writeWorld(s storage.Store, t *testing.T, n int) (w world, err error) {
	ctx := t.Context()
	w.user = newUser(n)
	w.partner = newPartner(n)
	w.portal = newPortal(w.partner.ID, n)
	w.resource = newResource("tx-" + w.user.ID.String()[:8])
	w.account = newAccount(n)
	steps := []func() error{
		func() error { return s.CreateUser(ctx, &w.user) },
		func() error { return s.CreatePartner(ctx, &w.partner) },
		func() error {
			w.partner.MemberCount = 1 // the user joins it
			return s.AddPartnerMember(ctx, storage.PartnerMemberRecord{PartnerID: w.partner.ID, UserID: w.user.ID, CreatedAt: now()})
		},
		func() error { w.team = newTeam(w.partner.ID, "All"); return s.CreateTeam(ctx, &w.team) },
		func() error { return s.AddTeamMember(ctx, w.team.ID, w.user.ID) },
		func() error { return s.CreatePortal(ctx, &w.portal) },
		func() error { w.role = newRole(w.portal.ID, "r"); return s.CreatePortalRole(ctx, &w.role) },
		func() error { w.attr = newAttribute(w.portal.ID, "a"); return s.CreateAttribute(ctx, &w.attr) },
		func() error {
			w.member = newMember(w.portal.ID, w.user.ID, w.role.ID)
			w.member.Attributes = []storage.AttributeValue{{AttributeID: w.attr.ID, Values: []string{"v"}}}
			return s.AddPortalMember(ctx, &w.member)
		},
		func() error { return s.CreateResource(ctx, &w.resource) },
		func() error {
			return s.PutResourceRole(ctx, storage.ResourceRoleRecord{UserID: w.user.ID, ResourceID: w.resource.ID, Role: "owner", CreatedAt: now(), UpdatedAt: now()})
		},
		func() error { return s.CreateServiceAccount(ctx, &w.account) },
		func() error {
			w.grant = newGrant(w.account.ID, "users.*", storage.ScopePartner, w.partner.ID)
			return s.AddGrant(ctx, &w.grant)
		},
		func() error {
			w.key = newKey(w.account.ID, "secret-"+w.account.ID.String())
			return s.CreateAPIKey(ctx, &w.key)
		},
		func() error {
			w.event = newEvent("users.create", w.user.ID.String(), w.partner.ID)
			return s.AppendEvent(ctx, w.event)
		},
		func() error { return s.PutSetting(ctx, "tx."+w.user.ID.String(), "v") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return w, err
		}
	}
	return w, nil
}

// checkWorld reports whether each record of w is there (want true) or
// gone (want false), looked up through s.
func checkWorld(t *testing.T, s storage.Store, w world, want bool) {
	t.Helper()
	is := is.New(t)
	ctx := t.Context()
	there := func(err error) bool {
		if err != nil && !errors.Is(err, userkit.ErrNotFound) {
			t.Fatalf("lookup: %v", err)
		}
		return err == nil
	}
	_, err := s.GetUser(ctx, w.user.ID)
	is.Equal(there(err), want) // user
	_, err = s.GetUserByEmail(ctx, w.user.EmailNorm)
	is.Equal(there(err), want) // user by email
	_, err = s.GetPartner(ctx, w.partner.ID)
	is.Equal(there(err), want) // partner
	ok, err := s.IsPartnerMember(ctx, w.partner.ID, w.user.ID)
	is.NoErr(err)      // IsPartnerMember
	is.Equal(ok, want) // partner membership
	_, err = s.GetTeam(ctx, w.team.ID)
	is.Equal(there(err), want) // team
	tm, err := s.TeamMembers(ctx, w.team.ID)
	is.NoErr(err)                // TeamMembers
	is.Equal(len(tm) == 1, want) // team membership
	_, err = s.GetPortal(ctx, w.portal.ID)
	is.Equal(there(err), want) // portal
	_, err = s.GetPortalRole(ctx, w.role.ID)
	is.Equal(there(err), want) // role
	_, err = s.GetAttribute(ctx, w.attr.ID)
	is.Equal(there(err), want) // attribute
	_, err = s.GetPortalMember(ctx, w.portal.ID, w.user.ID)
	is.Equal(there(err), want) // portal membership
	_, err = s.GetResource(ctx, w.resource.ID)
	is.Equal(there(err), want) // resource
	_, err = s.GetResourceRole(ctx, w.user.ID, w.resource.ID)
	is.Equal(there(err), want) // resource role
	_, err = s.GetServiceAccount(ctx, w.account.ID)
	is.Equal(there(err), want) // service account
	grants, err := s.GrantsOf(ctx, w.account.ID)
	is.NoErr(err)                    // GrantsOf
	is.Equal(len(grants) == 1, want) // grant
	_, err = s.GetAPIKeyByHash(ctx, w.key.Hash)
	is.Equal(there(err), want) // API key
	evs, err := s.ListEvents(ctx, storage.EventFilter{TargetID: w.event.TargetID}, userkit.PageRequest{})
	is.NoErr(err)                       // ListEvents
	is.Equal(len(evs.Items) == 1, want) // event
	_, err = s.GetSetting(ctx, "tx."+w.user.ID.String())
	is.Equal(there(err), want) // setting
}

func testTxCommit(t *testing.T, s storage.Store) {
	is := is.New(t)
	var w world
	err := s.InTx(t.Context(), func(tx storage.Store) error {
		var err error
		if w, err = writeWorld(tx, t, 1); err != nil {
			return err
		}
		checkWorld(t, tx, w, true) // a transaction reads its own writes
		return nil
	})
	is.NoErr(err)             // commit
	checkWorld(t, s, w, true) // everything is kept
	// Sequences work inside transactions.
	u, err := s.GetUser(t.Context(), w.user.ID)
	is.NoErr(err)               // GetUser
	is.Equal(u.Num, w.user.Num) // Num assigned in the transaction is the stored one
	is.True(u.Num > 0)          // and assigned
}

func testTxRollback(t *testing.T, s storage.Store) {
	is := is.New(t)
	var w world
	err := s.InTx(t.Context(), func(tx storage.Store) error {
		var err error
		if w, err = writeWorld(tx, t, 1); err != nil {
			return err
		}
		return errAbort
	})
	is.True(errors.Is(err, errAbort)) // InTx returns fn's error
	checkWorld(t, s, w, false)        // nothing is left behind

	// A failing call inside fn (here a clash) aborts the transaction when
	// fn returns its error: nothing of fn is kept.
	first := createUser(t, s, 50)
	var inTx storage.UserRecord
	err = s.InTx(t.Context(), func(tx storage.Store) error {
		inTx = newUser(51)
		if err := tx.CreateUser(t.Context(), &inTx); err != nil {
			return err
		}
		clash := newUser(52)
		clash.EmailNorm = first.EmailNorm
		return tx.CreateUser(t.Context(), &clash)
	})
	is.Equal(conflictOn(err, "EmailNorm"), "ok") // InTx returns the store's error unchanged
	_, err = s.GetUser(t.Context(), inTx.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // the earlier create in fn is undone

	// The store works normally after a rollback.
	w2, err := writeWorld(s, t, 2)
	is.NoErr(err)              // write outside a transaction
	checkWorld(t, s, w2, true) // kept
}

func testTxRollbackUpdatesAndDeletes(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	w, err := writeWorld(s, t, 1)
	is.NoErr(err) // existing data
	err = s.InTx(ctx, func(tx storage.Store) error {
		u := w.user
		u.FirstName, u.EmailNorm, u.Version = "Changed", "changed@example.com", 2
		if err := tx.UpdateUser(ctx, u, 1); err != nil {
			return err
		}
		p := w.partner
		p.Name, p.Version = "Changed", 2
		if err := tx.UpdatePartner(ctx, p, 1); err != nil {
			return err
		}
		if err := tx.DeleteServiceAccount(ctx, w.account.ID); err != nil {
			return err
		}
		if err := tx.DeletePortal(ctx, w.portal.ID); err != nil {
			return err
		}
		if err := tx.DeleteUser(ctx, w.user.ID); err != nil {
			return err
		}
		return errAbort
	})
	is.True(errors.Is(err, errAbort)) // rolled back
	checkWorld(t, s, w, true)         // deletes are undone, cascades included
	u, err := s.GetUser(ctx, w.user.ID)
	is.NoErr(err)                 // GetUser
	is.Equal(diff(w.user, u), "") // the update is undone
	p, err := s.GetPartner(ctx, w.partner.ID)
	is.NoErr(err)                    // GetPartner
	is.Equal(diff(w.partner, p), "") // the partner update is undone
	_, err = s.GetUserByEmail(ctx, "changed@example.com")
	is.Equal(match(err, userkit.ErrNotFound), "ok") // the new email is not indexed
}

func testTxNested(t *testing.T, s storage.Store) {
	is := is.New(t)
	ctx := t.Context()
	var outer, inner storage.UserRecord
	err := s.InTx(ctx, func(tx storage.Store) error {
		outer = newUser(1)
		if err := tx.CreateUser(ctx, &outer); err != nil {
			return err
		}
		return tx.InTx(ctx, func(tx2 storage.Store) error {
			if _, err := tx2.GetUser(ctx, outer.ID); err != nil {
				return err // the inner call sees the outer write
			}
			inner = newUser(2)
			return tx2.CreateUser(ctx, &inner)
		})
	})
	is.NoErr(err) // nested commit
	for _, id := range []uuid.UUID{outer.ID, inner.ID} {
		_, err := s.GetUser(ctx, id)
		is.NoErr(err) // both writes are kept
	}

	// The inner InTx is the same transaction: the outer error undoes it.
	err = s.InTx(ctx, func(tx storage.Store) error {
		outer = newUser(3)
		if err := tx.CreateUser(ctx, &outer); err != nil {
			return err
		}
		if err := tx.InTx(ctx, func(tx2 storage.Store) error {
			inner = newUser(4)
			return tx2.CreateUser(ctx, &inner)
		}); err != nil {
			return err
		}
		return errAbort
	})
	is.True(errors.Is(err, errAbort)) // outer fails after the inner succeeded
	for _, id := range []uuid.UUID{outer.ID, inner.ID} {
		_, err := s.GetUser(ctx, id)
		is.Equal(match(err, userkit.ErrNotFound), "ok") // both writes are undone
	}

	err = s.InTx(ctx, func(tx storage.Store) error {
		outer = newUser(5)
		if err := tx.CreateUser(ctx, &outer); err != nil {
			return err
		}
		return tx.InTx(ctx, func(storage.Store) error { return errAbort })
	})
	is.True(errors.Is(err, errAbort)) // the inner error comes out of the outer InTx
	_, err = s.GetUser(ctx, outer.ID)
	is.Equal(match(err, userkit.ErrNotFound), "ok") // and undoes the outer write
}
