package whaly

import (
	"bytes"
	_ "embed"
)

// DocumentPath is where Register serves OpenAPI() below the mount prefix,
// without authentication, with its servers naming the prefix.
const DocumentPath = "/v1/partner-portals/openapi.json"

//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the API's document as this package serves it: the
// OpenAPI 3.1.0 document (JSON) of the Whaly API's partner-portal users:
// the seed's OpenAPI 3.0.0 fragments restated in 3.1 (their schemas carry
// no 3.0-only keyword, so only the version changes), stated strictly
// (required fields, types, null only where the document allows it). Every
// route Register mounts is an operation of it, and every 2xx answer
// validates against it. The result is a copy.
func OpenAPI() []byte { return bytes.Clone(openAPI) }
