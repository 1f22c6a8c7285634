package main

import (
	"log/slog"
	"net/http"

	"github.com/userkit/userkit/console"
	"github.com/userkit/userkit/kit"
)

// consolePrefix is where the server serves the admin console.
const consolePrefix = "/console"

// mountConsole serves the admin console at /console/ over the same
// services as the APIs. Sign in with the admin key (or the email and
// password of a user who holds grants).
func mountConsole(mux *http.ServeMux, k *kit.Kit, log *slog.Logger) {
	mux.Handle(consolePrefix+"/", console.New(console.Services{
		Users:       k.Users,
		Partners:    k.Partners,
		Portals:     k.Portals,
		Permissions: k.Permissions,
	}, &console.Options{Prefix: consolePrefix, Logger: log}))
	mux.Handle("GET "+consolePrefix, http.RedirectHandler(consolePrefix+"/", http.StatusMovedPermanently))
}
