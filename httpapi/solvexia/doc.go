// Package solvexia serves the users and permissions endpoints of the
// Solvexia public API v1 (github.com/solvexia/solvexia-api-docs,
// users/users.md) over userkit's services, so that existing Solvexia
// clients work against a userkit host unchanged.
//
// Mount it on the host's mux, alone or through all.Mount (package httpapi/all):
//
//	mux := http.NewServeMux()
//	solvexia.Register(mux, "", services, &httpapi.Options{Logger: logger})
//	// GET /api/v1/users, GET|POST /api/v1/users/{userId}, POST /api/v1/users,
//	// GET|POST /api/v1/users/{userId}/permissions,
//	// POST|DELETE /api/v1/users/{userId}/permissions/{resourceId}
//
// Clients send "Authorization: Bearer <credential>": a service-account key
// ("sk:…"), a user API token, or whatever the host's Authenticator
// accepts. Solvexia's OAuth token endpoint is not served; hosts issue keys
// through the management API.
//
// # Wire format
//
// camelCase JSON. A User has exactly the documented keys in the
// documented order, null where unset. User ids are "u-<n>" with n the
// user's users.User.Num; an id of any other form (including "u-007") is
// 404. lastSignInDate is the last login in UTC as
// "2006-01-02T15:04:05.0000000"; dateOfBirth is dd/MM/yyyy both ways.
// Every success is 200, create and delete included; delete has an empty
// body. Single users carry an ETag (the record version), and an update with
// a stale If-Match is 412.
//
// Errors are {"message": …, "supportId": <uuid>} for every non-200:
// 400 for invalid input, malformed JSON, wrong types, bodies over the size
// limit (1 MiB by default), invalid enums and a taken email (Solvexia
// documents no 409, so Conflict is 400); 401 for a missing or bad
// credential (not documented by Solvexia; same shape); 403; 404; 412; 429
// when the service is saturated with password hashing; 415 for a body
// that is not application/json; 503 when the store is overloaded (429 and
// 503 carry Retry-After); 500. Validation
// messages name the wire field, one "field: problem" per field, sorted
// and joined by "; ", e.g. "password: must be at least 10 characters".
// The supportId is the request id (the X-Request-Id header's 32 hex
// digits) written as a UUID, so the body, the header and the log line of an
// internal error all agree; 500s carry a generic message only. A method a
// path does not serve is 405 with an Allow header, and an unknown path
// below /api/v1/users/ is 404, in the same shape. Nothing else below
// /api/v1 is claimed, so the host's own /api/v1 routes stay its own.
//
// # Choices where the documents are silent
//
//   - OpenAPI returns this package's document: the seed (Solvexia's users
//     reference, which is prose and stays as it is) restated as OpenAPI
//     3.1.0, a nullable field typed ["string", "null"]. It holds the
//     documented User with every key required, null only for city,
//     country, dateOfBirth, department, lastSignInDate, phoneNumberLand
//     and phoneNumberMobile (the fields the document's examples show as
//     null); userRole, accountStatus, timezone and the permission role as
//     the documented enums. Every answer for users created through this
//     API validates against it. firstName, lastName, loginName, email and
//     accountStatus are therefore never null ("" if a user has none).
//   - loginName is the users service's generated login name (e.g.
//     "mona.benson"). Solvexia's "template.mona.benson" carries its tenant
//     name, which a userkit host does not have; it is read-only.
//   - GET /users returns every user, in the store's order (creation order),
//     as documented (no paging), as one JSON array streamed while the
//     service reads keyset pages of 500 (users.Service.ListAll), so a
//     request's memory does not grow with the number of users. It needs
//     users.read on everything. An error after the first page can no longer
//     change the status: the response is cut off (never a complete-looking
//     array) and the error logged.
//   - Each endpoint makes one service call, which checks the caller's
//     rights before it looks at the body: a caller without them gets 403
//     whatever the body holds, and 400 only when allowed (malformed JSON
//     and a malformed If-Match are 400 first, as they are not the
//     service's). GET needs users.read on the user, update users.update on
//     the user's managing scope (membership of a partner is not enough),
//     the permission endpoints permissions.read / permissions.update /
//     permissions.delete on everything. An unknown number is 404 only for
//     callers holding that action on everything, 403 for others, who learn
//     nothing about who exists.
//   - Create requires all six documented fields. The password must satisfy
//     the users service's policy, whose default is the documented rule (at
//     least 10 characters with a digit and an upper-case letter; at most
//     128). The newer Solvexia docs make the password optional with
//     welcome e-mails; userkit sends no e-mail, so it stays required.
//   - Update (POST /users/{userId}) takes the documented fields only. A
//     field left out is unchanged; null (or "") clears city, country,
//     department, phoneNumberLand, phoneNumberMobile and dateOfBirth; null
//     for firstName, lastName, email, accountStatus, timezone or userRole is
//     400. dateOfBirth must be dd/MM/yyyy and not before 01/01/1900. A user
//     may update their own profile through a user token but not their own
//     accountStatus or userRole.
//   - Unknown JSON keys are ignored, as the real (.NET) API does, so a
//     client may post back a User it read; id, loginName and
//     lastSignInDate in a body are ignored, never applied. Keys match
//     case-insensitively (Go's encoding/json, like ASP.NET).
//   - Enum values (userRole, accountStatus, timezone, permission role) are
//     matched case-insensitively and stored in their documented spelling.
//     userRole is stored in users.User.Role, shared with other APIs, and
//     shown through users.ShowRole in the Solvexia vocabulary: a role set
//     through the Tyk API shows as its nearest Solvexia role
//     (consumer-admin as ClientAdmin, consumer-team-member as Subscriber,
//     the administrator labels as SVXAdmin), anything else as Subscriber.
//     The timezone is stored verbatim in users.User.Timezone; a stored
//     value that is not one of the 137 documented names (e.g. an IANA name
//     set through another API, or none) shows as
//     users.DefaultSolvexiaTimezone, never null. Updates are written in
//     the Solvexia vocabulary (users.Solvexia), so posting back exactly the
//     user just read changes nothing (no new version, no audit event),
//     whichever API stored the values. userkit attaches no authority to
//     userRole: what a caller may do comes from its grants.
//   - accountStatus Active, Suspended and Locked are users.Status active,
//     suspended and locked; setting Active unlocks a locked user.
//   - Permissions are userkit resource roles. The resource must be
//     registered (management API, permissions.Service.CreateResource),
//     else 404. Adding a permission the user already has on that resource
//     replaces its role (both POST endpoints are "add or update"). Deleting
//     a permission the user does not have is 404. The list is ordered by
//     resource id.
//   - User groups (/usergroups) are not served.
package solvexia
