package servicetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage/sqlstore"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
	"github.com/userkit/userkit/users"
)

// BenchmarkImport compares, per user, users.Service.Import (pre-hashed
// passwords, chunks of 500, audit events and login names included) with
// a raw INSERT loop: one prepared INSERT of the same columns per user, in
// one transaction, on the same SQLite database, interleaved in every
// iteration. The ratio (import-vs-raw, higher is better) is the figure in
// BENCHMARKS.md:
//
//	go test -run '^$' -bench Import -benchtime 5x ./internal/servicetest/
func BenchmarkImport(b *testing.B) {
	const batch = 5000
	ctx := context.Background()
	s := sqltest.SQLiteTarget.Store(b)
	authz := permissions.New(s, nil)
	us := users.New(s, authz, &users.Options{Argon2: cheap})
	sys := permissions.WithPrincipal(ctx, permissions.System)
	// One real argon2id PHC string, imported as every user's hash.
	seed, err := us.Create(sys, users.CreateParams{Email: "seed@example.com", FirstName: "Seed", LastName: "User", Password: goodPassword})
	if err != nil {
		b.Fatal(err)
	}
	rec, err := s.GetUser(ctx, seed.ID)
	if err != nil {
		b.Fatal(err)
	}
	hash := rec.PasswordHash

	var imp, raw time.Duration
	k := 0
	for b.Loop() {
		items := make([]users.ImportItem, batch)
		for i := range items {
			items[i] = users.ImportItem{CreateParams: users.CreateParams{Email: fmt.Sprintf("User%d@example.com", k+i),
				FirstName: "Mona", LastName: fmt.Sprintf("Benson%d", k+i), Role: "Subscriber", Locale: "en_US", PasswordHash: hash}}
		}
		t0 := time.Now()
		res, err := us.Import(sys, items, nil)
		if err != nil || res[batch-1].Status != users.ImportCreated {
			b.Fatal(err, res[batch-1])
		}
		t1 := time.Now()
		if err := rawInsertLoop(ctx, s, k+batch, batch, hash); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		k += 2 * batch
		imp += t1.Sub(t0)
		raw += t2.Sub(t1)
	}
	n := float64(b.N * batch)
	b.ReportMetric(n/imp.Seconds(), "import-users/s")
	b.ReportMetric(n/raw.Seconds(), "raw-users/s")
	b.ReportMetric(raw.Seconds()/imp.Seconds(), "import-vs-raw")
}

// rawInsertLoop is the reference: what a hand-written importer does
// with database/sql, knowing the schema, skipping validation, login-name
// choice and audit.
func rawInsertLoop(ctx context.Context, s *sqlstore.Store, from, n int, hash string) error {
	cols := []string{"id", "email", "email_norm", "first_name", "first_name_norm", "last_name", "last_name_norm", "login_name",
		"status", "role", "provider", "locale", "timezone", "city", "country", "department", "phone_land", "phone_mobile",
		"date_of_birth", "must_reset_password", "password_hash", "failed_logins", "last_login_at", "token_version",
		"api_token_created_at", "created_at", "updated_at", "version"}
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	st, err := tx.PrepareContext(ctx, "INSERT INTO users ("+strings.Join(cols, ", ")+") VALUES (?"+strings.Repeat(", ?", len(cols)-1)+")")
	if err != nil {
		return err
	}
	now := sqlstore.TimeText(time.Now())
	for i := from; i < from+n; i++ {
		id := uuid.Must(uuid.NewV7())
		email := fmt.Sprintf("user%d@example.com", i)
		last := fmt.Sprintf("Benson%d", i)
		if _, err := st.ExecContext(ctx, id[:], email, email, "Mona", "mona", last, strings.ToLower(last), fmt.Sprintf("mona.benson%d", i),
			"active", "Subscriber", "password", "en_US", "", "", "", "", "", "",
			nil, false, hash, 0, nil, 0, nil, now, now, 1); err != nil {
			return err
		}
	}
	return tx.Commit()
}
