package httpapi_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/all"
	"github.com/userkit/userkit/httpapi/internal/apitest"
)

// Fuzz targets of what the body fuzzers in each API package do not reach
// (reliability report, section (d)): query strings (page, per_page,
// limit, after cursors, search), path ids, If-Match, and the
// Authorization header (API keys, user tokens, JWT-shaped strings), on
// every route of the five APIs as all.Mount serves them, over the memory
// store and over SQLite. Each input must get no 5xx, an error in the
// API's own shape for a 4xx, and, when a write is refused, no change in
// the store (a dump of every table before and after).
//
// .ci/run runs every target; the SQLite ones for fewer executions, as
// each request there is a real transaction.

// fuzzWorld is a two-tenant world (world_test.go) whose handler has no
// rate limit, so that the fuzzer reaches the parsers instead of 429s.
type fuzzWorld struct {
	*world
	h      http.Handler
	routes []route
	// protected is, per route, whether a request without a credential is
	// refused there (every route is, but the fuzzer asks the server).
	protected []bool
}

func newFuzzWorld(f *testing.F, be backend) *fuzzWorld {
	w := newWorld(f, be)
	w.Opts.RateLimit = -1
	mux := http.NewServeMux()
	all.Mount(mux, w.Svc.HTTP(), w.Opts)
	fw := &fuzzWorld{world: w, h: mux}
	for _, p := range w.patterns {
		r := parseRoute(f, p)
		fw.routes = append(fw.routes, r)
		code := fw.send(r.method, w.pathOf(r, strings.Repeat("A", len(r.slots))), "", "", w.a.fill(bodies[p])).Code
		fw.protected = append(fw.protected, code == http.StatusUnauthorized || code == http.StatusForbidden)
	}
	return fw
}

// send serves one request; auth is the whole Authorization value.
func (w *fuzzWorld) send(method, path, rawQuery, auth, body string) *httptest.ResponseRecorder {
	var r *http.Request
	if body != "" {
		r = httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	r.URL.RawQuery = rawQuery
	r.RequestURI = r.URL.RequestURI()
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, r)
	return rec
}

