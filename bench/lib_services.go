package main

// LIBRARY CALLS (services). The users and permissions services as the
// measures use them: a partner-scoped service account and its key, Get,
// List and search, Authenticate, and creating users one at a time.

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// services wires the four services over one store with kit.New, as
// examples/server does (default options: argon2id m=19456 t=2 p=1).
func services(s storage.Store) *kit.Kit { return kit.New(s, nil) }

// partnerKey creates a service account holding users.* and portals.* on
// partner j (the partner-scoped credential of the issue) and one key. It
// returns the key's secret and the context a request authenticated by the
// key carries (permissions.Service.ResolveKeyGrants: the account as
// principal, with the grants read with the key), for calling the services
// directly.
func partnerKey(ctx context.Context, svc *kit.Kit, j int) (secret string, asKey context.Context, err error) {
	sys := permissions.WithPrincipal(ctx, permissions.System)
	sa, err := svc.Permissions.CreateServiceAccount(sys, permissions.ServiceAccountParams{
		Name: fmt.Sprintf("partner %d key", j),
		Grants: []permissions.GrantParams{
			{Action: "users.*", Scope: permissions.PartnerScope(partnerID(j))},
			{Action: "portals.*", Scope: permissions.PartnerScope(partnerID(j))},
		},
	})
	if err != nil {
		return "", nil, err
	}
	_, secret, err = svc.Permissions.CreateKey(sys, sa.ID, permissions.KeyParams{})
	if err != nil {
		return "", nil, err
	}
	res, err := svc.Permissions.ResolveKeyGrants(ctx, secret)
	if err != nil {
		return "", nil, err
	}
	return secret, res.Context(ctx), nil
}

// serviceGet is users.Service.Get as the partner's key calls it.
func serviceGet(asKey context.Context, svc *kit.Kit, id uuid.UUID) error {
	_, err := svc.Users.Get(asKey, id)
	return err
}

// listPage is page 1 of partner j's members, 20 a page, with the exact
// total, as Venuzle asks for it; search filters by a substring of first
// name, last name or email ("" for none). It returns the page's length.
func listPage(asKey context.Context, svc *kit.Kit, j int, search string) (int, error) {
	pg, err := svc.Users.List(asKey, users.ListParams{
		PartnerID:   partnerID(j),
		Search:      search,
		PageRequest: userkit.PageRequest{Page: 1, Limit: 20, Total: true},
	})
	return len(pg.Items), err
}

// createLoginUser makes the user who logs in, with a real password
// hashed with the service's default argon2id parameters.
func createLoginUser(ctx context.Context, svc *kit.Kit, mail, password string) error {
	sys := permissions.WithPrincipal(ctx, permissions.System)
	_, err := svc.Users.Create(sys, users.CreateParams{Email: mail, FirstName: "Login", LastName: "Bench", Password: password})
	return err
}

// authenticate is one login.
func authenticate(ctx context.Context, svc *kit.Kit, mail, password string) error {
	_, err := svc.Users.Authenticate(ctx, mail, password)
	return err
}

// defaultArgon2 returns the users service's default argon2id parameters
// (memory KiB, passes, lanes), which the raw reference uses too.
func defaultArgon2() (memory, time uint32, threads uint8) {
	p := users.DefaultArgon2
	return p.Memory, p.Time, p.Threads
}

// importUser is one row of an import: the generated user i with a
// pre-hashed password, as an import from another system brings it.
type importUser struct {
	email, first, last string
}

// importUsersViaLibrary imports users through the library's bulk path,
// users.Service.Import: one call for the batch (chunks of 500, one
// transaction each), pre-hashed passwords. The harness times only this
// function.
func importUsersViaLibrary(ctx context.Context, svc *kit.Kit, batch []importUser) error {
	sys := permissions.WithPrincipal(ctx, permissions.System)
	items := make([]users.ImportItem, len(batch))
	for i, u := range batch {
		items[i] = users.ImportItem{CreateParams: users.CreateParams{
			Email: u.email, FirstName: u.first, LastName: u.last, PasswordHash: passwordHash,
		}}
	}
	res, err := svc.Users.Import(sys, items, nil)
	if err != nil {
		return err
	}
	for _, r := range res {
		if r.Status != users.ImportCreated {
			return fmt.Errorf("import item %d: %s %v", r.Index, r.Status, r.Err)
		}
	}
	return nil
}
