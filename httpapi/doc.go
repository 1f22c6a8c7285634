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
// Mount everything on a host mux:
//
//	svc := httpapi.Services{Users: us, Partners: ps, Portals: pts, Permissions: authz}
//	httpapi.Mount(mux, svc, &httpapi.Options{TokenSecret: secret})
//
// or one API under a prefix of the host's choice:
//
//	venuzle.Register(mux, "/legacy", svc, nil)
//
// Requests authenticate with "Authorization: Bearer <credential>" (the Tyk
// API also takes the raw value): a service-account key ("sk:…") or a user
// API token (see UserToken). A host can plug in its own Authenticator, for
// example to map its session cookie to a principal. Permission checks
// happen in the services; the handlers only authenticate, decode, and shape
// each API's bodies and errors. Error kinds map to HTTP status in one table
// (core.StatusOf); every request body is limited (1 MiB by default), and
// internal errors are logged with log/slog and answered with a generic
// message and a request id.
package httpapi
