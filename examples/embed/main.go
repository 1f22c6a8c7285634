package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/userkit/userkit/kit"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage/sqlite"
	"github.com/userkit/userkit/users"
)

func main() {
	dbPath := flag.String("db", "", "new SQLite file to create and keep (default: a temporary one)")
	flag.Parse()
	if err := start(*dbPath); err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
}

// start runs the example on a fresh database: dbPath, which must not exist
// yet, or a temporary file removed afterwards.
func start(dbPath string) error {
	if dbPath == "" {
		dir, err := os.MkdirTemp("", "userkit-embed")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dbPath = filepath.Join(dir, "userkit.db")
	} else if _, err := os.Stat(dbPath); !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s exists; the example wants a new database file", dbPath)
	}
	return run(context.Background(), os.Stdout, dbPath)
}

// run opens the SQLite database at dbPath, applies the migrations and walks
// through the services, printing each step to w.
func run(ctx context.Context, w io.Writer, dbPath string) error {
	db, err := sqlite.Open(dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	store := sqlite.New(db)
	if err := store.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}

	// The four services share one store; permissions checks for the others.
	k := kit.New(store, nil)
	authz, us, ps, pts := k.Permissions, k.Users, k.Partners, k.Portals

	// Every call but Authenticate checks the principal in ctx. This program
	// is trusted set-up code, so it runs as System; a request handler would
	// use the caller's principal instead.
	sys := permissions.WithPrincipal(ctx, permissions.System)

	// A partner (tenant) and its users. AddUser is create-or-attach.
	acme, err := ps.Create(sys, partners.CreateParams{Name: "Acme"})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "partner %s created\n", acme.Name)
	people := []users.CreateParams{
		{Email: "mona.benson@acme.example", FirstName: "Mona", LastName: "Benson", Password: "Samplepassword12"},
		{Email: "kai.weber@acme.example", FirstName: "Kai", LastName: "Weber"},
		{Email: "lena.fischer@acme.example", FirstName: "Lena", LastName: "Fischer"},
		{Email: "noah.klein@example.org", FirstName: "Noah", LastName: "Klein"},
	}
	byEmail := map[string]users.User{}
	for _, p := range people {
		u, created, err := ps.AddUser(sys, acme.ID, p)
		if err != nil {
			return err
		}
		byEmail[p.Email] = u
		fmt.Fprintf(w, "  added %s as %s (created=%v)\n", p.Email, u.LoginName, created)
	}
	mona, kai := byEmail[people[0].Email], byEmail[people[1].Email]

	// A known email attaches the existing user to another partner.
	globex, err := ps.Create(sys, partners.CreateParams{Name: "Globex"})
	if err != nil {
		return err
	}
	u, created, err := ps.AddUser(sys, globex.ID, users.CreateParams{Email: "MONA.BENSON@acme.example"})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "partner %s created\n  added %s as %s (created=%v)\n", globex.Name, u.Email, u.LoginName, created)

	// A resource of the host's own, and a role on it.
	res, err := authz.CreateResource(sys, permissions.ResourceParams{ID: "p-2343", Name: "Pricing process", Kind: "process"})
	if err != nil {
		return err
	}
	if _, err := authz.SetRole(sys, kai.ID, res.ID, permissions.RoleEditor); err != nil {
		return err
	}
	fmt.Fprintf(w, "resource %s (%s): %s is %s\n", res.ID, res.Name, kai.LoginName, permissions.RoleEditor)
	for _, want := range []permissions.Role{permissions.RoleReader, permissions.RoleOwner} {
		ok, err := authz.HasRole(sys, kai.ID, res.ID, want)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s is at least %s: %v\n", kai.LoginName, want, ok)
	}

	// A portal of the partner, with a role for its members.
	portal, err := pts.Create(sys, portals.CreateParams{PartnerID: acme.ID, Name: "Acme partners", TechnicalName: "acme-partners"})
	if err != nil {
		return err
	}
	viewer, err := pts.CreateRole(sys, portal.ID, portals.RoleParams{Name: "Report Viewer"})
	if err != nil {
		return err
	}
	if _, err := pts.AddUser(sys, portal.ID, portals.AddUserParams{Email: mona.Email, RoleIDs: []uuid.UUID{viewer.ID}}); err != nil {
		return err
	}
	fmt.Fprintf(w, "portal %s: %s joined as %s\n", portal.TechnicalName, mona.LoginName, viewer.Name)

	// Search and keyset paging: pass each page's Next as the following After.
	fmt.Fprintf(w, "users of %s matching %q, 2 a page:\n", acme.Name, "acme")
	req := partners.ListUsersParams{Search: "acme", PageRequest: userkit.PageRequest{Limit: 2}}
	for n := 1; ; n++ {
		page, err := ps.ListUsers(sys, acme.ID, req)
		if err != nil {
			return err
		}
		names := make([]string, len(page.Items))
		for i, u := range page.Items {
			names[i] = u.LoginName
		}
		fmt.Fprintf(w, "  page %d: %s\n", n, strings.Join(names, ", "))
		if page.Next == "" {
			break
		}
		req.After = page.Next
	}

	// Authenticate needs no principal: it is how one is established.
	u, err = us.Authenticate(ctx, "mona.benson@acme.example", "Samplepassword12")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "authenticated %s\n", u.LoginName)
	_, err = us.Authenticate(ctx, "mona.benson@acme.example", "Wrongpassword1")
	fmt.Fprintf(w, "  wrong password: %v (%s)\n", err, userkit.KindOf(err))
	return nil
}
