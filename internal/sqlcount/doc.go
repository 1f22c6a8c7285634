// Package sqlcount counts the SQL statements a program runs, at the
// driver: a database/sql driver wrapper for tests that hold a route or a
// service call to a statement budget ("GET one user in at most 2
// statements").
//
//	db, counter := sqlcount.OpenDB(connector)     // or sqlcount.Open("sqlite", dsn)
//	store := sqlite.New(db)
//	...
//	ctx, n := sqlcount.Scope(context.Background())
//	_, err := svc.Get(ctx, id)
//	if n.Statements() > 2 { t.Errorf("%d statements: %q", n.Statements(), n.Queries()) }
//
// Every query and exec the driver runs is counted once, whether it came
// through a prepared statement or not; preparing, BEGIN, COMMIT and
// ROLLBACK are not statements (transactions are counted apart). A Counter
// counts everything on its *sql.DB; a Scope counts what runs with its
// context (or a context derived from it), so parallel tests sharing a
// database each count their own.
//
// It works with any driver (modernc.org/sqlite, pgx's stdlib,
// go-sql-driver/mysql): optional driver interfaces the wrapped connection
// lacks report driver.ErrSkip, which database/sql answers with its own
// fallback, and value checks (pgx accepts its own option types as
// arguments) go to the wrapped driver. It is internal: only tests use it.
package sqlcount
