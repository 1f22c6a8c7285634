package main

import (
	"log/slog"
	"net/http"

	"github.com/userkit/userkit/console"
	"github.com/userkit/userkit/httpapi"
)

// consolePrefix is where the server serves the admin console.
const consolePrefix = "/console"

// mountConsole serves the admin console at /console/ over the same
// services as the APIs. Sign in with the admin key (or the email and
// password of a user who holds grants).
func mountConsole(mux *http.ServeMux, svc httpapi.Services, log *slog.Logger) {
	mux.Handle(consolePrefix+"/", console.New(console.Services{
		Users:       svc.Users,
		Partners:    svc.Partners,
		Portals:     svc.Portals,
		Permissions: svc.Permissions,
	}, &console.Options{Prefix: consolePrefix, Logger: log}))
	mux.Handle("GET "+consolePrefix, http.RedirectHandler(consolePrefix+"/", http.StatusMovedPermanently))
}
