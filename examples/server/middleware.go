package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/userkit/userkit/httpapi"
)

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// logRequests logs one line per request: method, path, status, duration and
// request id. It never logs headers, query strings or bodies, so
// credentials and passwords cannot reach the log. Wrap it in
// httpapi.WithRequestID so the id exists before it runs.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		log.InfoContext(r.Context(), "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", httpapi.RequestID(r.Context())))
	})
}

// requestDeadline bounds a request's work: shorter than the server's
// WriteTimeout (30 s), so a request that could no longer be answered is
// cancelled, and a write whose client will never hear of it never
// commits (the stores refuse to commit once the context is done).
const requestDeadline = 25 * time.Second

// withDeadline gives each request's context a deadline of d.
func withDeadline(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