// wireURL and wireHeader make s something an HTTP server would hand to a handler in a URL
// or a header: bytes outside printable ASCII (and '#', which ends a URL)
// are percent-encoded in URLs; in headers, control bytes become spaces.
func wireURL(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= 0x20 || c >= 0x7f || c == '#' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func wireHeader(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// escapeSegment makes id one path segment, as a client would send it.
func escapeSegment(id string) string {
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("-._~:@!$&'()*+,;=", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// check asserts what every fuzzed answer must satisfy: no 5xx, and a 4xx
// in the API's error shape. It reports whether the request was refused.
func (w *fuzzWorld) check(t *testing.T, r route, rec *httptest.ResponseRecorder, what string) bool {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("%s %s (%s): status %d: %s", r.method, r.path, what, rec.Code, rec.Body)
	}
	if rec.Code >= 400 {
		if msg := inShape(r.api, rec); msg != "" {
			t.Fatalf("%s %s (%s): %d not in the %s error shape (%s): %s", r.method, r.path, what, rec.Code, r.api, msg, rec.Body)
		}
		return true
	}
	return false
}

// optionalKeys are the error members an API adds when there are field
// problems: the admin API's "errors" extension (RFC 9457) and Venuzle's
// Laravel-style "errors".
var optionalKeys = map[all.API][]string{all.Admin: {"errors"}, all.Venuzle: {"errors"}}

// inShape says what is wrong with rec as an error answer of api ("" for
// nothing): its media type, JSON object, and top-level members, those of
// errorShapes plus the optional ones.
func inShape(api string, rec *httptest.ResponseRecorder) string {
	shape, ok := errorShapes[all.API(api)]
	if !ok {
		return "no such API"
	}
	if ct := rec.Header().Get("Content-Type"); ct != shape.contentType {
		return "Content-Type " + ct
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		return "not a JSON object"
	}
	for _, k := range shape.keys {
		if _, ok := body[k]; !ok {
			return "no " + k
		}
	}
	for k := range body {
		if !slices.Contains(shape.keys, k) && !slices.Contains(optionalKeys[all.API(api)], k) {
			return "unexpected " + k
		}
	}
	return ""
}

// write sends a request that may write and asserts the store is unchanged
// when it is refused. Reads go straight through.
func (w *fuzzWorld) write(t *testing.T, r route, path, rawQuery, auth, body, ifMatch, what string) *httptest.ResponseRecorder {
	t.Helper()
	isWriteMethod := r.method != http.MethodGet && r.method != http.MethodHead
	var before []string
	if isWriteMethod {
		before = dump(t, w.store)
	}
	var rec *httptest.ResponseRecorder
	if ifMatch != "" {
		req := httptest.NewRequest(r.method, path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		req.URL.RawQuery = rawQuery
		req.Header.Set("If-Match", ifMatch)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec = httptest.NewRecorder()
		w.h.ServeHTTP(rec, req)
	} else {
		rec = w.send(r.method, path, rawQuery, auth, body)
	}
	refused := w.check(t, r, rec, what)
	if isWriteMethod && refused {
		if d := diff(before, dump(t, w.store)); d != "" {
			t.Fatalf("%s %s (%s) was refused with %d but changed the store:\n%s", r.method, r.path, what, rec.Code, d)
		}
	}
	return rec
}

func (w *fuzzWorld) route(i uint) (route, int) {
	n := int(i % uint(len(w.routes)))
	return w.routes[n], n
}

// aPath is r's path with tenant A's objects.
func (w *fuzzWorld) aPath(r route) string {
	return w.pathOf(r, strings.Repeat("A", len(r.slots)))
}

// querySeeds are query strings worth starting from: each API's paging and
// search parameters, spelled right and wrong.
var querySeeds = []string{
	"", "page=1&per_page=2", "page=0", "page=-1", "page=99999999999999999999", "per_page=0", "per_page=1000000",
	"limit=2", "limit=2.0", "limit=2.0000000000", "limit=1e3", "limit=-5", "limit=abc", "limit=",
	"after=" + base64.RawURLEncoding.EncodeToString([]byte("0190a1b2-0000-7000-8000-000000000000")), "after=%%%", "after=AAAA", "after=" + strings.Repeat("A", 500),
	"search=mona", "search=%25", "search=_", "search='; DROP TABLE users; --", "search=%00", "search=%FF%FE", "search=" + strings.Repeat("a", 1000),
	"q=a&search=b&search=c", "partner_id=nope", "partner_id=0190a1b2-0000-7000-8000-000000000000", "p=1&pageSize=3&sort=-name",
}

func fuzzQuery(f *testing.F, be backend) {
	for i, q := range querySeeds {
		f.Add(uint(i), q)
	}
	w := newFuzzWorld(f, be)
	auth := "Bearer " + w.admin
	f.Fuzz(func(t *testing.T, ri uint, query string) {
		r, _ := w.route(ri)
		path := w.aPath(r)
		body := ""
		if isWrite(r.method) {
			body = w.a.fill(bodies[r.pattern])
		}
		w.write(t, r, path, wireURL(query), auth, body, "", "query "+query)
	})
}

// FuzzQueryMemory fuzzes every route's query string on the memory store.
func FuzzQueryMemory(f *testing.F) { fuzzQuery(f, backends[0]) }

// FuzzQuerySQLite is FuzzQueryMemory on SQLite.
func FuzzQuerySQLite(f *testing.F) { fuzzQuery(f, backends[1]) }

// pathSeeds are ids worth starting from, in every API's spellings.
var pathSeeds = []string{
	"1", "0", "-1", "u-1", "u-0", "u-", "u-99999999999999999999", "1.0", "1e2", "0x10", " 1", "abc",
	"0190a1b2-0000-7000-8000-000000000000", "00000000-0000-0000-0000-000000000000", "{0190a1b2-0000-7000-8000-000000000000}",
	"0190A1B2-0000-7000-8000-000000000000", "0190a1b200007000800000000000000", "res-A", "res-B", "%", "..", "a/b", "\x00", "\xff", strings.Repeat("9", 400),
}

var ifMatchSeeds = []string{"", `"1"`, "1", `W/"1"`, "*", `"0"`, `"-1"`, `"99999999999999999999"`, `"abc"`, `"1", "2"`, `""`}

func fuzzPathID(f *testing.F, be backend) {
	for i, id := range pathSeeds {
		f.Add(uint(i), uint8(i), id, ifMatchSeeds[i%len(ifMatchSeeds)])
	}
	w := newFuzzWorld(f, be)
	auth := "Bearer " + w.admin
	f.Fuzz(func(t *testing.T, ri uint, slot uint8, id, ifMatch string) {
		r, _ := w.route(ri)
		segs := strings.Split(w.aPath(r), "/")
		if len(r.slots) > 0 && slot != 255 { // 255 keeps A's real ids, to fuzz If-Match on real objects
			segs[r.slots[int(slot)%len(r.slots)]] = escapeSegment(id)
		}
		body := ""
		if isWrite(r.method) {
			body = w.a.fill(bodies[r.pattern])
		}
		w.write(t, r, strings.Join(segs, "/"), "", auth, body, wireHeader(ifMatch), "id "+id+", If-Match "+ifMatch)
	})
}

// FuzzPathIDMemory fuzzes every route's path ids and If-Match on the
// memory store.
func FuzzPathIDMemory(f *testing.F) { fuzzPathID(f, backends[0]) }

// FuzzPathIDSQLite is FuzzPathIDMemory on SQLite.
func FuzzPathIDSQLite(f *testing.F) { fuzzPathID(f, backends[1]) }

// authSeeds are Authorization values worth starting from; {key} is a
// real key of tenant A, which the fuzzer mutates.
var authSeeds = []string{
	"", "Bearer", "Bearer ", "Bearer {key}", "bearer {key}", "Bearer  {key}", "Bearer {key}x", "Bearer sk:", "Bearer sk:" + strings.Repeat("A", 43),
	"{key}", "Basic dXNlcjpwYXNz", "Token {key}", "Bearer {key}, Bearer {key}",
	// JWT-shaped: alg none, HS256 with a wrong signature, bad base64, huge.
	"Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIiwiZXhwIjo5OTk5OTk5OTk5fQ.",
	"Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMTkwYTFiMi0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDAifQ.c2lnbmF0dXJl",
	"eyJhbGciOiJIUzI1NiJ9.e30.", "Bearer a.b.c", "Bearer ...", "Bearer " + strings.Repeat("x", 9000),
	// {token} is a real user API token of tenant A's user (a JWT).
	"{token}", "Bearer {token}", "{token}x", "Bearer {token}.", "Bearer {token}=",
}

func fuzzAuthorization(f *testing.F, be backend) {
	for i, a := range authSeeds {
		f.Add(uint(i), a)
	}
	w := newFuzzWorld(f, be)
	token, err := httpapi.UserToken(w.Opts.TokenSecret, w.a.user)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, ri uint, auth string) {
		r, n := w.route(ri)
		if !w.protected[n] {
			return
		}
		auth = wireHeader(strings.NewReplacer("{key}", w.a.rawKey, "{token}", token).Replace(auth))
		cred := strings.Trim(auth, " \t")
		if len(cred) >= 7 && strings.EqualFold(cred[:7], "bearer ") {
			cred = strings.Trim(cred[7:], " \t")
		}
		if slices.Contains([]string{w.a.rawKey, w.b.rawKey, w.admin, token}, cred) {
			return // a real credential may be accepted; nothing else may
		}
		body := ""
		if isWrite(r.method) {
			body = w.a.fill(bodies[r.pattern])
		}
		rec := w.write(t, r, w.aPath(r), "", auth, body, "", "Authorization "+auth)
		if rec.Code < 400 {
			t.Fatalf("%s %s with Authorization %q: status %d, want a refusal: %s", r.method, r.path, auth, rec.Code, rec.Body)
		}
	})
}

// TestTokenTrailingBitsRefused: a user API token whose signature's last
// base64url character differs only in bits the decoding drops is not the
// token, and is refused on every API (the lenient decoder accepted it).
func TestTokenTrailingBitsRefused(t *testing.T) {
	t.Parallel()
	w := newWorld(t, backends[0])
	token, err := httpapi.UserToken(w.Opts.TokenSecret, w.a.user)
	if err != nil {
		t.Fatal(err)
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, token[len(token)-1])
	twin := token[:len(token)-1] + string(alphabet[last^1]) // a 32-byte signature leaves 2 bits unused
	for _, tt := range []struct{ path, auth string }{
		{fmt.Sprintf("/portal-api/users/%d", w.a.user.Num), token},
		{fmt.Sprintf("/api/v1/users/u-%d", w.a.user.Num), "Bearer " + token},
	} {
		if code, body := w.do("GET", tt.path, "", ""); code != http.StatusUnauthorized {
			t.Fatalf("GET %s without a credential: %d %s", tt.path, code, body)
		}
		rec := apitest.Do(w.mux, apitest.Request{Method: "GET", Path: tt.path, Auth: tt.auth})
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s with the token: %d %s", tt.path, rec.Code, rec.Body)
		}
		rec = apitest.Do(w.mux, apitest.Request{Method: "GET", Path: tt.path, Auth: strings.Replace(tt.auth, token, twin, 1)})
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("GET %s with the token's twin: %d, want 401", tt.path, rec.Code)
		}
	}
}

// FuzzAuthorizationMemory fuzzes the Authorization header on every route
// on the memory store: nothing but a real credential is accepted.
func FuzzAuthorizationMemory(f *testing.F) { fuzzAuthorization(f, backends[0]) }

// FuzzAuthorizationSQLite is FuzzAuthorizationMemory on SQLite.
func FuzzAuthorizationSQLite(f *testing.F) { fuzzAuthorization(f, backends[1]) }
