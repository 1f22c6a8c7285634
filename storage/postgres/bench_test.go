package postgres_test

import (
	"testing"

	"github.com/userkit/userkit/storage/sqlstore/sqlbench"
)

// BenchmarkMillionUsers runs the 1M-user benchmarks in schema uk_bench_1m
// of the USERKIT_POSTGRES_DSN database, loading it on first use:
//
//	go test -run '^$' -bench MillionUsers ./storage/postgres/
func BenchmarkMillionUsers(b *testing.B) {
	sqlbench.Run(b, sqlbench.Postgres)
}
