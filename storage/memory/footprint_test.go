package memory_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// footprintName is user i's name: 1,440 names of ten namesakes each on
// average per 14,400 users, so that login names get numbered as in a real
// population without one name taking thousands of numbers.
func footprintName(i int) (first, last string) {
	first = firstNames[i%len(firstNames)]
	last = lastNames[i%len(lastNames)] + strings.ToLower(lastNames[i/len(lastNames)%len(lastNames)])
	return first, last
}

// footprintRecs makes n users as an import would: every string its own
// allocation, as decoded from JSON or read from a file.
func footprintRecs(n int) []storage.UserRecord {
	at := time.Now().UTC().Truncate(time.Microsecond)
	recs := make([]storage.UserRecord, n)
	for i := range recs {
		first, last := footprintName(i)
		email := fmt.Sprintf("%s.%s%d@example.com", first, last, i)
		recs[i] = storage.UserRecord{
			ID: uuid.Must(uuid.NewV7()), Email: email, EmailNorm: strings.ToLower(email),
			FirstName: strings.Clone(first), LastName: last,
			LoginName: strings.ToLower(fmt.Sprintf("%s.%s%d", first, last, i)),
			Status:    strings.Clone("active"), Role: strings.Clone("Subscriber"), Locale: strings.Clone("en_US"),
			Timezone: strings.Clone("Europe/Vienna"), Country: strings.Clone("AT"),
			Provider:     strings.Clone("password"), // what users.Service gives every user
			PasswordHash: fmt.Sprintf("$argon2id$v=19$m=19456,t=2,p=1$%022d$%043d", i, i),
			CreatedAt:    at, UpdatedAt: at, Version: 1,
		}
	}
	return recs
}

// maxServiceBytesPerUser is the most heap the store may hold per user
// created through users.Service.Create (issue 9).
const maxServiceBytesPerUser = 700

// serviceBytesPerUser creates n users as a host creates them, through
// users.Service.Create (the row, its indexes, a login name and the audit
// event), and returns the heap the store holds per user: HeapAlloc after
// two GCs before and after, over so many users that one allocation more or
// less does not show. Nothing else may run meanwhile.
func serviceBytesPerUser(tb testing.TB, n int) float64 {
	ctx := context.Background()
	base := heap()
	s := memory.New()
	svc := users.New(s, permissions.New(s, nil), nil)
	sys := permissions.WithPrincipal(ctx, permissions.System)
	for i := range n {
		first, last := footprintName(i)
		if _, err := svc.Create(sys, users.CreateParams{
			Email: fmt.Sprintf("%s.%s%d@example.com", first, last, i), FirstName: first, LastName: last,
			PasswordHash: fmt.Sprintf("$argon2id$v=19$m=19456,t=2,p=1$%022d$%043d", i, i),
			Role:         "Subscriber", Locale: "en_US", Timezone: "Europe/Vienna",
		}); err != nil {
			tb.Fatal(err)
		}
	}
	per := float64(heap()-base) / float64(n)
	evs, err := s.EventsAfter(ctx, 0, n+1)
	if err != nil || len(evs) != n {
		tb.Fatal("want one audit event per user:", len(evs), err)
	}
	return per
}

// TestServiceBytesPerUser: 100,000 users created through
// users.Service.Create fit in maxServiceBytesPerUser each. It must not run
// in parallel with other tests.
func TestServiceBytesPerUser(t *testing.T) {
	is := is.New(t)
	per := serviceBytesPerUser(t, 100_000)
	t.Logf("%.0f B per user", per)
	is.True(per <= maxServiceBytesPerUser) // heap per user within the target
}

// BenchmarkBytesPerUser reports the heap the memory store holds per user
// at 100,000 users, its strings included (HeapAlloc after two GCs, before
// the records are made and after they are stored and the input slice is
// dropped), against plain maps of the same
// records (map[uuid.UUID]UserRecord plus map[email]uuid.UUID), and through
// users.Service.Create (with a login name and an audit event each):
//
//	go test -run '^$' -bench BytesPerUser -benchtime 1x ./storage/memory/
func BenchmarkBytesPerUser(b *testing.B) {
	const n = 100_000
	for b.Loop() {
		b.StopTimer()
		ctx := context.Background()
		base := heap()
		recs := footprintRecs(n)
		s := memory.New()
		for i := range recs {
			if err := s.CreateUser(ctx, &recs[i]); err != nil {
				b.Fatal(err)
			}
		}
		recs = nil
		store := float64(heap()-base) / n
		runtime.KeepAlive(s)
		s = nil

		base = heap()
		recs = footprintRecs(n)
		byID := make(map[uuid.UUID]storage.UserRecord)
		byEmail := make(map[string]uuid.UUID)
		for _, r := range recs {
			byID[r.ID] = r
			byEmail[r.EmailNorm] = r.ID
		}
		recs = nil
		plain := float64(heap()-base) / n
		runtime.KeepAlive(byID)
		runtime.KeepAlive(byEmail)
		b.ReportMetric(store, "store-B/user")
		b.ReportMetric(plain, "maps-B/user")
		b.ReportMetric(store/plain, "store/maps")
		b.ReportMetric(serviceBytesPerUser(b, n), "service-B/user")
		b.StartTimer()
	}
}
