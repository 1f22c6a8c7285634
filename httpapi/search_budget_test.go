package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit/storage"
)

// TestSearchByEmailBudget: Venuzle's search for a member's whole email
// address, with the exact total its page shows, is the credential with
// its grants, the partner by number and one statement for the page and
// its total on SQLite (the candidates come from the email tail index in
// the same statement); PostgreSQL reads the candidates first.
func TestSearchByEmailBudget(t *testing.T) {
	t.Parallel()
	want := map[string]int64{"sqlite": 3, "postgres": 4}
	for _, tg := range countedBackends {
		t.Run(tg.Name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			be := backend{tg.Name, func(t testing.TB) storage.Store { s, _ := tg.CountedStore(t); return s }}
			w := newWorld(t, be, coldKeys)
			path := fmt.Sprintf("/api/internal/v1/partners/%d/users?search=%s", w.b.partner.Num, url.QueryEscape(strings.ToUpper(w.b.user.Email)))
			code, _, _ := w.countDo(http.MethodGet, path, w.b.rawKey, "")
			is.Equal(code, http.StatusOK) // warm-up
			code, body, n := w.countDo(http.MethodGet, path, w.b.rawKey, "")
			is.Equal(code, http.StatusOK)                                   // the search
			is.True(strings.Contains(body, `"email":"`+w.b.user.Email+`"`)) // finds the member
			is.True(strings.Contains(body, `"total":1`))                    // alone, and counts them
			is.Equal(n.Statements(), want[tg.Name])                         // in this many statements
		})
	}
}
