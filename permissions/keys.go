package permissions

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// Key is a service account's API key as listed: never the secret, only its
// first characters (Prefix) so that people can tell keys apart.
type Key struct {
	ID               uuid.UUID
	ServiceAccountID uuid.UUID
	Prefix           string
	CreatedAt        time.Time
	ExpiresAt        *time.Time
	LastUsedAt       *time.Time
	RevokedAt        *time.Time
}

// KeyParams creates a key. ExpiresAt, when set, must be in the future; nil
// means the key does not expire.
type KeyParams struct {
	ExpiresAt *time.Time
}

const (
	// keyMarker starts every secret, so leaked keys are easy to recognise
	// (and to find with secret scanners).
	keyMarker = "sk:"
	// keyBytes of randomness: 256 bits, well above the 112 bits that let a
	// plain SHA-256 stand in for a password hash (ASVS 6.5.2).
	keyBytes = 32
	// prefixLen characters after the marker are kept in clear for listings;
	// 48 bits of a 256-bit secret leave it just as unguessable.
	prefixLen = 8
	// lastUsedEvery bounds LastUsedAt writes to one a minute per key, so a
	// busy key does not turn every request into a write.
	lastUsedEvery = time.Minute
)

// errBadKey is the one answer for every unusable key, so a caller cannot
// tell unknown from revoked or expired.
var errBadKey = userkit.Errorf(userkit.Unauthenticated, "invalid API key")

