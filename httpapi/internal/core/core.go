package core

import (
	"log/slog"
	"strings"

	"github.com/userkit/userkit/httpapi"
)

// API bundles what one API package needs; each Register builds one with
// New and registers its routes with Mount.
type API struct {
	httpapi.Services
	Opts *httpapi.Options
	Log  *slog.Logger
	// Shape is the API's error body, status policy and decoding rules.
	Shape Shape

	obs *instruments
}

// Shape is what makes one API's plumbing its own, declared once per API.
type Shape struct {
	// Name names the API in telemetry ("admin", "solvexia", …).
	Name string
	// Errors writes the API's error body.
	Errors ErrorWriter
	// Statuses are the API's documented departures from the shared
	// Kind→status table.
	Statuses Statuses
	// Unknown says what Decode does with JSON fields the request type
	// does not have.
	Unknown UnknownFields
	// Every, when set, wraps every answer of the API, the 405 and 404 ones
	// included (Tyk's no-store headers).
	Every Middleware
}

// New returns the API for the given services and options (nil = defaults).
func New(s httpapi.Services, opts *httpapi.Options, shape Shape) *API {
	if opts == nil {
		opts = &httpapi.Options{}
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return &API{Services: s, Opts: opts, Log: log, Shape: shape, obs: newInstruments(opts)}
}

func (a *API) maxBody() int64 {
	if a.Opts.MaxBodyBytes <= 0 {
		return httpapi.DefaultMaxBodyBytes
	}
	return a.Opts.MaxBodyBytes
}

// Prefix normalises a mount prefix: "" stays "", a trailing slash goes and
// a missing leading slash is added, since ServeMux would read
// "userkit/api/…" as a pattern for the host "userkit".
func Prefix(prefix string) string {
	prefix = strings.TrimSuffix(prefix, "/")
	if prefix != "" && !strings.HasPrefix(prefix, "/") {
		prefix = "/" + prefix
	}
	return prefix
}
