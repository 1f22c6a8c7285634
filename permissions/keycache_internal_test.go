package permissions

import (
	"testing"
	"time"

	"github.com/matryer/is"
)

// TestKeyCacheStalePut: a resolution that read storage before a change
// and stores its result after the change cleared the cache is dropped,
// so it cannot bring back what the change removed.
func TestKeyCacheStalePut(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	c := newKeyCache(time.Hour)
	var h [32]byte
	_, gen, hit := c.get(h)
	is.True(!hit)
	c.invalidate() // a revocation commits while the read is in flight
	c.put(h, gen, keyEntry{loaded: time.Now()})
	_, _, hit = c.get(h)
	is.True(!hit) // the stale read was not kept

	_, gen, _ = c.get(h)
	c.put(h, gen, keyEntry{loaded: time.Now()})
	_, _, hit = c.get(h)
	is.True(hit) // a read under the current generation is
}

// TestKeyCacheBound: the cache never holds more than maxCachedKeys.
func TestKeyCacheBound(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	c := newKeyCache(time.Hour)
	for i := range maxCachedKeys + 10 {
		var h [32]byte
		h[0], h[1], h[2] = byte(i), byte(i>>8), byte(i>>16)
		_, gen, _ := c.get(h)
		c.put(h, gen, keyEntry{loaded: time.Now()})
	}
	is.True(len(c.entries) <= maxCachedKeys)
	is.True(newKeyCache(-1) == nil) // off
}