func hashKey(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

func toKey(r storage.APIKeyRecord) Key {
	return Key{
		ID: r.ID, ServiceAccountID: r.ServiceAccountID, Prefix: r.Prefix, CreatedAt: r.CreatedAt,
		ExpiresAt: r.ExpiresAt, LastUsedAt: r.LastUsedAt, RevokedAt: r.RevokedAt,
	}
}

// CreateKey makes an API key for a service account and returns its secret,
// "sk:" followed by 43 URL-safe characters. The secret is shown only here:
// the store keeps its SHA-256. It needs keys.create on everything; a
// missing service account is NotFound.
func (s *Service) CreateKey(ctx context.Context, serviceAccountID uuid.UUID, p KeyParams) (Key, string, error) {
	var raw [keyBytes]byte
	_, _ = rand.Read(raw[:]) // never fails (Go 1.24+: it would crash instead)
	secret := keyMarker + base64.RawURLEncoding.EncodeToString(raw[:])
	k, err := s.addKey(ctx, serviceAccountID, secret, p)
	if err != nil {
		return Key{}, "", err
	}
	return k, secret, nil
}

// ImportKey registers a secret the host chose (for example a bootstrap key
// from its configuration) as a key of the service account. The secret must
// have the form CreateKey returns (else Invalid); only its SHA-256 is kept.
// Like CreateKey it needs keys.create on everything; a missing service
// account is NotFound, a secret that is already registered Conflict.
func (s *Service) ImportKey(ctx context.Context, serviceAccountID uuid.UUID, secret string, p KeyParams) (Key, error) {
	// Check the caller first, so that only a permitted caller learns
	// anything about the secret's form.
	if err := s.Require(ctx, KeysCreate, All); err != nil {
		return Key{}, err
	}
	if !wellFormed(secret) {
		return Key{}, userkit.FieldError("Secret", userkit.Problem{Rule: userkit.RuleInvalid, Param: `"sk:" followed by 43 URL-safe base64 characters`})
	}
	return s.addKey(ctx, serviceAccountID, secret, p)
}

// addKey stores the hash of secret as a key of the service account.
func (s *Service) addKey(ctx context.Context, serviceAccountID uuid.UUID, secret string, p KeyParams) (Key, error) {
	if err := s.Require(ctx, KeysCreate, All); err != nil {
		return Key{}, err
	}
	now := s.now()
	rec := storage.APIKeyRecord{ID: newID(), ServiceAccountID: serviceAccountID, CreatedAt: now}
	if p.ExpiresAt != nil {
		exp := p.ExpiresAt.UTC().Truncate(time.Microsecond)
		if !exp.After(now) {
			return Key{}, userkit.FieldError("ExpiresAt", userkit.Problem{Rule: userkit.RuleInvalid, Param: "in the future"})
		}
		rec.ExpiresAt = &exp
	}
	rec.Prefix = secret[len(keyMarker) : len(keyMarker)+prefixLen]
	rec.Hash = hashKey(secret)
	err := s.store.InTx(ctx, func(tx storage.Store) error {
		if _, err := tx.GetServiceAccount(ctx, serviceAccountID); err != nil {
			return err
		}
		if err := tx.CreateAPIKey(ctx, &rec); err != nil {
			return err
		}
		return Audit(ctx, tx, now, KeysCreate, "api_key", rec.ID.String(), uuid.Nil)
	})
	if err != nil {
		return Key{}, err
	}
	return toKey(rec), nil
}

// wellFormed reports whether secret has the shape of a key CreateKey makes.
func wellFormed(secret string) bool {
	rest, ok := strings.CutPrefix(secret, keyMarker)
	if !ok || base64.RawURLEncoding.DecodedLen(len(rest)) != keyBytes {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil
}

// ListKeys lists a service account's keys by ID, revoked ones too. It needs
// keys.read on everything; a missing service account is NotFound.
func (s *Service) ListKeys(ctx context.Context, serviceAccountID uuid.UUID) ([]Key, error) {
	if err := s.Require(ctx, KeysRead, All); err != nil {
		return nil, err
	}
	if _, err := s.store.GetServiceAccount(ctx, serviceAccountID); err != nil {
		return nil, err
	}
	recs, err := s.store.ListAPIKeys(ctx, serviceAccountID)
	if err != nil {
		return nil, err
	}
	out := make([]Key, len(recs))
	for i, r := range recs {
		out[i] = toKey(r)
	}
	return out, nil
}

// RevokeKey stops a key from working; the key stays listed with RevokedAt.
// Revoking a revoked key changes nothing. It needs keys.delete on
// everything; a missing key is NotFound.
func (s *Service) RevokeKey(ctx context.Context, keyID uuid.UUID) error {
	if err := s.Require(ctx, KeysDelete, All); err != nil {
		return err
	}
	return s.accessTx(ctx, func(tx storage.Store) error {
		rec, err := tx.GetAPIKey(ctx, keyID)
		if err != nil {
			return err
		}
		if rec.RevokedAt != nil {
			return nil
		}
		now := s.now()
		rec.RevokedAt = &now
		if err := tx.UpdateAPIKey(ctx, rec); err != nil {
			return err
		}
		return Audit(ctx, tx, now, KeysDelete, "api_key", keyID.String(), uuid.Nil)
	})
}

// ResolveKey turns an API key secret into the principal of its service
// account. It needs no principal in ctx: it is how a caller gets one. A
// malformed, unknown, revoked or expired key is Unauthenticated, with the
// same message for all. It records the key's last use, at most once a
// minute.
func (s *Service) ResolveKey(ctx context.Context, secret string) (Principal, error) {
	p, _, err := s.resolveKey(ctx, secret)
	return p, err
}

func (s *Service) resolveKey(ctx context.Context, secret string) (Principal, storage.APIKeyRecord, error) {
	if !wellFormed(secret) {
		return Principal{}, storage.APIKeyRecord{}, errBadKey
	}
	hash := hashKey(secret)
	rec, err := s.store.GetAPIKeyByHash(ctx, hash)
	if err == nil {
		err = s.admit(ctx, &rec, hash)
	}
	if err != nil {
		return Principal{}, storage.APIKeyRecord{}, keyErr(err)
	}
	return ServiceAccountPrincipal(rec.ServiceAccountID), rec, nil
}

// keyErr is a key lookup's error as the caller sees it: no such key is
// errBadKey, like every other unusable key.
func keyErr(err error) error {
	if errors.Is(err, userkit.ErrNotFound) {
		return errBadKey
	}
	return err
}

// admit decides whether rec, the key read by hash, may be used now
// (errBadKey if not), and records its use at most once every
// lastUsedEvery, setting rec.LastUsedAt when it does.
func (s *Service) admit(ctx context.Context, rec *storage.APIKeyRecord, hash []byte) error {
	// The lookup matched on the hash already; comparing again in constant
	// time keeps the decision itself free of a timing signal whatever the
	// adapter's index does.
	if subtle.ConstantTimeCompare(rec.Hash, hash) != 1 {
		return errBadKey
	}
	now := s.now()
	if !usable(*rec, now) {
		return errBadKey
	}
	if rec.LastUsedAt == nil || now.Sub(*rec.LastUsedAt) >= lastUsedEvery {
		if err := s.touch(ctx, rec.ID, now); err != nil {
			return err
		}
		rec.LastUsedAt = &now
	}
	return nil
}

func usable(rec storage.APIKeyRecord, now time.Time) bool {
	return rec.RevokedAt == nil && (rec.ExpiresAt == nil || now.Before(*rec.ExpiresAt))
}

// touch records a key's last use. UpdateAPIKey writes the whole record, so
// it re-reads the key in a transaction first: writing the copy read before
// the check could otherwise undo a revocation that happened in between. It
// is bookkeeping, not a change by a principal, so it is not audited.
func (s *Service) touch(ctx context.Context, keyID uuid.UUID, now time.Time) error {
	return s.store.InTx(ctx, func(tx storage.Store) error {
		rec, err := tx.GetAPIKey(ctx, keyID)
		if errors.Is(err, userkit.ErrNotFound) {
			return errBadKey // deleted with its service account meanwhile
		}
		if err != nil {
			return err
		}
		if !usable(rec, now) {
			return errBadKey
		}
		rec.LastUsedAt = &now
		return tx.UpdateAPIKey(ctx, rec)
	})
}

// ResolveKeyID is ResolveKey that also returns the key's ID, so that a
// caller holding a session made from the key can later ask whether the
// key still works (KeyActive) without keeping the secret.
func (s *Service) ResolveKeyID(ctx context.Context, secret string) (Principal, uuid.UUID, error) {
	p, rec, err := s.resolveKey(ctx, secret)
	return p, rec.ID, err
}

// KeyActive reports whether the key with keyID still works: it exists, is
// not revoked and has not expired. The key's own service account may ask
// (a session signed in with the key checks it on every request); anyone
// else needs keys.read on everything, and is refused (Forbidden) whether
// or not the key exists. A missing key is NotFound for holders of
// keys.read on everything, Forbidden for anyone else.
func (s *Service) KeyActive(ctx context.Context, keyID uuid.UUID) (bool, error) {
	p, ok := PrincipalFrom(ctx)
	if !ok {
		return false, errNoPrincipal
	}
	rec, err := s.store.GetAPIKey(ctx, keyID)
	if err != nil && !errors.Is(err, userkit.ErrNotFound) {
		return false, err
	}
	own := err == nil && p.Kind == KindServiceAccount && rec.ServiceAccountID == p.ID
	if !own {
		if rerr := s.Require(ctx, KeysRead, All); rerr != nil {
			return false, rerr
		}
		if err != nil {
			return false, err
		}
	}
	return usable(rec, s.now()), nil
}
