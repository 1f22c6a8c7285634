package portals_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage"
)

// partOp is one of the methods addressed by a portal and one of its roles
// or attributes.
type partOp struct {
	name string
	attr bool // addressed by an attribute, not a role
	call func(ps *portals.Service, ctx context.Context, portalID, id uuid.UUID, version *int64) error
}

func partOps() []partOp {
	name, label := "Renamed", "Renamed"
	return []partOp{
		{"GetRoleIn", false, func(ps *portals.Service, ctx context.Context, portalID, id uuid.UUID, _ *int64) error {
			_, err := ps.GetRoleIn(ctx, portalID, id)
			return err
		}},
		{"UpdateRoleIn", false, func(ps *portals.Service, ctx context.Context, portalID, id uuid.UUID, v *int64) error {
			_, err := ps.UpdateRoleIn(ctx, portalID, id, portals.RoleUpdateParams{Name: &name, Version: v})
			return err
		}},
		{"DeleteRoleIn", false, func(ps *portals.Service, ctx context.Context, portalID, id uuid.UUID, _ *int64) error {
			return ps.DeleteRoleIn(ctx, portalID, id)
		}},
		{"GetAttributeIn", true, func(ps *portals.Service, ctx context.Context, portalID, id uuid.UUID, _ *int64) error {
			_, err := ps.GetAttributeIn(ctx, portalID, id)
			return err
		}},
		{"UpdateAttributeIn", true, func(ps *portals.Service, ctx context.Context, portalID, id uuid.UUID, v *int64) error {
			_, err := ps.UpdateAttributeIn(ctx, portalID, id, portals.AttributeUpdateParams{Name: &name, Label: &label, Version: v})
			return err
		}},
		{"DeleteAttributeIn", true, func(ps *portals.Service, ctx context.Context, portalID, id uuid.UUID, _ *int64) error {
			return ps.DeleteAttributeIn(ctx, portalID, id)
		}},
	}
}

// TestPartsInPortal: a role or attribute addressed by its portal is
// changed only when it is in that portal and the caller may; every refusal
// leaves roles, attributes, members' values and the audit log as they
// were. Both ways of reading a part run: with its portal
// (storage.PortalPartReader) and alone, on a store without that reader.
func TestPartsInPortal(t *testing.T) {
	t.Parallel()
	for _, store := range []struct {
		name string
		hide bool
	}{{"with portal", false}, {"alone", true}} {
		t.Run(store.name, func(t *testing.T) {
			t.Parallel()
			for _, op := range partOps() {
				t.Run(op.name, func(t *testing.T) {
					t.Parallel()
					testPartInPortal(t, op, store.hide)
				})
			}
		})
	}
}

