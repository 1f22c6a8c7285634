package servicetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// testPortalMembersConcurrentUnversioned: the writes of a portal
// membership and of its user that name no version never fail because
// another writer won (64 at once): logins recorded by the member and by
// an administrator, attribute definitions deleted (each rewrites the
// membership), profile updates of the member's user, and removals of
// members managed by the portal (each rewrites the user it no longer
// manages) racing with updates of those users. Every write lands once.
func testPortalMembersConcurrentUnversioned(t *testing.T, e env) {
	is := is.New(t)
	p := e.portal(t, "member-race")
	const deletes, removals = 12, 8
	attrs := make([]portals.Attribute, deletes)
	inputs := make([]portals.AttributeInput, deletes)
	for i := range attrs {
		var err error
		attrs[i], err = e.portals.CreateAttribute(e.sys, p.ID, portals.AttributeParams{Name: fmt.Sprint("race_", i), Type: portals.TypeString})
		is.NoErr(err) // create attribute
		inputs[i] = portals.AttributeInput{ID: attrs[i].ID, Value: fmt.Sprint("v", i)}
	}
	m, err := e.portals.AddUser(e.sys, p.ID, portals.AddUserParams{Email: "racer@example.com", FirstName: "Race", LastName: "Member",
		RoleIDs: []uuid.UUID{p.viewer.ID}, Attributes: inputs})
	is.NoErr(err) // the member, holding a value of every attribute
	others := make([]portals.Member, removals)
	for i := range others {
		others[i] = e.join(t, p, fmt.Sprintf("leaver%d@example.com", i), "Leaver", fmt.Sprint("N", i))
	}
	self := permissions.WithPrincipal(context.Background(), permissions.UserPrincipal(m.User.ID))

	var ops []func() error
	for _, a := range attrs {
		ops = append(ops, func() error { return e.portals.DeleteAttribute(e.sys, a.ID) })
	}
	for i, o := range others {
		ops = append(ops, func() error {
			removed, err := e.portals.RemoveUser(e.sys, p.ID, o.User.ID)
			if err == nil && !removed {
				err = fmt.Errorf("member %d was not removed", i)
			}
			return err
		})
		ops = append(ops, func() error {
			_, err := e.users.Update(e.sys, o.User.ID, users.UpdateParams{City: ptr(fmt.Sprint("Leaving ", i))})
			return err
		})
	}
	logins, updates := 0, 0
	for i := 0; len(ops) < unversionedWriters; i++ {
		switch i % 3 {
		case 0:
			logins++
			ops = append(ops, func() error { return e.portals.RecordLogin(e.sys, p.ID, m.User.ID) })
		case 1:
			logins++
			ops = append(ops, func() error { return e.portals.RecordLogin(self, p.ID, m.User.ID) })
		default:
			updates++
			ops = append(ops, func() error {
				_, err := e.users.Update(e.sys, m.User.ID, users.UpdateParams{City: ptr(fmt.Sprint("City ", i))})
				return err
			})
		}
	}
	errs := make([]error, len(ops))
	var wg sync.WaitGroup
	for i, op := range ops {
		wg.Go(func() { errs[i] = op() })
	}
	wg.Wait()
	failed := 0
	for i, err := range errs {
		if err != nil {
			failed++
			t.Errorf("write %d: %v (%s)", i, err, kind(err)) // none fails because another won
		}
	}
	t.Logf("%d of %d unversioned writes of portal memberships and their users succeeded (%d attribute deletions, %d logins, %d removals, %d user updates)",
		len(ops)-failed, len(ops), deletes, logins, removals, updates+removals)

	got, err := e.portals.GetUser(e.sys, p.ID, m.User.ID)
	is.NoErr(err)
	is.Equal(got.Version, m.Version+int64(deletes+logins))    // one version per login and per deleted attribute
	is.Equal(len(got.Attributes), 0)                          // every deleted attribute's value is gone
	is.True(got.LastLoginAt != nil)                           // the logins were recorded
	is.Equal(got.User.Version, m.User.Version+int64(updates)) // every profile update landed
	for _, o := range others {
		_, err := e.portals.GetUser(e.sys, p.ID, o.User.ID)
		is.True(errors.Is(err, userkit.ErrNotFound)) // removed
		rec := e.record(t, o.User.ID)
		is.Equal(rec.ManagedKind, storage.ScopeAll) // no longer managed by the portal
		is.Equal(rec.Version, o.User.Version+2)     // the removal's write and the update, both
		is.True(rec.City != "")                     // the update's city kept
	}
}

