package core_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/core"
)

func TestStatusOf(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	want := map[userkit.Kind]int{
		userkit.Internal:           500,
		userkit.Invalid:            400,
		userkit.NotFound:           404,
		userkit.Conflict:           409,
		userkit.Unauthenticated:    401,
		userkit.Forbidden:          403,
		userkit.PreconditionFailed: 412,
		userkit.TooManyRequests:    429,
		userkit.Kind(200):          500, // a kind added later without a row
	}
	for k, status := range want {
		is.Equal(core.StatusOf(k), status) // status of the kind
	}
}

// logBuffer is a concurrency-safe buffer for a slog handler.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newLogger returns a logger writing JSON lines into the returned buffer.
func newLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// written is what the test ErrorWriter received.
type written struct {
	status int
	msg    string
	fields map[string]string
}

// recordErrors returns an ErrorWriter that records its call and writes the
// status and message as plain text.
func recordErrors(got *written) core.ErrorWriter {
	return func(w http.ResponseWriter, _ *http.Request, f core.Failure) {
		*got = written{f.Status, f.Message, texts(f.Fields)}
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Message))
	}
}

func TestFailInternal(t *testing.T) {
	t.Parallel()
	for _, err := range []error{
		fmt.Errorf("query users: dial tcp 10.0.0.7:5432: password=hunter2 refused"),
		&userkit.Error{Kind: userkit.Internal, Message: "store corrupt: password=hunter2 refused"},
		fmt.Errorf("wrapped: %w", &userkit.Error{Kind: userkit.Internal, Err: errors.New("password=hunter2 refused")}),
	} {
		is := is.New(t)
		log, buf := newLogger()
		var got written
		a := core.New(httpapi.Services{}, &httpapi.Options{Logger: log}, core.Shape{Errors: recordErrors(&got)})
		r := httptest.NewRequest("GET", "/api/v1/users", nil)
		r = r.WithContext(httpapi.ContextWithRequestID(r.Context(), "0123456789abcdef0123456789abcdef"))
		w := httptest.NewRecorder()

		a.Fail(w, r, err)

		is.Equal(got.status, 500)                                              // internal → 500
		is.Equal(w.Code, 500)                                                  // written
		is.True(!strings.Contains(got.msg, "hunter2"))                         // no internal detail reaches the client
		is.True(!strings.Contains(got.msg, "refused"))                         // not even part of it
		is.True(strings.Contains(got.msg, "0123456789abcdef0123456789abcdef")) // the client gets the request id to quote
		is.Equal(got.fields, nil)                                              // no fields

		logged := buf.String()
		is.True(strings.Contains(logged, `"level":"ERROR"`))                                 // logged as an error
		is.True(strings.Contains(logged, `"request_id":"0123456789abcdef0123456789abcdef"`)) // with the request id
		is.True(strings.Contains(logged, "hunter2 refused"))                                 // with the internal error for the operator
		is.True(strings.Contains(logged, `"path":"/api/v1/users"`))                          // and the path
	}
}

func TestFailClientErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err    error
		status int
		msg    string
		fields map[string]string
	}{
		{userkit.FieldError("Email", userkit.Problem{Rule: userkit.RuleTaken}), 400, "invalid input", map[string]string{"Email": "already taken"}},
		{userkit.Errorf(userkit.NotFound, "user not found"), 404, "user not found", nil},
		{fmt.Errorf("load: %w", userkit.Errorf(userkit.Conflict, "email taken")), 409, "email taken", nil},
		{userkit.ErrForbidden, 403, "forbidden", nil},
		{userkit.Errorf(userkit.PreconditionFailed, "stale"), 412, "stale", nil},
		{userkit.Errorf(userkit.TooManyRequests, "slow down"), 429, "slow down", nil},
		{userkit.Errorf(userkit.Unauthenticated, "Unauthenticated"), 401, "Unauthenticated", nil},
	}
	for _, tt := range tests {
		is := is.New(t)
		log, buf := newLogger()
		var got written
		a := core.New(httpapi.Services{}, &httpapi.Options{Logger: log}, core.Shape{Errors: recordErrors(&got)})
		a.Fail(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), tt.err)
		is.Equal(got.status, tt.status) // status from the table
		is.Equal(got.msg, tt.msg)       // the error's own message
		is.Equal(got.fields, tt.fields) // field problems passed on
		is.Equal(buf.String(), "")      // client errors are not logged as internal
	}
}

// texts renders field problems with core.Text, nil staying nil.
func texts(fields map[string]userkit.Problem) map[string]string {
	if fields == nil {
		return nil
	}
	out := make(map[string]string, len(fields))
	for k, p := range fields {
		out[k] = core.Text(p)
	}
	return out
}
