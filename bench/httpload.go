package main

// A small HTTP/1.1 load generator: each connection writes a prepared
// request, reads the response (Content-Length or chunked) and repeats,
// keep-alive, one request in flight per connection, like wrk -c8. It
// does far less work per request than net/http's client, so the server
// gets most of the CPU.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

type loadResult struct {
	reqs     int
	non2xx   int
	rps      float64
	p50, p99 time.Duration
}

// buildRequests renders GET requests for the paths, with the key as
// "Bearer <key>" or, when raw, as the whole Authorization value.
func buildRequests(host string, paths []string, key string, raw bool) [][]byte {
	out := make([][]byte, len(paths))
	for k, p := range paths {
		var b bytes.Buffer
		fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\n", p, host)
		if key != "" {
			if raw {
				fmt.Fprintf(&b, "Authorization: %s\r\n", key)
			} else {
				fmt.Fprintf(&b, "Authorization: Bearer %s\r\n", key)
			}
		}
		b.WriteString("\r\n")
		out[k] = b.Bytes()
	}
	return out
}

// drive runs conns connections against addr for d (and at most maxReqs
// requests in all), cycling through reqs.
func drive(addr string, reqs [][]byte, conns int, d time.Duration, maxReqs int) (loadResult, error) {
	var (
		mu    sync.Mutex
		lats  []time.Duration
		non2  int
		first error
		wg    sync.WaitGroup
	)
	var issued atomic.Int64
	start := time.Now()
	deadline := start.Add(d)
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 4096)
			bad := 0
			err := func() error {
				conn, err := net.Dial("tcp", addr)
				if err != nil {
					return err
				}
				defer conn.Close()
				br := bufio.NewReaderSize(conn, 64<<10)
				for k := c * 7919; time.Now().Before(deadline); k++ {
					if issued.Add(1) > int64(maxReqs) {
						return nil
					}
					t0 := time.Now()
					if _, err := conn.Write(reqs[k%len(reqs)]); err != nil {
						return err
					}
					code, err := readResponse(br)
					if err != nil {
						return err
					}
					local = append(local, time.Since(t0))
					if code < 200 || code > 299 {
						bad++
					}
				}
				return nil
			}()
			mu.Lock()
			lats = append(lats, local...)
			non2 += bad
			if err != nil && first == nil {
				first = err
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	el := time.Since(start)
	if first != nil {
		return loadResult{}, first
	}
	if len(lats) == 0 {
		return loadResult{}, errors.New("no request completed")
	}
	slices.Sort(lats)
	return loadResult{
		reqs: len(lats), non2xx: non2, rps: float64(len(lats)) / el.Seconds(),
		p50: lats[len(lats)*50/100], p99: lats[min(len(lats)-1, len(lats)*99/100)],
	}, nil
}

// readResponse reads one response and returns its status code.
func readResponse(br *bufio.Reader) (int, error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	if len(line) < 12 {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	code, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	length, chunked := -1, false
	for {
		h, err := br.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		if len(h) <= 2 {
			break
		}
		name, val, ok := bytes.Cut(h, []byte(":"))
		if !ok {
			continue
		}
		val = bytes.TrimSpace(val)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			length, _ = strconv.Atoi(string(val))
		case bytes.EqualFold(name, []byte("Transfer-Encoding")) && bytes.EqualFold(val, []byte("chunked")):
			chunked = true
		}
	}
	switch {
	case chunked:
		for {
			l, err := br.ReadSlice('\n')
			if err != nil {
				return 0, err
			}
			size, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.SplitN(l, []byte(";"), 2)[0])), 16, 64)
			if err != nil {
				return 0, fmt.Errorf("bad chunk size %q", l)
			}
			if _, err := br.Discard(int(size) + 2); err != nil {
				return 0, err
			}
			if size == 0 {
				return code, nil
			}
		}
	case length >= 0:
		_, err = br.Discard(length)
		return code, err
	}
	return 0, errors.New("response without a length")
}

// bareBody is the reference response: a fixed JSON user of about 420 bytes.
var bareBody = []byte(`{"id":"u-11427","email":"mona.benson11427@example.com","firstName":"Mona","lastName":"Benson","loginName":"mona.benson11427","status":"Active","role":"Designer","provider":"password","locale":"en-AU","timezone":"(UTC+10:00) Canberra, Melbourne, Sydney","city":"Sydney","country":"Australia","department":"Finance","phoneLand":"","phoneMobile":"","createdAt":"2024-01-01T00:00:11.427Z","updatedAt":"2024-01-01T00:00:11.427Z"}` + "\n")

func bareHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(bareBody) //nolint:errcheck // the client is local
	})
}

// serve starts h on 127.0.0.1 and returns its address and a stop func.
func serve(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: nil}
	go srv.Serve(ln) //nolint:errcheck // Close ends it
	return ln.Addr().String(), func() { srv.Close() }, nil
}
