// Package core is the plumbing every httpapi package is built from, so
// that the five APIs differ only in what they declare:
//
//   - New takes the API's Shape: its error writer, its departures from the
//     one Kind→status table (Statuses), its decoding rule for unknown JSON
//     fields, and middleware for every answer.
//   - Routes registers the API's operations with its middleware
//     (authentication with a CredentialStyle, a rate limit, …) applied once,
//     a request id, and 405/404 answers in the API's shape.
//   - Endpoint is the one handler shape: decode, call the service, encode.
//   - Decode, Encode, IfMatch, QueryInt and the cursor codec read and write
//     the wire; Fail answers an error, Retry-After included.
//
// The types a host sees (Options, Services, Authenticator) live in package
// httpapi.
package core
