package solvexia

import (
	"bytes"
	_ "embed"
)

// DocumentPath is where Register serves OpenAPI() below the mount prefix,
// without authentication, with its servers naming the prefix.
const DocumentPath = "/api/v1/openapi.json"

//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the API's document as this package serves it: the
// OpenAPI 3.1.0 document (JSON) of the Solvexia API's users and
// permissions: the seed (Solvexia's users reference, prose) restated in
// 3.1 (JSON Schema 2020-12: a nullable field is typed ["string", "null"]),
// stated strictly (required fields, types, null only where the document
// allows it). Every route Register mounts is an operation of it, and every
// 2xx answer validates against it. The result is a copy.
func OpenAPI() []byte { return bytes.Clone(openAPI) }
