package core

import (
	"bytes"
	"encoding/json"
	"iter"
	"log/slog"
	"net/http"

	"github.com/userkit/userkit/httpapi"
)

// Array is a result that streams a JSON array of the items of a sequence,
// encoding each as it comes and flushing every flushEvery items, so that
// the memory of a request does not grow with the number of items. The
// bytes are those Encode writes for the whole slice.
type Array[T any] struct {
	first T
	next  func() (T, error, bool)
	stop  func()
	empty bool
}

// flushEvery is how many items Array writes between flushes.
const flushEvery = 500

// StreamArray starts seq and reads its first item, so that an error
// before the first item (a refused permission, say) is still answered in
// the API's error shape with its status. Later errors can no longer change
// the status: Array logs them and aborts the response, so the client sees
// a truncated body, never a complete-looking array.
func StreamArray[T any](seq iter.Seq2[T, error]) (Array[T], error) {
	next, stop := iter.Pull2(seq)
	first, err, ok := next()
	if err != nil {
		stop()
		return Array[T]{}, err
	}
	if !ok {
		stop()
		return Array[T]{empty: true}, nil
	}
	return Array[T]{first: first, next: next, stop: stop}, nil
}

// streamer is a result that writes its own body.
type streamer interface {
	stream(a *API, w http.ResponseWriter, r *http.Request, status int)
}

func (s Array[T]) stream(a *API, w http.ResponseWriter, r *http.Request, status int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if s.empty || s.next == nil {
		_, _ = w.Write([]byte("[]\n"))
		return
	}
	defer s.stop()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	buf.WriteByte('[')
	item, n := s.first, 0
	for {
		if err := enc.Encode(item); err != nil {
			a.abort(r, err)
		}
		buf.Truncate(buf.Len() - 1) // the Encoder's newline
		n++
		if n%flushEvery == 0 {
			if _, err := w.Write(buf.Bytes()); err != nil {
				return // the client went away
			}
			buf.Reset()
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
		}
		var err error
		var ok bool
		item, err, ok = s.next()
		if err != nil {
			a.abort(r, err)
		}
		if !ok {
			break
		}
		buf.WriteByte(',')
	}
	buf.WriteString("]\n")
	_, _ = w.Write(buf.Bytes())
}

// abort ends a response whose status is already sent: the error is
// logged and the connection cut (http.ErrAbortHandler), so the client
// cannot take the partial body for a whole one.
func (a *API) abort(r *http.Request, err error) {
	a.Log.ErrorContext(r.Context(), "streamed response failed",
		slog.String("request_id", httpapi.RequestID(r.Context())),
		slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.String("error", err.Error()))
	panic(http.ErrAbortHandler)
}
