package apispec

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/matryer/is"
)

func TestPatterns(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	mux := http.NewServeMux()
	want := []string{"DELETE /a/{id}", "GET /a", "GET /a/{id}", "GET /static/", "POST /a"}
	for _, p := range want {
		mux.Handle(p, http.NotFoundHandler())
	}
	got, err := Patterns(mux)
	is.NoErr(err)
	is.Equal(got, want) // every registered pattern, once, sorted
}

func TestClosed(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	doc, err := openapi3.NewLoader().LoadFromData([]byte(`{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{},
	"components":{"schemas":{
	  "List":{"allOf":[{"$ref":"#/components/schemas/Wrapper"},{"properties":{"data":{"type":"array","items":{"$ref":"#/components/schemas/Item"}}}}]},
	  "Wrapper":{"type":"object","properties":{"paging":{"type":"object"}}},
	  "Item":{"type":"object","properties":{"id":{"type":"string"}}},
	  "Open":{"type":"object","properties":{"id":{"type":"string"}},"additionalProperties":true}}}}`))
	is.NoErr(err)
	schemas := doc.Components.Schemas
	is.Equal(closed(schemas["List"], map[string]any{"paging": map[string]any{"x": 1.0},
		"data": []any{map[string]any{"id": "1"}}}, "body"), []string(nil)) // allOf branches merge; a schema without properties is open
	problems := closed(schemas["List"], map[string]any{"extra": true,
		"data": []any{map[string]any{"id": "1", "name": "x"}}}, "body")
	slices.Sort(problems)
	is.Equal(len(problems), 2) // an unknown key at the top and in an item
	is.True(strings.HasPrefix(problems[0], "body.data[0].name:"))
	is.True(strings.HasPrefix(problems[1], "body.extra:"))
	is.Equal(closed(schemas["Open"], map[string]any{"id": "1", "more": 1.0}, "body"), []string(nil)) // additionalProperties allows more
}

func TestSpelledAs30(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	var doc any
	is.NoErr(json.Unmarshal([]byte(`{"openapi":"3.1.0","components":{"schemas":{
	  "A":{"type":"object","properties":{
	    "nullable":{"type":"boolean"},
	    "city":{"type":"string","nullable":true},
	    "n":{"type":"integer","minimum":0,"exclusiveMinimum":true},
	    "m":{"type":"integer","exclusiveMaximum":10},
	    "e":{"type":"object","examples":[{"nullable":true}],"default":{"exclusiveMinimum":true}}}}}}}`), &doc))
	is.Equal(spelledAs30(doc, ""), []string{
		`/components/schemas/A/properties/city: "nullable" is OpenAPI 3.0; write "type": [..., "null"]`,
		`/components/schemas/A/properties/n: a boolean "exclusiveMinimum" is OpenAPI 3.0; write the bound itself`,
	}) // a property named nullable, a 3.1 bound and values that look like keywords pass
}

func TestSchemaError(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	err := &openapi3.SchemaError{Value: "x", SchemaField: "pattern",
		Reason: "jsonschema validation failed with 'https://example.com/schema.json#'\n- at '/Email': 'x' does not match pattern '^a$'"}
	is.Equal(schemaError(err), `/: at '/Email': 'x' does not match pattern '^a$' (pattern: "x")`) // the broken rule, not the validator's resource
}
