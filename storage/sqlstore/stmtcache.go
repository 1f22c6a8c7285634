package sqlstore

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// maxCachedStmts bounds the statements a Store keeps prepared. Query text
// is built from constants of this package, so the distinct texts are few
// (about a hundred, plus IN lists of a few lengths); the bound only keeps a
// pathological caller from growing the cache without end. Queries past it
// run unprepared, as they would without the cache.
const maxCachedStmts = 512

// stmtCache holds the statements a Store has prepared on its *sql.DB, by
// query text (before rebinding). database/sql prepares a cached *sql.Stmt
// again on each pooled connection the first time it runs there and keeps
// it, so each statement is parsed once per connection instead of once per
// call: on SQLite that was a third of a point read's CPU, and on MySQL it
// saves the driver's prepare and close round trips around each query.
type stmtCache struct {
	db *sql.DB
	m  sync.Map // query text -> *sql.Stmt
	n  atomic.Int64
}

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db} }

// get returns the cached statement for query, or nil.
func (c *stmtCache) get(query string) *sql.Stmt {
	if st, ok := c.m.Load(query); ok {
		return st.(*sql.Stmt)
	}
	return nil
}

// prepare returns the statement for query, preparing it on the pool when
// it is not cached yet. It returns nil when the cache is full or the
// database refuses to prepare the text (the caller then runs it directly,
// and reports the database's error from there).
func (c *stmtCache) prepare(ctx context.Context, query, rebound string) *sql.Stmt {
	if st := c.get(query); st != nil {
		return st
	}
	if c.n.Load() >= maxCachedStmts {
		return nil
	}
	st, err := c.db.PrepareContext(ctx, rebound)
	if err != nil {
		return nil
	}
	if prev, loaded := c.m.LoadOrStore(query, st); loaded {
		_ = st.Close() // another caller prepared it first
		return prev.(*sql.Stmt)
	}
	c.n.Add(1)
	return st
}

// pending collects the queries a transaction ran that were not cached
// yet. A transaction holds a pooled connection, and preparing on the pool
// from inside it could wait for a second connection for ever (a pool of
// one is common for SQLite), so the transaction runs them unprepared and
// runTx prepares them on the pool once the transaction has ended.
type pending struct {
	mu sync.Mutex
	qs map[string]string // query text -> rebound text
}

func (p *pending) add(query, rebound string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.qs == nil {
		p.qs = map[string]string{}
	}
	p.qs[query] = rebound
}

// warm prepares the pending queries on the pool.
func (c *stmtCache) warm(ctx context.Context, p *pending) {
	p.mu.Lock()
	qs := p.qs
	p.qs = nil
	p.mu.Unlock()
	for q, rebound := range qs {
		if c.prepare(ctx, q, rebound) == nil {
			return // full, or the context ended
		}
	}
}

// stmt returns the prepared form of query for this store: the cached
// statement (bound to the transaction when the store is one), or nil to
// run the text directly. Queries that lead with the dialect's
// PlanPerQuery option are planned per call by design and never cached.
func (s *Store) stmt(ctx context.Context, query string, args []any) *sql.Stmt {
	if s.stmts == nil {
		return nil
	}
	if s.d.PlanPerQuery != nil && len(args) > 0 && args[0] == s.d.PlanPerQuery {
		return nil
	}
	st := s.stmts.get(query)
	if s.sqlTx == nil {
		if st != nil {
			return st
		}
		return s.stmts.prepare(ctx, query, s.d.rebind(query))
	}
	if st == nil {
		s.pending.add(query, s.d.rebind(query))
		return nil
	}
	return s.sqlTx.StmtContext(ctx, st)
}

// cachedQuerier is the store as a Querier whose statements go through its
// statement cache, for the dialect's hooks that read the database
// (SearchIndex): their query texts are fixed too, and parsing them again
// on every search cost as much as running them.
type cachedQuerier struct{ s *Store }

func (c cachedQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.s.exec(ctx, query, args...)
}

func (c cachedQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.s.query(ctx, query, args...)
}

func (c cachedQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return c.s.queryRow(ctx, query, args...)
}