func testPartInPortal(t *testing.T, op partOp, hide bool) {
	f := newFixture(t)
	ps := f.ps
	if hide {
		// The store's methods without its optional readers.
		ps = portals.New(struct{ storage.Store }{f.store}, f.authz, f.us, nil)
	}
	acme, globex := f.partner("Acme"), f.partner("Globex")
	acmePortal, acmeRole := f.portal("acme", acme)
	acmeTwo, acmeTwoRole := f.portal("acme-two", acme)
	globexPortal, globexRole := f.portal("globex", globex)
	attr := func(p portals.Portal) portals.Attribute {
		a, err := f.ps.CreateAttribute(f.sys, p.ID, portals.AttributeParams{Name: "tenant", Type: portals.TypeString})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	acmeAttr, acmeTwoAttr, globexAttr := attr(acmePortal), attr(acmeTwo), attr(globexPortal)
	// A spare role in each portal, which members do not hold (a held
	// role cannot be deleted, and the allowed case must succeed).
	spare := func(p portals.Portal) portals.Role {
		r, err := f.ps.CreateRole(f.sys, p.ID, portals.RoleParams{Name: "Spare"})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	acmeSpare, acmeTwoSpare, globexSpare := spare(acmePortal), spare(acmeTwo), spare(globexPortal)
	member := func(p portals.Portal, r portals.Role, a portals.Attribute, email string) portals.Member {
		m, err := f.ps.AddUser(f.sys, p.ID, portals.AddUserParams{
			Email: email, FirstName: "Test", LastName: "User", RoleIDs: []uuid.UUID{r.ID},
			Attributes: []portals.AttributeInput{{ID: a.ID, Value: "t-1"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	members := []portals.Member{
		member(acmePortal, acmeRole, acmeAttr, "a@example.com"),
		member(acmeTwo, acmeTwoRole, acmeTwoAttr, "b@example.com"),
		member(globexPortal, globexRole, globexAttr, "g@example.com"),
	}
	acmeAdmin := f.serviceAccount(permissions.GrantParams{Action: "portals.*", Scope: permissions.PartnerScope(acme)})
	acmeReader := f.serviceAccount(permissions.GrantParams{Action: "portals.read", Scope: permissions.PartnerScope(acme)})

	// part picks the op's kind of part: a spare role or the attribute.
	part := func(spare portals.Role, a portals.Attribute) uuid.UUID {
		if op.attr {
			return a.ID
		}
		return spare.ID
	}
	acmePart, acmeTwoPart, globexPart := part(acmeSpare, acmeAttr), part(acmeTwoSpare, acmeTwoAttr), part(globexSpare, globexAttr)

	state := func(t *testing.T) []any {
		t.Helper()
		var out []any
		for _, p := range []portals.Portal{acmePortal, acmeTwo, globexPortal} {
			roles, err := f.ps.ListRoles(f.sys, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			attrs, err := f.ps.ListAttributes(f.sys, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, roles, attrs)
		}
		for _, m := range members {
			got, err := f.ps.GetUser(f.sys, m.PortalID, m.User.ID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, got.Attributes)
		}
		events, err := f.authz.ListEvents(f.sys, storage.EventFilter{}, userkit.PageRequest{Limit: userkit.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		return append(out, len(events.Items))
	}
	before := state(t)

	one := int64(1)
	writes := op.name != "GetRoleIn" && op.name != "GetAttributeIn"
	refusals := []refusal{
		{"another portal's part", f.sys, acmePortal.ID, globexPart, nil, portals.ErrNotInPortal},
		{"a part of the partner's other portal", acmeAdmin, acmePortal.ID, acmeTwoPart, nil, portals.ErrNotInPortal},
		{"which a reader learns as well", acmeReader, acmePortal.ID, acmeTwoPart, nil, portals.ErrNotInPortal},
		{"another partner's part, by its portal", acmeAdmin, globexPortal.ID, globexPart, nil, userkit.ErrForbidden},
		{"another partner's part, by an own portal", acmeAdmin, acmePortal.ID, globexPart, nil, userkit.ErrForbidden},
		{"a missing part", acmeAdmin, acmePortal.ID, uuid.Must(uuid.NewV7()), nil, userkit.ErrNotFound},
		{"no principal", t.Context(), acmePortal.ID, acmePart, nil, userkit.ErrUnauthenticated},
	}
	if writes {
		refusals = append(refusals, refusal{"a reader's change", acmeReader, acmePortal.ID, acmePart, nil, userkit.ErrForbidden})
	}
	if op.name == "UpdateRoleIn" || op.name == "UpdateAttributeIn" {
		refusals = append(refusals,
			refusal{"a version", acmeAdmin, acmePortal.ID, acmePart, &one, portals.ErrUnversioned},
			refusal{"a version on another portal's part", f.sys, acmePortal.ID, globexPart, &one, portals.ErrNotInPortal},
		)
	}
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			err := op.call(ps, c.ctx, c.portal, c.id, c.version)
			is.True(errors.Is(err, c.want)) // the refusal expected
			is.Equal(state(t), before)      // nothing changed
		})
	}
	is := is.New(t)
	is.Equal(userkit.KindOf(portals.ErrNotInPortal), userkit.NotFound)           // a 404
	is.Equal(userkit.KindOf(portals.ErrUnversioned), userkit.PreconditionFailed) // a 412

	// The partner's key on its own portal's part is allowed.
	is.NoErr(op.call(ps, acmeAdmin, acmePortal.ID, acmePart, nil))
	is.Equal(!reflect.DeepEqual(state(t), before), writes) // a write changed something, a read nothing
}

// refusal is a call of a partOp that must fail with want.
type refusal struct {
	name    string
	ctx     context.Context
	portal  uuid.UUID
	id      uuid.UUID
	version *int64
	want    error
}
