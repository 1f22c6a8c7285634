// Package httpapi serves userkit over HTTP: four documented user APIs and a
// management API, as net/http handlers a host mounts on its own
// *http.ServeMux. All of them run over one set of services, so a user
// created through one API is visible through every other.
//
//	API       package            base path
//	Solvexia  httpapi/solvexia   /api/v1/users
//	Venuzle   httpapi/venuzle    /api/internal/v1/partners/{partner_id}/users
//	Whaly     httpapi/whaly      /v1/partner-portals/{portalId}/users
//	Tyk       httpapi/tyk        /portal-api/users, /portal-api/organisations
//	admin     httpapi/admin      /admin/v1/…
//
// Package httpapi holds what every API shares and a host configures: the
// Services the handlers call (one narrow interface per domain service),
// the Options, the Authenticator hook, request ids and user API tokens.
// Mount everything on a host mux with package httpapi/all:
//
//	k := kit.New(store, &kit.Options{Logger: log})
//	all.Mount(mux, k.HTTP(), k.HTTPOptions(&httpapi.Options{TokenSecret: secret}))
//
// or one API under a prefix of the host's choice:
//
//	venuzle.Register(mux, "/legacy", k.HTTP(), nil)
//
// Each API serves its OpenAPI 3.1.0 document without authentication at
// <prefix><DocumentPath> (the package's DocumentPath: /admin/v1/openapi.json,
// /api/v1/openapi.json, /api/internal/v1/openapi.json,
// /v1/partner-portals/openapi.json, /portal-api/openapi.json), its servers
// entry naming the prefix. Each request gets an OpenTelemetry span named
// after its route and request count and duration metrics, through
// Options.TracerProvider and Options.MeterProvider (nil: the global
// providers, no-ops until the host installs an SDK; the library uses the
// OpenTelemetry API only).
//
// Requests authenticate with "Authorization: Bearer <credential>" (the Tyk
// API also takes the raw value): a service-account key ("sk:…") or a user
// API token (see UserToken). A host can plug in its own Authenticator, for
// example to map its session cookie to a principal. Permission checks
// happen in the services; the handlers only authenticate, decode, and shape
// each API's bodies and errors. Error kinds map to HTTP status in one
// table, from which each API departs only by a declared list of overrides
// (Solvexia answers a conflict with 400, Tyk validation with 422, …).
// Request bodies must be JSON (Content-Type application/json or a +json
// type; anything else is 415) in valid UTF-8, and are limited (1 MiB by
// default). A method a path does not serve is 405 with an Allow header,
// in the API's own error shape. Internal errors are logged with log/slog
// and answered with a generic message and a request id.
package httpapi
