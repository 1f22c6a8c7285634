package whaly

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/ratelimit"
)

// limiterFor returns the API's limiter: the host's shared one
// (Options.RateLimiter), or a per-process one at Options.RateLimit
// requests a minute (0 means 500); nil when RateLimit is negative.
func limiterFor(o *httpapi.Options) ratelimit.Limiter {
	if o.RateLimiter != nil {
		return o.RateLimiter
	}
	perMinute := o.RateLimit
	switch {
	case perMinute < 0:
		return nil
	case perMinute == 0:
		perMinute = httpapi.DefaultRateLimit
	}
	return ratelimit.NewLocal(perMinute, &ratelimit.Options{Clock: o.Clock})
}

// rateLimited applies the limit to every request, after core.Identify and
// before core.API.Authenticated: the key is the request's principal, or
// its remote IP when authentication failed. It sets the X-RateLimit-*
// headers and answers 429 with Retry-After when the key is over its
// limit. A limiter that cannot decide (a shared store that is down) makes
// the answer 503 with Retry-After, logged as an internal error: never a
// silent pass. A nil limiter lets everything through.
func rateLimited(a *core.API, l ratelimit.Limiter) core.Middleware {
	return func(next http.Handler) http.Handler {
		if l == nil {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := "ip:" + remoteIP(r)
			if p, err := core.Identity(r.Context()); err == nil {
				key = "principal:" + string(p.Kind) + ":" + p.ID.String()
			}
			d, err := l.Allow(r.Context(), key)
			if err != nil {
				a.Log.ErrorContext(r.Context(), "rate limiter unavailable",
					"request_id", httpapi.RequestID(r.Context()), "error", err.Error())
				retry := userkit.RetryAfterOf(err)
				if retry <= 0 {
					retry = time.Second
				}
				a.Fail(w, r, &userkit.Error{Kind: userkit.Unavailable, Message: "rate limit unavailable, try again later", RetryAfter: retry})
				return
			}
			h := w.Header()
			h.Set("X-RateLimit-Limit", strconv.Itoa(d.Limit))
			h.Set("X-RateLimit-Remaining", strconv.Itoa(d.Remaining))
			h.Set("X-RateLimit-Reset", strconv.Itoa(seconds(d.ResetAfter)))
			if !d.Allowed {
				a.Fail(w, r, &userkit.Error{Kind: userkit.TooManyRequests, Message: "too many requests",
					RetryAfter: max(d.RetryAfter, time.Second)})
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// seconds rounds d up to whole seconds, as the headers carry them.
func seconds(d time.Duration) int {
	return int(math.Ceil(d.Seconds()))
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
