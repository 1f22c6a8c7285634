// Package apispec checks an API served on an http.ServeMux against the
// API's OpenAPI document (3.0 or 3.1), read strictly, the way a client generated
// from that document reads the answers. It is imported by tests only.
// A 3.1 document must spell its schemas as JSON Schema 2020-12 does: New
// fails on the 3.0 keywords a 3.1 validator ignores ("nullable", a boolean
// exclusiveMinimum or exclusiveMaximum).
//
// A Spec ties a document to a mux. New fails the test unless the mux's
// registered patterns and the document's operations match one to one,
// the route serving the document itself excepted ("GET …/openapi.json",
// core.DocumentPath): New checks instead that it answers the document,
// servers aside, without credentials.
// Spec.Do sends a request that must be valid for its operation (so the
// test speaks the document too), requires a 2xx answer and validates it
// with kin-openapi (status documented, Content-Type, body: types, required
// properties, null only where nullable, enums and patterns) and, on top,
// that no object carries a property its schema does not list (unless the
// schema sets additionalProperties). Spec.Covered fails the test unless
// every operation was answered with a 2xx.
package apispec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Spec is an OpenAPI document and the mux that serves it.
type Spec struct {
	doc  *openapi3.T
	mux  *http.ServeMux
	base string         // path of the document's first server URL, "" without servers
	ops  map[string]*op // by registered pattern ("GET /v1/…/{userId}")

	mu      sync.Mutex
	covered map[string]bool // by pattern
}

// op is one documented operation.
type op struct {
	method, path string // the document's method and path template
	item         *openapi3.PathItem
	operation    *openapi3.Operation
}

// Request is one call; Body, when set, is sent as application/json.
type Request struct {
	Method, Path string
	// Auth is the whole Authorization header value; empty sends none.
	Auth   string
	Body   string
	Header map[string]string
}

// New loads and validates document and matches it with the patterns
// registered on mux: every pattern must be a documented operation and
// every operation a registered pattern.
func New(t testing.TB, document []byte, mux *http.ServeMux) *Spec {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(document)
	if err != nil {
		t.Fatalf("load OpenAPI document: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("OpenAPI document is invalid: %v", err)
	}
	if doc.IsOpenAPI31OrLater() {
		var raw any
		if err := json.Unmarshal(document, &raw); err != nil {
			t.Fatalf("OpenAPI document: %v", err)
		}
		for _, p := range spelledAs30(raw, "") {
			t.Errorf("OpenAPI %s document: %s", doc.OpenAPI, p)
		}
	}
	s := &Spec{doc: doc, mux: mux, ops: map[string]*op{}, covered: map[string]bool{}}
	if len(doc.Servers) > 0 {
		u, err := url.Parse(doc.Servers[0].URL)
		if err != nil {
			t.Fatalf("server URL: %v", err)
		}
		s.base = strings.TrimSuffix(u.Path, "/")
	}

	patterns, err := Patterns(mux)
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{} // "METHOD docpath"
	for _, p := range patterns {
		method, path, ok := strings.Cut(p, " ")
		if !ok {
			// A method-less pattern is an API's fallback (405 with Allow
			// for a path it serves, 404 below its root), not an operation.
			continue
		}
		if method == http.MethodGet && strings.HasSuffix(path, documentPath) {
			// The document, served by the API itself; not an operation.
			checkServed(t, mux, path, document)
			continue
		}
		o := s.find(method, path)
		if o == nil {
			t.Errorf("registered route %q has no operation in the document", p)
			continue
		}
		s.ops[p] = o
		documented[o.method+" "+o.path] = true
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		for method := range doc.Paths.Value(path).Operations() {
			if !documented[method+" "+path] {
				t.Errorf("documented operation %s %s is not registered on the mux", method, path)
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return s
}

// spelledAs30 reports the OpenAPI 3.0 schema keywords in a 3.1 document,
// which JSON Schema 2020-12 does not know: a 3.1 validator ignores
// "nullable" (so null is refused where the author meant to allow it) and
// reads a boolean exclusiveMinimum or exclusiveMaximum as no bound. at is
// the JSON pointer of v.
func spelledAs30(v any, at string) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			switch k {
			case "nullable":
				if _, ok := v[k].(bool); ok {
					out = append(out, fmt.Sprintf(`%s: "nullable" is OpenAPI 3.0; write "type": [..., "null"]`, at))
				}
			case "exclusiveMinimum", "exclusiveMaximum":
				if _, ok := v[k].(bool); ok {
					out = append(out, fmt.Sprintf("%s: a boolean %q is OpenAPI 3.0; write the bound itself", at, k))
				}
			}
			switch k {
			case "example", "examples", "default", "enum", "const":
				continue // values, not schemas
			case "properties", "schemas", "patternProperties", "$defs":
				// Names map to schemas: a property named "nullable" is no keyword.
				if m, ok := v[k].(map[string]any); ok {
					names := make([]string, 0, len(m))
					for n := range m {
						names = append(names, n)
					}
					sort.Strings(names)
					for _, n := range names {
						out = append(out, spelledAs30(m[n], at+"/"+k+"/"+pointerEscape(n))...)
					}
					continue
				}
			}
			out = append(out, spelledAs30(v[k], at+"/"+pointerEscape(k))...)
		}
	case []any:
		for i, e := range v {
			out = append(out, spelledAs30(e, fmt.Sprintf("%s/%d", at, i))...)
		}
	}
	return out
}

// pointerEscape escapes a JSON pointer token (RFC 6901).
func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// documentPath ends the path of the route serving an API's document
// (core.DocumentPath).
const documentPath = "/openapi.json"

// checkServed requires GET path to answer document without credentials,
// with every member but servers unchanged.
func checkServed(t testing.TB, mux *http.ServeMux, path string, document []byte) {
	t.Helper()
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" {
		t.Errorf("GET %s: want 200 application/json, got %d %q", path, w.Code, w.Header().Get("Content-Type"))
		return
	}
	var served, want map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &served); err != nil {
		t.Errorf("GET %s: %v", path, err)
		return
	}
	if err := json.Unmarshal(document, &want); err != nil {
		t.Errorf("document: %v", err)
		return
	}
	if _, ok := served["servers"]; !ok {
		t.Errorf("GET %s: the served document names no server", path)
	}
	delete(served, "servers")
	delete(want, "servers")
	if !reflect.DeepEqual(served, want) {
		t.Errorf("GET %s: the served document differs from the package's beyond its servers", path)
	}
}

