package sqlstore_test

import (
	"context"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
)

// TestConflictCarriesNoValues: a unique violation is Conflict naming the
// field, and its text (which logs show) quotes no stored value. MySQL's
// driver message quotes the duplicate entry, which for an API key is the
// key's hash (reliability report F6).
func TestConflictCarriesNoValues(t *testing.T) {
	t.Parallel()
	for _, tg := range sqltest.Targets {
		t.Run(tg.Name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			ctx := context.Background()
			s := tg.Store(t)
			now := time.Now().UTC().Truncate(time.Microsecond)
			sa := storage.ServiceAccountRecord{ID: uuid.Must(uuid.NewV7()), Name: "sa", CreatedAt: now, UpdatedAt: now, Version: 1}
			is.NoErr(s.CreateServiceAccount(ctx, &sa))
			hash := []byte("\x91\xcf\x92\xdfL\xc5\x17o2-secret-hash-bytes-0123456789")
			key := func() *storage.APIKeyRecord {
				return &storage.APIKeyRecord{ID: uuid.Must(uuid.NewV7()), ServiceAccountID: sa.ID, Prefix: "sk:abcd", Hash: hash, CreatedAt: now}
			}
			is.NoErr(s.CreateAPIKey(ctx, key()))
			err := s.CreateAPIKey(ctx, key())
			is.Equal(userkit.KindOf(err), userkit.Conflict) // a duplicate hash is Conflict
			_, ok := userkit.FieldsOf(err)["Hash"]
			is.True(ok) // on the Hash field
			msg := err.Error()
			for _, leak := range []string{"secret-hash", "\x91\xcf", hex.EncodeToString(hash[:4]), "Duplicate entry", "Key ("} {
				is.True(!strings.Contains(msg, leak)) // no stored value in the text
			}
			t.Log(msg)
		})
	}
}
