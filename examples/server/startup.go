package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

const (
	secretSetting    = "token_secret"
	bootstrapSetting = "bootstrap_service_account"
	// startupLockSetting is written first by every start-up transaction.
	// The write takes that row's lock (PostgreSQL and MySQL row locks,
	// SQLite's database write lock), so processes starting together on
	// one database run their set-up one after the other, and each one
	// reads what the one before committed.
	startupLockSetting = "startup_lock"
	// emailFormSetting records the email normal form the stored users
	// have; see users.RenormalizeEmails.
	emailFormSetting = "email_normal_form"
	emailForm        = "precis-idna-1"
)

// startUp runs the one-time set-up of a database: the token signing
// secret, the bootstrap admin account and key, and (with -demo) the demo
// data. It runs in one transaction under the start-up lock, so however
// many processes start together, each of these is created once: the
// first process creates them, the others wait for its commit and find
// them (reliability report F6: two processes on MariaDB made two admin
// accounts, and the loser exited printing bytes of the key's hash).
// newKey is the generated admin key, set only in the process that made it.
func startUp(ctx context.Context, store storage.Store, cfg config) (secret []byte, newKey string, err error) {
	err = store.InTx(ctx, func(tx storage.Store) error {
		secret, newKey = nil, "" // InTx may run this again after a deadlock
		if err := tx.PutSetting(ctx, startupLockSetting, time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
			return fmt.Errorf("start-up lock: %w", err)
		}
		var err error
		if secret, err = tokenSecret(ctx, tx, cfg.Secret); err != nil {
			return fmt.Errorf("token secret: %w", err)
		}
		if err := renormalizeEmails(ctx, tx); err != nil {
			return fmt.Errorf("email normal form: %w", err)
		}
		svc := kit.New(tx, nil)
		if newKey, err = bootstrapAdmin(ctx, tx, svc.Permissions, cfg.AdminKey); err != nil {
			return fmt.Errorf("bootstrap admin key: %w", err)
		}
		if cfg.Demo {
			if err := loadDemo(ctx, tx, svc); err != nil {
				return fmt.Errorf("load demo data: %w", err)
			}
		}
		return nil
	})
	return secret, newKey, err
}

// tokenSecret returns the signing secret of user API tokens: the configured
// one, or one generated on the first start and kept in the store, so that
// tokens survive restarts and every instance signs with the same secret.
func tokenSecret(ctx context.Context, store storage.Store, configured string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	s, err := store.GetSetting(ctx, secretSetting)
	if err == nil {
		return []byte(s), nil
	}
	if !errors.Is(err, userkit.ErrNotFound) {
		return nil, err
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	s = hex.EncodeToString(b[:])
	if err := store.PutSetting(ctx, secretSetting, s); err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// bootstrapAdmin makes sure a service account holding every grant exists
// and can be reached with a key. A configured key is registered (hashed)
// on first use; with none configured, a key is generated when the account
// has no usable key yet and returned so it can be printed once. authz must
// work on store (the start-up transaction).
func bootstrapAdmin(ctx context.Context, store storage.Store, authz *permissions.Service, configured string) (newKey string, err error) {
	sys := permissions.WithPrincipal(ctx, permissions.System)
	var saID uuid.UUID
	id, err := store.GetSetting(ctx, bootstrapSetting)
	switch {
	case err == nil:
		if saID, err = uuid.Parse(id); err != nil {
			return "", fmt.Errorf("setting %s does not hold a UUID", bootstrapSetting)
		}
	case errors.Is(err, userkit.ErrNotFound):
		sa, err := authz.CreateServiceAccount(sys, permissions.ServiceAccountParams{
			Name:   "bootstrap admin",
			Grants: []permissions.GrantParams{{Action: "*", Scope: permissions.All}},
		})
		if err != nil {
			return "", err
		}
		saID = sa.ID
		if err := store.PutSetting(ctx, bootstrapSetting, saID.String()); err != nil {
			return "", err
		}
	default:
		return "", err
	}

	if configured != "" {
		if p, err := authz.ResolveKey(ctx, configured); err == nil && p.ID == saID {
			return "", nil
		}
		if _, err := authz.ImportKey(sys, saID, configured, permissions.KeyParams{}); err != nil {
			if userkit.KindOf(err) == userkit.Conflict {
				// The key is registered, but not to the bootstrap account
				// (it was revoked or given to another account). Say so
				// without the store's text.
				return "", errors.New("-admin-key is already registered to another service account or was revoked; pick a new key")
			}
			return "", err
		}
		return "", nil
	}
	keys, err := authz.ListKeys(sys, saID)
	if err != nil {
		return "", err
	}
	for _, k := range keys {
		if k.RevokedAt == nil && (k.ExpiresAt == nil || k.ExpiresAt.After(time.Now())) {
			return "", nil // the key printed on an earlier start still works
		}
	}
	_, secret, err := authz.CreateKey(sys, saID, permissions.KeyParams{})
	return secret, err
}

// renormalizeEmails brings users stored before the PRECIS/IDNA normal form
// of emails to it, once per database (users.RenormalizeEmails). Users
// whose address now collides with another's are left as they were; the
// start-up fails with their count so that an operator decides.
func renormalizeEmails(ctx context.Context, store storage.Store) error {
	if v, err := store.GetSetting(ctx, emailFormSetting); err == nil && v == emailForm {
		return nil
	} else if err != nil && !errors.Is(err, userkit.ErrNotFound) {
		return err
	}
	rep, err := users.RenormalizeEmails(ctx, store)
	if err != nil {
		return err
	}
	if n := len(rep.Collisions); n > 0 {
		return fmt.Errorf("%d users have an address that now has the same normal form as another user's; merge or change them (users.RenormalizeEmails lists them)", n)
	}
	return store.PutSetting(ctx, emailFormSetting, emailForm)
}
