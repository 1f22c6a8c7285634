package memory

import (
	"bytes"
	"context"
	"slices"
	"sort"
	"sync"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// Store is an in-memory storage.Store. Create one with New; the zero value
// is not usable.
type Store struct {
	sh *shared
	// tx is set on the Store handed to an InTx callback. Its methods run
	// under the lock InTx already holds and log undo steps into tx.
	tx *txn
}

var _ storage.Store = (*Store)(nil)

type shared struct {
	mu sync.RWMutex
	d  data
}

// New returns an empty store.
func New() *Store {
	return &Store{sh: &shared{d: newData()}}
}

// InTx runs fn with a Store whose changes are all kept when fn returns nil
// and all undone when it returns an error (or panics). The store's write
// lock is held for the whole call, so fn must use only tx, never s (that
// would wait for the lock fn holds), and only from one goroutine at a time;
// other callers wait until InTx ends. Calling InTx on tx runs fn in the
// same transaction: an inner error undoes everything only when the outer fn
// returns it, as without savepoints in SQL.
func (s *Store) InTx(ctx context.Context, fn func(tx storage.Store) error) error {
	if s.tx != nil {
		if err := s.tx.usable(); err != nil {
			return err
		}
		return fn(s)
	}
	if err := ctx.Err(); err != nil {
		return ctxErr(err)
	}
	s.sh.mu.Lock()
	defer s.sh.mu.Unlock()
	t := &txn{d: &s.sh.d}
	committed := false
	defer func() {
		if !committed {
			t.rollback(0)
		}
		t.done = true // a leaked tx must not touch the data without the lock
	}()
	if err := fn(&Store{sh: s.sh, tx: t}); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return ctxErr(err) // like database/sql: a done ctx never commits
	}
	committed = true
	return nil
}

// Lock implements storage.Store. InTx holds the store's write lock for
// the whole transaction, so transactions already run one at a time and
// Lock only checks that the record exists.
func (s *Store) Lock(ctx context.Context, kind storage.RecordKind, id string) error {
	return s.read(ctx, func(d *data) error {
		if kind == storage.KindResource {
			if _, ok := d.resources[id]; !ok {
				return notFound(string(kind))
			}
			return nil
		}
		var found bool
		u, err := uuid.Parse(id)
		switch kind {
		case storage.KindUser:
			_, found = d.users[u]
		case storage.KindPartner:
			_, found = d.partners[u]
		case storage.KindTeam:
			_, found = d.teams[u]
		case storage.KindPortal:
			_, found = d.portals[u]
		case storage.KindPortalRole:
			_, found = d.roles[u]
		case storage.KindAttribute:
			_, found = d.attrs[u]
		case storage.KindServiceAccount:
			_, found = d.accounts[u]
		default:
			return userkit.Errorf(userkit.Internal, "memory store: no lock for records of kind %q", kind)
		}
		if err != nil || !found {
			return notFound(string(kind))
		}
		return nil
	})
}

// read runs fn under the shared lock (or inside the running transaction).
func (s *Store) read(ctx context.Context, fn func(d *data) error) error {
	if err := ctx.Err(); err != nil {
		return ctxErr(err)
	}
	if s.tx != nil {
		if err := s.tx.usable(); err != nil {
			return err
		}
		return fn(s.tx.d)
	}
	s.sh.mu.RLock()
	defer s.sh.mu.RUnlock()
	return fn(&s.sh.d)
}

// write runs fn under the write lock (or inside the running transaction).
// A failing fn leaves no change behind, like a failed SQL statement.
func (s *Store) write(ctx context.Context, fn func(t *txn) error) error {
	if err := ctx.Err(); err != nil {
		return ctxErr(err)
	}
	if s.tx != nil {
		if err := s.tx.usable(); err != nil {
			return err
		}
		mark := len(s.tx.undo)
		if err := fn(s.tx); err != nil {
			s.tx.rollback(mark)
			return err
		}
		return nil
	}
	s.sh.mu.Lock()
	defer s.sh.mu.Unlock()
	t := &txn{d: &s.sh.d}
	if err := fn(t); err != nil {
		t.rollback(0)
		return err
	}
	return nil
}

// txn is a unit of change: every mutation of data goes through the helpers
// below, which log how to undo it.
type txn struct {
	d    *data
	undo []func()
	done bool
}

func (t *txn) usable() error {
	if t.done {
		return userkit.Errorf(userkit.Internal, "memory: transaction already finished")
	}
	return nil
}

// rollback undoes, newest first, every change logged after mark.
func (t *txn) rollback(mark int) {
	for i := len(t.undo) - 1; i >= mark; i-- {
		t.undo[i]()
	}
	t.undo = t.undo[:mark]
}

func put[K comparable, V any](t *txn, m map[K]V, k K, v V) {
	if old, had := m[k]; had {
		t.undo = append(t.undo, func() { m[k] = old })
	} else {
		t.undo = append(t.undo, func() { delete(m, k) })
	}
	m[k] = v
}

