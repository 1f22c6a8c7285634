package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// gdprDocument is everything userkit holds about one user (GDPR Art. 15,
// right of access, and Art. 20, portability), machine-readable. It is
// built from the store directly, table by table, so that nothing a
// service would hide from a partner is left out.
type gdprDocument struct {
	Format        string         `json:"format"` // "userkit.gdpr-export/1"
	GeneratedAt   time.Time      `json:"generated_at"`
	User          gdprUser       `json:"user"`
	Partners      []gdprPartner  `json:"partners"`
	Teams         []gdprTeam     `json:"teams"`
	Portals       []gdprPortal   `json:"portals"`
	Grants        []gdprGrant    `json:"grants"`
	ResourceRoles []gdprResource `json:"resource_roles"`
	Events        []gdprEvent    `json:"events"`
	Notes         []string       `json:"notes"`
}

type gdprUser struct {
	row
	HasPassword       bool       `json:"has_password"`
	FailedLogins      int        `json:"failed_logins"`
	LastLoginAt       *time.Time `json:"last_login_at"`
	APITokenCreatedAt *time.Time `json:"api_token_created_at"`
}

type gdprPartner struct {
	ID   uuid.UUID `json:"id"`
	Num  int64     `json:"num"`
	Name string    `json:"name"`
}

type gdprTeam struct {
	ID        uuid.UUID `json:"id"`
	PartnerID uuid.UUID `json:"partner_id"`
	Name      string    `json:"name"`
}

type gdprPortal struct {
	PortalID    uuid.UUID           `json:"portal_id"`
	PortalName  string              `json:"portal_name"`
	Roles       []string            `json:"roles"`
	Locale      string              `json:"locale"`
	Attributes  map[string][]string `json:"attributes"`
	LastLoginAt *time.Time          `json:"last_login_at"`
	JoinedAt    time.Time           `json:"joined_at"`
}

type gdprGrant struct {
	Action    string    `json:"action"`
	Scope     string    `json:"scope"`
	CreatedAt time.Time `json:"created_at"`
}

type gdprResource struct {
	ResourceID string    `json:"resource_id"`
	Role       string    `json:"role"`
	UpdatedAt  time.Time `json:"updated_at"`
}

type gdprEvent struct {
	ID        uuid.UUID `json:"id"`
	Time      time.Time `json:"time"`
	Action    string    `json:"action"`
	Target    string    `json:"target"` // kind:id, e.g. "user:<id>", "portal_member:<portal>/<user>"
	By        string    `json:"by"`     // "user:<id>", "service_account:<id>" or "system"
	PartnerID string    `json:"partner_id,omitempty"`
}

// userByEmail finds the user an --email names.
func userByEmail(ctx context.Context, e *env, email string) (storage.UserRecord, error) {
	rec, err := e.store.GetUserByEmail(ctx, users.NormalizeEmail(email))
	if errors.Is(err, userkit.ErrNotFound) {
		return rec, fmt.Errorf("no user with the email %q", email)
	}
	return rec, err
}

func emailFlag(stderr io.Writer, name string, args []string) (*string, error) {
	fs := newFlags(stderr, name)
	email := fs.String("email", "", "the user's `email`")
	if _, err := parse(fs, args, 0); err != nil {
		return nil, err
	}
	if strings.TrimSpace(*email) == "" {
		return nil, usagef("%s: --email is required", name)
	}
	return email, nil
}

// usersGDPRExport prints the user's data as one JSON document on stdout.
func usersGDPRExport(stderr io.Writer, args []string) (func(*env) error, error) {
	email, err := emailFlag(stderr, "users gdpr-export", args)
	if err != nil {
		return nil, err
	}
	return func(e *env) error {
		doc, err := gdprExport(e.ctx, e, *email)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}, nil
}

