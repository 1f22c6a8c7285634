// Package admin serves userkit's management API: partners and their teams,
// portals with their roles and attribute definitions, permission
// resources, service accounts with their grants and API keys, user grants,
// user API tokens and the audit log. It has no seed document; its shape
// follows the Whaly API (snake_case JSON, cursor paging) with RFC 9457
// problem details for errors.
//
// Mount it alone with Register, or with every API through all.Mount:
//
//	mux := http.NewServeMux()
//	admin.Register(mux, "", svc, &httpapi.Options{TokenSecret: secret})
//	// GET /admin/v1/partners, POST /admin/v1/portals, ...
//
// Register(mux, "/userkit", ...) serves the same under /userkit/admin/v1.
// The API's OpenAPI 3.1 document (OpenAPI) is served without
// authentication at GET /admin/v1/openapi.json (DocumentPath), below the
// prefix, its server URL naming the prefix.
//
// # Conventions
//
//   - Authentication: "Authorization: Bearer <credential>", a
//     service-account key ("sk:…"), a user API token, or whatever the host's
//     Authenticator accepts. Every permission check happens in the services;
//     a principal scoped to one partner sees and changes only that
//     partner's partner record, teams and portals.
//   - Create is POST on the collection: 201 with the object, a Location
//     header and, for versioned objects, an ETag. Get is GET /{id}; update is
//     PATCH /{id} with JSON merge patch semantics (RFC 7396): an absent
//     member is unchanged, null clears where that makes sense (a portal's
//     default_locale goes back to en_US, an attribute's label and a
//     resource's kind become empty) and is 422 elsewhere. Members of the
//     response that a client cannot set (id, num, timestamps, version,
//     partner_id, type, is_system, grants) are 422 "cannot be changed" in a
//     patch rather than silently ignored. Delete is DELETE /{id}: 204.
//   - Partners, teams, portals, resources and service accounts carry an
//     ETag (their version) on GET, PATCH and create; a PATCH with a stale
//     If-Match is 412 and changes nothing. Roles and attributes have no
//     version and no ETag, so any If-Match other than "*" on them is 412.
//   - Ids are canonical UUID strings; a path id that is not one is 404 like
//     an unknown id. A resource's id is chosen by the caller (e.g.
//     "p-2343"). Sub-objects are found only under their parent: a team of
//     another partner, a role of another portal, a key or grant of another
//     service account is 404. Reaching a sub-object first reads it, so
//     changing one needs the read action too (partners.read, portals.read,
//     keys.read, permissions.read) besides the change's own.
//   - Lists: {"data": [...], "paging": {"next": {"after": "<cursor>"}}},
//     oldest first (events newest first), "next": {} on the last page.
//     limit is 1 to 100 (default 20); after is the opaque cursor of the
//     previous page. Short lists (teams, roles, attributes, grants, keys)
//     page the same way. GET /portals takes partner_id; GET /events takes
//     partner_id and target_id.
//   - Keys: POST /service-accounts/{id}/keys (body optional:
//     {"expires_at": RFC 3339}) returns the "sk:" secret once, in "key";
//     the store keeps only its SHA-256. Lists and GET show the prefix only.
//     DELETE revokes the key at once; a revoked key is no longer listed
//     (it stays in the audit log) and a second DELETE is 404.
//   - POST /users/{id}/token rotates the user's API token (the old one
//     stops working) and returns {"token", "created_at"} with 200: the only
//     place besides the Tyk API's JWTToken where a user token is shown
//     (users.Service.MintToken). It needs the user themself or users.update
//     on the user's managing scope and every grant the user holds, and
//     Options.TokenSecret (500 without one, with nothing rotated).
//   - Grants: GET and POST /service-accounts/{id}/grants and
//     /users/{id}/grants, GET and DELETE …/grants/{grant_id}, each one
//     permissions.Service call (PrincipalGrants, PrincipalGrant, GrantTo,
//     RevokeGrantOf): reading needs permissions.read (or being that
//     principal), adding permissions.create and holding the grant,
//     removing permissions.delete, checked first; an id of the other
//     principal kind is then 404.
//     A grant's scope is "*", "partner:<partner id>" or
//     "portal:<portal id>"; an action may end in "*" ("users.*").
//
// # Errors
//
// Every error is application/problem+json:
//
//	{"type": "about:blank", "title": "Unprocessable Entity", "status": 422,
//	 "detail": "invalid input", "instance": "/admin/v1/partners",
//	 "request_id": "<32 hex>", "errors": {"name": "is required"}}
//
// 400: the request cannot be read: malformed JSON, an empty or oversized
// body (over 1 MiB by default), a body that is not an object, a bad limit,
// after, partner_id query parameter or If-Match header. 422: well-formed
// JSON whose content is invalid: a wrong type, an unknown or read-only
// member, a failed validation or business rule; "errors" names the wire
// fields. 401: no or bad credential (with WWW-Authenticate: Bearer). 403:
// the principal lacks the action on the scope. 404, 409 (a taken name,
// technical name, resource id or duplicate grant), 412 (stale If-Match),
// 500 (logged; the detail quotes only the request id). Requests that fail
// change nothing. 415: a body that is not application/json (or +json); a
// body that is not valid UTF-8 is 400. 429 and 503 carry Retry-After. A
// method a path does not serve is 405 with an Allow header, and an unknown
// path below /admin/v1/ is 404, both as problems.
package admin
