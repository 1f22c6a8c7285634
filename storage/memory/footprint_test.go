package memory_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/storage/memory"
)

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// footprintRecs makes n users as an import would: every string its own
// allocation, as decoded from JSON or read from a file.
func footprintRecs(n int) []storage.UserRecord {
	at := time.Now().UTC().Truncate(time.Microsecond)
	recs := make([]storage.UserRecord, n)
	for i := range recs {
		first, last := firstNames[i%len(firstNames)], lastNames[i%len(lastNames)]
		email := fmt.Sprintf("%s.%s%d@example.com", first, last, i)
		recs[i] = storage.UserRecord{
			ID: uuid.Must(uuid.NewV7()), Email: email, EmailNorm: strings.ToLower(email),
			FirstName: strings.Clone(first), LastName: strings.Clone(last),
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

// BenchmarkBytesPerUser reports the heap the memory store holds per user
// at 100,000 users, its strings included (HeapAlloc after two GCs, before
// the records are made and after they are stored and the input slice is
// dropped), against plain maps of the same
// records (map[uuid.UUID]UserRecord plus map[email]uuid.UUID):
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
		b.StartTimer()
	}
}
