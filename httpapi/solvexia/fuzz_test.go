package solvexia

import (
	"net/http"
	"testing"
)

// fuzzBody sends f's bodies through the real handler and checks that every
// answer is JSON and never a 500.
func fuzzBody(f *testing.F, method string, pathFor func(id string) string, seeds ...string) {
	s := newServer(f)
	id := s.createMona(f)
	s.resource(f, "p-2343", "Sales reconciliation")
	for _, seed := range append(seeds, "", "null", "{}", "[]", `"x"`, "{", `{"a":1}{}`) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		w := s.do(method, pathFor(id), s.admin, body)
		if w.Code == http.StatusInternalServerError {
			t.Fatalf("500 for %q: %s", body, w.Body)
		}
		if ct := w.Header().Get("Content-Type"); ct != "application/json" {
			t.Fatalf("%d with Content-Type %q for %q", w.Code, ct, body)
		}
	})
}

func FuzzDecodeCreateUser(f *testing.F) {
	fuzzBody(f, "POST", func(string) string { return "/api/v1/users" },
		monaBody,
		`{"email": "a@b.co", "firstName": "A", "lastName": "B", "password": "Samplepassword12", "userRole": "designer", "timezone": "(UTC-10:00) Hawaii"}`,
		`{"email": 1, "firstName": null, "password": ["x"], "userRole": {}, "timezone": true}`)
}

func FuzzDecodeUpdateUser(f *testing.F) {
	fuzzBody(f, "POST", func(id string) string { return "/api/v1/users/" + id },
		`{"lastName": "Jordan", "accountStatus": "Suspended", "email": "mona.jordan@sample.com"}`,
		`{"city": null, "dateOfBirth": "19/09/1999", "timezone": "(UTC-10:00) Hawaii", "userRole": "Subscriber"}`,
		`{"dateOfBirth": "29/02/2001", "firstName": null, "city": 5, "city": "x"}`)
}

func FuzzDecodeAddPermission(f *testing.F) {
	fuzzBody(f, "POST", func(id string) string { return "/api/v1/users/" + id + "/permissions" },
		`{"resourceId": "p-2343", "role": "executor"}`,
		`{"resourceId": "mt-1", "role": "reader"}`,
		`{"resourceId": 1, "role": null}`)
}

func FuzzDecodeSetPermission(f *testing.F) {
	fuzzBody(f, "POST", func(id string) string { return "/api/v1/users/" + id + "/permissions/p-2343" },
		`{"role": "editor"}`, `{"role": "OWNER"}`, `{"role": ""}`)
}
