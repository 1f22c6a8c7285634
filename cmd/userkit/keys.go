package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/google/uuid"
	"github.com/userkit/userkit/permissions"
)

// keysCreate: a new service account with grants and its first key. The
// key is printed once, alone on stdout; it is stored hashed.
func keysCreate(stderr io.Writer, args []string) (func(*env) error, error) {
	fs := newFlags(stderr, "keys create")
	name := fs.String("account", "", "service account `name`")
	var grants multiFlag
	fs.Var(&grants, "grant", "`ACTION@SCOPE` to grant, repeatable: users.read@*, users.*@partner:<id>, *@*")
	if _, err := parse(fs, args, 0); err != nil {
		return nil, err
	}
	if strings.TrimSpace(*name) == "" {
		return nil, usagef("keys create: --account NAME is required")
	}
	var params []permissions.GrantParams
	for _, g := range grants {
		action, scope, ok := strings.Cut(g, "@")
		if !ok || action == "" {
			return nil, usagef("keys create: --grant %q: want ACTION@SCOPE", g)
		}
		sc, err := permissions.ParseScope(scope)
		if err != nil {
			return nil, usagef("keys create: --grant %q: scope must be *, partner:<id> or portal:<id>", g)
		}
		params = append(params, permissions.GrantParams{Action: action, Scope: sc})
	}
	return func(e *env) error {
		sa, err := e.authz.CreateServiceAccount(e.ctx, permissions.ServiceAccountParams{Name: *name, Grants: params})
		if err != nil {
			return fmt.Errorf("create service account: %w", err)
		}
		_, secret, err := e.authz.CreateKey(e.ctx, sa.ID, permissions.KeyParams{})
		if err != nil {
			return fmt.Errorf("create key: %w", err)
		}
		fmt.Fprintf(e.stderr, "service account %s (%s) created with %d grant(s); its key (shown once, stored hashed):\n", sa.ID, sa.Name, len(sa.Grants))
		fmt.Fprintln(e.stdout, secret)
		return nil
	}, nil
}

// keysRotate: a new key for the account, then every other key of it is
// revoked, in that order, so that a failure leaves the old keys working.
func keysRotate(stderr io.Writer, args []string) (func(*env) error, error) {
	fs := newFlags(stderr, "keys rotate")
	account := fs.String("account", "", "service account `ID`")
	if _, err := parse(fs, args, 0); err != nil {
		return nil, err
	}
	id, err := uuid.Parse(*account)
	if err != nil {
		return nil, usagef("keys rotate: --account must be a service account ID")
	}
	return func(e *env) error {
		key, secret, err := e.authz.CreateKey(e.ctx, id, permissions.KeyParams{})
		if err != nil {
			return fmt.Errorf("create key: %w", err)
		}
		keys, err := e.authz.ListKeys(e.ctx, id)
		if err != nil {
			return fmt.Errorf("list keys: %w", err)
		}
		revoked := 0
		for _, k := range keys {
			if k.ID == key.ID || k.RevokedAt != nil {
				continue
			}
			if err := e.authz.RevokeKey(e.ctx, k.ID); err != nil {
				return fmt.Errorf("revoke key %s (the new key works; revoke the rest by hand): %w", k.Prefix, err)
			}
			revoked++
		}
		fmt.Fprintf(e.stderr, "new key for service account %s; %d old key(s) revoked; the new key (shown once, stored hashed):\n", id, revoked)
		fmt.Fprintln(e.stdout, secret)
		return nil
	}, nil
}
