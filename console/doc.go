// Package console is an embeddable administration console for userkit: one
// http.Handler, rendered on the server with html/template, its CSS and
// JavaScript embedded in the binary (no build step, no CDN).
//
// The console calls the same services as the HTTP APIs, with the signed-in
// principal in the request context (permissions.WithPrincipal), so a
// partner-scoped administrator sees and changes exactly what their key
// would let them see and change over HTTP. It never acts as
// permissions.System for a request; turning the sign-in credential into a
// principal goes through permissions.Service.ResolveKeyID (an "sk:" key)
// or users.Service.Authenticate (email and password of a user who holds
// grants), as the APIs do. A key's session keeps the key's ID, never the
// secret, and ends on the first request after the key is revoked or
// expires (permissions.Service.KeyActive).
//
// Mount it under a prefix:
//
//	h := console.New(console.Services{
//		Users: us, Partners: ps, Portals: pts, Permissions: authz,
//	}, &console.Options{Prefix: "/console"})
//	mux.Handle("/console/", h)
//
// or, equivalently, mux.Handle("/console/", http.StripPrefix("/console", h))
// (Prefix is still needed for the links and the cookie path).
//
// Security: sessions live on the server (SessionStore, in memory by
// default) behind an HttpOnly, SameSite=Lax cookie that is Secure over TLS;
// a session has an idle and an absolute timeout and gets a new id at
// sign-in. Every POST needs the session's CSRF token and passes
// http.CrossOriginProtection (Sec-Fetch-Site, Origin). Pages carry a
// Content-Security-Policy without 'unsafe-inline'. Keys and passwords are
// never kept in a session or rendered; a new key is shown once.
package console
