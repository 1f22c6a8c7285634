package memory_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
)

// TestUserTimesAreCopied: every time pointer of a user is the store's own,
// on the way in and on the way out, so no caller can change stored data by
// writing through a pointer.
func TestUserTimesAreCopied(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := memory.New()
	at := time.Date(2025, 5, 21, 10, 0, 0, 0, time.UTC)
	u := storage.UserRecord{
		ID: uuid.Must(uuid.NewV7()), Email: "a@example.com", EmailNorm: "a@example.com", FirstName: "A", LastName: "B",
		LoginName: "a.b", Status: "active", CreatedAt: at, UpdatedAt: at, Version: 1,
		DateOfBirth: new(at), LastLoginAt: new(at), APITokenCreatedAt: new(at),
	}
	is.NoErr(s.CreateUser(t.Context(), &u))
	for _, p := range []*time.Time{u.DateOfBirth, u.LastLoginAt, u.APITokenCreatedAt} {
		*p = p.Add(time.Hour) // the caller reuses what it created with
	}
	got, err := s.GetUser(t.Context(), u.ID)
	is.NoErr(err)
	for _, p := range []*time.Time{got.DateOfBirth, got.LastLoginAt, got.APITokenCreatedAt} {
		is.True(p.Equal(at))  // creating copied every time
		*p = p.Add(time.Hour) // the caller changes what it read
	}
	again, err := s.GetUser(t.Context(), u.ID)
	is.NoErr(err)
	for _, p := range []*time.Time{again.DateOfBirth, again.LastLoginAt, again.APITokenCreatedAt} {
		is.True(p.Equal(at)) // reading copied every time
	}
}
