package sqlcount_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"io"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/sqlcount"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
)

func user(n string) *storage.UserRecord {
	now := time.Now().UTC().Truncate(time.Microsecond)
	return &storage.UserRecord{ID: uuid.Must(uuid.NewV7()), Email: n + "@example.com", EmailNorm: n + "@example.com",
		FirstName: "Mona", LastName: "Benson", LoginName: n, Status: "active", CreatedAt: now, UpdatedAt: now, Version: 1}
}

// The counter sees each statement once, through the store's prepared
// statements and outside them, on every driver the adapters use; pgx's
// option arguments (the PlanPerQuery of filtered lists) pass through.
func TestCountsStatementsOnEveryDriver(t *testing.T) {
	t.Parallel()
	for _, tg := range sqltest.Targets {
		t.Run(tg.Name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			s, c := tg.CountedStore(t)
			is.Equal(c.Statements(), int64(0)) // reset after Migrate

			ctx, n := sqlcount.Scope(context.Background())
			u := user("mona")
			is.NoErr(s.CreateUser(ctx, u))
			is.Equal(n.Statements(), int64(1)) // one INSERT (RETURNING num, or LastInsertId)
			is.Equal(n.Transactions(), int64(0))

			for range 3 { // the first prepares the statement; none is counted twice
				n.Reset()
				_, err := s.GetUser(ctx, u.ID)
				is.NoErr(err)
				is.Equal(n.Statements(), int64(1))
				is.Equal(len(n.Queries()), 1)
			}

			n.Reset()
			err := s.InTx(ctx, func(tx storage.Store) error {
				_, err := tx.GetUser(ctx, u.ID)
				return err
			})
			is.NoErr(err)
			is.Equal(n.Statements(), int64(1)) // BEGIN and COMMIT are not statements
			is.Equal(n.Transactions(), int64(1))

			n.Reset()
			pg, err := s.ListUsers(ctx, storage.UserFilter{Search: "be", Status: "active"}, userkit.PageRequest{Limit: 10, Total: true})
			is.NoErr(err)
			is.Equal(pg.Total, 1)
			is.Equal(n.Statements(), int64(2)) // the count and the page

			other, m := sqlcount.Scope(context.Background())
			_, err = s.GetUserByEmail(other, "mona@example.com")
			is.NoErr(err)
			is.Equal(m.Statements(), int64(1))
			is.Equal(n.Statements(), int64(2))  // scopes count apart
			is.True(c.Statements() >= int64(7)) // the counter counts everything
			c.Reset()
			is.Equal(c.Statements(), int64(0))
			is.NoErr(s.DB().PingContext(ctx))
		})
	}
}

// fakeDriver has none of the optional interfaces: database/sql must fall
// back to Prepare, and the counter must still count each statement once.
type fakeDriver struct{}
type fakeConn struct{}
type fakeStmt struct{ q string }
type fakeRows struct{ done bool }

func (fakeDriver) Open(string) (driver.Conn, error)         { return fakeConn{}, nil }
func (fakeConn) Prepare(q string) (driver.Stmt, error)      { return fakeStmt{q}, nil }
func (fakeConn) Close() error                               { return nil }
func (fakeConn) Begin() (driver.Tx, error)                  { return fakeTx{}, nil }
func (fakeStmt) Close() error                               { return nil }
func (fakeStmt) NumInput() int                              { return -1 }
func (fakeStmt) Exec([]driver.Value) (driver.Result, error) { return driver.RowsAffected(1), nil }
func (fakeStmt) Query([]driver.Value) (driver.Rows, error)  { return &fakeRows{}, nil }
func (*fakeRows) Columns() []string                         { return []string{"x"} }
func (*fakeRows) Close() error                              { return nil }
func (r *fakeRows) Next(dest []driver.Value) error {
	if r.done {
		return io.EOF
	}
	r.done = true
	dest[0] = int64(1)
	return nil
}

type fakeTx struct{}

func (fakeTx) Commit() error   { return nil }
func (fakeTx) Rollback() error { return nil }

func init() { sql.Register("sqlcount-fake", fakeDriver{}) }

func TestFallbacksOfAPlainDriver(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	db, c, err := sqlcount.Open("sqlcount-fake", "")
	is.NoErr(err)
	defer db.Close()
	ctx, n := sqlcount.Scope(context.Background())
	var x int
	is.NoErr(db.QueryRowContext(ctx, "SELECT x", 7).Scan(&x))
	is.Equal(x, 1)
	_, err = db.ExecContext(ctx, "UPDATE t SET x = ?", 2)
	is.NoErr(err)
	tx, err := db.BeginTx(ctx, nil)
	is.NoErr(err)
	_, err = tx.ExecContext(ctx, "DELETE FROM t")
	is.NoErr(err)
	is.NoErr(tx.Commit())
	is.Equal(n.Statements(), int64(3))
	is.Equal(n.Queries(), []string{"SELECT x", "UPDATE t SET x = ?", "DELETE FROM t"})
	is.Equal(c.Transactions(), int64(1))
	is.NoErr(db.PingContext(ctx))
}
