package core_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/matryer/is"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/apitest"
	"github.com/userkit/userkit/httpapi/internal/core"
)

// observed is one API ("test") with three routes, on a mux, with an SDK
// recording its spans and metrics (the SDK is for tests and hosts only).
func observed(t testing.TB, opts *httpapi.Options) *http.ServeMux {
	t.Helper()
	env := apitest.New(t)
	a := core.New(env.Svc.HTTP(), opts, core.Shape{Name: "test", Errors: func(w http.ResponseWriter, r *http.Request, f core.Failure) {
		core.Encode(w, f.Status, map[string]string{"error": f.Message})
	}})
	mux := http.NewServeMux()
	rt := a.Routes(mux, "/t", "/")
	rt.Handle("GET /items/{id}", core.Endpoint(a, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (map[string]string, error) {
		return map[string]string{"id": r.PathValue("id")}, nil
	}))
	rt.Handle("DELETE /items/{id}", core.Endpoint(a, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (core.Empty, error) {
		return core.Empty{}, userkit.Errorf(userkit.Internal, "boom")
	}))
	rt.Document("", "/t/openapi.json", []byte(`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{}}`))
	return mux
}

func TestObserve(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	spans := tracetest.NewSpanRecorder()
	reader := sdkmetric.NewManualReader()
	opts := &httpapi.Options{
		Logger:         discard,
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)),
		MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
	}
	mux := observed(t, opts)
	serve := func(method, path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest(method, path, nil))
		return w
	}
	ok := serve("GET", "/t/items/7")
	is.Equal(ok.Code, 200)
	serve("GET", "/t/items/8")
	is.Equal(serve("DELETE", "/t/items/7").Code, 500)
	is.Equal(serve("GET", "/t/nothing").Code, 404)

	ended := spans.Ended()
	is.Equal(len(ended), 4)                        // a span per request
	is.Equal(ended[0].Name(), "GET /t/items/{id}") // named after the route
	is.Equal(ended[3].Name(), "GET")               // a fallback has no route
	attrs := map[attribute.Key]attribute.Value{}
	for _, kv := range ended[0].Attributes() {
		attrs[kv.Key] = kv.Value
	}
	is.Equal(attrs["http.route"].AsString(), "/t/items/{id}")
	is.Equal(attrs["http.response.status_code"].AsInt64(), int64(200))
	is.Equal(attrs["userkit.api"].AsString(), "test")
	is.Equal(attrs["userkit.request_id"].AsString(), ok.Header().Get(httpapi.RequestIDHeader)) // the request id
	is.Equal(ended[2].Status().Code, codes.Error)                                              // a 5xx is an error

	var rm metricdata.ResourceMetrics
	is.NoErr(reader.Collect(context.Background(), &rm))
	counts := map[string]int64{} // "route status" → requests
	var histograms uint64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch data := m.Data.(type) {
			case metricdata.Sum[int64]:
				is.Equal(m.Name, "userkit.http.server.requests")
				for _, dp := range data.DataPoints {
					route, _ := dp.Attributes.Value("http.route")
					status, _ := dp.Attributes.Value("http.response.status_code")
					api, _ := dp.Attributes.Value("userkit.api")
					is.Equal(api.AsString(), "test")
					counts[route.AsString()+" "+status.Emit()] += dp.Value
				}
			case metricdata.Histogram[float64]:
				is.Equal(m.Name, "http.server.request.duration")
				for _, dp := range data.DataPoints {
					histograms += dp.Count
				}
			}
		}
	}
	is.Equal(counts, map[string]int64{"/t/items/{id} 200": 2, "/t/items/{id} 500": 1, " 404": 1}) // by route and status
	is.Equal(histograms, uint64(4))                                                               // every duration recorded
}

// BenchmarkObserve measures what the telemetry costs a request: "global"
// is the default (no SDK installed: the global no-op providers), "sdk" an
// SDK that records every span and metric. Compare with "none", the same
// handler without the middleware (BenchmarkObserve/none is the route
// served by a bare handler).
func BenchmarkObserve(b *testing.B) {
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		core.Encode(w, 200, map[string]string{"id": r.PathValue("id")})
	})
	noneMux := http.NewServeMux()
	noneMux.Handle("GET /t/items/{id}", httpapi.WithRequestID(bare))
	sdkOpts := &httpapi.Options{Logger: discard,
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tracetest.NewSpanRecorder())),
		MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))}
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{
		{"none", noneMux},
		{"global", observed(b, &httpapi.Options{Logger: discard})},
		{"sdk", observed(b, sdkOpts)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/t/items/7", nil)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				bc.h.ServeHTTP(w, r)
			}
		})
	}
}

var discard = slog.New(slog.DiscardHandler)
