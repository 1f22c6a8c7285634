package users

import (
	"context"
	"errors"
	"iter"
	"runtime"
	"strconv"
	"sync"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/internal/txn"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
)

// ImportItem is one user of a bulk import: the user to create, and
// optionally the partner to attach them to.
type ImportItem struct {
	CreateParams
	// PartnerID, when set, makes the user a member of that partner (and of
	// its default team), as partners.Service.AddUser does: a new email
	// creates the user, an existing one is attached as it is.
	PartnerID uuid.UUID
}

// ImportStatus is what happened to one ImportItem.
type ImportStatus string

// Import outcomes.
const (
	// ImportCreated: a new user was stored (and made a member of the
	// item's partner, if any).
	ImportCreated ImportStatus = "created"
	// ImportAttached: the email belonged to an existing user, who was made
	// a member of the item's partner. Their profile is left as it is.
	ImportAttached ImportStatus = "attached"
	// ImportExists: the email belongs to an existing user and there was
	// nothing to do: the item names no partner, or the user is already a
	// member of it. Importing a file twice reports every item this way.
	ImportExists ImportStatus = "exists"
	// ImportFailed: the item was not imported; ImportResult.Err says why
	// (Invalid, with the field problems).
	ImportFailed ImportStatus = "failed"
)

// ImportResult is the outcome of one ImportItem.
type ImportResult struct {
	Index  int // the item's position in the import, from 0
	Status ImportStatus
	// User is the created or attached user; the zero User for the other
	// outcomes (an import reveals nothing about users it did not touch).
	User User
	Err  error // set when Status is ImportFailed
}

// ImportOptions tunes an import. The zero value (or nil) means defaults.
type ImportOptions struct {
	// ChunkSize is how many items are written in one transaction; 0 means
	// 500. A failing chunk (a database error) takes none of its items.
	ChunkSize int
}

// DefaultImportChunk is the default ImportOptions.ChunkSize.
const DefaultImportChunk = 500

// optimizeAfter is how many created users make an import ask the store to
// refresh its planner statistics at the end.
const optimizeAfter = 1000

