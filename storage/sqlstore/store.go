package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"time"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// Querier is what *sql.DB and *sql.Tx have in common: what
// Dialect.SearchIndex may read through.
type Querier = querier

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Store implements storage.Store over a *sql.DB that the host owns. Make one
// with the adapter packages (sqlite.New, postgres.New, mysql.New), call
// Migrate once at start-up, and share it: it is safe for concurrent use.
type Store struct {
	db    *sql.DB
	q     querier
	d     *Dialect
	tx    bool       // q is a transaction: InTx joins it
	stmts *stmtCache // shared by the store and its transactions
	sqlTx *sql.Tx    // the transaction, when tx
	// pending collects, in a transaction, the queries to prepare once it
	// has ended (see stmtCache).
	pending *pending
	// created counts the users created one at a time since the planner's
	// statistics were last refreshed (see noteCreated); shared by the
	// store and its transactions.
	created *atomic.Int64
}

var _ storage.Store = (*Store)(nil)

// New returns a Store over db in dialect d. Adapter packages call it; hosts
// call the adapter's New.
func New(db *sql.DB, d *Dialect) *Store {
	return &Store{db: db, q: db, d: d, stmts: newStmtCache(db), created: new(atomic.Int64)}
}

// DB returns the database the store was made with.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns the store's dialect.
func (s *Store) Dialect() *Dialect { return s.d }

// maxAttempts bounds how often InTx runs fn when the database reports a
// serialization failure or deadlock.
const maxAttempts = 5

// InTx runs fn in one transaction; see storage.Store. On a serialization
// failure or deadlock (as the dialect classifies them: PostgreSQL 40001
// and 40P01, MySQL 1213, SQLite SQLITE_BUSY_SNAPSHOT) the whole
// transaction runs again after a jittered backoff, at most 5 times in all;
// the last error is returned. This is a transaction retry, for the
// database aborting a transaction, not for a lost compare-and-set: the
// services serialise their read-modify-writes with row locks (Lock,
// internal/txn.Update) and retry nothing themselves but the races of
// internal/txn.Retry. Calling InTx on a transaction's store joins that
// transaction.
func (s *Store) InTx(ctx context.Context, fn func(tx storage.Store) error) error {
	if s.tx {
		return fn(s)
	}
	for attempt := 1; ; attempt++ {
		err := s.runTx(ctx, fn)
		if err == nil || attempt == maxAttempts || s.d.Classify(err).Kind != Retry {
			return err
		}
		backoff := time.Duration(attempt*attempt) * 5 * time.Millisecond
		backoff += time.Duration(rand.Int64N(int64(backoff)))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(backoff):
		}
	}
}