func gdprExport(ctx context.Context, e *env, email string) (gdprDocument, error) {
	rec, err := userByEmail(ctx, e, email)
	if err != nil {
		return gdprDocument{}, err
	}
	st := e.store
	doc := gdprDocument{
		Format:      "userkit.gdpr-export/1",
		GeneratedAt: time.Now().UTC(),
		User: gdprUser{row: rowOf(users.FromRecord(rec)), HasPassword: rec.PasswordHash != "", FailedLogins: rec.FailedLogins,
			LastLoginAt: rec.LastLoginAt, APITokenCreatedAt: rec.APITokenCreatedAt},
		Partners: []gdprPartner{}, Teams: []gdprTeam{}, Portals: []gdprPortal{}, Grants: []gdprGrant{},
		ResourceRoles: []gdprResource{}, Events: []gdprEvent{},
		Notes: []string{
			"The password hash is not included: it is a credential, not information about the person; has_password says whether one is set.",
			"events lists the audit events about this user: the user, their portal memberships, resource roles and grants, oldest first. Events of changes this user made to others are not included.",
		},
	}
	ps, err := st.PartnersOfUser(ctx, rec.ID)
	if err != nil {
		return doc, err
	}
	for _, p := range ps {
		doc.Partners = append(doc.Partners, gdprPartner{ID: p.ID, Num: p.Num, Name: p.Name})
	}
	ts, err := st.TeamsOfUser(ctx, rec.ID)
	if err != nil {
		return doc, err
	}
	for _, t := range ts {
		doc.Teams = append(doc.Teams, gdprTeam{ID: t.ID, PartnerID: t.PartnerID, Name: t.Name})
	}
	ms, err := st.PortalsOfUser(ctx, rec.ID)
	if err != nil {
		return doc, err
	}
	for _, m := range ms {
		gp, err := gdprPortalOf(ctx, st, m)
		if err != nil {
			return doc, err
		}
		doc.Portals = append(doc.Portals, gp)
	}
	gs, err := st.GrantsOf(ctx, rec.ID)
	if err != nil {
		return doc, err
	}
	for _, g := range gs {
		scope := "*"
		if g.ScopeKind != storage.ScopeAll {
			scope = g.ScopeKind + ":" + g.ScopeID.String()
		}
		doc.Grants = append(doc.Grants, gdprGrant{Action: g.Action, Scope: scope, CreatedAt: g.CreatedAt})
	}
	rs, err := st.ResourceRolesOfUser(ctx, rec.ID)
	if err != nil {
		return doc, err
	}
	for _, r := range rs {
		doc.ResourceRoles = append(doc.ResourceRoles, gdprResource{ResourceID: r.ResourceID, Role: r.Role, UpdatedAt: r.UpdatedAt})
	}
	// Audit events about the user: those whose target is the user, one of
	// their portal memberships ("<portal>/<user>"), resource roles
	// ("<resource>/<user>") or grants (by grant ID), as the services
	// write them.
	targets := []string{rec.ID.String()}
	for _, m := range ms {
		targets = append(targets, m.PortalID.String()+"/"+rec.ID.String())
	}
	for _, r := range rs {
		targets = append(targets, r.ResourceID+"/"+rec.ID.String())
	}
	for _, g := range gs {
		targets = append(targets, g.ID.String())
	}
	var evs []storage.EventRecord
	for _, target := range targets {
		list := func(ctx context.Context, p userkit.PageRequest) (userkit.Page[storage.EventRecord], error) {
			return st.ListEvents(ctx, storage.EventFilter{TargetID: target}, p)
		}
		for ev, err := range userkit.All(ctx, list) {
			if err != nil {
				return doc, err
			}
			evs = append(evs, ev)
		}
	}
	slices.SortFunc(evs, func(a, b storage.EventRecord) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	for _, ev := range evs {
		by := ev.PrincipalKind
		if ev.PrincipalID != uuid.Nil {
			by += ":" + ev.PrincipalID.String()
		}
		ge := gdprEvent{ID: ev.ID, Time: ev.Time, Action: ev.Action, Target: ev.TargetKind + ":" + ev.TargetID, By: by}
		if ev.PartnerID != uuid.Nil {
			ge.PartnerID = ev.PartnerID.String()
		}
		doc.Events = append(doc.Events, ge)
	}
	return doc, nil
}

// gdprPortalOf resolves a portal membership's role and attribute IDs to
// their names.
func gdprPortalOf(ctx context.Context, st storage.Store, m storage.PortalMemberRecord) (gdprPortal, error) {
	gp := gdprPortal{PortalID: m.PortalID, Roles: []string{}, Locale: m.Locale, Attributes: map[string][]string{},
		LastLoginAt: m.LastLoginAt, JoinedAt: m.CreatedAt}
	p, err := st.GetPortal(ctx, m.PortalID)
	if err != nil {
		return gp, err
	}
	gp.PortalName = p.Name
	roles, err := st.ListPortalRoles(ctx, m.PortalID)
	if err != nil {
		return gp, err
	}
	names := map[uuid.UUID]string{}
	for _, r := range roles {
		names[r.ID] = r.Name
	}
	for _, id := range m.RoleIDs {
		gp.Roles = append(gp.Roles, names[id])
	}
	attrs, err := st.ListAttributes(ctx, m.PortalID)
	if err != nil {
		return gp, err
	}
	for _, a := range attrs {
		names[a.ID] = a.Name
	}
	for _, av := range m.Attributes {
		gp.Attributes[names[av.AttributeID]] = av.Values
	}
	return gp, nil
}

// usersErase deletes the user and everything keyed by them (GDPR Art. 17):
// the user record, partner and team memberships, portal memberships with
// their roles and attribute values, grants and resource roles, all in
// one transaction (users.Service.Delete). Audit events are kept: they
// hold only the user's ID, which identifies no one once the user record
// is gone, and the log must show that the erasure happened (the
// users.delete event is its record).
func usersErase(stderr io.Writer, args []string) (func(*env) error, error) {
	email, err := emailFlag(stderr, "users erase", args)
	if err != nil {
		return nil, err
	}
	return func(e *env) error {
		rec, err := userByEmail(e.ctx, e, *email)
		if err != nil {
			return err
		}
		if err := e.users.Delete(e.ctx, rec.ID); err != nil {
			return fmt.Errorf("erase %s: %w", rec.ID, err)
		}
		fmt.Fprintf(e.stderr, "erased user %s; audit events keep only this ID\n", rec.ID)
		return nil
	}, nil
}
