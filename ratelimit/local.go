package ratelimit

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Local is an in-process Limiter: one token bucket per key holding
// perMinute requests and refilling perMinute a minute. It is exact within
// one process and knows nothing of other processes: with N instances
// behind a load balancer a key gets up to N times the limit. Use NewRedis
// to share one limit between instances.
//
// Memory is bounded by Options.MaxKeys: full buckets (what a new key gets
// anyway) are forgotten once a minute, and at capacity the least recently
// used bucket is dropped (its key then starts afresh).
type Local struct {
	perMinute int
	rate      rate.Limit
	opts      Options

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

var _ Limiter = (*Local)(nil)

// NewLocal returns an in-process limiter allowing perMinute requests a
// minute per key, in bursts of up to perMinute. It panics when perMinute
// is not positive.
func NewLocal(perMinute int, opts *Options) *Local {
	checkRate(perMinute)
	return &Local{
		perMinute: perMinute,
		rate:      rate.Limit(float64(perMinute) / 60),
		opts:      opts.orDefaults(),
		buckets:   map[string]*bucket{},
	}
}

// Allow implements Limiter. It never returns an error.
func (l *Local) Allow(_ context.Context, key string) (Decision, error) {
	now := l.opts.Clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) >= time.Minute {
		l.sweep(now)
	}
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.opts.MaxKeys {
			l.makeRoom(now)
		}
		b = &bucket{lim: rate.NewLimiter(l.rate, l.perMinute)}
		l.buckets[key] = b
	}
	b.seen = now
	d := Decision{Allowed: b.lim.AllowN(now, 1), Limit: l.perMinute}
	tokens := b.lim.TokensAt(now)
	d.Remaining = max(0, int(math.Floor(tokens)))
	d.ResetAfter = l.wait(float64(l.perMinute) - tokens)
	if !d.Allowed {
		d.RetryAfter = l.wait(1 - tokens)
	}
	return d, nil
}

// Len is the number of buckets held now.
func (l *Local) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// wait is how long the bucket takes to gain n tokens.
func (l *Local) wait(n float64) time.Duration {
	if n <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(n / float64(l.rate) * float64(time.Second)))
}

// sweep forgets full buckets: a full bucket is what a new key gets, so
// dropping it changes nothing.
func (l *Local) sweep(now time.Time) {
	l.lastSweep = now
	for k, b := range l.buckets {
		if b.lim.TokensAt(now) >= float64(l.perMinute) {
			delete(l.buckets, k)
		}
	}
}

// makeRoom frees one slot: full buckets first, else the least recently
// used one.
func (l *Local) makeRoom(now time.Time) {
	l.sweep(now)
	if len(l.buckets) < l.opts.MaxKeys {
		return
	}
	var oldest string
	var at time.Time
	for k, b := range l.buckets {
		if oldest == "" || b.seen.Before(at) {
			oldest, at = k, b.seen
		}
	}
	delete(l.buckets, oldest)
}
