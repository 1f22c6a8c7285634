package main

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/userkit/userkit/storage/sqlstore/sqltest"
)

// redisURL is USERKIT_REDIS_URL (.ci/run sets redis://127.0.0.1:6379/0);
// without it the test is skipped, or fails with USERKIT_REQUIRE_DB=1.
func redisURL(t *testing.T) string {
	t.Helper()
	if u := os.Getenv("USERKIT_REDIS_URL"); u != "" {
		return u
	}
	msg := "USERKIT_REDIS_URL is not set; set it to a Redis database the test may write keys in (see .ci/run)"
	if os.Getenv(sqltest.RequireEnv) == "1" {
		t.Fatal(msg + " (" + sqltest.RequireEnv + "=1 makes a missing Redis a failure)")
	}
	t.Skip(msg)
	return ""
}

// sharedLimit is the -rate-limit of testSharedRateLimit, and sharedSent
// how many requests it sends.
const sharedLimit, sharedSent = 10, 30

// testSharedRateLimit starts two servers on one database, sharing one
// Redis with -rate-limit 10 and a key prefix of their own (so runs do not
// share counters), and sends 30 Whaly requests with one key, alternating
// between the two: the limit is global, so exactly 10 are answered 2xx
// and the other 20 are 429 (reliability report F3: two instances allowed
// 1,066 requests a minute against a limit of 500). The limit refills one
// request every 6 s; the 30 requests take well under that.
func testSharedRateLimit(t *testing.T, bin string, fresh freshDB) {
	is := is.New(t)
	redis := redisURL(t)
	dsn, _ := fresh(t)
	prefix := randomName("userkit-fleet-") + ":"
	procs := startTogether(t, bin, 2, "-db", dsn, "-demo", "-admin-key", fixedKey,
		"-redis", redis, "-redis-prefix", prefix, "-rate-limit", "10")
	a, b := procs[0], procs[1]

	status, body := a.call(t, "GET", "/admin/v1/portals", fixedKey, "") // the admin API is not rate limited
	is.Equal(status, 200)
	var portals struct{ Data []struct{ ID string } }
	is.NoErr(json.Unmarshal([]byte(body), &portals))
	is.Equal(len(portals.Data), 1) // the demo portal
	path := "/v1/partner-portals/" + portals.Data[0].ID + "/users"

	counts := map[int]int{}
	start := time.Now()
	for i := range sharedSent {
		p := procs[i%2]
		status, body := p.call(t, "GET", path, fixedKey, "")
		if status != 200 && status != 429 {
			t.Fatalf("request %d: status %d: %s", i, status, body)
		}
		counts[status]++
	}
	elapsed := time.Since(start)
	t.Logf("shared rate limit: %d requests alternating over 2 processes in %v with -rate-limit %d: %d × 200, %d × 429",
		sharedSent, elapsed.Round(time.Millisecond), sharedLimit, counts[200], counts[429])
	is.Equal(counts[200], sharedLimit)            // one limit for the fleet, not one per process
	is.Equal(counts[429], sharedSent-sharedLimit) // the rest refused
	is.NoErr(a.stop())
	is.NoErr(b.stop())
}
