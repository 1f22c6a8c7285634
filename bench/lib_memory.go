package main

// LIBRARY CALLS (memory store footprint and errors).

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

func isForbidden(err error) bool { return userkit.KindOf(err) == userkit.Forbidden }

// memRecord is user i as a storage record.
func memRecord(i int) storage.UserRecord {
	first, last, mail, t := firstName(i), lastName(i), email(i), created(i)
	return storage.UserRecord{
		ID: userID(i), Email: mail, EmailNorm: lower(mail), FirstName: first, LastName: last,
		LoginName: loginName(i), Status: status(i), Role: "user", Provider: "password", Locale: "en", Timezone: "UTC",
		PasswordHash: passwordHash, CreatedAt: t, UpdatedAt: t, Version: 1,
	}
}

// fillMemoryViaService creates n users in a new memory store with
// users.Service.Create (pre-hashed password): records, indexes, login
// names and one audit event each, what a host's store holds.
func fillMemoryViaService(ctx context.Context, n int) (any, error) {
	s := newMemoryStore()
	svc := services(s)
	sys := permissions.WithPrincipal(ctx, permissions.System)
	for i := range n {
		if _, err := svc.Users.Create(sys, users.CreateParams{
			Email: email(i), FirstName: firstName(i), LastName: lastName(i), PasswordHash: passwordHash,
			Role: "user", Locale: "en", Timezone: "UTC",
		}); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// fillMemoryViaStore creates the same n records with store.CreateUser only.
func fillMemoryViaStore(ctx context.Context, n int) (any, error) {
	s := newMemoryStore()
	for i := range n {
		rec := memRecord(i)
		if err := s.CreateUser(ctx, &rec); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// plainMaps is the reference: the same records in a map by id plus a map
// from normalised email to id.
type plainMaps struct {
	byID    map[uuid.UUID]storage.UserRecord
	byEmail map[string]uuid.UUID
}

func fillPlainMaps(_ context.Context, n int) (any, error) {
	m := plainMaps{byID: map[uuid.UUID]storage.UserRecord{}, byEmail: map[string]uuid.UUID{}}
	for i := range n {
		rec := memRecord(i)
		rec.Num = int64(i + 1)
		m.byID[rec.ID] = rec
		m.byEmail[rec.EmailNorm] = rec.ID
	}
	if len(m.byID) != n {
		return nil, errors.New("plain maps: duplicate ids")
	}
	return m, nil
}
