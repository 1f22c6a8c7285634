package servicetest

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage"
)

// unversionedWriters is how many updates testConcurrentUnversionedUpdates
// sends at once to one record: more than the 20 attempts the services'
// compare-and-set retry used to allow.
const unversionedWriters = 64

// unversionedTarget is one record every unversioned update of a kind
// changes: update(i) is writer i's update, version reads the stored
// version (nil for records without one), action is the audit action of
// an update.
type unversionedTarget struct {
	id      string
	action  permissions.Action
	update  func(i int) error
	version func() (int64, error)
}

// unversionedKinds makes, for each kind of record with an unversioned
// update, one record to race on.
var unversionedKinds = []struct {
	name string
	make func(t *testing.T, e env) unversionedTarget
}{
	{"partner", func(t *testing.T, e env) unversionedTarget {
		p := e.partner(t, "Race")
		return unversionedTarget{p.ID.String(), permissions.PartnersUpdate,
			func(i int) error {
				name := fmt.Sprint("Race ", i)
				_, err := e.partners.Update(e.sys, p.ID, partners.UpdateParams{Name: &name})
				return err
			},
			func() (int64, error) { got, err := e.partners.Get(e.sys, p.ID); return got.Version, err }}
	}},
	{"team", func(t *testing.T, e env) unversionedTarget {
		p := e.partner(t, "Team race")
		team, err := e.partners.CreateTeam(e.sys, p.ID, partners.TeamParams{Name: "Racers"})
		if err != nil {
			t.Fatal(err)
		}
		return unversionedTarget{team.ID.String(), permissions.PartnersUpdate,
			func(i int) error {
				name := fmt.Sprint("Racers ", i)
				_, err := e.partners.UpdateTeam(e.sys, team.ID, partners.TeamUpdateParams{Name: &name})
				return err
			},
			func() (int64, error) { got, err := e.partners.GetTeam(e.sys, team.ID); return got.Version, err }}
	}},
	{"portal", func(t *testing.T, e env) unversionedTarget {
		p := e.portal(t, "race-portal")
		return unversionedTarget{p.ID.String(), permissions.PortalsUpdate,
			func(i int) error {
				name := fmt.Sprint("Race ", i)
				_, err := e.portals.Update(e.sys, p.ID, portals.UpdateParams{Name: &name})
				return err
			},
			func() (int64, error) { got, err := e.portals.Get(e.sys, p.ID); return got.Version, err }}
	}},
	{"role", func(t *testing.T, e env) unversionedTarget {
		p := e.portal(t, "race-role")
		return unversionedTarget{p.editor.ID.String(), permissions.PortalsUpdate,
			func(i int) error {
				name := fmt.Sprint("Editor ", i)
				_, err := e.portals.UpdateRole(e.sys, p.editor.ID, portals.RoleUpdateParams{Name: &name})
				return err
			}, nil}
	}},
	{"attribute", func(t *testing.T, e env) unversionedTarget {
		p := e.portal(t, "race-attribute")
		return unversionedTarget{p.level.ID.String(), permissions.PortalsUpdate,
			func(i int) error {
				label := fmt.Sprint("Level ", i)
				_, err := e.portals.UpdateAttribute(e.sys, p.level.ID, portals.AttributeUpdateParams{Label: &label})
				return err
			}, nil}
	}},
	{"resource", func(t *testing.T, e env) unversionedTarget {
		r, err := e.authz.CreateResource(e.sys, permissions.ResourceParams{ID: "race", Name: "Race"})
		if err != nil {
			t.Fatal(err)
		}
		return unversionedTarget{r.ID, permissions.PermissionsUpdate,
			func(i int) error {
				name := fmt.Sprint("Race ", i)
				_, err := e.authz.UpdateResource(e.sys, r.ID, permissions.ResourceUpdateParams{Name: &name})
				return err
			},
			func() (int64, error) { got, err := e.authz.GetResource(e.sys, r.ID); return got.Version, err }}
	}},
	{"service account", func(t *testing.T, e env) unversionedTarget {
		a, err := e.authz.CreateServiceAccount(e.sys, permissions.ServiceAccountParams{Name: "Race"})
		if err != nil {
			t.Fatal(err)
		}
		return unversionedTarget{a.ID.String(), permissions.PermissionsUpdate,
			func(i int) error {
				name := fmt.Sprint("Race ", i)
				_, err := e.authz.UpdateServiceAccount(e.sys, a.ID, permissions.ServiceAccountUpdateParams{Name: &name})
				return err
			},
			func() (int64, error) { got, err := e.authz.GetServiceAccount(e.sys, a.ID); return got.Version, err }}
	}},
}

