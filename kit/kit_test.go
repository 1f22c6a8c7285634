package kit_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/matryer/is"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/kit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage/memory"
	"github.com/userkit/userkit/users"
)

func TestNewSharesStoreAndClock(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	k := kit.New(memory.New(), &kit.Options{Clock: func() time.Time { return at }, Users: users.Options{Argon2: users.Argon2Params{Memory: 64, Time: 1, Threads: 1}}})
	ctx := permissions.WithPrincipal(context.Background(), permissions.System)
	u, err := k.Users.Create(ctx, users.CreateParams{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace", Password: "Samplepassword12"})
	is.NoErr(err)
	is.Equal(u.CreatedAt, at) // the users service runs on the kit's clock
	p, err := k.Partners.Create(ctx, partners.CreateParams{Name: "Acme"})
	is.NoErr(err)
	is.Equal(p.CreatedAt, at) // so do the others
	_, created, err := k.Partners.AddUser(ctx, p.ID, users.CreateParams{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace"})
	is.NoErr(err)
	is.True(!created) // one store: the partner sees the user the users service made
	svc := k.HTTP()
	is.True(svc.Users != nil && svc.Partners != nil && svc.Portals != nil && svc.Permissions != nil) // every API service set
}

// tracerProvider and meterProvider are providers told apart by identity.
type tracerProvider struct {
	tracenoop.TracerProvider
	name string
}

type meterProvider struct {
	metricnoop.MeterProvider
	name string
}

func TestHTTPOptions(t *testing.T) {
	t.Parallel()
	kitTime := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	kitLog := slog.New(slog.DiscardHandler)
	kitTP, kitMP := &tracerProvider{name: "kit"}, &meterProvider{name: "kit"}
	k := kit.New(memory.New(), &kit.Options{
		Clock:  func() time.Time { return kitTime },
		Logger: kitLog, TracerProvider: kitTP, MeterProvider: kitMP,
	})

	t.Run("fills what is left empty", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		in := &httpapi.Options{TokenSecret: []byte("secret"), Prefix: "/userkit", RateLimit: 7}
		out := k.HTTPOptions(in)
		is.True(out != in)                           // a copy
		is.True(in.Logger == nil && in.Clock == nil) // the given options are left as they were
		is.True(in.TracerProvider == nil && in.MeterProvider == nil)
		is.True(out.Logger == kitLog)                              // the kit's logger
		is.Equal(out.Clock(), kitTime)                             // the kit's clock
		is.True(out.TracerProvider == trace.TracerProvider(kitTP)) // the kit's tracer provider
		is.True(out.MeterProvider == metric.MeterProvider(kitMP))  // the kit's meter provider
		is.Equal(string(out.TokenSecret), "secret")                // the other fields kept
		is.Equal(out.Prefix, "/userkit")
		is.Equal(out.RateLimit, 7)
	})

	t.Run("keeps what is set", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		ownTime := time.Date(2030, 6, 7, 8, 9, 10, 0, time.UTC)
		ownLog := slog.New(slog.DiscardHandler)
		ownTP, ownMP := &tracerProvider{name: "own"}, &meterProvider{name: "own"}
		out := k.HTTPOptions(&httpapi.Options{
			Clock:  func() time.Time { return ownTime },
			Logger: ownLog, TracerProvider: ownTP, MeterProvider: ownMP,
		})
		is.True(out.Logger == ownLog)                              // the given logger
		is.Equal(out.Clock(), ownTime)                             // the given clock
		is.True(out.TracerProvider == trace.TracerProvider(ownTP)) // the given tracer provider
		is.True(out.MeterProvider == metric.MeterProvider(ownMP))  // the given meter provider
	})

	t.Run("nil options", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		out := k.HTTPOptions(nil)
		is.True(out.Logger == kitLog)
		is.Equal(out.Clock(), kitTime)
		is.True(out.TracerProvider == trace.TracerProvider(kitTP))
		is.True(out.MeterProvider == metric.MeterProvider(kitMP))
		is.Equal(out.Prefix, "") // otherwise the zero options
	})

	t.Run("a kit without them leaves them nil", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		out := kit.New(memory.New(), nil).HTTPOptions(&httpapi.Options{})
		is.True(out.Logger == nil && out.Clock == nil)                 // the HTTP APIs' defaults apply: slog.Default, time.Now
		is.True(out.TracerProvider == nil && out.MeterProvider == nil) // the global providers
	})
}