func del[K comparable, V any](t *txn, m map[K]V, k K) {
	old, had := m[k]
	if !had {
		return
	}
	t.undo = append(t.undo, func() { m[k] = old })
	delete(m, k)
}

func setInt(t *txn, p *int64, v int64) {
	old := *p
	t.undo = append(t.undo, func() { *p = old })
	*p = v
}

// next bumps a sequence and returns its new value.
func next(t *txn, p *int64) int64 {
	setInt(t, p, *p+1)
	return *p
}

// index is a one-to-many relation kept as a set per parent.
type index[P, C comparable] map[P]map[C]struct{}

func link[P, C comparable](t *txn, idx index[P, C], p P, c C) {
	set, ok := idx[p]
	if !ok {
		set = map[C]struct{}{}
		put(t, idx, p, set)
	}
	put(t, set, c, struct{}{})
}

func unlink[P, C comparable](t *txn, idx index[P, C], p P, c C) {
	set, ok := idx[p]
	if !ok {
		return
	}
	del(t, set, c)
	if len(set) == 0 {
		del(t, idx, p)
	}
}

// children returns the set of p's children, sorted by cmp.
func children[P, C comparable](idx index[P, C], p P, cmp func(a, b C) int) []C {
	out := make([]C, 0, len(idx[p]))
	for c := range idx[p] {
		out = append(out, c)
	}
	slices.SortFunc(out, cmp)
	return out
}

// insertSorted adds k to the sorted slice *s.
func insertSorted[K any](t *txn, s *[]K, k K, cmp func(a, b K) int) {
	rawInsert(s, k, cmp)
	t.undo = append(t.undo, func() { rawRemove(s, k, cmp) })
}

// removeSorted removes k from the sorted slice *s.
func removeSorted[K any](t *txn, s *[]K, k K, cmp func(a, b K) int) {
	if rawRemove(s, k, cmp) {
		t.undo = append(t.undo, func() { rawInsert(s, k, cmp) })
	}
}

func rawInsert[K any](s *[]K, k K, cmp func(a, b K) int) {
	i, _ := slices.BinarySearchFunc(*s, k, cmp)
	*s = slices.Insert(*s, i, k)
}

func rawRemove[K any](s *[]K, k K, cmp func(a, b K) int) bool {
	i, found := slices.BinarySearchFunc(*s, k, cmp)
	if found {
		*s = slices.Delete(*s, i, i+1)
	}
	return found
}

func cmpID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

// pair keys a relation between two IDs.
type pair struct{ a, b uuid.UUID }

// nameKey keys a name unique within a portal.
type nameKey struct {
	portal uuid.UUID
	name   string
}

// page builds one page from n candidates in list order. match reports
// whether candidate i passes the filter and get copies it out; start is the
// first candidate after the keyset cursor. Numbered paging ignores start
// and skips Offset matches instead.
func page[T any](p userkit.PageRequest, n, start int, match func(i int) bool, get func(i int) T, cursor func(T) string) userkit.Page[T] {
	out := userkit.Page[T]{Items: []T{}, Total: -1}
	skip := 0
	if p.Page > 0 {
		start, skip = 0, p.Offset()
	}
	for i := start; i < n; i++ {
		if !match(i) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if len(out.Items) == p.Limit {
			out.Next = cursor(out.Items[len(out.Items)-1])
			break
		}
		out.Items = append(out.Items, get(i))
	}
	if p.Total {
		out.Total = 0
		for i := 0; i < n; i++ {
			if match(i) {
				out.Total++
			}
		}
	}
	return out
}

// idAfter returns the position in the sorted ids of the first ID after the
// cursor p.After, the String of an ID ("" for the start).
func idAfter(ids []uuid.UUID, p userkit.PageRequest) (int, error) {
	if p.After == "" || p.Page > 0 {
		return 0, nil
	}
	a, err := parseCursor(p.After)
	if err != nil {
		return 0, err
	}
	return sort.Search(len(ids), func(i int) bool { return cmpID(ids[i], a) > 0 }), nil
}

func parseCursor(after string) (uuid.UUID, error) {
	a, err := uuid.Parse(after)
	if err != nil {
		return uuid.Nil, userkit.FieldError("After", userkit.Problem{Rule: userkit.RuleCursor})
	}
	return a, nil
}

func idCursor(id uuid.UUID) string { return id.String() }

func notFound(what string) error {
	return userkit.Errorf(userkit.NotFound, "%s not found", what)
}

func conflict(field, what string) error {
	return &userkit.Error{Kind: userkit.Conflict, Message: what + " already exists", Fields: map[string]userkit.Problem{field: {Rule: userkit.RuleTaken}}}
}

func stale(what string) error {
	return userkit.Errorf(userkit.PreconditionFailed, "%s was changed by someone else", what)
}

func ctxErr(err error) error {
	return &userkit.Error{Kind: userkit.Internal, Message: "memory: context done", Err: err}
}
