package sqlcount

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"io"
	"sync"
	"sync/atomic"
)

// Counter counts the statements and transactions run on one *sql.DB.
type Counter struct {
	stmts, txs atomic.Int64
}

// Statements returns the number of statements run since the last Reset.
func (c *Counter) Statements() int64 { return c.stmts.Load() }

// Transactions returns the number of transactions begun since the last
// Reset.
func (c *Counter) Transactions() int64 { return c.txs.Load() }

// Reset sets both counts to zero.
func (c *Counter) Reset() {
	c.stmts.Store(0)
	c.txs.Store(0)
}

// Count counts what runs with one context; see Scope.
type Count struct {
	stmts, txs atomic.Int64
	mu         sync.Mutex
	queries    []string
}

// Statements returns the number of statements run with the scope's
// context since the last Reset.
func (n *Count) Statements() int64 { return n.stmts.Load() }

// Transactions returns the number of transactions begun with the scope's
// context since the last Reset.
func (n *Count) Transactions() int64 { return n.txs.Load() }

// Queries returns the text of the statements counted, in the order they
// ran, for the message of a failed budget.
func (n *Count) Queries() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.queries...)
}

// Reset sets the counts to zero and forgets the queries.
func (n *Count) Reset() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.stmts.Store(0)
	n.txs.Store(0)
	n.queries = nil
}

type scopeKey struct{}

// Scope returns a context whose statements (and those of contexts derived
// from it) are counted in the returned Count, on every counting *sql.DB.
// A scope inside another counts for the inner one only.
func Scope(ctx context.Context) (context.Context, *Count) {
	n := &Count{}
	return context.WithValue(ctx, scopeKey{}, n), n
}

func (c *Counter) stmt(ctx context.Context, query string) {
	c.stmts.Add(1)
	if n, ok := ctx.Value(scopeKey{}).(*Count); ok {
		n.stmts.Add(1)
		n.mu.Lock()
		n.queries = append(n.queries, query)
		n.mu.Unlock()
	}
}

func (c *Counter) tx(ctx context.Context) {
	c.txs.Add(1)
	if n, ok := ctx.Value(scopeKey{}).(*Count); ok {
		n.txs.Add(1)
	}
}

// Open opens a counting *sql.DB on a registered driver, such as
// Open("sqlite", path+"?"+sqlite.DSNParams) or Open("pgx", dsn). The
// pool has database/sql's defaults; set it as the adapter would
// (sqlite.ConfigurePool, ...).
func Open(driverName, dsn string) (*sql.DB, *Counter, error) {
	probe, err := sql.Open(driverName, dsn) // looks the driver up; connects to nothing
	if err != nil {
		return nil, nil, err
	}
	drv := probe.Driver()
	_ = probe.Close()
	var conn driver.Connector
	if dc, ok := drv.(driver.DriverContext); ok {
		if conn, err = dc.OpenConnector(dsn); err != nil {
			return nil, nil, err
		}
	} else {
		conn = dsnConnector{dsn: dsn, drv: drv}
	}
	db, c := OpenDB(conn)
	return db, c, nil
}

// OpenDB opens a counting *sql.DB on a connector, such as the one
// mysql.NewConnector makes.
func OpenDB(conn driver.Connector) (*sql.DB, *Counter) {
	c := &Counter{}
	return sql.OpenDB(&connector{Connector: conn, c: c}), c
}

// dsnConnector is a connector for a driver without DriverContext.
type dsnConnector struct {
	dsn string
	drv driver.Driver
}

func (d dsnConnector) Connect(context.Context) (driver.Conn, error) { return d.drv.Open(d.dsn) }
func (d dsnConnector) Driver() driver.Driver                        { return d.drv }

type connector struct {
	driver.Connector
	c *Counter
}

func (k *connector) Connect(ctx context.Context) (driver.Conn, error) {
	cn, err := k.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &conn{Conn: cn, c: k.c}, nil
}

func (k *connector) Driver() driver.Driver { return countingDriver{k} }

// Close closes the wrapped connector when it has a Close (database/sql
// calls it from DB.Close).
func (k *connector) Close() error {
	if cl, ok := k.Connector.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}

// countingDriver is what DB.Driver returns: opening a connection through
// it is counted too.
type countingDriver struct{ k *connector }

func (d countingDriver) Open(string) (driver.Conn, error) {
	return d.k.Connect(context.Background())
}

// conn wraps a driver connection. Every optional interface database/sql
// looks for is implemented, and each forwards to the wrapped connection or
// reports what database/sql takes for "not supported".
type conn struct {
	driver.Conn
	c *Counter
}

var (
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
)

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	var (
		st  driver.Stmt
		err error
	)
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		st, err = p.PrepareContext(ctx, query)
	} else {
		st, err = c.Conn.Prepare(query)
	}
	if err != nil {
		return nil, err
	}
	return &stmt{Stmt: st, conn: c, query: query}, nil
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.c.tx(ctx)
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return c.Conn.Begin() //nolint:staticcheck // the fallback database/sql itself uses
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip // database/sql prepares and runs the statement: counted there
	}
	rows, err := q.QueryContext(ctx, query, args)
	if err != driver.ErrSkip {
		c.c.stmt(ctx, query)
	}
	return rows, err
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	res, err := e.ExecContext(ctx, query, args)
	if err != driver.ErrSkip {
		c.c.stmt(ctx, query)
	}
	return res, err
}

func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := c.Conn.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func (c *conn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *conn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *conn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// stmt wraps a prepared statement.
type stmt struct {
	driver.Stmt
	conn  *conn
	query string
}

var (
	_ driver.StmtQueryContext  = (*stmt)(nil)
	_ driver.StmtExecContext   = (*stmt)(nil)
	_ driver.NamedValueChecker = (*stmt)(nil)
)

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.conn.c.stmt(ctx, s.query)
	if q, ok := s.Stmt.(driver.StmtQueryContext); ok {
		return q.QueryContext(ctx, args)
	}
	vals, err := values(args)
	if err != nil {
		return nil, err
	}
	return s.Stmt.Query(vals) //nolint:staticcheck // the fallback database/sql itself uses
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.conn.c.stmt(ctx, s.query)
	if e, ok := s.Stmt.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	vals, err := values(args)
	if err != nil {
		return nil, err
	}
	return s.Stmt.Exec(vals) //nolint:staticcheck // the fallback database/sql itself uses
}

// CheckNamedValue asks the statement, then the connection: database/sql
// consults only the statement's checker when the statement has one.
func (s *stmt) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := s.Stmt.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return s.conn.CheckNamedValue(nv)
}

func values(args []driver.NamedValue) ([]driver.Value, error) {
	out := make([]driver.Value, len(args))
	for i, a := range args {
		if a.Name != "" {
			return nil, driver.ErrSkip
		}
		out[i] = a.Value
	}
	return out, nil
}
