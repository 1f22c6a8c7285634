package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
)

var secret = []byte("whsec_test_secret_0123456789")

// receiver is a webhook endpoint that verifies every signature and
// records what it accepted. answer decides the status of each request
// (n counts the requests for that event ID, from 1).
type receiver struct {
	mu       sync.Mutex
	got      []string       // event IDs, in order of requests
	accepted []string       // event IDs answered 2xx
	bad      int            // requests with a bad signature
	tries    map[string]int // requests per event ID
	answer   func(r *http.Request, id string, n int) int
}

func newReceiver(t *testing.T, answer func(r *http.Request, id string, n int) int) (*receiver, string) {
	rc := &receiver{tries: map[string]int{}, answer: answer}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if Verify(secret, r.Header.Get(SignatureHeader), body, 5*time.Minute, time.Now()) != nil {
			rc.mu.Lock()
			rc.bad++
			rc.mu.Unlock()
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		var p Payload
		if json.Unmarshal(body, &p) != nil || p.ID != r.Header.Get(EventIDHeader) {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		rc.mu.Lock()
		rc.got = append(rc.got, p.ID)
		rc.tries[p.ID]++
		n := rc.tries[p.ID]
		rc.mu.Unlock()
		status := http.StatusOK
		if rc.answer != nil {
			status = rc.answer(r, p.ID, n)
		}
		if status/100 == 2 {
			rc.mu.Lock()
			rc.accepted = append(rc.accepted, p.ID)
			rc.mu.Unlock()
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return rc, srv.URL
}

// setup makes five audit events on a fresh SQLite database and returns
// the outbox and the events' IDs in commit order.
func setup(t *testing.T) (*permissions.Service, []string) {
	t.Helper()
	store := sqltest.SQLite(t)
	authz := permissions.New(store, nil)
	sys := permissions.WithPrincipal(t.Context(), permissions.System)
	for _, id := range []string{"r1", "r2", "r3", "r4", "r5"} {
		if _, err := authz.CreateResource(sys, permissions.ResourceParams{ID: id, Name: id}); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := authz.EventsAfter(sys, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range evs {
		ids = append(ids, e.ID.String())
	}
	return authz, ids
}

func sys(ctx context.Context) context.Context {
	return permissions.WithPrincipal(ctx, permissions.System)
}

func TestDeliverInOrderSigned(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	authz, ids := setup(t)
	rc, url := newReceiver(t, nil)
	cur := FileCursor(filepath.Join(t.TempDir(), "cursor"))
	d := &Deliverer{Outbox: authz, Cursor: cur, URL: url, Secret: secret, Batch: 2}
	total := 0
	for {
		n, err := d.RunOnce(sys(t.Context()))
		is.NoErr(err) // run
		if n == 0 {
			break
		}
		total += n
	}
	is.Equal(total, 5)         // every event
	is.Equal(rc.accepted, ids) // once each, in commit order
	is.Equal(rc.bad, 0)        // every signature verified
	c, err := cur.Load()
	is.NoErr(err)
	evs, err := authz.EventsAfter(sys(t.Context()), c, 10)
	is.NoErr(err)
	is.Equal(len(evs), 0) // the cursor is at the last event
}

// TestCrashMidBatch: the process dies while the third event is on the
// wire. A new process repeats only that event, never the two acknowledged
// ones, and loses none.
func TestCrashMidBatch(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	authz, ids := setup(t)
	ctx, crash := context.WithCancel(t.Context())
	rc, url := newReceiver(t, func(r *http.Request, id string, n int) int {
		if id == ids[2] && n == 1 {
			crash()              // the sender dies mid-request
			<-r.Context().Done() // and never reads the answer
		}
		return http.StatusOK
	})
	cur := FileCursor(filepath.Join(t.TempDir(), "cursor"))
	d := &Deliverer{Outbox: authz, Cursor: cur, URL: url, Secret: secret, Backoff: time.Millisecond}
	n, err := d.RunOnce(sys(ctx))
	is.True(err != nil) // the crash
	is.Equal(n, 2)      // two events acknowledged

	restarted := &Deliverer{Outbox: authz, Cursor: cur, URL: url, Secret: secret, Backoff: time.Millisecond}
	n, err = restarted.RunOnce(sys(t.Context()))
	is.NoErr(err)                                                              // the new process goes on
	is.Equal(n, 3)                                                             // from the unacknowledged event
	is.Equal(rc.got, []string{ids[0], ids[1], ids[2], ids[2], ids[3], ids[4]}) // only the event in flight is sent again
	is.Equal(rc.tries[ids[0]], 1)                                              // acknowledged: never repeated
	is.Equal(rc.tries[ids[1]], 1)
}

func TestRetryWithBackoff(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	authz, ids := setup(t)
	rc, url := newReceiver(t, func(_ *http.Request, id string, n int) int {
		if id == ids[0] && n <= 2 {
			return http.StatusServiceUnavailable
		}
		return http.StatusNoContent
	})
	d := &Deliverer{Outbox: authz, Cursor: FileCursor(filepath.Join(t.TempDir(), "cursor")), URL: url, Secret: secret, Backoff: time.Millisecond}
	n, err := d.RunOnce(sys(t.Context()))
	is.NoErr(err)                 // retried until accepted
	is.Equal(n, 5)                // then the rest
	is.Equal(rc.tries[ids[0]], 3) // two failures, one success
	is.Equal(rc.accepted, ids)    // each accepted once, in order
}

// TestGiveUpWithoutSkipping: after MaxAttempts the run stops at the
// failing event; the next run starts from it, not after it.
func TestGiveUpWithoutSkipping(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	authz, ids := setup(t)
	down := true
	rc, url := newReceiver(t, func(_ *http.Request, id string, _ int) int {
		if id == ids[1] && down {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	cur := FileCursor(filepath.Join(t.TempDir(), "cursor"))
	d := &Deliverer{Outbox: authz, Cursor: cur, URL: url, Secret: secret, MaxAttempts: 2, Backoff: time.Millisecond}
	n, err := d.RunOnce(sys(t.Context()))
	is.True(err != nil)           // gave up
	is.Equal(n, 1)                // after the first event
	is.Equal(rc.tries[ids[1]], 2) // MaxAttempts
	down = false
	n, err = d.RunOnce(sys(t.Context()))
	is.NoErr(err)
	is.Equal(n, 4)             // from the failed event on
	is.Equal(rc.accepted, ids) // nothing skipped
}

func TestVerify(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	now := time.Unix(1_700_000_000, 0)
	body := []byte(`{"id":"x"}`)
	h := Sign(secret, now, body)
	is.NoErr(Verify(secret, h, body, time.Minute, now.Add(30*time.Second)))          // valid
	is.True(Verify(secret, h, []byte(`{"id":"y"}`), time.Minute, now) != nil)        // tampered body
	is.True(Verify([]byte("another secret 0123"), h, body, time.Minute, now) != nil) // wrong secret
	is.True(Verify(secret, h, body, time.Minute, now.Add(2*time.Minute)) != nil)     // replayed late
	is.True(Verify(secret, "v1=abcd", body, time.Minute, now) != nil)                // no timestamp
	is.NoErr(Verify(secret, h+",v1=00ff", body, time.Minute, now))                   // one of several signatures
}