// Import creates many users at once, with a result per item, in the
// order given. It is ImportSeq over a slice, collecting the results.
func (s *Service) Import(ctx context.Context, items []ImportItem, opts *ImportOptions) ([]ImportResult, error) {
	out := make([]ImportResult, 0, len(items))
	err := s.ImportSeq(ctx, func(yield func(ImportItem) bool) {
		for _, it := range items {
			if !yield(it) {
				return
			}
		}
	}, opts, func(r ImportResult) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// ImportSeq creates the users of items, a chunk at a time, and hands each
// item's result to emit in item order as soon as its chunk is committed;
// an error from emit stops the import. Items may come from a file of any
// size: only one chunk is held at a time.
//
// Permissions: users.create on everything for items without a partner,
// and on the partner for items with one; each scope is decided once per
// call, and a denial ends the import (Forbidden) before anything of that
// chunk is written.
//
// Each chunk is validated first: an invalid item fails alone (Invalid,
// with every field problem) and the valid ones are written in one
// transaction, with passwords hashed in parallel (at most the service's
// MaxConcurrentHashes at once) and pre-hashed ones (PasswordHash: argon2id
// PHC or bcrypt) taken as they are. Login names are assigned from one
// read for the whole chunk. A chunk is first written assuming every email
// is new; when one is taken the chunk is written again, looking each email
// up, so that existing users are reported (ImportExists) or attached to
// the item's partner (ImportAttached). An email given again is written
// after its first occurrence (in a second transaction when both are in
// one chunk), so it is an existing user by then, wherever it stands.
//
// Audit: one users.create event per created user, and one
// partners.add_user event (under the partner) per user created into or
// attached to a partner — the same events as Create and
// partners.Service.AddUser, so that an audit or outbox consumer sees no
// difference between an import and the same users added one by one.
//
// A database error ends the import and is returned; the results already
// emitted stand (their chunks are committed). After 1,000 or more users
// the store's planner statistics are refreshed, where the store has an
// Optimize(ctx) error method (SQLite).
func (s *Service) ImportSeq(ctx context.Context, items iter.Seq[ImportItem], opts *ImportOptions, emit func(ImportResult) error) error {
	size := DefaultImportChunk
	if opts != nil && opts.ChunkSize > 0 {
		size = opts.ChunkSize
	}
	im := &importer{s: s, allowed: map[permissions.Scope]error{}}
	chunk := make([]ImportItem, 0, size)
	next := 0
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		res, err := im.chunk(ctx, chunk, next)
		if err != nil {
			return err
		}
		for _, r := range res {
			if err := emit(r); err != nil {
				return err
			}
		}
		next += len(chunk)
		chunk = chunk[:0]
		return nil
	}
	var err error
	for it := range items {
		chunk = append(chunk, it)
		if len(chunk) == size {
			if err = flush(); err != nil {
				break
			}
		}
	}
	if err == nil {
		err = flush()
	}
	if im.created >= optimizeAfter {
		if o, ok := s.store.(interface{ Optimize(context.Context) error }); ok {
			if oerr := o.Optimize(ctx); oerr != nil && err == nil {
				err = oerr
			}
		}
	}
	return err
}

// importer is the state of one ImportSeq call.
type importer struct {
	s       *Service
	allowed map[permissions.Scope]error // the permission decision per scope
	created int
}

// errEmailTaken ends a chunk transaction written as if every email were
// new, when one was not.
var errEmailTaken = errors.New("an email of the chunk is taken")

// pending is a valid item of a chunk.
type pending struct {
	i       int // position in the chunk
	rec     storage.UserRecord
	partner uuid.UUID
}

func (im *importer) require(ctx context.Context, scope permissions.Scope) error {
	err, ok := im.allowed[scope]
	if !ok {
		err = im.s.authz.Require(ctx, permissions.UsersCreate, scope)
		im.allowed[scope] = err
	}
	return err
}

func (im *importer) chunk(ctx context.Context, items []ImportItem, first int) ([]ImportResult, error) {
	for _, it := range items {
		scope := permissions.All
		if it.PartnerID != uuid.Nil {
			scope = permissions.PartnerScope(it.PartnerID)
		}
		if err := im.require(ctx, scope); err != nil {
			return nil, err
		}
	}
	res := make([]ImportResult, len(items))
	for i := range res {
		res[i].Index = first + i
	}
	recs, errs := im.prepare(ctx, items)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Round k holds the k-th occurrence of each email of the chunk, so
	// that a repeated email is written after its first occurrence and finds
	// it stored, as it would in a later chunk.
	var rounds [][]pending
	seen := make(map[string]int, len(items))
	for i, err := range errs {
		if err != nil {
			res[i].Status, res[i].Err = ImportFailed, err
			continue
		}
		k := seen[recs[i].EmailNorm]
		seen[recs[i].EmailNorm] = k + 1
		if k == len(rounds) {
			rounds = append(rounds, nil)
		}
		rounds[k] = append(rounds[k], pending{i: i, rec: recs[i], partner: items[i].PartnerID})
	}
	for k, valid := range rounds {
		if err := im.round(ctx, valid, res, k > 0); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// round writes one round of a chunk in one transaction and fills res.
// lookUp starts with looking every email up, rather than writing the
// round as all new and looking up only when an email turns out taken.
func (im *importer) round(ctx context.Context, valid []pending, res []ImportResult, lookUp bool) error {
	var out []ImportResult
	var created int
	err := txn.Retry(ctx, im.s.store, func(err error) bool {
		if errors.Is(err, errEmailTaken) {
			lookUp = true // written as new, but an email exists: look each up
			return true
		}
		return IsLoginNameConflict(err) // a concurrent writer took a login name
	}, func(tx storage.Store) error {
		out = append(out[:0], res...)
		var err error
		created, err = im.write(ctx, tx, valid, out, lookUp)
		return err
	})
	switch {
	case err == nil:
		im.created += created
		copy(res, out)
		return nil
	case errors.Is(err, errEmailTaken):
		return userkit.Errorf(userkit.Conflict, "emails of the import were taken concurrently, repeatedly; try again")
	}
	return err
}

// prepare validates and hashes every item, hashes in parallel.
func (im *importer) prepare(ctx context.Context, items []ImportItem) ([]storage.UserRecord, []error) {
	recs := make([]storage.UserRecord, len(items))
	errs := make([]error, len(items))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(len(items), max(cap(im.s.hasher.sem), runtime.NumCPU())) {
		wg.Go(func() {
			for i := range work {
				recs[i], errs[i] = im.s.Prepare(ctx, items[i].CreateParams)
			}
		})
	}
	for i := range items {
		work <- i
	}
	close(work)
	wg.Wait()
	return recs, errs
}

// write is one chunk's transaction: it fills out for the valid items and
// returns how many users it created.
func (im *importer) write(ctx context.Context, tx storage.Store, valid []pending, out []ImportResult, lookUp bool) (int, error) {
	now := im.s.clock.Now()
	teams := map[uuid.UUID]uuid.UUID{} // partner → default team
	team := func(partner uuid.UUID) (uuid.UUID, error) {
		if id, ok := teams[partner]; ok {
			return id, nil
		}
		if _, err := tx.GetPartner(ctx, partner); err != nil {
			return uuid.Nil, err
		}
		ts, err := tx.ListTeams(ctx, partner)
		if err != nil {
			return uuid.Nil, err
		}
		for _, t := range ts {
			if t.Default {
				teams[partner] = t.ID
				return t.ID, nil
			}
		}
		return uuid.Nil, userkit.Errorf(userkit.Internal, "partner %s has no default team", partner)
	}
	join := func(p pending, userID uuid.UUID) error {
		teamID, err := team(p.partner)
		if err != nil {
			return err
		}
		if err := tx.AddPartnerMember(ctx, storage.PartnerMemberRecord{PartnerID: p.partner, UserID: userID, CreatedAt: now}); err != nil {
			return err
		}
		if err := tx.AddTeamMember(ctx, teamID, userID); err != nil {
			return err
		}
		return permissions.Audit(ctx, tx, now, "partners.add_user", "user", userID.String(), p.partner)
	}

	fresh := make([]pending, 0, len(valid))
	for _, p := range valid {
		if !lookUp {
			fresh = append(fresh, p)
			continue
		}
		rec, err := tx.GetUserByEmail(ctx, p.rec.EmailNorm)
		switch {
		case errors.Is(err, userkit.ErrNotFound):
			fresh = append(fresh, p)
			continue
		case err != nil:
			return 0, err
		}
		out[p.i].Status = ImportExists
		if p.partner == uuid.Nil {
			continue
		}
		// Lock first, as partners.AddUser does: a concurrent removal from
		// the user's last partner would otherwise delete them under us.
		if err := tx.LockUser(ctx, rec.ID); err != nil {
			if errors.Is(err, userkit.ErrNotFound) {
				return 0, errEmailTaken // deleted since: look again
			}
			return 0, err
		}
		member, err := tx.IsPartnerMember(ctx, p.partner, rec.ID)
		if err != nil {
			return 0, err
		}
		if member {
			continue
		}
		if err := join(p, rec.ID); err != nil {
			return 0, err
		}
		out[p.i].Status, out[p.i].User = ImportAttached, FromRecord(rec)
	}
	if len(fresh) == 0 {
		return 0, nil
	}

	// Login names for the whole chunk from one read.
	bases := make([]string, len(fresh))
	for i, p := range fresh {
		bases[i] = loginBase(p.rec.FirstName, p.rec.LastName, p.rec.EmailNorm)
	}
	names, err := tx.LoginNamesWithPrefixes(ctx, bases)
	if err != nil {
		return 0, err
	}
	taken := make(map[string]bool, len(names)+len(fresh))
	for _, n := range names {
		taken[n] = true
	}
	recs := make([]*storage.UserRecord, len(fresh))
	for i := range fresh {
		r := &fresh[i].rec
		r.LoginName = pickLoginName(bases[i], taken)
		if fresh[i].partner != uuid.Nil {
			// The importing partner creates the user, so it manages them,
			// as partners.Service.AddUser does for one user.
			r.ManagedKind, r.ManagedID = storage.ScopePartner, fresh[i].partner
		}
		taken[r.LoginName] = true
		recs[i] = r
	}
	if err := tx.CreateUsers(ctx, recs); err != nil {
		if _, ok := userkit.FieldsOf(err)["EmailNorm"]; ok && userkit.KindOf(err) == userkit.Conflict {
			return 0, errEmailTaken
		}
		return 0, err
	}
	for _, p := range fresh {
		if err := permissions.Audit(ctx, tx, now, permissions.UsersCreate, "user", p.rec.ID.String(), uuid.Nil); err != nil {
			return 0, err
		}
		if p.partner != uuid.Nil {
			if err := join(p, p.rec.ID); err != nil {
				return 0, err
			}
		}
		out[p.i].Status, out[p.i].User = ImportCreated, FromRecord(p.rec)
	}
	return len(fresh), nil
}

// pickLoginName returns base if it is not taken, else base2, base3, ...
func pickLoginName(base string, taken map[string]bool) string {
	if !taken[base] {
		return base
	}
	for i := 2; ; i++ {
		if name := base + strconv.Itoa(i); !taken[name] {
			return name
		}
	}
}
