package postgres_test

import (
	"testing"

	"github.com/userkit/userkit/storage/sqlstore/sqltest"
	"github.com/userkit/userkit/storage/storagetest"
)

// TestEventLogInterleaved: an event that commits after a later one was
// read is still read after the cursor (see storage.EventLog).
func TestEventLogInterleaved(t *testing.T) {
	t.Parallel()
	storagetest.EventLogInterleaved(t, sqltest.Postgres(t))
}
