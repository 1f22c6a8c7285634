package admin

import (
	"bytes"
	_ "embed"
)

// DocumentPath is where Register serves OpenAPI() below the mount prefix,
// without authentication, with its servers naming the prefix.
const DocumentPath = Base + "/openapi.json"

//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the API's document as this package serves it: the
// OpenAPI 3.1 document (JSON) of the management API, every route with its
// success and its RFC 9457 problem answers. Every route Register mounts is
// an operation of it, and every 2xx answer validates against it read
// strictly (TestOpenAPI). The result is a copy.
func OpenAPI() []byte { return bytes.Clone(openAPI) }
