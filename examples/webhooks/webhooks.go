package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/userkit/userkit/permissions"
)

// Outbox is the read side of the audit log; *permissions.Service is one.
type Outbox interface {
	EventsAfter(ctx context.Context, cursor string, limit int) ([]permissions.LogEvent, error)
}

// CursorStore keeps the cursor of the last acknowledged event.
type CursorStore interface {
	Load() (string, error) // "" when nothing was acknowledged yet
	Save(cursor string) error
}

// FileCursor keeps the cursor in a file, replaced atomically.
type FileCursor string

// Load implements CursorStore.
func (f FileCursor) Load() (string, error) {
	b, err := os.ReadFile(string(f))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	return strings.TrimSpace(string(b)), err
}

// Save implements CursorStore: write a temporary file, sync it, rename it
// over the old one, so that a crash leaves the old cursor or the new one.
func (f FileCursor) Save(cursor string) error {
	tmp, err := os.CreateTemp(filepath.Dir(string(f)), ".cursor-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(cursor + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), string(f))
}

// Payload is the JSON body of a webhook.
type Payload struct {
	ID         string    `json:"id"`
	Cursor     string    `json:"cursor"`
	Time       time.Time `json:"time"`
	Action     string    `json:"action"`
	TargetKind string    `json:"target_kind"`
	TargetID   string    `json:"target_id"`
	PartnerID  string    `json:"partner_id,omitempty"`
	Principal  struct {
		Kind string `json:"kind"`
		ID   string `json:"id,omitempty"`
	} `json:"principal"`
}

func payloadOf(e permissions.LogEvent) Payload {
	p := Payload{ID: e.ID.String(), Cursor: e.Cursor, Time: e.Time, Action: e.Action, TargetKind: e.TargetKind, TargetID: e.TargetID}
	if e.PartnerID != [16]byte{} {
		p.PartnerID = e.PartnerID.String()
	}
	p.Principal.Kind = string(e.Principal.Kind)
	if e.Principal.ID != [16]byte{} {
		p.Principal.ID = e.Principal.ID.String()
	}
	return p
}

// Headers of a webhook.
const (
	SignatureHeader = "Userkit-Signature"
	EventIDHeader   = "Userkit-Event-Id"
)

// Sign returns the signature header value for body sent at t.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a signature header against body, as a receiver does: one
// v1 signature must match (compared in constant time) and the timestamp
// must be within tolerance of now, so that a captured request cannot be
// replayed later.
func Verify(secret []byte, header string, body []byte, tolerance time.Duration, now time.Time) error {
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return errors.New("malformed signature header")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("signature timestamp outside the tolerance")
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			return nil
		}
	}
	return errors.New("signature mismatch")
}

// Deliverer sends the outbox's events to URL one at a time, in order.
type Deliverer struct {
	Outbox Outbox
	Cursor CursorStore
	URL    string
	Secret []byte
	Client *http.Client // nil means a client with a 10 s timeout
	Batch  int          // events read at once; 0 means 100
	// MaxAttempts per event before Run gives up (and starts from that
	// event next time); 0 means 8.
	MaxAttempts int
	// Backoff is the wait before the first retry, doubled each time up to
	// 64x, with jitter; 0 means 500 ms.
	Backoff time.Duration
	Now     func() time.Time // nil means time.Now
}

// RunOnce delivers the events that follow the stored cursor, up to one
// batch, and returns how many it delivered. It stops at the first event
// it cannot deliver, returning the error.
func (d *Deliverer) RunOnce(ctx context.Context) (int, error) {
	cursor, err := d.Cursor.Load()
	if err != nil {
		return 0, fmt.Errorf("load cursor: %w", err)
	}
	batch := d.Batch
	if batch <= 0 {
		batch = 100
	}
	evs, err := d.Outbox.EventsAfter(ctx, cursor, batch)
	if err != nil {
		return 0, fmt.Errorf("read events: %w", err)
	}
	for i, e := range evs {
		if err := d.deliver(ctx, e); err != nil {
			return i, fmt.Errorf("deliver event %s (cursor %s): %w", e.ID, e.Cursor, err)
		}
		// Acknowledged: never sent again.
		if err := d.Cursor.Save(e.Cursor); err != nil {
			return i, fmt.Errorf("save cursor: %w", err)
		}
	}
	return len(evs), nil
}

// Run delivers events until ctx ends, polling every poll when caught up.
func (d *Deliverer) Run(ctx context.Context, poll time.Duration) error {
	for {
		n, err := d.RunOnce(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(poll):
			}
		}
	}
}

// deliver sends one event until a 2xx answer, with backoff.
func (d *Deliverer) deliver(ctx context.Context, e permissions.LogEvent) error {
	body, err := json.Marshal(payloadOf(e))
	if err != nil {
		return err
	}
	attempts := d.MaxAttempts
	if attempts <= 0 {
		attempts = 8
	}
	wait := d.Backoff
	if wait <= 0 {
		wait = 500 * time.Millisecond
	}
	var last error
	for attempt := 1; ; attempt++ {
		if last = d.post(ctx, e, body); last == nil {
			return nil
		}
		if attempt == attempts || ctx.Err() != nil {
			return last
		}
		sleep := wait<<min(attempt-1, 6) + rand.N(wait)
		select {
		case <-ctx.Done():
			return last
		case <-time.After(sleep):
		}
	}
}

func (d *Deliverer) post(ctx context.Context, e permissions.LogEvent, body []byte) error {
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(EventIDHeader, e.ID.String())
	req.Header.Set(SignatureHeader, Sign(d.Secret, now(), body)) // signed per attempt: a fresh timestamp
	client := d.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("endpoint answered %s", resp.Status)
	}
	return nil
}
