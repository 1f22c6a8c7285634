package core

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/userkit/userkit/httpapi"
)

// BenchmarkObserveOverhead isolates the telemetry middleware with the
// default (global, no SDK installed) providers: "bare" is a handler that
// writes a status, "observed" the same handler wrapped by observe. The
// difference is what a host that does not use OpenTelemetry pays.
func BenchmarkObserveOverhead(b *testing.B) {
	a := New(httpapi.Services{}, &httpapi.Options{}, Shape{Name: "bench"})
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	r := httptest.NewRequest("GET", "/t/items/7", nil)
	w := httptest.NewRecorder()
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{{"bare", bare}, {"observed", a.observe("GET /t/items/{id}", bare)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bc.h.ServeHTTP(w, r)
			}
		})
	}
}
