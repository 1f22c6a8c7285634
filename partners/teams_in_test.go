package partners_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
)

// teamOp is one of the methods addressed by a partner and one of its
// teams.
type teamOp struct {
	name   string
	writes bool
	call   func(ps *partners.Service, ctx context.Context, partnerID, teamID uuid.UUID, version *int64) error
}

func teamOps() []teamOp {
	return []teamOp{
		{"GetTeamIn", false, func(ps *partners.Service, ctx context.Context, partnerID, teamID uuid.UUID, _ *int64) error {
			_, err := ps.GetTeamIn(ctx, partnerID, teamID)
			return err
		}},
		{"UpdateTeamIn", true, func(ps *partners.Service, ctx context.Context, partnerID, teamID uuid.UUID, v *int64) error {
			_, err := ps.UpdateTeamIn(ctx, partnerID, teamID, partners.TeamUpdateParams{Name: ptr("Renamed"), Version: v})
			return err
		}},
		{"DeleteTeamIn", true, func(ps *partners.Service, ctx context.Context, partnerID, teamID uuid.UUID, _ *int64) error {
			return ps.DeleteTeamIn(ctx, partnerID, teamID)
		}},
	}
}

// TestTeamsInPartner: a team addressed by its partner is read or changed
// only when it is in that partner and the caller may; every refusal
// leaves the teams, their members and the audit log as they were.
func TestTeamsInPartner(t *testing.T) {
	t.Parallel()
	for _, op := range teamOps() {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			testTeamInPartner(t, op)
		})
	}
}

// teamRefusal is a call of a teamOp that must fail with want.
type teamRefusal struct {
	name    string
	ctx     context.Context
	partner uuid.UUID
	team    uuid.UUID
	version *int64
	want    error
}

func testTeamInPartner(t *testing.T, op teamOp) {
	e := newEnv(t)
	acme, globex := e.partner(t, "Acme"), e.partner(t, "Globex")
	team := func(p partners.Partner, email string) partners.Team {
		tm, err := e.ps.CreateTeam(e.sys, p.ID, partners.TeamParams{Name: "Sales"})
		if err != nil {
			t.Fatal(err)
		}
		u := e.addUser(t, p.ID, email, "Test", "User")
		if err := e.ps.AddTeamMember(e.sys, tm.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		return tm
	}
	acmeSales, globexSales := team(acme, "a@example.com"), team(globex, "g@example.com")
	acmeTeams, err := e.ps.ListTeams(e.sys, acme.ID)
	if err != nil {
		t.Fatal(err)
	}
	acmeDefault := teamNamed(t, acmeTeams, true)
	acmeAdmin := e.serviceAccount(t, grant("partners.*", permissions.PartnerScope(acme.ID)))
	acmeReader := e.serviceAccount(t, grant(permissions.PartnersRead, permissions.PartnerScope(acme.ID)))
	reader := e.serviceAccount(t, grant(permissions.PartnersRead, permissions.All))

	state := func(t *testing.T) []any {
		t.Helper()
		var out []any
		for _, p := range []partners.Partner{acme, globex} {
			teams, err := e.ps.ListTeams(e.sys, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, teams)
			for _, tm := range teams {
				members, err := e.ps.TeamMembers(e.sys, tm.ID)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, members)
			}
		}
		events, err := e.authz.ListEvents(e.sys, storage.EventFilter{}, userkit.PageRequest{Limit: userkit.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		return append(out, len(events.Items))
	}
	before := state(t)

	stale := acmeSales.Version + 1
	refusals := []teamRefusal{
		{"another partner's team", e.sys, acme.ID, globexSales.ID, nil, partners.ErrNotInPartner},
		{"which a reader of everything learns as well", reader, acme.ID, globexSales.ID, nil, partners.ErrNotInPartner},
		{"another partner's team, by its partner", acmeAdmin, globex.ID, globexSales.ID, nil, userkit.ErrForbidden},
		{"another partner's team, by an own partner", acmeAdmin, acme.ID, globexSales.ID, nil, userkit.ErrForbidden},
		{"another partner's team, to its reader", acmeReader, acme.ID, globexSales.ID, nil, userkit.ErrForbidden},
		{"a missing team", acmeAdmin, acme.ID, uuid.Must(uuid.NewV7()), nil, userkit.ErrForbidden},
		{"a missing team, to who holds partners.read on everything", reader, acme.ID, uuid.Must(uuid.NewV7()), nil, userkit.ErrNotFound},
		{"no principal", context.Background(), acme.ID, acmeSales.ID, nil, userkit.ErrUnauthenticated},
	}
	if op.writes {
		refusals = append(refusals,
			teamRefusal{"a reader's change", acmeReader, acme.ID, acmeSales.ID, nil, userkit.ErrForbidden},
			teamRefusal{"a change of the default team", acmeAdmin, acme.ID, acmeDefault.ID, nil, userkit.ErrInvalid},
		)
	}
	if op.name == "UpdateTeamIn" {
		refusals = append(refusals,
			teamRefusal{"a stale version", acmeAdmin, acme.ID, acmeSales.ID, &stale, userkit.ErrPreconditionFailed},
			teamRefusal{"a version on another partner's team", e.sys, acme.ID, globexSales.ID, &globexSales.Version, partners.ErrNotInPartner},
		)
	}
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			err := op.call(e.ps, c.ctx, c.partner, c.team, c.version)
			is.True(errors.Is(err, c.want)) // the refusal expected
			is.Equal(state(t), before)      // nothing changed
		})
	}
	is := is.New(t)
	is.Equal(userkit.KindOf(partners.ErrNotInPartner), userkit.NotFound) // a 404

	// The partner's key on its own team, at its current version, is allowed.
	is.NoErr(op.call(e.ps, acmeAdmin, acme.ID, acmeSales.ID, &acmeSales.Version))
	is.Equal(!reflect.DeepEqual(state(t), before), op.writes) // a write changed something, a read nothing
	if !op.writes {
		got, err := e.ps.GetTeamIn(acmeReader, acme.ID, acmeSales.ID)
		is.NoErr(err)            // a reader reads its partner's team
		is.Equal(got, acmeSales) // the team
	}
}
