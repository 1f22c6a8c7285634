package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/matryer/is"
)

func TestConsoleServed(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s := start(t, "-db", "memory:")
	is.True(strings.Contains(s.stdout.String(), "/console/")) // the banner names the console
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get("http://" + s.addr + "/console/users")
	is.NoErr(err)
	resp.Body.Close()
	is.Equal(resp.StatusCode, http.StatusSeeOther)                             // no session
	is.True(strings.HasPrefix(resp.Header.Get("Location"), "/console/signin")) // sent to sign-in
	code, body := s.get(t, "/console/signin", "")
	is.Equal(code, http.StatusOK)
	is.True(strings.Contains(body, "Sign in"))

	off := start(t, "-db", "memory:", "-console=false")
	code, _ = off.get(t, "/console/signin", "")
	is.Equal(code, http.StatusNotFound) // -console=false turns it off
	is.True(!strings.Contains(off.stdout.String(), "/console/"))
}
