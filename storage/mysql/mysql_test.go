package mysql_test

import (
	"testing"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
	"github.com/userkit/userkit/storage/storagetest"
)

func TestConformance(t *testing.T) {
	sqltest.DSN(t, sqltest.MySQLEnv) // skip (or fail) once, not in every subtest
	storagetest.Run(t, sqltest.MySQL)
}

// TestInTxRetriesDeadlock: when fn fails with a deadlock (1213), InTx
// rolls back and runs fn again.
func TestInTxRetriesDeadlock(t *testing.T) {
	t.Parallel()
	sqltest.InTxRetries(t, sqltest.MySQL(t), &gomysql.MySQLError{Number: 1213, Message: "simulated deadlock"})
}
