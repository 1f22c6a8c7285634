// Package sqlbench is the SQL adapters' benchmark at scale: 1,000,000
// users spread over 1,000 partners and 100 portals, loaded in bulk
// (PostgreSQL COPY through pgx, SQLite multi-row INSERTs in a few
// transactions) into a dedicated PostgreSQL schema (uk_bench_1m) or SQLite
// file (userkit-bench-1m.db under os.TempDir()), and the benchmarks that
// run over it. A complete load is recorded in the settings table and
// checked by row count, so later runs reuse it; only benchmarks load, so
// plain "go test" never does.
//
//	func BenchmarkMillionUsers(b *testing.B) {
//		sqlbench.Run(b, sqlbench.Postgres)
//	}
//
// The data set is deterministic: ID, Email, FirstName and LastName give
// user i's values, and RareTerm and CommonTerm are last names that about
// 0.1% and 8% of users have. It is a test helper: only benchmarks import it.
package sqlbench
