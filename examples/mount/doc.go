// Command mount is a small host application that mounts userkit on its own
// mux: the host keeps its own pages and its own login (a session cookie),
// and userkit's APIs answer under /userkit/ for the same signed-in users.
//
//	go run ./examples/mount                 # in memory
//	go run ./examples/mount -db host.db     # kept in a SQLite file
//
// It listens on 127.0.0.1:8081 and prints curl calls to try. Two demo
// accounts are seeded: ada@example.com holds users.* on everything, and
// bob@example.com holds no grants, so userkit refuses him even though the
// host signs him in.
//
// The whole integration is an Authenticator that turns the host's session
// cookie into a userkit principal, and returns httpapi.ErrNoCredential when
// there is no cookie so that API keys ("Authorization: Bearer sk:…") keep
// working:
//
//	uk := all.Handler(svc.HTTP(), &httpapi.Options{
//		Authenticator: httpapi.AuthenticatorFunc(func(r *http.Request) (permissions.Principal, error) {
//			userID, ok := sessionOf(r)
//			if !ok {
//				return permissions.Principal{}, httpapi.ErrNoCredential
//			}
//			return permissions.UserPrincipal(userID), nil
//		}),
//	})
//	mux.Handle("/userkit/", http.StripPrefix("/userkit", uk))
//
// Instead of Handler and StripPrefix, all.Mount registers the APIs on
// the host's mux directly: all.Mount(mux, svc.HTTP(), &httpapi.Options{Prefix:
// "/userkit", Authenticator: …}).
//
// What userkit may do for a session is decided by the user's grants, not by
// the host: being signed in is authentication only. Because a cookie is
// sent automatically, the app refuses cross-origin writes with
// http.CrossOriginProtection and sets the cookie HttpOnly and SameSite=Lax.
package main
