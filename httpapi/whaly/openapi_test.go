package whaly_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/userkit/userkit/httpapi/internal/apispec"
	"github.com/userkit/userkit/httpapi/whaly"
)

// TestOpenAPI sends a valid request to every route and validates each
// answer against the package's document (the seed's fragments merged)
// read strictly, as a generated client reads it: every page, including the
// last, has paging.next.after, and a member who never logged in still has
// a last_logged_at string.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0)
	mux := http.NewServeMux()
	whaly.Register(mux, "", f.Svc.HTTP(), f.Opts)
	spec := apispec.New(t, whaly.OpenAPI(), mux)
	if err := f.Svc.Portals.RecordLogin(f.Sys, f.pa.ID, f.john.ID); err != nil {
		t.Fatal(err)
	}

	get := func(path string) (after string) {
		w := spec.Do(t, apispec.Request{Method: "GET", Path: path, Auth: f.keyA})
		var page struct {
			Paging struct{ Next struct{ After *string } }
		}
		if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil {
			t.Fatal(err)
		}
		if page.Paging.Next.After == nil {
			t.Fatalf("GET %s: no paging.next.after", path)
		}
		return *page.Paging.Next.After
	}
	after := get(f.usersPath(f.pa) + "?limit=1") // John, who logged in
	if after == "" {
		t.Fatal("first page: empty cursor")
	}
	if last := get(f.usersPath(f.pa) + "?limit=1&after=" + after); last != "" { // Jane, who never did
		t.Fatalf("last page: cursor %q, want \"\"", last)
	}
	get(f.usersPath(f.pa)) // the whole list, in one (last) page

	spec.Do(t, apispec.Request{Method: "GET", Path: f.userPath(f.pa, f.jane.ID), Auth: f.keyA})
	spec.Do(t, apispec.Request{Method: "POST", Path: f.usersPath(f.pa), Auth: f.keyA,
		Body: fmt.Sprintf(`{"first_name":"Mona","last_name":"Benson","email":"mona.benson@example.com","password":"Secret1234","roles":[%q],"locale":"en_US","attributes":[{"id":%q,"value":"tenant-42"}]}`,
			f.viewer.ID, f.tenant.ID)})
	spec.Do(t, apispec.Request{Method: "DELETE", Path: f.userPath(f.pa, f.jane.ID), Auth: f.keyA})
	spec.Covered(t)
}
