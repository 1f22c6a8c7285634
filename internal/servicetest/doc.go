// Package servicetest holds integration tests that run the domain
// services' key flows (users, partners, portals, permissions) over every
// storage adapter: memory, SQLite, PostgreSQL and MySQL/MariaDB.
//
// The services' own tests run over the memory store only, but SQL
// databases differ in ways that matter to a service: on PostgreSQL a
// failed statement aborts the whole transaction, sequences leave gaps in
// store-assigned numbers, isolation levels differ, and concurrency is real
// (row locks, unique-index waits, deadlocks). These tests drive the
// services, not the stores, so they catch a service that relies on the
// memory store's behaviour.
//
// PostgreSQL and MySQL need a server; their subtests are skipped (or fail,
// with USERKIT_REQUIRE_DB=1) when the DSN variables of
// storage/sqlstore/sqltest are unset:
//
//	USERKIT_REQUIRE_DB=1 \
//	USERKIT_POSTGRES_DSN='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' \
//	USERKIT_MYSQL_DSN='root@tcp(127.0.0.1:3306)/test' \
//	go test -race ./internal/servicetest/
//
// Each flow runs as a parallel subtest of TestFlows on a fresh store, for
// example TestFlows/postgres/PartnersConcurrentAdd. The package has no
// non-test code.
package servicetest