// testConcurrentUnversionedUpdates: updates that name no version never
// fail because another writer won, for every kind of record, however many
// race (64 at once here): each lands, with one version and one audit
// event of its own.
func testConcurrentUnversionedUpdates(t *testing.T, e env) {
	for _, k := range unversionedKinds {
		t.Run(strings.ReplaceAll(k.name, " ", "_"), func(t *testing.T) {
			is := is.New(t)
			target := k.make(t, e)
			updates := func() int {
				return count(e.events(t, storage.EventFilter{TargetID: target.id}), func(ev permissions.Event) bool { return ev.Action == string(target.action) })
			}
			eventsBefore := updates()
			var before int64
			if target.version != nil {
				v, err := target.version()
				is.NoErr(err)
				before = v
			}
			errs := make([]error, unversionedWriters)
			var wg sync.WaitGroup
			for i := range unversionedWriters {
				wg.Go(func() { errs[i] = target.update(i) })
			}
			wg.Wait()
			failed := 0
			for i, err := range errs {
				if err != nil {
					failed++
					t.Errorf("%s update %d: %v", k.name, i, err) // no update without a version fails because another won
				}
			}
			t.Logf("%s: %d of %d unversioned updates succeeded", k.name, unversionedWriters-failed, unversionedWriters)
			if target.version != nil {
				v, err := target.version()
				is.NoErr(err)
				is.Equal(v, before+unversionedWriters) // one version per update, none lost
			}
			is.Equal(updates()-eventsBefore, unversionedWriters) // one audit event per update
		})
	}
}

// testPartnerRenameVsTeamUpdates: renaming a partner writes its default
// team, so unversioned renames racing with unversioned updates of that
// team all land too (both lock the partner). The team's updates change
// nothing, so only the renames write it.
func testPartnerRenameVsTeamUpdates(t *testing.T, e env) {
	is := is.New(t)
	p := e.partner(t, "Race")
	teams, err := e.partners.ListTeams(e.sys, p.ID)
	is.NoErr(err)
	is.Equal(len(teams), 1) // the default team
	team := teams[0]
	const each = unversionedWriters / 2
	errs := make([]error, 2*each)
	var wg sync.WaitGroup
	for i := range each {
		wg.Go(func() {
			name := fmt.Sprint("Race ", i)
			_, errs[i] = e.partners.Update(e.sys, p.ID, partners.UpdateParams{Name: &name})
		})
		wg.Go(func() {
			_, errs[each+i] = e.partners.UpdateTeam(e.sys, team.ID, partners.TeamUpdateParams{})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("update %d: %v", i, err) // none fails because another won
		}
	}
	gotP, err := e.partners.Get(e.sys, p.ID)
	is.NoErr(err)
	is.Equal(gotP.Version, p.Version+each) // every rename landed
	gotT, err := e.partners.GetTeam(e.sys, team.ID)
	is.NoErr(err)
	is.Equal(gotT.Version, team.Version+each)                // every rename landed; the no-op updates wrote nothing
	is.Equal(gotT.Name, partners.DefaultTeamName(gotP.Name)) // named after the partner's last name
}
