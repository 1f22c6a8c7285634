package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// The demo data, chosen so that every curl call in the README answers:
// partner 1 "Acme" holds user 1 (Mona Benson) and user 2 (John Doe); the
// portal "acme-partners" has two roles and an attribute; two resources
// exist and Mona is an executor of one.
const (
	demoSetting        = "demo_loaded"
	demoPortalTechName = "acme-partners"
	demoPortalSetting  = "demo_portal_id"
)

// loadDemo creates the demo data once; a later start finds the setting and
// leaves the data alone, so edits made through the APIs survive restarts.
// startUp runs it inside the start-up transaction, so that processes
// starting together load it once.
func loadDemo(ctx context.Context, store storage.Store, svc *kit.Kit) error {
	if _, err := store.GetSetting(ctx, demoSetting); err == nil {
		return nil
	} else if !errors.Is(err, userkit.ErrNotFound) {
		return err
	}
	ctx = permissions.WithPrincipal(ctx, permissions.System)

	acme, err := svc.Partners.Create(ctx, partners.CreateParams{Name: "Acme"})
	if err != nil {
		return fmt.Errorf("demo partner: %w", err)
	}
	support, err := svc.Partners.CreateTeam(ctx, acme.ID, partners.TeamParams{Name: "Support"})
	if err != nil {
		return fmt.Errorf("demo team: %w", err)
	}
	mona, _, err := svc.Partners.AddUser(ctx, acme.ID, users.CreateParams{
		Email: "mona.benson@sample.com", FirstName: "Mona", LastName: "Benson",
		Password: "Samplepassword12", Role: "Designer",
		Timezone: "(UTC+10:00) Canberra, Melbourne, Sydney", City: "Sydney", Country: "Australia",
	})
	if err != nil {
		return fmt.Errorf("demo user: %w", err)
	}
	john, _, err := svc.Partners.AddUser(ctx, acme.ID, users.CreateParams{
		Email: "admin@acme.com", FirstName: "John", LastName: "Doe",
		Password: "Samplepassword12", Role: "consumer-team-member",
	})
	if err != nil {
		return fmt.Errorf("demo user: %w", err)
	}
	if err := svc.Partners.AddTeamMember(ctx, support.ID, john.ID); err != nil {
		return fmt.Errorf("demo team member: %w", err)
	}

	portal, err := svc.Portals.Create(ctx, portals.CreateParams{
		PartnerID: acme.ID, Name: "Acme partner portal", TechnicalName: demoPortalTechName,
	})
	if err != nil {
		return fmt.Errorf("demo portal: %w", err)
	}
	viewer, err := svc.Portals.CreateRole(ctx, portal.ID, portals.RoleParams{Name: "Report Viewer", IsSystem: true})
	if err != nil {
		return fmt.Errorf("demo role: %w", err)
	}
	if _, err := svc.Portals.CreateRole(ctx, portal.ID, portals.RoleParams{Name: "Editor"}); err != nil {
		return fmt.Errorf("demo role: %w", err)
	}
	tenant, err := svc.Portals.CreateAttribute(ctx, portal.ID, portals.AttributeParams{
		Name: "tenant_id", Label: "Tenant ID", Type: portals.AttributeType("STRING"),
	})
	if err != nil {
		return fmt.Errorf("demo attribute: %w", err)
	}
	if _, err := svc.Portals.AddUser(ctx, portal.ID, portals.AddUserParams{
		Email: mona.Email, FirstName: mona.FirstName, LastName: mona.LastName,
		RoleIDs:    []uuid.UUID{viewer.ID},
		Attributes: []portals.AttributeInput{{ID: tenant.ID, Value: "acme-emea"}},
	}); err != nil {
		return fmt.Errorf("demo portal user: %w", err)
	}

	for _, r := range []permissions.ResourceParams{
		{ID: "p-2343", Name: "Sales reconciliation", Kind: "process"},
		{ID: "mt-4323", Name: "Monthly Revenue", Kind: "managed_table"},
	} {
		if _, err := svc.Permissions.CreateResource(ctx, r); err != nil {
			return fmt.Errorf("demo resource: %w", err)
		}
	}
	if _, err := svc.Permissions.SetRole(ctx, mona.ID, "p-2343", permissions.RoleExecutor); err != nil {
		return fmt.Errorf("demo resource role: %w", err)
	}
	if err := store.PutSetting(ctx, demoPortalSetting, portal.ID.String()); err != nil {
		return err
	}
	return store.PutSetting(ctx, demoSetting, "1")
}
