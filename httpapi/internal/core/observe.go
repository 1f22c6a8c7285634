package core

import (
	"context"
	"net/http"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/userkit/userkit/httpapi"
)

// InstrumentationName names the tracer and meter of the HTTP APIs.
const InstrumentationName = "github.com/userkit/userkit/httpapi"

// Attribute keys of userkit's own (the others are OpenTelemetry's HTTP
// semantic conventions).
const (
	APIKey       = attribute.Key("userkit.api")        // "admin", "solvexia", …
	RequestIDKey = attribute.Key("userkit.request_id") // the X-Request-Id
)

// instruments are one API's tracer and metric instruments, made once at
// registration from Options' providers (the global ones when nil, which
// are no-ops until the host installs an SDK).
type instruments struct {
	tracer   trace.Tracer
	requests metric.Int64Counter
	duration metric.Float64Histogram
}

func newInstruments(o *httpapi.Options) *instruments {
	tp, mp := o.TracerProvider, o.MeterProvider
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	meter := mp.Meter(InstrumentationName)
	in := &instruments{tracer: tp.Tracer(InstrumentationName)}
	var err error
	in.requests, err = meter.Int64Counter("userkit.http.server.requests",
		metric.WithDescription("HTTP requests answered, by API, route and status."),
		metric.WithUnit("{request}"))
	if err != nil {
		otel.Handle(err)
	}
	in.duration, err = meter.Float64Histogram("http.server.request.duration",
		metric.WithDescription("Duration of HTTP server requests."),
		metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10))
	if err != nil {
		otel.Handle(err)
	}
	return in
}

// route is the observation of one registered pattern: its span name and
// its metric attributes, one set per status code (and method, for a
// fallback), built once each so that a request allocates none.
type route struct {
	in     *instruments
	name   string // span name: "GET /admin/v1/partners/{id}", or the method alone
	api    string
	method string
	path   string // http.route, "" for an API's fallback (404/405)

	mu   sync.RWMutex
	sets map[setKey]metric.MeasurementOption
}

type setKey struct {
	method string
	status int
}

var serverKind = trace.WithSpanKind(trace.SpanKindServer)

// observe wraps h in a span named after the route and in the request
// count and duration metrics. pattern is the ServeMux pattern ("GET
// /admin/v1/partners/{id}", or a method-less fallback such as
// "/admin/v1/"). It runs inside WithRequestID, so that the span carries
// the request id. With the global providers and no SDK installed it costs
// a few allocations a request (BenchmarkObserve).
func (a *API) observe(pattern string, h http.Handler) http.Handler {
	ro := &route{in: a.obs, api: a.Shape.Name, sets: map[setKey]metric.MeasurementOption{}}
	if method, path, ok := cutMethod(pattern); ok {
		ro.method, ro.path, ro.name = method, path, pattern
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := &observation{ResponseWriter: w, route: ro, start: time.Now(), method: r.Method}
		name := ro.name
		if name == "" {
			name = r.Method
		}
		o.ctx, o.span = ro.in.tracer.Start(r.Context(), name, serverKind)
		if o.span.IsRecording() {
			o.span.SetAttributes(ro.spanAttributes(r)...)
			r = r.WithContext(o.ctx)
		}
		defer o.finish()
		h.ServeHTTP(o, r)
	})
}

// observation is one request being observed: the response writer that
// remembers the status, and what finish records.
type observation struct {
	http.ResponseWriter
	status int
	route  *route
	start  time.Time
	method string
	ctx    context.Context
	span   trace.Span
}

// finish ends the span and records the metrics; a handler that panicked
// before writing counts as a 500, and the panic goes on.
func (o *observation) finish() {
	status := o.status
	if status == 0 {
		status = http.StatusOK
		if p := recover(); p != nil {
			status = http.StatusInternalServerError
			defer panic(p)
		}
	}
	if o.span.IsRecording() {
		o.span.SetAttributes(semconv.HTTPResponseStatusCode(status))
		if status >= 500 {
			o.span.SetStatus(codes.Error, http.StatusText(status))
		}
	}
	o.span.End()
	set := o.route.set(o.method, status)
	o.route.in.requests.Add(o.ctx, 1, set)
	o.route.in.duration.Record(o.ctx, time.Since(o.start).Seconds(), set)
}

func (ro *route) spanAttributes(r *http.Request) []attribute.KeyValue {
	kv := []attribute.KeyValue{
		APIKey.String(ro.api),
		semconv.HTTPRequestMethodKey.String(r.Method),
		semconv.URLPath(r.URL.Path),
		RequestIDKey.String(httpapi.RequestID(r.Context())),
	}
	if ro.path != "" {
		kv = append(kv, semconv.HTTPRoute(ro.path))
	}
	return kv
}

// set returns the metric attributes for a status, made once per status
// (and method, for a fallback, which answers every method).
func (ro *route) set(method string, status int) metric.MeasurementOption {
	key := setKey{status: status}
	if ro.method == "" {
		key.method = method
	}
	ro.mu.RLock()
	opt, ok := ro.sets[key]
	ro.mu.RUnlock()
	if ok {
		return opt
	}
	kv := []attribute.KeyValue{
		APIKey.String(ro.api),
		semconv.HTTPRequestMethodKey.String(method),
		semconv.HTTPResponseStatusCode(status),
	}
	if ro.path != "" {
		kv = append(kv, semconv.HTTPRoute(ro.path))
	}
	opt = metric.WithAttributeSet(attribute.NewSet(kv...))
	ro.mu.Lock()
	if len(ro.sets) < maxSets {
		ro.sets[key] = opt
	}
	ro.mu.Unlock()
	return opt
}

// maxSets bounds the attribute sets a route keeps: a fallback sees any
// method a client sends.
const maxSets = 64

// cutMethod splits "GET /path" into its method and path.
func cutMethod(pattern string) (method, path string, ok bool) {
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case c == ' ':
			return pattern[:i], pattern[i+1:], true
		case c == '/':
			return "", pattern, false
		}
	}
	return "", pattern, false
}

func (w *observation) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *observation) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush passes on to the wrapped writer, for streamed lists.
func (w *observation) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the wrapped writer.
func (w *observation) Unwrap() http.ResponseWriter { return w.ResponseWriter }
