package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/matryer/is"
	"github.com/userkit/userkit/httpapi/admin"
	"github.com/userkit/userkit/httpapi/all"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/httpapi/solvexia"
	"github.com/userkit/userkit/httpapi/tyk"
	"github.com/userkit/userkit/httpapi/venuzle"
	"github.com/userkit/userkit/httpapi/whaly"
)

// TestDocumentsServed: every API serves its OpenAPI document below the
// mount prefix, without credentials, as a valid OpenAPI 3.1.0 document
// whose server URL names the prefix, so that a client generated from the
// served document calls the mounted API.
func TestDocumentsServed(t *testing.T) {
	t.Parallel()
	docs := []struct {
		api    all.API
		path   string
		server string // below the prefix
	}{
		{all.Solvexia, solvexia.DocumentPath, "/api/v1"},
		{all.Venuzle, venuzle.DocumentPath, ""},
		{all.Whaly, whaly.DocumentPath, ""},
		{all.Tyk, tyk.DocumentPath, "/portal-api"},
		{all.Admin, admin.DocumentPath, "/admin/v1"},
	}
	for _, prefix := range []string{"", "/userkit"} {
		t.Run("prefix="+prefix, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			f := newFixture(t)
			mux := http.NewServeMux()
			opts := *f.Opts
			opts.Prefix = prefix
			all.Mount(mux, f.Svc.HTTP(), &opts)
			is.Equal(len(docs), len(all.APIs)) // one document per API
			for _, d := range docs {
				w := apitest.Do(mux, apitest.Request{Method: "GET", Path: prefix + d.path})
				is.Equal(w.Code, 200) // served without credentials
				is.Equal(w.Header().Get("Content-Type"), "application/json")
				loader := openapi3.NewLoader()
				doc, err := loader.LoadFromData(w.Body.Bytes())
				is.NoErr(err)
				is.NoErr(doc.Validate(loader.Context)) // a valid OpenAPI document
				is.Equal(doc.OpenAPI, "3.1.0")         // every API's document is OpenAPI 3.1
				want := prefix + d.server
				if want == "" {
					want = "/"
				}
				is.Equal(len(doc.Servers), 1)
				is.Equal(doc.Servers[0].URL, want) // the server is where the API is mounted
				var raw map[string]json.RawMessage
				is.NoErr(json.Unmarshal(w.Body.Bytes(), &raw))
				is.True(raw["paths"] != nil)

				w = apitest.Do(mux, apitest.Request{Method: "HEAD", Path: prefix + d.path})
				is.Equal(w.Code, 200)
				is.Equal(w.Body.Len(), 0) // HEAD: no body
				w = apitest.Do(mux, apitest.Request{Method: "POST", Path: prefix + d.path, Body: "{}"})
				is.Equal(w.Code, 405) // in the API's own error shape
				is.Equal(w.Header().Get("Allow"), "GET, HEAD")
			}
		})
	}
}
