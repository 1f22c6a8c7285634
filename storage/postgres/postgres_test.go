package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/matryer/is"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
	"github.com/userkit/userkit/storage/storagetest"
)

func TestConformance(t *testing.T) {
	sqltest.DSN(t, sqltest.PostgresEnv) // skip (or fail) once, not in every subtest
	storagetest.Run(t, sqltest.Postgres)
}

// TestInTxRetriesSerializationFailure: when fn fails with a serialization
// failure (40001) or a deadlock (40P01), InTx rolls back and runs fn again.
func TestInTxRetriesSerializationFailure(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"40001", "40P01"} {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			sqltest.InTxRetries(t, sqltest.Postgres(t), &pgconn.PgError{Code: code, Message: "simulated"})
		})
	}
}

// TestInTxDoesNotRetryOtherErrors: any other error ends InTx at once.
func TestInTxDoesNotRetryOtherErrors(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := sqltest.Postgres(t)
	runs := 0
	err := s.InTx(context.Background(), func(storage.Store) error {
		runs++
		return &pgconn.PgError{Code: "23505"}
	})
	is.True(err != nil) // the error comes back
	is.Equal(runs, 1)   // fn ran once
}

// TestTrigramIndexes: Migrate indexes the searched columns with pg_trgm
// when the extension is installed, and leaves them alone otherwise.
func TestTrigramIndexes(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	ctx := context.Background()
	s := sqltest.PostgresTarget.Store(t)
	var installed bool
	is.NoErr(s.DB().QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')").Scan(&installed)) // look up pg_trgm
	var n int
	// Plain catalog joins: pg_indexes would decompile every index in the
	// database, including those of schemas that parallel tests are dropping.
	is.NoErr(s.DB().QueryRowContext(ctx, "SELECT count(*) FROM pg_index i "+
		"JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "+
		"JOIN pg_am a ON a.oid = c.relam JOIN pg_opclass o ON o.oid = i.indclass[0] "+
		"WHERE n.nspname = current_schema() AND a.amname = 'gin' AND o.opcname = 'gin_trgm_ops' "+
		"AND c.relname IN ('users_first_name_norm_trgm_idx', 'users_last_name_norm_trgm_idx', 'users_email_norm_trgm_idx')").Scan(&n)) // count trigram indexes
	if installed {
		is.Equal(n, 3) // one GIN trigram index per searched column
	} else {
		is.Equal(n, 0) // none without the extension
	}
}
