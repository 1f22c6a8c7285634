package whaly_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/userkit/userkit/httpapi/internal/apitest"
)

// FuzzDecodeCreate sends f's bodies through the real create handler and
// checks that every answer is a JSON object and never a 500.
func FuzzDecodeCreate(f *testing.F) {
	for _, s := range []string{
		`{"first_name":"Mona","last_name":"Benson","email":"mona.benson@example.com","roles":["{role}"],"attributes":[{"id":"{attr}","value":"x"}]}`,
		`{"roles":[1]}`, `{"attributes":[{"id":5}]}`, `[]`, `{`, `null`, `{"locale":"en_US","roles":[]}`,
	} {
		f.Add(s)
	}
	var fx *fixture
	f.Fuzz(func(t *testing.T, body string) {
		if fx == nil {
			fx = newFixture(t, -1)
		}
		// {role} and {attr} stand for the fixture's role and attribute ids.
		body = strings.NewReplacer("{role}", fx.viewer.ID.String(), "{attr}", fx.tenant.ID.String()).Replace(body)
		w := apitest.Do(fx.h, apitest.Request{Method: "POST", Path: fx.usersPath(fx.pa), Auth: fx.keyA, Body: body})
		if w.Code >= 500 {
			t.Fatalf("status %d for %q: %s", w.Code, body, w.Body)
		}
		var v map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
			t.Fatalf("answer is not a JSON object for %q: %s", body, w.Body)
		}
	})
}
