package kit

import (
	"log/slog"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// Options configures every service at once. The zero value (or nil) means
// defaults.
type Options struct {
	// Clock gives every service its time; nil means time.Now.
	Clock userkit.Clock
	// Users configures passwords (argon2id parameters, policy, concurrent
	// hashing) and lockout. Its Clock is ignored: Options.Clock is used.
	Users users.Options
	// Permissions configures the permission service (how long a resolved
	// API key is reused: KeyCacheTTL). Its Clock is ignored:
	// Options.Clock is used.
	Permissions permissions.Options
	// Logger is the host's logger, handed to HTTPOptions (the services
	// themselves return their errors and log nothing). nil means
	// slog.Default() where a logger is needed.
	Logger *slog.Logger
	// TracerProvider and MeterProvider are handed to HTTPOptions for the
	// request spans and metrics; nil means OpenTelemetry's global
	// providers, no-ops until the host installs an SDK.
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
}

// Kit holds the four services, wired over one store in dependency order
// (permissions ← users ← partners, portals).
type Kit struct {
	Users       *users.Service
	Partners    *partners.Service
	Portals     *portals.Service
	Permissions *permissions.Service

	opts Options
}

// New builds every service over store. opts may be nil.
func New(store storage.Store, opts *Options) *Kit {
	var o Options
	if opts != nil {
		o = *opts
	}
	po := o.Permissions
	po.Clock = o.Clock
	authz := permissions.New(store, &po)
	uo := o.Users
	uo.Clock = o.Clock
	us := users.New(store, authz, &uo)
	return &Kit{
		Users:       us,
		Partners:    partners.New(store, authz, us, &partners.Options{Clock: o.Clock}),
		Portals:     portals.New(store, authz, us, &portals.Options{Clock: o.Clock}),
		Permissions: authz,
		opts:        o,
	}
}

// HTTP returns the services as the HTTP APIs take them (httpapi.Services,
// for all.Mount or one API's Register).
func (k *Kit) HTTP() httpapi.Services {
	return httpapi.Services{Users: k.Users, Partners: k.Partners, Portals: k.Portals, Permissions: k.Permissions}
}

// HTTPOptions returns a copy of o (nil: defaults) in which the fields left
// nil take the kit's: Logger, Clock, TracerProvider and MeterProvider, so
// that the HTTP APIs log, tell time and report telemetry as the services
// and the host do:
//
//	all.Mount(mux, k.HTTP(), k.HTTPOptions(&httpapi.Options{TokenSecret: secret}))
func (k *Kit) HTTPOptions(o *httpapi.Options) *httpapi.Options {
	var out httpapi.Options
	if o != nil {
		out = *o
	}
	if out.Logger == nil {
		out.Logger = k.opts.Logger
	}
	if out.Clock == nil {
		out.Clock = k.opts.Clock
	}
	if out.TracerProvider == nil {
		out.TracerProvider = k.opts.TracerProvider
	}
	if out.MeterProvider == nil {
		out.MeterProvider = k.opts.MeterProvider
	}
	return &out
}
