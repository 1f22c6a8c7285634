// Package whaly serves the Whaly API's partner-portal users
// (the public OpenAPI document "Whaly API" 1.0, /v1/partner-portals/{portalId}/users):
// snake_case JSON, UUID ids, cursor paging and a per-credential rate limit,
// over the userkit services.
//
// Mount it on a host's mux, under a prefix of the host's choice:
//
//	mux := http.NewServeMux()
//	whaly.Register(mux, "", services, &httpapi.Options{RateLimit: 500})
//	// GET /v1/partner-portals/{portalId}/users …
//
// The surface (below the prefix):
//
//	GET    /v1/partner-portals/{portalId}/users            list (limit, after)
//	POST   /v1/partner-portals/{portalId}/users            add a user to the portal
//	GET    /v1/partner-portals/{portalId}/users/{userId}   get
//	DELETE /v1/partner-portals/{portalId}/users/{userId}   remove from the portal
//
// A portal user is {"id", "first_name", "last_name", "email",
// "last_logged_at"}: id is the user's UUID (the same user is reachable
// through every API), last_logged_at the last login in this portal.
//
// OpenAPI returns the document this package serves: the seed's four
// OpenAPI 3.0.0 fragments merged, verbatim in their schemas, restated as
// OpenAPI 3.1.0 (only the version changes: no schema uses a 3.0-only
// keyword such as nullable; the seed itself stays as it is). Every answer
// of every route validates against it read strictly (every required
// property present, no null), so a client generated from it by a strict
// generator decodes every answer.
//
// # Authentication and authorization
//
// "Authorization: Bearer sk:…" (a service-account key, as documented), a
// user API token, or the host's core.Authenticator. The services require
// users.read, users.create or users.delete on the portal (a grant on the
// portal, on its partner, or on everything). Without a valid credential the
// answer is 401; without the grant 403 (also for a portal that does not
// exist, unless the caller's grant covers everything; then it is 404).
//
// # Rate limit
//
// Every credential (the authenticated principal: a service account or a
// user) has one token bucket shared by all endpoints of this API, of
// httpapi.Options.RateLimit requests a minute (0 means 500, a negative value
// turns limiting off and drops the headers); unauthenticated requests are
// counted per remote IP (RemoteAddr; forwarding headers are not trusted).
// Every response carries X-RateLimit-Limit, X-RateLimit-Remaining and
// X-RateLimit-Reset (seconds until the bucket is full again); over the
// limit the answer is 429 with Retry-After (seconds). Time comes from
// httpapi.Options.Clock. Buckets of idle keys are forgotten, and at most
// 10,000 are kept, so the limiter's memory is bounded.
//
// # Choices where the document is silent
//
//   - The document requires last_logged_at, as a string that cannot be
//     null, but has a user who never logged in into this portal. Such a
//     member reads "last_logged_at": "". The empty string is the one value
//     that is valid for the document and cannot be mistaken for a login: a
//     client generated from the document (which gives the field no
//     format) decodes it, and a client that treated null as "never" needs
//     only to treat "" the same. Showing the membership's creation time
//     instead would also decode, but would report a login that never
//     happened, so reports of inactive users would miss them.
//   - The document requires paging.next.after on every page, while Whaly's
//     paging guide ends a list "when the after parameter is no longer
//     returned". The last page reads "paging": {"next": {"after": ""}}: a
//     strict client finds the field it requires, and a client that stops
//     on a missing or empty cursor stops. A client that stops only when
//     the field is missing would instead send after="" (the first page)
//     and start over; no answer serves it and a client generated from the
//     document at once, and the document wins.
//   - Errors are {"status_code", "message", "request_id"} (request_id is the
//     32-hex id also sent as X-Request-Id) with 400 (bad input, with the
//     fields in the message: "email: must be a valid email address; roles:
//     is required"), 401 "Unauthorized", 403 "Forbidden", 404, 409 (the user
//     is already a member of the portal), 429 "Too Many Requests" and 500
//     (a generic message naming the request id; the details are logged).
//     412 never occurs: the seed has no update endpoint, so no request
//     takes If-Match.
//   - A portalId or userId that is not a UUID is 404, like an unknown one. A
//     role or attribute id in a body that is not a UUID is 400; one that is
//     not the portal's is 400 too.
//   - A body that is not JSON, not an object, has wrongly typed fields or is
//     larger than httpapi.Options.MaxBodyBytes (1 MiB) or not valid UTF-8 is
//     400; one not sent as application/json is 415. A method a path does
//     not serve is 405 with an Allow header, in Whaly's shape. Unknown fields
//     are ignored; only the documented fields are read.
//   - List: oldest member first. limit defaults to 20 and is capped at 100
//     (larger values give 100 items). Any spelling of a whole number is a
//     limit ("2", "2.0", "2.0000000000" as generated clients write it,
//     "2e0"); a fraction or a value below 1 is 400. The cursor is opaque
//     (the last member's ID, base64url); one this API did not make is 400.
//     On the last page "after" is "" (above).
//   - Create answers 200 (as documented) with the portal user and an ETag.
//     first_name, last_name, email and roles are required; roles needs at
//     least one of the portal's roles. A new email creates the user (with the
//     password, when given); an existing user is added as they are (names
//     and password ignored). locale defaults to the portal's default locale,
//     which is en_US unless the portal says otherwise. A user who is already
//     a member is 409.
//   - Get answers the portal user with an ETag (the membership's version).
//   - Delete removes the membership only; the user account stays.
//     {"id": "<userId>", "isDeleted": true}; a user who is not a member is
//     404 rather than isDeleted false, so a client can tell a typo from
//     success.
package whaly
