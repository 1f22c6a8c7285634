// Package ratelimit is the seam for request rate limits: a Limiter decides
// whether one more request under a key (a credential, a client address)
// may run now. The HTTP APIs that document a limit (Whaly: 500 requests a
// minute per key) take a Limiter in their options, so that a host running
// several instances can share one limit through a common store instead of
// allowing N times the limit with N processes.
//
// Two implementations: NewLocal keeps token buckets in the process (exact
// for one instance, N times the limit for N instances); NewRedis shares
// one limit per key between every instance using the same Redis. A Redis
// that cannot be reached makes Allow return an Unavailable error, never a
// silent per-process decision.
package ratelimit

import (
	"context"
	"time"
)

// Limiter decides whether one more request under key may run now. Allow
// counts the request when it is allowed. An error means the decision could
// not be made (the shared store is unreachable); callers must not treat it
// as allowed silently.
type Limiter interface {
	Allow(ctx context.Context, key string) (Decision, error)
}

// Decision is the outcome of one request against its key's limit, with
// what the HTTP layer shows in X-RateLimit-* and Retry-After headers.
type Decision struct {
	Allowed   bool
	Limit     int // requests per window
	Remaining int // requests left in the current window
	// RetryAfter, when the request is refused, is how long until one more
	// request would be allowed.
	RetryAfter time.Duration
	// ResetAfter is how long until the key's whole allowance is back.
	ResetAfter time.Duration
}
