package users

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/userkit/userkit"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Argon2Params are the argon2id cost parameters for new hashes. Zero
// fields take OWASP's recommended values (19 MiB, 2 passes, 1 lane).
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8  // lanes
}

// DefaultArgon2 is OWASP's first recommended argon2id configuration.
var DefaultArgon2 = Argon2Params{Memory: 19456, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
	// Limits on imported PHC strings, so a hostile hash cannot make one
	// verification take gigabytes or minutes.
	maxImportMemory = 1 << 20 // KiB, 1 GiB
	maxImportTime   = 64
)

func (p Argon2Params) withDefaults() Argon2Params {
	if p.Memory == 0 {
		p.Memory = DefaultArgon2.Memory
	}
	if p.Time == 0 {
		p.Time = DefaultArgon2.Time
	}
	if p.Threads == 0 {
		p.Threads = DefaultArgon2.Threads
	}
	return p
}

var b64 = base64.RawStdEncoding

// hasher makes and checks password hashes, at most cap(sem) at a time:
// hashing is the costly part of a login and a denial-of-service vector.
// A caller finding no free slot waits, but only at most maxWait and only
// when fewer than maxQueue callers already wait; otherwise it is refused
// at once with errOverloaded (Unavailable, Retry-After) so that the HTTP
// layer answers 503 instead of letting requests pile up past the
// server's timeouts (reliability report F4). Zero maxWait or maxQueue
// means no bound (the hasher waits as long as ctx).
type hasher struct {
	params   Argon2Params
	sem      chan struct{}
	maxWait  time.Duration
	maxQueue int
	waiting  atomic.Int64
}

// Defaults of the hashing admission (Options.MaxHashWait, MaxHashQueue).
const (
	DefaultMaxHashWait = 2 * time.Second
	// defaultQueuePerSlot times MaxConcurrentHashes is the default
	// MaxHashQueue: about what the slots finish within DefaultMaxHashWait
	// with DefaultArgon2 parameters.
	defaultQueuePerSlot = 16
)

var errBusy = &userkit.Error{Kind: userkit.TooManyRequests, Message: "too many password operations at once; try again"}

// overloaded is the error of a caller refused a hashing slot: Unavailable
// with a Retry-After of the longest wait (at least a second).
func (h *hasher) overloaded() error {
	return &userkit.Error{
		Kind:       userkit.Unavailable,
		Message:    "too many password operations at once; try again later",
		RetryAfter: max(time.Second, h.maxWait),
	}
}

// acquire takes a hashing slot. With none free it waits until one frees
// up, ctx ends (errBusy) or maxWait passes (overloaded); with maxQueue
// callers already waiting it is refused at once (overloaded).
func (h *hasher) acquire(ctx context.Context) (release func(), err error) {
	release = func() { <-h.sem }
	select {
	case h.sem <- struct{}{}:
		return release, nil
	default:
	}
	if h.maxQueue > 0 {
		if h.waiting.Add(1) > int64(h.maxQueue) {
			h.waiting.Add(-1)
			return nil, h.overloaded()
		}
		defer h.waiting.Add(-1)
	}
	var expired <-chan time.Time
	if h.maxWait > 0 {
		t := time.NewTimer(h.maxWait)
		defer t.Stop()
		expired = t.C
	}
	select {
	case h.sem <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, &userkit.Error{Kind: errBusy.Kind, Message: errBusy.Message, Err: ctx.Err()}
	case <-expired:
		return nil, h.overloaded()
	}
}

// requestEnded is nil while ctx lasts, and once it has ended (the client
// went away, or the server's deadline passed) the error a write answers
// instead of starting its transaction. Hashing takes long enough that a
// client often leaves during it.
func requestEnded(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return &userkit.Error{Kind: userkit.Unavailable, Message: "request ended before it was stored", Err: err}
	}
	return nil
}

// hash returns the argon2id PHC string of pw with the current parameters.
func (h *hasher) hash(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", &userkit.Error{Kind: userkit.Internal, Message: "reading random salt", Err: err}
	}
	release, err := h.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	p := h.params
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// verify reports whether pw matches the stored hash, and whether the hash
// should be replaced by one with the current parameters (bcrypt, or
// argon2id weaker than now configured). A malformed hash never matches.
func (h *hasher) verify(ctx context.Context, stored, pw string) (ok, rehash bool, err error) {
	release, err := h.acquire(ctx)
	if err != nil {
		return false, false, err
	}
	defer release()
	if isBcrypt(stored) {
		// bcrypt only reads the first 72 bytes; imported hashes were made
		// that way, so the user's password is checked the same way once,
		// then rehashed with argon2id over the whole password.
		return bcrypt.CompareHashAndPassword([]byte(stored), []byte(pw)) == nil, true, nil
	}
	ph, perr := parsePHC(stored)
	if perr != nil {
		return false, false, nil
	}
	key := argon2.IDKey([]byte(pw), ph.salt, ph.params.Time, ph.params.Memory, ph.params.Threads, uint32(len(ph.key)))
	ok = subtle.ConstantTimeCompare(key, ph.key) == 1
	rehash = ph.params.Memory < h.params.Memory || ph.params.Time < h.params.Time || len(ph.key) < keyLen
	return ok, rehash, nil
}

func isBcrypt(h string) bool {
	return strings.HasPrefix(h, "$2a$") || strings.HasPrefix(h, "$2b$") || strings.HasPrefix(h, "$2y$")
}

type phc struct {
	params    Argon2Params
	salt, key []byte
}

var errBadHash = errors.New("not an argon2id PHC string")

// parsePHC reads "$argon2id$v=19$m=..,t=..,p=..$<salt>$<hash>".
func parsePHC(s string) (phc, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return phc{}, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return phc{}, errBadHash
	}
	var p phc
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.params.Memory, &p.params.Time, &threads); err != nil {
		return phc{}, errBadHash
	}
	if p.params.Memory == 0 || p.params.Memory > maxImportMemory || p.params.Time == 0 ||
		p.params.Time > maxImportTime || threads == 0 || threads > 255 {
		return phc{}, errBadHash
	}
	p.params.Threads = uint8(threads)
	var err error
	if p.salt, err = b64.DecodeString(parts[4]); err != nil || len(p.salt) < 8 {
		return phc{}, errBadHash
	}
	if p.key, err = b64.DecodeString(parts[5]); err != nil || len(p.key) < 16 || len(p.key) > 128 {
		return phc{}, errBadHash
	}
	return p, nil
}

// checkImportedHash reports whether h is a hash this package can verify.
func checkImportedHash(h string) error {
	if isBcrypt(h) {
		if _, err := bcrypt.Cost([]byte(h)); err == nil {
			return nil
		}
	} else if _, err := parsePHC(h); err == nil {
		return nil
	}
	return userkit.FieldError("PasswordHash", userkit.Problem{Rule: userkit.RuleInvalid, Param: "a bcrypt hash or an argon2id PHC string"})
}
