package whaly_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit/httpapi/internal/apitest"
)

// TestPermissionBeforeBody: the caller's permission is decided before the
// body's problems, as on Solvexia: a key without users.create on the
// portal gets 403 for a body with missing fields and malformed ids, and
// a key holding it gets 400 listing every problem once.
func TestPermissionBeforeBody(t *testing.T) {
	t.Parallel()
	f := newFixture(t, -1)
	for _, body := range []string{
		`{}`,
		`{"first_name":" ","email":"x","roles":["not-a-uuid"],"attributes":[{"id":"nope","value":"1"}]}`,
		`{"first_name":"Mona","last_name":"Benson","email":"mona@example.com"}`,
	} {
		t.Run(body, func(t *testing.T) {
			is := is.New(t)
			for _, key := range []string{f.keyB, f.readOnlyA} { // B's key on A's portal; A's read-only key
				w := apitest.Do(f.h, apitest.Request{Method: "POST", Path: f.usersPath(f.pa), Auth: key, Body: body})
				is.Equal(w.Code, http.StatusForbidden) // refused before the body is judged
			}
			w := apitest.Do(f.h, apitest.Request{Method: "POST", Path: f.usersPath(f.pa), Auth: f.keyA, Body: body})
			is.Equal(w.Code, http.StatusBadRequest) // the body's problems, for a caller who may create
			var e struct{ Message string }
			is.NoErr(json.Unmarshal(w.Body.Bytes(), &e))
			for _, clause := range strings.Split(e.Message, "; ") {
				field, _, _ := strings.Cut(clause, ":")
				is.Equal(strings.Count(e.Message, field+":"), 1) // each field once
			}
		})
	}
}