// find returns the operation documented for a registered method and path.
func (s *Spec) find(method, path string) *op {
	rest, ok := strings.CutPrefix(path, s.base)
	if !ok || (rest != "" && rest[0] != '/') {
		return nil
	}
	want := normalize(rest)
	for _, p := range s.doc.Paths.InMatchingOrder() {
		if normalize(p) != want {
			continue
		}
		item := s.doc.Paths.Value(p)
		if o := item.GetOperation(method); o != nil {
			return &op{method: method, path: p, item: item, operation: o}
		}
	}
	return nil
}

// normalize drops the names of a path template's parameters.
func normalize(path string) string {
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

// Do sends req through the mux and checks it: the request must be valid
// for its documented operation, the answer 2xx and valid for the document
// read strictly. It returns the recorded answer.
func (s *Spec) Do(t testing.TB, req Request) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(req.Method, req.Path, strings.NewReader(req.Body))
	if req.Body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if req.Auth != "" {
		r.Header.Set("Authorization", req.Auth)
	}
	for k, v := range req.Header {
		r.Header.Set(k, v)
	}
	_, pattern := s.mux.Handler(r)
	o := s.ops[pattern]
	if o == nil {
		t.Fatalf("%s %s: no documented route matches (pattern %q)", req.Method, req.Path, pattern)
	}
	name := req.Method + " " + req.Path

	ctx := context.Background()
	in := &openapi3filter.RequestValidationInput{
		Request:    r.Clone(ctx),
		PathParams: pathParams(strings.TrimPrefix(r.URL.Path, s.base), o.path),
		Route: &routers.Route{Spec: s.doc, Path: o.path, PathItem: o.item,
			Method: o.method, Operation: o.operation},
		Options: &openapi3filter.Options{
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			MultiError:         true,
		},
	}
	in.Request.Body = io.NopCloser(strings.NewReader(req.Body))
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		t.Fatalf("%s: the test's request does not follow the document: %v", name, err)
	}

	w := httptest.NewRecorder()
	s.mux.ServeHTTP(w, r)
	if w.Code < 200 || w.Code > 299 {
		t.Fatalf("%s: want a 2xx answer, got %d %s", name, w.Code, w.Body)
	}
	body := w.Body.Bytes()
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	opts.WithCustomSchemaErrorFunc(schemaError)
	err := openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 w.Code,
		Header:                 w.Header(),
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                opts,
	})
	if err != nil {
		t.Errorf("%s: answer %d does not follow the document: %v\nbody: %s", name, w.Code, err, body)
	}
	if resp := o.operation.Responses.Status(w.Code); resp != nil && resp.Value != nil {
		switch {
		case len(resp.Value.Content) == 0 && len(body) > 0:
			t.Errorf("%s: the document gives answer %d no body, got %s", name, w.Code, body)
		case len(resp.Value.Content) > 0:
			if mt := resp.Value.Content.Get(w.Header().Get("Content-Type")); mt != nil && mt.Schema != nil {
				var v any
				if err := json.Unmarshal(body, &v); err != nil {
					t.Errorf("%s: body is not JSON: %v", name, err)
				} else {
					for _, p := range closed(mt.Schema, v, "body") {
						t.Errorf("%s: %s\nbody: %s", name, p, body)
					}
				}
			}
		}
	}
	s.mu.Lock()
	s.covered[pattern] = true
	s.mu.Unlock()
	return w
}