func (s *Store) runTx(ctx context.Context, fn func(tx storage.Store) error) (err error) {
	if err := ctx.Err(); err != nil {
		return ended(err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(err, "begin transaction", "")
	}
	committed := false
	txs := &Store{db: s.db, q: tx, d: s.d, tx: true, stmts: s.stmts, sqlTx: tx, pending: &pending{}, created: s.created}
	defer func() {
		if !committed {
			_ = tx.Rollback() // the error that got us here matters more
		}
		if s.stmts != nil {
			s.stmts.warm(ctx, txs.pending)
		}
	}()
	if err := fn(txs); err != nil {
		return err
	}
	committed = true
	if err := tx.Commit(); err != nil {
		if ctx.Err() != nil && (errors.Is(err, ctx.Err()) || errors.Is(err, sql.ErrTxDone)) {
			return ended(ctx.Err()) // database/sql refused to commit and rolled back
		}
		return s.wrap(err, "commit", "")
	}
	s.refreshStats(ctx)
	return nil
}

// optimizeEvery is how many users created one at a time (CreateUser) make
// the store refresh the planner's statistics (Optimize). A pool keeps its
// SQLite connections open for good, so the refresh each connection runs
// when it opens (sqlite.DSNParams) never sees a table that grows through
// sign-ups afterwards; without statistics SQLite picks plans by guesswork
// (a peer measured without them took over 30 s to find one email).
// "PRAGMA optimize" costs next to nothing when they are current.
const optimizeEvery = 1000

// noteCreated counts users created one at a time, and refreshes the
// statistics when enough were, at once outside a transaction and after
// the commit inside one (runTx).
func (s *Store) noteCreated(ctx context.Context) {
	if s.created == nil || s.d.Optimize == "" {
		return
	}
	s.created.Add(1)
	if !s.tx {
		s.refreshStats(ctx)
	}
}

// refreshStats runs Optimize on the pool when optimizeEvery users have
// been created since the last time. Its error is dropped: the write it
// follows has committed, and stale statistics cost time, not results.
func (s *Store) refreshStats(ctx context.Context) {
	if s.created == nil || s.created.Load() < optimizeEvery || s.created.Swap(0) < optimizeEvery {
		return
	}
	_, _ = s.db.ExecContext(context.WithoutCancel(ctx), s.d.Optimize)
}

// ended is the error of a transaction whose ctx ended (the client went
// away, or a deadline passed) before it committed: nothing was written.
func ended(err error) error {
	return &userkit.Error{Kind: userkit.Unavailable, Message: "request ended before its transaction committed", Err: err}
}

// atomic runs fn in a transaction unless the store already is one. Methods
// that write more than one statement use it.
func (s *Store) atomic(ctx context.Context, fn func(s *Store) error) error {
	return s.InTx(ctx, func(tx storage.Store) error { return fn(tx.(*Store)) })
}

// exec, query and queryRow run query (with "?" placeholders) through the
// store's prepared statements (see stmtCache).
func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := s.stmt(ctx, query, args); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return s.q.ExecContext(ctx, s.d.rebind(query), args...)
}

func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := s.stmt(ctx, query, args); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.q.QueryContext(ctx, s.d.rebind(query), args...)
}

func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := s.stmt(ctx, query, args); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.q.QueryRowContext(ctx, s.d.rebind(query), args...)
}

// wrap turns a driver error into the userkit error the storage contract
// asks for. what names the record ("user"); pkField is the Go field a
// primary key clash is reported on: "ID", or "UserID" for memberships.
func (s *Store) wrap(err error, what, pkField string) error {
	if err == nil {
		return nil
	}
	var ue *userkit.Error
	if errors.As(err, &ue) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return userkit.Errorf(userkit.NotFound, "%s not found", what)
	}
	c := s.d.Classify(err)
	switch c.Kind {
	case Unique:
		// The driver's text may quote the duplicate value (MySQL: "Duplicate
		// entry '<bytes of a key hash>'"): the cause keeps only the dialect
		// and the constraint, so no log line ever carries stored values.
		e := &userkit.Error{Kind: userkit.Conflict, Message: what + " already exists", Err: uniqueViolation{s.d.Name, c}}
		if f := conflictField(c, pkField); f != "" {
			e.Fields = map[string]userkit.Problem{f: {Rule: userkit.RuleTaken}}
		}
		return e
	case ForeignKey:
		return &userkit.Error{Kind: userkit.NotFound, Message: what + ": a referenced record does not exist", Err: err}
	case BadInput:
		return &userkit.Error{Kind: userkit.Invalid, Message: what + ": a value cannot be stored (NUL character, invalid UTF-8 or too long)", Err: err}
	}
	return &userkit.Error{Kind: userkit.Internal, Message: fmt.Sprintf("%s storage: %s", s.d.Name, what), Err: err}
}

// uniqueViolation is the cause of a Conflict: which constraint was
// violated, without the driver's text (which may hold the values).
type uniqueViolation struct {
	dialect string
	c       Class
}

func (u uniqueViolation) Error() string {
	on := u.c.Constraint
	if on == "" {
		on = strings.Join(u.c.Columns, ", ")
	}
	if u.c.Primary && on == "" {
		on = "primary key"
	}
	return u.dialect + ": unique violation on " + on
}

