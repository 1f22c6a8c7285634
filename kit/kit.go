package kit

import (
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
}

// Kit holds the four services, wired over one store in dependency order
// (permissions ← users ← partners, portals).
type Kit struct {
	Users       *users.Service
	Partners    *partners.Service
	Portals     *portals.Service
	Permissions *permissions.Service
}

// New builds every service over store. opts may be nil.
func New(store storage.Store, opts *Options) *Kit {
	var o Options
	if opts != nil {
		o = *opts
	}
	authz := permissions.New(store, &permissions.Options{Clock: o.Clock})
	uo := o.Users
	uo.Clock = o.Clock
	us := users.New(store, authz, &uo)
	return &Kit{
		Users:       us,
		Partners:    partners.New(store, authz, us, &partners.Options{Clock: o.Clock}),
		Portals:     portals.New(store, authz, us, &portals.Options{Clock: o.Clock}),
		Permissions: authz,
	}
}

// HTTP returns the services as the HTTP APIs take them (httpapi.Services,
// for all.Mount or one API's Register).
func (k *Kit) HTTP() httpapi.Services {
	return httpapi.Services{Users: k.Users, Partners: k.Partners, Portals: k.Portals, Permissions: k.Permissions}
}
