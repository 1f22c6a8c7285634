// Package venuzle serves the Venuzle manager API's partner users
// (the public "Users" endpoints of its internal partner API): a Laravel-style JSON API with
// snake_case fields and integer ids, over the userkit services.
//
// Mount it on a host's mux, under a prefix of the host's choice:
//
//	mux := http.NewServeMux()
//	venuzle.Register(mux, "", services, &httpapi.Options{})
//	// GET /api/internal/v1/partners/{partner_id}/users …
//
// The surface (below the prefix):
//
//	GET    /api/internal/v1/partners/{partner_id}/users                      list (page, search)
//	POST   /api/internal/v1/partners/{partner_id}/users                      create or attach
//	GET    /api/internal/v1/partners/{partner_id}/users/{user_id}            get
//	PUT    /api/internal/v1/partners/{partner_id}/users/{user_id}            update
//	DELETE /api/internal/v1/partners/{partner_id}/users/{user_id}            detach (delete when last partner)
//	GET    /api/internal/v1/partners/{partner_id}/users/{user_id}/partners   the user's partners
//
// partner_id is partners.Partner.Num and user_id is users.User.Num. A user
// is {"id", "first_name", "last_name", "email"}; single resources are
// wrapped as {"data": …}.
//
// # Authentication and authorization
//
// "Authorization: Bearer <credential>" (a service-account key "sk:…" or a
// user API token), or the host's core.Authenticator. Every call needs the
// seed's action (users.read, users.create, users.update, users.delete)
// granted on the partner or on everything. Each handler makes one
// partners.Service call by the path's numbers (ListUsersByNum,
// AddUserByNum, GetMember, UpdateMember, RemoveMember, MemberPartners),
// which checks the action on the partner before looking up the user, so a
// caller without access gets 403 (before any 422) and can never tell a
// member from a stranger. Membership is not ownership: changing a member's
// profile or password needs users.update on the partner that manages the
// user, so attaching someone else's user by email gives no control.
//
// # Choices where the document is silent
//
//   - OpenAPI returns this package's document: the seed (Venuzle's users
//     reference, which is prose and stays as it is) restated as OpenAPI
//     3.1.0, a nullable field typed ["string", "null"]. It states the
//     seed's shapes strictly (every key its examples show is required;
//     null only for links.prev and links.next, the only nulls it shows),
//     plus what it leaves out (the create and update answers, user
//     partners, Laravel's meta.last_page and meta.path). Every answer
//     validates against it.
//   - The seed shows meta.from and meta.to as integers. On a page past the
//     end, which has no users, Laravel writes null; this package writes 0
//     for both, so a client generated from the document decodes it. 0 is
//     never a position (positions count from 1), and it is falsy, like
//     null, to PHP, JavaScript and Python clients that test
//     "if (meta.from)".
//   - Errors follow Laravel: 401 {"message":"Unauthenticated."}, 403
//     {"message":"This action is unauthorized."}, 404 {"message":"No query
//     results for model [User] 7"}, 422 {"message":"The given data was
//     invalid.","errors":{"email":["The email field is required."]}} with
//     Laravel 10 sentences, 412 {"message":…} for a stale If-Match, 409
//     {"message":…} when concurrent changes kept an add from completing,
//     500 {"message":…} naming the request id (also in X-Request-Id).
//   - A non-integer or non-positive id is 404, like an unknown one. An
//     unknown partner is 404 only for a caller holding the action on every
//     partner; partner-scoped callers get 403. A user who exists but is not
//     a member of the partner is 404.
//   - Wrongly typed JSON fields are 422 on the field ("The email field must
//     be a string."). A body that is not JSON, not an object, empty, or
//     larger than httpapi.Options.MaxBodyBytes (1 MiB), or not valid UTF-8,
//     is 400 {"message":…}; one not sent as application/json is 415. A
//     method a path does not serve is 405 with an Allow header; 503 (when
//     the store is overloaded) carries Retry-After. A 422 lists every
//     invalid field at once, as Laravel's validator does.
//     Unknown fields are ignored, as Laravel does; only the documented
//     fields are ever read.
//   - List: 20 per page, page from 1 (any spelling of a whole number: "2",
//     "2.0", "2e0"; anything else, or below 1, → 422 on
//     "page"), search over first name, last name and email. meta holds the
//     seed's keys in the seed's order, then Laravel's last_page and path.
//     links are absolute URLs: the
//     scheme from TLS or X-Forwarded-Proto ("http"/"https" only), the host
//     from the Host header, the path as the client sent it (so they stay
//     right behind http.StripPrefix), then search (when given) and page
//     last, as in the seed.
//   - Create: first_name, last_name, email and password are all required
//     (Laravel's "required": absent, null or blank). A new email creates the
//     user (201 {"data": user}); an email of an existing user who is not yet
//     a member attaches that user as they are, ignoring the given names and
//     password (200 {"data": user}); a user who is already a member is 422
//     {"errors":{"email":["The email has already been taken."]}}.
//   - Update: every field is optional (absent or null leaves it). An empty
//     new_password means no password change (Laravel's nullable); a
//     non-empty one must meet the password policy and equal
//     new_password_confirmation ("The new password field confirmation does
//     not match."). Every invalid field is listed at once; a new password
//     that breaks the policy and does not match its confirmation lists
//     both sentences under new_password, as Laravel's "confirmed" rule
//     does. The profile and the password are written in one transaction,
//     so a rejected request changes nothing. The seed shows "{}", but the answer is 200 {"data": user} with
//     the new ETag, which is what Laravel resources return and what clients
//     need for the next If-Match. A taken email is 422 on email.
//   - GET, POST and PUT answers carry an ETag (the user's version); PUT
//     honours If-Match (stale → 412, nothing changed).
//   - Delete answers 200 {} (the seed). It detaches the user from the
//     partner; only the managing partner's detach of a user in no other
//     partner or portal deletes the user.
//   - User partners: {"data": [{"id", "name"}]}, in the order the user
//     joined them, leaving out partners the caller has no access to.
package venuzle
