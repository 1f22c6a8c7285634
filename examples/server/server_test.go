package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/matryer/is"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server is one run of the example server in the test process.
type server struct {
	addr           string
	stdout, stderr *syncBuffer
	stop           func() error
}

// start runs the server with args (plus a free port) until stop is called.
func start(t *testing.T, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), func(string) string { return "" },
			s.stdout, s.stderr, func(addr string) { ready <- addr })
	}()
	select {
	case s.addr = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("server did not start: %v\n%s", err, s.stderr)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("server did not start within 30s")
	}
	var once sync.Once
	var stopErr error
	s.stop = func() error {
		once.Do(func() { cancel(); stopErr = <-done })
		return stopErr
	}
	t.Cleanup(func() { _ = s.stop() })
	return s
}

func (s *server) get(t *testing.T, path, auth string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", "http://"+s.addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	return res.StatusCode, b.String()
}

var keyRE = regexp.MustCompile(`sk:[A-Za-z0-9_-]{43}`)

const fixedKey = "sk:" + "TestAdminKeyTestAdminKeyTestAdminKeyTestAdm"

// TestREADMEWalkthrough replays every ```sh block of the README, in order
// and in one shell, against a fresh demo server, so the README cannot go
// stale: each curl uses -f, so any HTTP error fails the script.
func TestREADMEWalkthrough(t *testing.T) {
	is := is.New(t)
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("the README walk-through needs curl on PATH")
	}
	readme, err := os.ReadFile("../../README.md")
	is.NoErr(err)
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	is.True(len(blocks) >= 5) // one block per API at least

	s := start(t, "-db", "sqlite:"+filepath.Join(t.TempDir(), "readme.db"), "-demo", "-admin-key", fixedKey)
	var script strings.Builder
	script.WriteString("set -euo pipefail\n")
	for _, b := range blocks {
		script.WriteString(strings.ReplaceAll(b[1], "localhost:8080", s.addr))
		script.WriteString("\n")
	}
	cmd := exec.Command("bash", "-c", script.String())
	cmd.Env = append(os.Environ(), "KEY="+fixedKey)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("a README call failed (%v); output so far:\n%s", err, out)
	}
	got := string(out)
	for _, want := range []string{
		`"loginName":"mona.benson"`,      // Solvexia list
		`"firstName":"Jill"`,             // Solvexia create
		`"resourceId":"mt-4323"`,         // Solvexia permission
		`"email":"jane.doe@example.com"`, // Venuzle create
		`"first_name":"Ada"`,             // Whaly create
		`"Organisation":"Acme"`,          // Tyk user
		`"key":"sk:`,                     // admin key creation shows the secret once
	} {
		is.True(strings.Contains(got, want)) // README output shows the documented fields
	}
	is.True(!strings.Contains(s.stderr.String(), fixedKey))           // the key never reaches the log
	is.True(!strings.Contains(s.stderr.String(), "Samplepassword12")) // nor a password
}

// TestRestartKeepsUsersAndKey starts without -admin-key, takes the key
// printed once, and checks that a restart on the same database keeps the
// key working, prints no new key and keeps the data.
func TestRestartKeepsUsersAndKey(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "restart.db")

	first := start(t, "-db", db, "-demo")
	key := keyRE.FindString(first.stdout.String())
	is.True(key != "") // the first start prints a generated key
	status, body := first.get(t, "/api/v1/users", "Bearer "+key)
	is.Equal(status, 200)
	is.True(strings.Contains(body, "mona.benson")) // demo users are there
	is.NoErr(first.stop())                         // graceful shutdown

	second := start(t, "-db", db, "-demo")
	is.True(!keyRE.MatchString(second.stdout.String())) // no new key on a later start
	status, again := second.get(t, "/api/v1/users", "Bearer "+key)
	is.Equal(status, 200) // the first key still works
	is.Equal(again, body) // and every user is kept (demo data not loaded twice)
	status, _ = second.get(t, "/api/v1/users", "")
	is.Equal(status, 401) // no credential, no users
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := start(t, "-db", "memory:")
	status, body := s.get(t, "/healthz", "")
	is.Equal(status, 200)
	is.Equal(body, "{\"status\":\"ok\"}\n")
	is.True(strings.Contains(s.stderr.String(), "path=/healthz status=200")) // each request is logged
	is.True(strings.Contains(s.stdout.String(), "/portal-api/users"))        // the banner lists the APIs
}

func TestBadStartsFail(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"-nope"}, "flag provided but not defined"},
		{"bad db scheme", []string{"-db", "oracle://x"}, "want sqlite:<file>"},
		{"short admin key", []string{"-db", "memory:", "-admin-key", "sk:short"}, "-admin-key must"},
		{"short secret", []string{"-db", "memory:", "-secret", "tiny"}, "-secret must"},
		{"unreachable postgres", []string{"-db", "postgres://nobody:hunter2@127.0.0.1:1/x?connect_timeout=2"}, "unreachable"},
		{"busy address", []string{"-db", "memory:", "-addr", "256.0.0.1:99999"}, "listen"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			var out, errOut syncBuffer
			err := run(context.Background(), c.args, func(string) string { return "" }, &out, &errOut, nil)
			is.True(err != nil)                                // the start fails
			is.True(strings.Contains(err.Error(), c.want))     // with a clear reason
			is.True(!strings.Contains(err.Error(), "hunter2")) // and no password in it
		})
	}
}

func TestConfigFromEnvironment(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	env := map[string]string{"USERKIT_ADDR": "127.0.0.1:9999", "USERKIT_DB": "memory:", "USERKIT_DEMO": "1"}
	c, err := parseConfig(nil, func(k string) string { return env[k] }, &syncBuffer{})
	is.NoErr(err)
	is.Equal(c, config{Addr: "127.0.0.1:9999", DB: "memory:", Demo: true, Console: true, RedisPrefix: "userkit:", RateLimit: 500}) // environment fallbacks apply

	c, err = parseConfig([]string{"-addr", ":1"}, func(k string) string { return env[k] }, &syncBuffer{})
	is.NoErr(err)
	is.Equal(c.Addr, ":1") // a flag beats the environment
}

func TestMySQLDSN(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	got, err := mysqlDSN("mysql://root:pw@127.0.0.1/test?tls=false")
	is.NoErr(err)
	is.Equal(got, "root:pw@tcp(127.0.0.1:3306)/test?tls=false")
	_, err = mysqlDSN("mysql://127.0.0.1")
	is.True(err != nil) // a database name is required
	is.Equal(redactDSN("postgres://u:secret@h/db"), "postgres://u:xxxxx@h/db")
}

// TestOTelStdout: with -otel stdout every API request's span, named after
// its route, and the request metrics reach standard output (flushed at
// shutdown); the served OpenAPI document needs no credential.
func TestOTelStdout(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := start(t, "-db", "memory:", "-otel", "stdout", "-console=false")
	status, _ := s.get(t, "/admin/v1/openapi.json", "")
	is.Equal(status, 200)
	status, _ = s.get(t, "/admin/v1/partners", "")
	is.Equal(status, 401)
	is.NoErr(s.stop())
	out := s.stdout.String()
	is.True(strings.Contains(out, `"Name":"GET /admin/v1/partners"`)) // the request's span
	is.True(strings.Contains(out, `"http.server.request.duration"`))  // the duration histogram
	is.True(strings.Contains(out, `"userkit.http.server.requests"`))  // the request count
}