// Covered fails the test unless every registered route answered a 2xx
// to Do.
func (s *Spec) Covered(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var missing []string
	for p := range s.ops {
		if !s.covered[p] {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	for _, p := range missing {
		t.Errorf("route %q was not exercised with a successful request", p)
	}
}

// schemaError names the value's place and the broken rule, without
// kin-openapi's dump of the schema (an enum of 137 time zones is long).
func schemaError(err *openapi3.SchemaError) string {
	reason := err.Reason
	if strings.Contains(reason, "\n") {
		// A 3.1 document's JSON Schema 2020-12 validator names its
		// resource on the first line and the broken rules on the next.
		var rules []string
		for _, line := range strings.Split(reason, "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.Contains(line, "jsonschema validation failed") {
				rules = append(rules, strings.TrimPrefix(line, "- "))
			}
		}
		if len(rules) > 0 {
			reason = strings.Join(rules, "; ")
		}
	}
	if len(reason) > 200 {
		reason = reason[:200] + "…"
	}
	v, _ := json.Marshal(err.Value)
	return fmt.Sprintf("/%s: %s (%s: %s)", strings.Join(err.JSONPointer(), "/"), reason, err.SchemaField, v)
}

// pathParams reads the values of template's parameters from path.
func pathParams(path, template string) map[string]string {
	out := map[string]string{}
	ps, ts := strings.Split(path, "/"), strings.Split(template, "/")
	for i, seg := range ts {
		if i < len(ps) && strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			v, err := url.PathUnescape(ps[i])
			if err != nil {
				v = ps[i]
			}
			out[seg[1:len(seg)-1]] = v
		}
	}
	return out
}

// closed reports the properties of objects in v that their schema does
// not list. A schema is open (any property allowed) when it lists no
// properties or sets additionalProperties; allOf branches are merged.
func closed(ref *openapi3.SchemaRef, v any, at string) []string {
	if ref == nil || ref.Value == nil {
		return nil
	}
	switch v := v.(type) {
	case map[string]any:
		props, open := properties(ref.Value)
		var out []string
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p, ok := props[k]
			if !ok {
				if !open {
					out = append(out, fmt.Sprintf("%s.%s: property not in the document's schema", at, k))
				}
				continue
			}
			out = append(out, closed(p, v[k], at+"."+k)...)
		}
		return out
	case []any:
		items := itemsOf(ref.Value)
		var out []string
		for i, e := range v {
			out = append(out, closed(items, e, fmt.Sprintf("%s[%d]", at, i))...)
		}
		return out
	}
	return nil
}

// properties merges the properties of s and its allOf branches; open is
// true when none lists properties or one allows additional ones.
func properties(s *openapi3.Schema) (props map[string]*openapi3.SchemaRef, open bool) {
	props = map[string]*openapi3.SchemaRef{}
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		if s.AdditionalProperties.Schema != nil ||
			(s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has) ||
			len(s.AnyOf) > 0 || len(s.OneOf) > 0 {
			open = true
		}
		for k, p := range s.Properties {
			props[k] = p
		}
		for _, b := range s.AllOf {
			if b.Value != nil {
				walk(b.Value)
			}
		}
	}
	walk(s)
	if len(props) == 0 {
		open = true
	}
	return props, open
}

// itemsOf is the items schema of s or of one of its allOf branches.
func itemsOf(s *openapi3.Schema) *openapi3.SchemaRef {
	if s.Items != nil {
		return s.Items
	}
	for _, b := range s.AllOf {
		if b.Value != nil {
			if it := itemsOf(b.Value); it != nil {
				return it
			}
		}
	}
	return nil
}

// Patterns returns the patterns registered on mux, sorted. The standard
// library has no way to list them, so it reads the mux's routing index
// with reflection; when a Go release changes that index, it returns an
// error rather than a short list.
func Patterns(mux *http.ServeMux) ([]string, error) {
	fail := errors.New("apispec: cannot read the patterns of this Go release's http.ServeMux (routing index changed); update apispec.Patterns")
	idx := reflect.ValueOf(mux).Elem().FieldByName("index")
	if !idx.IsValid() || idx.Kind() != reflect.Struct {
		return nil, fail
	}
	segments, multis := idx.FieldByName("segments"), idx.FieldByName("multis")
	if segments.Kind() != reflect.Map || multis.Kind() != reflect.Slice {
		return nil, fail
	}
	set := map[string]bool{}
	add := func(list reflect.Value) bool {
		for i := range list.Len() {
			p := list.Index(i)
			if p.Kind() != reflect.Pointer || p.IsNil() {
				return false
			}
			str := p.Elem().FieldByName("str")
			if str.Kind() != reflect.String {
				return false
			}
			set[str.String()] = true
		}
		return true
	}
	for it := segments.MapRange(); it.Next(); {
		if it.Value().Kind() != reflect.Slice || !add(it.Value()) {
			return nil, fail
		}
	}
	if !add(multis) {
		return nil, fail
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	slices.Sort(out)
	return out, nil
}
