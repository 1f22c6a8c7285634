package venuzle_test

import (
	"encoding/json"
	"testing"

	"github.com/userkit/userkit/httpapi/internal/apitest"
)

// fuzzDecode sends f's bodies through the real handler of method/path and
// checks that every answer is a JSON object and never a 500.
func fuzzDecode(f *testing.F, method string, path func(*fixture) string, seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	var fx *fixture
	f.Fuzz(func(t *testing.T, body string) {
		if fx == nil {
			fx = newFixture(t)
		}
		w := apitest.Do(fx.h, apitest.Request{Method: method, Path: path(fx), Auth: fx.keyA, Body: body})
		if w.Code >= 500 {
			t.Fatalf("status %d for %q: %s", w.Code, body, w.Body)
		}
		var v map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
			t.Fatalf("answer is not a JSON object for %q: %s", body, w.Body)
		}
	})
}

func FuzzDecodeCreate(f *testing.F) {
	fuzzDecode(f, "POST", func(fx *fixture) string { return fx.usersPath(fx.a) },
		`{"first_name":"Mona","last_name":"Benson","email":"mona.benson@example.com","password":"Secret1234"}`,
		`{"first_name":1}`, `[]`, `{`, `null`, `{"email":"john.doe@example.com","first_name":"x","last_name":"y","password":"Secret1234"}`)
}

func FuzzDecodeUpdate(f *testing.F) {
	fuzzDecode(f, "PUT", func(fx *fixture) string { return fx.userPath(fx.a, fx.john) },
		`{"first_name":"Johnny","new_password":"NewSecret123","new_password_confirmation":"NewSecret123"}`,
		`{"email":null}`, `{"new_password":5}`, `"x"`, `{}`, `{"email":"jane.doe@example.com"}`)
}
