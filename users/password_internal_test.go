package users

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
)

func TestHashSemaphoreBoundsConcurrency(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	h := &hasher{params: Argon2Params{Memory: 64, Time: 1, Threads: 1}, sem: make(chan struct{}, 2)}
	var inFlight, peak atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done, err := h.acquire(context.Background())
			is.NoErr(err) // waits for a slot rather than failing
			n := inFlight.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			<-release
			inFlight.Add(-1)
			done()
		}()
	}
	for inFlight.Load() < 2 {
		runtime.Gosched()
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := h.hash(cancelled, "Samplepassword12")
	is.True(errors.Is(err, userkit.ErrTooManyRequests)) // no slot: a hash waits only as long as its ctx
	close(release)
	wg.Wait()
	is.Equal(peak.Load(), int32(2)) // never more than the bound at once
	_, err = h.hash(cancelled, "Samplepassword12")
	is.NoErr(err) // a free slot is taken even with a done ctx
}

func TestOverlongPasswordIsNotHashed(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := New(nil, nil, &Options{MaxConcurrentHashes: 1})
	s.hasher.sem <- struct{}{} // every hashing slot taken
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	// A store lookup or a hash would fail (nil store, no slot); the
	// length check answers first.
	_, err := s.Authenticate(cancelled, "mona@example.com", strings.Repeat("x", 4*DefaultPolicy.MaxLength+1))
	is.True(errors.Is(err, userkit.ErrUnauthenticated)) // refused before hashing
	_, err = s.Prepare(cancelled, CreateParams{Email: "a@example.com", FirstName: "A", LastName: "B", Password: strings.Repeat("A1", 65)})
	is.Equal(userkit.FieldsOf(err)["Password"].String(), "must be at most 128 characters") // refused before hashing
}

func TestPHCRoundTrip(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	h := &hasher{params: Argon2Params{Memory: 64, Time: 1, Threads: 2}, sem: make(chan struct{}, 1)}
	s, err := h.hash(context.Background(), "pässwörd")
	is.NoErr(err) // hash
	p, err := parsePHC(s)
	is.NoErr(err)                                                     // parses back
	is.Equal(p.params, Argon2Params{Memory: 64, Time: 1, Threads: 2}) // parameters kept
	is.Equal(len(p.salt), saltLen)                                    // salt kept
	ok, rehash, err := h.verify(context.Background(), s, "pässwörd")
	is.True(err == nil && ok && !rehash) // verifies, current parameters
	ok, _, _ = h.verify(context.Background(), s, "passwörd")
	is.True(!ok) // other password refused
	for _, bad := range []string{"", "$argon2id$", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", strings.Replace(s, "v=19", "v=16", 1), s + "$x"} {
		ok, _, err := h.verify(context.Background(), bad, "pässwörd")
		is.True(err == nil && !ok) // malformed hash never matches
	}
}

// TestHashAdmissionBounded checks the admission bounds with every slot
// held: a caller waits at most maxWait, and one beyond maxQueue waiters is
// refused at once; both get Unavailable with a Retry-After.
func TestHashAdmissionBounded(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	h := &hasher{params: Argon2Params{Memory: 64, Time: 1, Threads: 1}, sem: make(chan struct{}, 1),
		maxWait: time.Millisecond, maxQueue: 1}
	release, err := h.acquire(context.Background())
	is.NoErr(err) // the only slot
	_, err = h.hash(context.Background(), "Samplepassword12")
	is.True(errors.Is(err, userkit.ErrUnavailable))  // waited maxWait, then refused
	is.Equal(userkit.RetryAfterOf(err), time.Second) // at least a second

	h.maxWait = time.Hour // the queue bound alone decides now
	waiting := make(chan error, 1)
	go func() {
		r, err := h.acquire(context.Background())
		if err == nil {
			r()
		}
		waiting <- err
	}()
	for h.waiting.Load() < 1 {
		runtime.Gosched()
	}
	_, err = h.acquire(context.Background())
	is.True(errors.Is(err, userkit.ErrUnavailable)) // the queue is full: refused at once
	is.Equal(userkit.RetryAfterOf(err), time.Hour)
	release()
	is.NoErr(<-waiting) // the queued caller got the freed slot
}
