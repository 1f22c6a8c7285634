// Package tyk serves the admin API of the Tyk Enterprise Developer Portal
// ("portal-api") over userkit's services: users, organisations (userkit
// partners) and their teams, with the portal's PascalCase fields, integer
// ids, bare-array lists and {"errors": […]} error bodies. Existing portal
// clients (the portal-go SDK, the tyk-demo scripts, curl) work unchanged.
//
// Mount it on the host's mux, under a prefix of the host's choice:
//
//	mux := http.NewServeMux()
//	tyk.Register(mux, "", services, &httpapi.Options{TokenSecret: secret})
//	// GET /portal-api/users/1 with "Authorization: <token or sk:… key>"
//
// # Surface
//
//	GET    /portal-api/users                     page, per_page, limit → [User-index-elem]
//	POST   /portal-api/users                     User-create → User-show
//	GET    /portal-api/users/{user_id}           → User-show
//	PUT    /portal-api/users/{user_id}           User-update → User-show
//	DELETE /portal-api/users/{user_id}           → {"status":"ok"}
//	GET    /portal-api/organisations             page, per_page, limit → [{ID, Name}]
//	POST   /portal-api/organisations             {Name} → Organisation-show
//	GET    /portal-api/organisations/{id}        → Organisation-show
//	PUT    /portal-api/organisations/{id}        {Name} → Organisation-show
//	DELETE /portal-api/organisations/{id}        → {"status":"ok"}
//	GET    /portal-api/organisations/{id}/teams  page, per_page, limit → [{Default, ID, Name}]
//	POST   /portal-api/organisations/{id}/teams  {Name} → Team-show
//	GET    /portal-api/organisations/{id}/teams/{team_id}  → Team-show
//	PUT    /portal-api/organisations/{id}/teams/{team_id}  {Name, Users} → Team-show
//	DELETE /portal-api/organisations/{id}/teams/{team_id}  → {"status":"ok"}
//
// User, organisation and team ids are the store-assigned numbers (Num) of
// users, partners and teams, so the same records are reachable through
// every userkit API.
//
// # Authentication
//
// The credential is the raw Authorization value, as the portal expects
// ("Bearer " is accepted too): a service-account key ("sk:…"), which acts
// with its grants, or a user's API token (the JWTToken of User-show,
// revoked by users.Service.RotateToken), which acts with the user's own
// grants. A portal administrator (super-admin, provider-admin) is a user
// holding the grant "*" on everything, so an administrator's token can do
// everything here; a consumer, who holds no grants, gets 403 from the
// services (users may still read and edit their own profile, as on every
// userkit API). User.Role is a label: nothing is allowed because of it.
//
// Each handler decodes, makes one service call (partners.Service's portal
// methods: PortalUsers, PortalUser, CreatePortalUser, SavePortalUser,
// CreateWithTeams, Show, UpdateByNum, DeleteByNum, ListTeamsByNum,
// CreateTeamByNum, TeamByNums, SaveTeam, DeleteTeamByNums; and
// users.Service.DeleteByNum) and encodes; every rule lives in the service.
//
// # Choices where the portal's documents are silent
//
//   - OpenAPI returns this package's document: the seed (the portal's "Get
//     a user" page, which stays as it is) and the portal's published
//     OpenAPI 3.0.3 restated as OpenAPI 3.1.0 (no schema uses a 3.0-only
//     keyword such as nullable). It holds the user the seed shows (GET
//     /users/{user_id}), every field required and none null, and the other
//     operations as the portal's published document gives them, read the
//     same way. Every answer validates against it.
//   - Status codes: 200 for every success (create too); 401 without or
//     with a bad credential; 403 without the grant; 404 for unknown ids (a
//     path id that is not a positive integer names nothing, so it is 404
//     too); 422 for validation errors, malformed or wrongly typed JSON,
//     oversized bodies, bodies that are not valid UTF-8 and taken emails;
//     415 for a body that is not application/json; 405 (with Allow) for a
//     method a path does not serve and 404 for unknown paths below
//     /portal-api/; 503 (with Retry-After) when the store is overloaded;
//     412 for a stale If-Match; 500
//     with a generic message and the request id. Every error body is
//     {"errors": ["…"]}, one "<Field>: <problem>" entry per field problem.
//     Every answer carries Cache-Control: no-store and Pragma: no-cache,
//     as the portal's do. Single resources carry an ETag; updates honour
//     If-Match.
//   - Bodies are decoded leniently: unknown fields (the ID portal-go sends,
//     the tyk-demo scripts' Organisation object) are ignored, never
//     assigned. Known fields must have their documented JSON types: the
//     booleans are JSON booleans (not the demo scripts' "true"), User-update's
//     Teams an array of strings, Team-update's Users an array of numbers.
//   - Roles are super-admin, provider-admin, consumer-admin and
//     consumer-team-member; anything else is 422. A create without Role
//     makes a consumer-team-member (the role of self-registered users).
//     Role is shown through users.ShowRole with the Tyk vocabulary:
//     super-admin or provider-admin iff the user holds "*" on everything,
//     else the consumer role nearest the stored label (users/roles.go).
//     Writing an admin role grants "*" on everything, writing a consumer
//     role to an admin revokes it, in the same transaction as the rest of
//     the update; either, like creating an admin, needs "*" on everything
//     (403 otherwise). Changing or deleting an admin needs it too, by the
//     services' no-escalation rule, on every API.
//   - Paging: a page above 2^31 is 422 (its offset would overflow).
//   - Active maps to the account status: true is active, false suspended
//     (a locked user reads false and stays locked on "Active": false). A
//     create without Active makes an inactive user, as decoding into the
//     portal's own struct does (portal-go omits Active when false).
//   - POST /users accepts the undocumented Password the demo scripts send;
//     it must satisfy the library's password policy. Without one the user
//     has no password. OrganisationID 0 creates a user in no organisation;
//     otherwise the user joins that organisation and its default team.
//     Admins must be created with OrganisationID 0.
//   - Organisation and OrganisationID come from the user's primary partner
//     (the first joined); admins always read 0 and "". A consumer in no
//     organisation (created through another API, or whose organisation was
//     deleted) reads 0 and "" too, although the document reserves 0 for
//     admins: userkit has no "Default Organisation" to show instead, and
//     Role still tells the two apart. Only organisations the caller may
//     see are shown: a partner's key sees its own organisation, never the
//     user's others. Teams lists the names of the user's teams in that
//     organisation ([] when none).
//     APITokenCreatedAt is the date the token was last rotated, or the
//     creation date.
//   - JWTToken is shown only to callers who may do everything (portal
//     administrators and keys granted "*" on everything), and is "" for
//     others and when no TokenSecret is configured: a token carries every
//     grant of its user, so showing it to a narrower key would let that
//     key exceed its grants. The service decides (PortalUser.TokenVisible);
//     the token is signed here, where the secret is.
//   - PUT /users/{id} is partial. OrganisationID moves a consumer to
//     another organisation (joining it, then leaving the old one); 0 is
//     refused for a consumer who has one, and ignored for admins. Teams
//     (team ids as strings, or team names as User-show lists them) sets
//     the user's teams in their organisation; the default team is always
//     kept, and Teams is ignored for admins. Everything is validated, and
//     the permissions decided, before the first write; the profile, role
//     grant, organisation and team changes are one transaction
//     (partners.Service.SavePortalUser). Sending back exactly the body GET
//     returned changes nothing: no new version (ETag), no audit event.
//   - Write endpoints also check up front the read permission their
//     response needs, so an answer never fails after a write.
//   - DELETE /users/{id} deletes the user for good (force is ignored).
//     DELETE /organisations/{id} deletes its teams and memberships; its
//     users stay, in no organisation (the portal moves them to its
//     "Default Organisation", which userkit does not have).
//   - Teams: a team of another organisation is 404; the default team
//     ("<Name> All users") cannot be deleted or renamed (except by renaming
//     its organisation) and always holds every member (422). PUT Users
//     replaces the members; each must belong to the organisation (422).
//   - Paging: page (default 1) and per_page (default 20, clamped to 100)
//     number the pages; limit caps the rows of the page without moving it.
//     Invalid values are 422. /users needs users.read on everything.
package tyk
