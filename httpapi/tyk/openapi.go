package tyk

import (
	"bytes"
	_ "embed"
)

// DocumentPath is where Register serves OpenAPI() below the mount prefix,
// without authentication, with its servers naming the prefix.
const DocumentPath = "/portal-api/openapi.json"

//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the API's document as this package serves it: the
// OpenAPI 3.1.0 document (JSON) of the Tyk portal API's users,
// organisations and teams: the seed's user and the portal's published
// OpenAPI 3.0.3 operations restated in 3.1 (no schema carries a 3.0-only
// keyword), stated strictly (required fields, types, null only where the
// document allows it). Every route Register mounts is an operation of it,
// and every 2xx answer validates against it. The result is a copy.
func OpenAPI() []byte { return bytes.Clone(openAPI) }
