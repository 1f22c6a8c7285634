package sqlite_test

import (
	"testing"

	"github.com/userkit/userkit/storage/sqlstore/sqlbench"
)

// BenchmarkMillionUsers runs the 1M-user benchmarks on
// $TMPDIR/userkit-bench-1m.db, loading it on first use:
//
//	go test -run '^$' -bench MillionUsers ./storage/sqlite/
func BenchmarkMillionUsers(b *testing.B) {
	sqlbench.Run(b, sqlbench.SQLite)
}
