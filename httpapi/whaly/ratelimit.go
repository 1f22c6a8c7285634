package whaly

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/core"
	"golang.org/x/time/rate"
)

// maxBuckets bounds the limiter's memory: beyond it, idle buckets and then
// the least recently used one are forgotten.
const maxBuckets = 10_000

// limiter is Whaly's per-credential rate limit: one token bucket per key
// (an authenticated principal, or the remote IP of an unauthenticated
// request) holding perMinute tokens and refilling perMinute a minute.
type limiter struct {
	perMinute int
	rate      rate.Limit
	clock     userkit.Clock
	max       int

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// newLimiter returns the limiter for httpapi.Options.RateLimit: 0 means
// httpapi.DefaultRateLimit, a negative value turns limiting off (nil).
func newLimiter(perMinute int, clock userkit.Clock, capacity int) *limiter {
	switch {
	case perMinute < 0:
		return nil
	case perMinute == 0:
		perMinute = httpapi.DefaultRateLimit
	}
	return &limiter{
		perMinute: perMinute,
		rate:      rate.Limit(float64(perMinute) / 60),
		clock:     clock,
		max:       capacity,
		buckets:   map[string]*bucket{},
	}
}

// decision is the outcome of one request against its bucket.
type decision struct {
	allowed    bool
	remaining  int // whole requests left now
	reset      int // seconds until the bucket is full again
	retryAfter int // seconds until the next request is allowed (when refused)
}

// take spends one request of key's bucket.
func (l *limiter) take(key string) decision {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) >= time.Minute {
		l.sweep(now)
	}
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.max {
			l.makeRoom(now)
		}
		b = &bucket{lim: rate.NewLimiter(l.rate, l.perMinute)}
		l.buckets[key] = b
	}
	b.seen = now
	d := decision{allowed: b.lim.AllowN(now, 1)}
	tokens := b.lim.TokensAt(now)
	d.remaining = max(0, int(math.Floor(tokens)))
	d.reset = l.seconds(float64(l.perMinute) - tokens)
	if !d.allowed {
		d.retryAfter = max(1, l.seconds(1-tokens))
	}
	return d
}

// seconds is how long the bucket takes to gain n tokens, rounded up.
func (l *limiter) seconds(n float64) int {
	if n <= 0 {
		return 0
	}
	return int(math.Ceil(n / float64(l.rate)))
}

// sweep forgets full buckets: a full bucket is what a new key gets, so
// dropping it changes nothing.
func (l *limiter) sweep(now time.Time) {
	l.lastSweep = now
	for k, b := range l.buckets {
		if b.lim.TokensAt(now) >= float64(l.perMinute) {
			delete(l.buckets, k)
		}
	}
}

// makeRoom frees one slot: full buckets first, else the least recently
// used one (whose key then starts afresh, the price of bounded memory).
func (l *limiter) makeRoom(now time.Time) {
	l.sweep(now)
	if len(l.buckets) < l.max {
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

// middleware applies the limit to every request, after core.Identify and
// before core.API.Authenticated: the key is the request's principal, or
// its remote IP when authentication failed. It sets the X-RateLimit-*
// headers and answers 429 with Retry-After when the key is over its limit.
// A nil limiter lets everything through.
func (l *limiter) middleware(a *core.API) core.Middleware {
	return func(next http.Handler) http.Handler {
		if l == nil {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := "ip:" + remoteIP(r)
			if p, err := core.Identity(r.Context()); err == nil {
				key = "principal:" + string(p.Kind) + ":" + p.ID.String()
			}
			d := l.take(key)
			h := w.Header()
			h.Set("X-RateLimit-Limit", strconv.Itoa(l.perMinute))
			h.Set("X-RateLimit-Remaining", strconv.Itoa(d.remaining))
			h.Set("X-RateLimit-Reset", strconv.Itoa(d.reset))
			if !d.allowed {
				a.Fail(w, r, &userkit.Error{Kind: userkit.TooManyRequests, Message: "too many requests",
					RetryAfter: time.Duration(d.retryAfter) * time.Second})
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// remoteIP is the host part of the connection's address. Forwarding
// headers are not trusted (a client could pick its own key); a host behind
// a proxy rewrites RemoteAddr in its own middleware.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
