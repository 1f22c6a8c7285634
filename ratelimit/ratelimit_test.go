package ratelimit_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/redis/go-redis/v9"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/ratelimit"
)

// fakeClock is a settable time source.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
}

func TestLocalAllowsTheLimit(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	clk := newClock()
	l := ratelimit.NewLocal(60, &ratelimit.Options{Clock: clk.Now})
	ctx := context.Background()
	for i := range 60 {
		d, err := l.Allow(ctx, "k")
		is.NoErr(err)
		is.True(d.Allowed)              // within the burst
		is.Equal(d.Limit, 60)           // limit shown
		is.Equal(d.Remaining, 60-(i+1)) // one spent each time
	}
	d, err := l.Allow(ctx, "k")
	is.NoErr(err)
	is.True(!d.Allowed)                    // the 61st is refused
	is.Equal(d.RetryAfter, time.Second)    // one token a second
	is.Equal(d.ResetAfter, 60*time.Second) // a minute to refill
	other, _ := l.Allow(ctx, "other")
	is.True(other.Allowed) // keys are separate
	clk.Advance(time.Second)
	d, _ = l.Allow(ctx, "k")
	is.True(d.Allowed) // one more after a second
}

func TestLocalBounded(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	clk := newClock()
	l := ratelimit.NewLocal(60, &ratelimit.Options{Clock: clk.Now, MaxKeys: 2})
	ctx := context.Background()
	for _, k := range []string{"a", "b", "c"} {
		_, _ = l.Allow(ctx, k)
		clk.Advance(time.Millisecond)
	}
	is.Equal(l.Len(), 2) // capacity kept
	clk.Advance(2 * time.Minute)
	_, _ = l.Allow(ctx, "d")
	is.Equal(l.Len(), 1) // idle (full) buckets were swept
}

func TestNewPanicsOnNonPositiveRate(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	defer func() { is.True(recover() != nil) }() // perMinute 0 is a programming error
	ratelimit.NewLocal(0, nil)
}

// redisURL is USERKIT_REDIS_URL; without it the test is skipped, or fails
// when USERKIT_REQUIRE_DB=1 (CI).
func redisURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("USERKIT_REDIS_URL")
	if u != "" {
		return u
	}
	msg := "USERKIT_REDIS_URL is not set; set it to a Redis database the test may write keys in (see .ci/run)"
	if os.Getenv("USERKIT_REQUIRE_DB") == "1" {
		t.Fatal(msg + " (USERKIT_REQUIRE_DB=1 makes a missing Redis a failure)")
	}
	t.Skip(msg)
	return ""
}

func newClient(t *testing.T, url string) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func uniquePrefix() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "userkit-test-" + hex.EncodeToString(b[:]) + ":"
}

// TestRedisSharedExactly runs two limiters, each with its own client as
// two instances would, against one key concurrently: together they allow
// exactly the limit. The limit is 10 a minute (one token per 6 s), far
// longer than the 60 requests take.
func TestRedisSharedExactly(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	url := redisURL(t)
	opts := &ratelimit.Options{Prefix: uniquePrefix()}
	a := ratelimit.NewRedis(newClient(t, url), 10, opts)
	b := ratelimit.NewRedis(newClient(t, url), 10, opts)
	var allowed, refused atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 60)
	for i := range 60 {
		l := a
		if i%2 == 1 {
			l = b
		}
		wg.Go(func() {
			d, err := l.Allow(context.Background(), "principal:x")
			if err != nil {
				errs <- err
				return
			}
			if d.Allowed {
				allowed.Add(1)
				return
			}
			refused.Add(1)
			if d.RetryAfter <= 0 || d.Limit != 10 || d.Remaining != 0 {
				errs <- errors.New("a refusal without RetryAfter, limit or remaining")
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		is.NoErr(err)
	}
	is.Equal(allowed.Load(), int64(10)) // exactly the limit over two instances
	is.Equal(refused.Load(), int64(50))
	d, err := a.Allow(context.Background(), "principal:y")
	is.NoErr(err)
	is.True(d.Allowed)        // another key has its own limit
	is.Equal(d.Remaining, 9)  // and shows what is left
	is.True(d.ResetAfter > 0) // until the allowance is back
	is.Equal(d.RetryAfter, 0*time.Second)
}

// TestRedisUnreachable checks that a limiter whose Redis cannot be reached
// returns an Unavailable error with a RetryAfter, never a decision.
func TestRedisUnreachable(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: time.Second, MaxRetries: -1})
	t.Cleanup(func() { _ = c.Close() })
	l := ratelimit.NewRedis(c, 10, nil)
	d, err := l.Allow(context.Background(), "k")
	is.True(err != nil)                             // no silent decision
	is.True(!d.Allowed)                             // nothing allowed
	is.True(errors.Is(err, userkit.ErrUnavailable)) // the HTTP layer answers 503
	is.Equal(userkit.RetryAfterOf(err), time.Second)
}
