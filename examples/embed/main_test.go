package main

import (
	"bytes"
	"context"
	"github.com/userkit/userkit/kit"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage/sqlite"
)

func TestRun(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "userkit.db")

	var out bytes.Buffer
	is.NoErr(run(ctx, &out, dbPath)) // the walk-through succeeds

	got := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{
		"partner Acme created",
		"  added mona.benson@acme.example as mona.benson (created=true)",
		"  added kai.weber@acme.example as kai.weber (created=true)",
		"  added lena.fischer@acme.example as lena.fischer (created=true)",
		"  added noah.klein@example.org as noah.klein (created=true)",
		"partner Globex created",
		"  added mona.benson@acme.example as mona.benson (created=false)",
		"resource p-2343 (Pricing process): kai.weber is editor",
		"  kai.weber is at least reader: true",
		"  kai.weber is at least owner: false",
		"portal acme-partners: mona.benson joined as Report Viewer",
		`users of Acme matching "acme", 2 a page:`,
		"  page 1: mona.benson, kai.weber",
		"  page 2: lena.fischer",
		"authenticated mona.benson",
		"  wrong password: invalid email or password (unauthenticated)",
	}
	is.Equal(len(got), len(want)) // one line per step
	for i := range want {
		is.Equal(got[i], want[i]) // printed step
	}

	// Everything is in the file: reopen it as a later run of the host would.
	db, err := sqlite.Open(dbPath)
	is.NoErr(err)
	defer db.Close()
	store := sqlite.New(db)
	is.NoErr(store.Migrate(ctx)) // already up to date
	k := kit.New(store, nil)
	authz, us, ps := k.Permissions, k.Users, k.Partners
	sys := permissions.WithPrincipal(ctx, permissions.System)

	for _, email := range []string{"mona.benson@acme.example", "kai.weber@acme.example", "lena.fischer@acme.example", "noah.klein@example.org"} {
		_, err := us.GetByEmail(sys, email)
		is.NoErr(err) // the user was stored
	}
	mona, err := us.GetByEmail(sys, "mona.benson@acme.example")
	is.NoErr(err)
	of, err := ps.PartnersOf(sys, mona.ID)
	is.NoErr(err)
	is.Equal(len(of), 2) // Mona belongs to Acme and Globex
	is.Equal(of[0].Name, "Acme")
	is.Equal(of[1].Name, "Globex")

	kai, err := us.GetByEmail(sys, "kai.weber@acme.example")
	is.NoErr(err)
	ok, err := authz.HasRole(sys, kai.ID, "p-2343", permissions.RoleEditor)
	is.NoErr(err)
	is.True(ok) // Kai's editor role was stored

	_, err = us.Authenticate(ctx, "mona.benson@acme.example", "Samplepassword12")
	is.NoErr(err) // the stored password hash still verifies
}

func TestStartRefusesAnExistingFile(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	dbPath := filepath.Join(t.TempDir(), "userkit.db")
	is.NoErr(os.WriteFile(dbPath, nil, 0o600))

	err := start(dbPath)
	is.True(err != nil)                              // a second run would clash with the data already there
	is.True(strings.Contains(err.Error(), "exists")) // and says why
	fi, err := os.Stat(dbPath)
	is.NoErr(err)
	is.Equal(fi.Size(), int64(0)) // the file was left alone
}
