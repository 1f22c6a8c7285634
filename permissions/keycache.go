package permissions

import (
	"context"
	"sync"
	"time"

	"github.com/userkit/userkit/storage"
)

// DefaultKeyCacheTTL is how long ResolveKeyGrants reuses a key it has
// resolved, with its grants, when Options.KeyCacheTTL is zero.
const DefaultKeyCacheTTL = 500 * time.Millisecond

// maxCachedKeys bounds the cache; when it is full it starts again empty,
// which costs one read per key in use and keeps the bound without an
// eviction order to maintain.
const maxCachedKeys = 4096

// keyCache keeps resolved API keys for a short time, so that a client
// sending the same key on every request costs one read per key per TTL
// instead of one per request (issue 9: the credential was a statement on
// every request, as much as the user it asked for).
//
// Freshness is what makes it safe. A change made through this Service
// (revoking a key, deleting its account, adding or removing a grant)
// clears the cache when its transaction has committed, and a bumped
// generation stops a resolution that read the old state from storing it.
// A change made elsewhere (another instance on the same database) is seen
// once the entry is older than the TTL: with the default, within half a
// second on every instance. Only keys that resolved are kept: an unknown
// key is read every time, so random keys cannot fill the cache.
//
// Entries are keyed by the key's SHA-256 (what storage holds), never by
// the secret, and age by the monotonic clock, not the Service's Clock,
// which tests may stop.
type keyCache struct {
	ttl time.Duration

	mu      sync.RWMutex
	gen     uint64
	entries map[[32]byte]keyEntry
}

type keyEntry struct {
	rec    storage.APIKeyRecord
	res    Resolved
	loaded time.Time // monotonic
}

func newKeyCache(ttl time.Duration) *keyCache {
	switch {
	case ttl < 0:
		return nil
	case ttl == 0:
		ttl = DefaultKeyCacheTTL
	}
	return &keyCache{ttl: ttl, entries: map[[32]byte]keyEntry{}}
}

// get returns the entry for hash while it is fresh, and the generation a
// caller reading storage instead must hand back to put.
func (c *keyCache) get(hash [32]byte) (keyEntry, uint64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.entries[hash]
	if ok && time.Since(e.loaded) < c.ttl {
		return e, c.gen, true
	}
	return keyEntry{}, c.gen, false
}

// put stores an entry read under generation gen, unless a change has
// cleared the cache since.
func (c *keyCache) put(hash [32]byte, gen uint64, e keyEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.entries) >= maxCachedKeys {
		clear(c.entries)
	}
	c.entries[hash] = e
}

// invalidate forgets every entry; it runs after a change to keys or
// grants has committed.
func (c *keyCache) invalidate() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.entries)
}

// accessTx runs fn in a transaction that changes keys or grants, and
// forgets the resolved keys once it has ended, committed or not.
func (s *Service) accessTx(ctx context.Context, fn func(tx storage.Store) error) error {
	defer s.keys.invalidate()
	return s.store.InTx(ctx, fn)
}
