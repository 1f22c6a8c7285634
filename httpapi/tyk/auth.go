package tyk

import "net/http"

// A user's token runs with the user's own grants, like any credential: a
// portal administrator is a user holding "*" on everything, and a consumer
// without grants is refused (403) by the services.

// noStore sets the cache headers the portal sends with every answer.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Pragma", "no-cache")
		next.ServeHTTP(w, r)
	})
}