// testNoOpUpdates: an update that changes nothing (no field, or every
// field as it is) writes nothing, for every kind of record: no new
// version and no audit event.
func testNoOpUpdates(t *testing.T, e env) {
	is := is.New(t)
	p := e.partner(t, "Same")
	team, err := e.partners.CreateTeam(e.sys, p.ID, partners.TeamParams{Name: "Same team"})
	is.NoErr(err)
	po := e.portal(t, "same")
	res, err := e.authz.CreateResource(e.sys, permissions.ResourceParams{ID: "same", Name: "Same", Kind: "project"})
	is.NoErr(err)
	sa, err := e.authz.CreateServiceAccount(e.sys, permissions.ServiceAccountParams{Name: "Same"})
	is.NoErr(err)
	allEvents := func() int { return len(e.events(t, storage.EventFilter{})) }
	before := allEvents()

	for _, tt := range []struct {
		name   string
		update func() (version int64, err error)
		want   int64 // the version before, 0 for records without one
	}{
		{"partner {}", func() (int64, error) {
			r, err := e.partners.Update(e.sys, p.ID, partners.UpdateParams{})
			return r.Version, err
		}, p.Version},
		{"partner same name", func() (int64, error) {
			r, err := e.partners.Update(e.sys, p.ID, partners.UpdateParams{Name: ptr(" " + p.Name + " ")})
			return r.Version, err
		}, p.Version},
		{"team {}", func() (int64, error) {
			r, err := e.partners.UpdateTeam(e.sys, team.ID, partners.TeamUpdateParams{})
			return r.Version, err
		}, team.Version},
		{"team same name", func() (int64, error) {
			r, err := e.partners.UpdateTeam(e.sys, team.ID, partners.TeamUpdateParams{Name: ptr(team.Name)})
			return r.Version, err
		}, team.Version},
		{"team saved as read", func() (int64, error) {
			r, _, err := e.partners.SaveTeam(e.sys, p.Num, team.Num, partners.TeamSave{Name: ptr(team.Name), UserNums: &[]int64{}})
			return r.Version, err
		}, team.Version},
		{"portal {}", func() (int64, error) {
			r, err := e.portals.Update(e.sys, po.ID, portals.UpdateParams{})
			return r.Version, err
		}, po.Version},
		{"portal as read", func() (int64, error) {
			r, err := e.portals.Update(e.sys, po.ID, portals.UpdateParams{Name: ptr(po.Name), TechnicalName: ptr(po.TechnicalName), DefaultLocale: ptr(po.DefaultLocale)})
			return r.Version, err
		}, po.Version},
		{"role {}", func() (int64, error) {
			_, err := e.portals.UpdateRole(e.sys, po.editor.ID, portals.RoleUpdateParams{})
			return 0, err
		}, 0},
		{"role same name", func() (int64, error) {
			_, err := e.portals.UpdateRole(e.sys, po.editor.ID, portals.RoleUpdateParams{Name: ptr(po.editor.Name)})
			return 0, err
		}, 0},
		{"attribute {}", func() (int64, error) {
			_, err := e.portals.UpdateAttribute(e.sys, po.level.ID, portals.AttributeUpdateParams{})
			return 0, err
		}, 0},
		{"attribute as read", func() (int64, error) {
			_, err := e.portals.UpdateAttribute(e.sys, po.tenant.ID, portals.AttributeUpdateParams{Name: ptr(po.tenant.Name), Label: ptr(po.tenant.Label), AllowMultipleValues: ptr(true)})
			return 0, err
		}, 0},
		{"resource {}", func() (int64, error) {
			r, err := e.authz.UpdateResource(e.sys, res.ID, permissions.ResourceUpdateParams{})
			return r.Version, err
		}, res.Version},
		{"resource as read", func() (int64, error) {
			r, err := e.authz.UpdateResource(e.sys, res.ID, permissions.ResourceUpdateParams{Name: ptr(res.Name), Kind: ptr(res.Kind)})
			return r.Version, err
		}, res.Version},
		{"service account {}", func() (int64, error) {
			r, err := e.authz.UpdateServiceAccount(e.sys, sa.ID, permissions.ServiceAccountUpdateParams{})
			return r.Version, err
		}, sa.Version},
		{"service account same name", func() (int64, error) {
			r, err := e.authz.UpdateServiceAccount(e.sys, sa.ID, permissions.ServiceAccountUpdateParams{Name: ptr(sa.Name)})
			return r.Version, err
		}, sa.Version},
	} {
		v, err := tt.update()
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if v != tt.want {
			t.Errorf("%s: version %d, want %d (unchanged)", tt.name, v, tt.want)
		}
	}
	is.Equal(allEvents(), before) // no audit event for updates that change nothing

	// A real change still writes, once.
	r, err := e.partners.Update(e.sys, p.ID, partners.UpdateParams{Name: ptr("Changed")})
	is.NoErr(err)
	is.Equal(r.Version, p.Version+1)
	is.Equal(allEvents(), before+1)
}
