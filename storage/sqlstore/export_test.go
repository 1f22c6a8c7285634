package sqlstore

// WithoutStmtCache returns a store over the same database and dialect that
// prepares every statement on every call, as the store did before its
// statement cache: the "before" of the statement benchmarks.
func WithoutStmtCache(s *Store) *Store { return &Store{db: s.db, q: s.db, d: s.d} }

// CachedStmts reports how many statements the store keeps prepared.
func CachedStmts(s *Store) int { return int(s.stmts.n.Load()) }
