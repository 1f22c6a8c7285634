package sqlite_test

import (
	"testing"

	"github.com/userkit/userkit/storage/sqlstore/sqltest"
	"github.com/userkit/userkit/storage/storagetest"
)

func TestConformance(t *testing.T) {
	storagetest.Run(t, sqltest.SQLite)
}