// conflictFields maps the unique keys of the schema to the Go fields the
// contract reports. Constraint and column names follow one convention in
// every dialect's migrations, so matching on column names finds them:
// PostgreSQL and MySQL report a name such as "users_email_norm_key", SQLite
// the columns ("users.email_norm"). "name" comes last so that the longer
// names match first.
var conflictFields = []struct{ col, field string }{
	{"email_norm", "EmailNorm"},
	{"login_name", "LoginName"},
	{"technical_name", "TechnicalName"},
	{"hash", "Hash"},
	{"action", "Action"},
	{"user_id", "UserID"},
	{"name", "Name"},
}

// conflictField names the field of a unique violation. A primary key clash
// is reported on pkField.
func conflictField(c Class, pkField string) string {
	if c.Primary {
		return pkField
	}
	names := c.Constraint
	if names == "" {
		names = strings.Join(c.Columns, ",")
	}
	for _, cf := range conflictFields {
		if strings.Contains(names, cf.col) {
			return cf.field
		}
	}
	// The ID in a unique key of its own (SQLite tables keyed by num) or
	// with portal_id (the target of the member tables' composite foreign
	// keys), which may be checked before the primary key.
	for _, col := range c.Columns {
		if strings.HasSuffix(col, ".id") {
			return pkField
		}
	}
	if strings.HasSuffix(c.Constraint, "_id_id_key") {
		return pkField
	}
	return ""
}

// notFound is the NotFound error for a missing record.
func notFound(what string) error {
	return userkit.Errorf(userkit.NotFound, "%s not found", what)
}

// affected reports whether res changed at least one row.
func affected(res sql.Result) (bool, error) {
	n, err := res.RowsAffected()
	return n > 0, err
}

// exists reports whether query finds a row.
func (s *Store) exists(ctx context.Context, what, query string, args ...any) (bool, error) {
	var one int
	err := s.queryRow(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, s.wrap(err, what, "")
	}
	return true, nil
}

// execOne runs a DELETE or UPDATE keyed by primary key and returns NotFound
// when no row matched. Not for compare-and-set updates: see casUpdate.
func (s *Store) execOne(ctx context.Context, what, existsQuery string, existsArgs []any, query string, args ...any) error {
	res, err := s.exec(ctx, query, args...)
	if err != nil {
		return s.wrap(err, what, "ID")
	}
	ok, err := affected(res)
	if err != nil {
		return s.wrap(err, what, "ID")
	}
	if ok {
		return nil
	}
	// MySQL counts changed rows, not matched ones: an update that writes
	// the stored values reports 0. Look before calling it missing.
	if existsQuery != "" {
		found, err := s.exists(ctx, what, existsQuery, existsArgs...)
		if err != nil {
			return err
		}
		if found {
			return nil
		}
	}
	return notFound(what)
}

// casUpdate runs an UPDATE guarded by "version = ?" and tells a stale
// version (PreconditionFailed) from a missing record (NotFound).
func (s *Store) casUpdate(ctx context.Context, what, existsQuery string, existsArgs []any, query string, args ...any) error {
	res, err := s.exec(ctx, query, args...)
	if err != nil {
		return s.wrap(err, what, "ID")
	}
	ok, err := affected(res)
	if err != nil {
		return s.wrap(err, what, "ID")
	}
	if ok {
		return nil
	}
	found, err := s.exists(ctx, what, existsQuery, existsArgs...)
	if err != nil {
		return err
	}
	if found {
		return userkit.Errorf(userkit.PreconditionFailed, "%s was changed by someone else", what)
	}
	return notFound(what)
}

// insertNum runs an INSERT of a record with a store-assigned Num and
// returns the Num. query has no RETURNING clause; it is added where the
// dialect has one.
func (s *Store) insertNum(ctx context.Context, what, query string, args ...any) (int64, error) {
	var num int64
	if s.d.Returning {
		if err := s.queryRow(ctx, query+" RETURNING num", args...).Scan(&num); err != nil {
			return 0, s.wrap(err, what, "ID")
		}
		return num, nil
	}
	res, err := s.exec(ctx, query, args...)
	if err != nil {
		return 0, s.wrap(err, what, "ID")
	}
	num, err = res.LastInsertId()
	if err != nil {
		return 0, s.wrap(err, what, "ID")
	}
	return num, nil
}

// placeholders returns "?, ?, ..." with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
