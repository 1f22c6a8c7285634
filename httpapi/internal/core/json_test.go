package core_test

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/core"
)

// input is a request body with a field of every JSON type.
type input struct {
	Name    string   `json:"name"`
	Age     int      `json:"age"`
	Active  bool     `json:"active"`
	Tags    []string `json:"tags"`
	Nick    *string  `json:"nick"`
	Address struct {
		City string `json:"city"`
	} `json:"address"`
}

// decode runs API.Decode over body with opts (nil = defaults).
func decode(opts *httpapi.Options, body string, v any, strict bool) error {
	shape := core.Shape{Unknown: core.IgnoreUnknown}
	if strict {
		shape.Unknown = core.RejectUnknown
	}
	a := core.New(httpapi.Services{}, opts, shape)
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return a.Decode(httptest.NewRecorder(), r, v)
}

func TestDecodeValid(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	var in input
	err := decode(nil, ` {"name":"Mona","age":41,"active":true,"tags":["a"],"nick":"mo","address":{"city":"Sydney"}}`+"\n\t ", &in, true)
	is.NoErr(err)                               // one object and trailing white space is fine
	is.Equal(in.Name, "Mona")                   // name decoded
	is.Equal(in.Age, 41)                        // age decoded
	is.Equal(in.Address.City, "Sydney")         // nested object decoded
	is.True(in.Nick != nil && *in.Nick == "mo") // pointer field decoded
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		strict  bool
		message string
		fields  map[string]string
	}{
		{"empty body", "", false, "request body is empty", nil},
		{"only white space", " \n ", false, "request body is empty", nil},
		{"truncated", `{"name":"Mo`, false, "request body is not valid JSON", nil},
		{"syntax error", `{name: "Mo"}`, false, "request body is not valid JSON", nil},
		{"second value", `{"name":"a"} {"name":"b"}`, false, "request body must hold a single JSON value", nil},
		{"trailing garbage", `{"name":"a"} x`, false, "request body must hold a single JSON value", nil},
		{"trailing bracket", `{"name":"a"}}`, false, "request body must hold a single JSON value", nil},
		{"trailing comma", `{"name":"a"},`, false, "request body must hold a single JSON value", nil},
		{"array body", `[1,2]`, false, "request body must be a JSON object", nil},
		{"string body", `"Mona"`, false, "request body must be a JSON object", nil},
		{"number for string", `{"name":5}`, false, "invalid input", map[string]string{"name": "must be a string"}},
		{"string for number", `{"age":"41"}`, false, "invalid input", map[string]string{"age": "must be a number"}},
		{"string for boolean", `{"active":"yes"}`, false, "invalid input", map[string]string{"active": "must be a boolean"}},
		{"string for array", `{"tags":"a"}`, false, "invalid input", map[string]string{"tags": "must be an array"}},
		{"number for object", `{"address":1}`, false, "invalid input", map[string]string{"address": "must be an object"}},
		{"number for pointer to string", `{"nick":1}`, false, "invalid input", map[string]string{"nick": "must be a string"}},
		{"nested field", `{"address":{"city":true}}`, false, "invalid input", map[string]string{"address.city": "must be a string"}},
		{"unknown field when strict", `{"name":"a","admin":true}`, true, "invalid input", map[string]string{"admin": "is not a known field"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			var in input
			err := decode(nil, tt.body, &in, tt.strict)
			is.True(err != nil)                            // refused
			is.Equal(userkit.KindOf(err), userkit.Invalid) // a client error
			is.Equal(userkit.MessageOf(err), tt.message)   // says what was wrong
			var e *userkit.Error
			is.True(errors.As(err, &e))             // a *userkit.Error
			is.Equal(len(e.Fields), len(tt.fields)) // field problems
			for k, v := range tt.fields {
				is.Equal(e.Fields[k].String(), v) // problem of the named JSON field
			}
		})
	}
}

// TestDecodeUnknownFieldLenient: without strict, unknown fields are
// ignored (the documented APIs send extra fields).
func TestDecodeUnknownFieldLenient(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	var in input
	is.NoErr(decode(nil, `{"name":"a","admin":true}`, &in, false)) // ignored
	is.Equal(in.Name, "a")                                         // known field still decoded
}

// TestDecodeNeverEchoesBody: messages name the problem, not the input,
// since bodies carry passwords.
func TestDecodeNeverEchoesBody(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	const secret = "hunter2-s3cret"
	for _, body := range []string{
		`{"name":"` + secret + `"`,
		`{"name":"a"} "` + secret + `"`,
		`{"name":"a", "age":"` + secret + `"}`,
		secret,
	} {
		var in input
		err := decode(nil, body, &in, true)
		is.True(err != nil)                             // refused
		is.True(!strings.Contains(err.Error(), secret)) // the body's value is not in the error
	}
}

func TestDecodeBodyTooLarge(t *testing.T) {
	t.Parallel()
	big := `{"name":"` + strings.Repeat("a", httpapi.DefaultMaxBodyBytes) + `"}`
	tests := []struct {
		name  string
		limit int64
		body  string
	}{
		{"default limit", 0, big},
		{"small limit", 16, `{"name":"abcdefghijklmnop"}`},
		// The first value fits; the limit is hit looking for a second one.
		{"trailing white space over the limit", 16, `{"name":"ab"}` + strings.Repeat(" ", 32)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			var in input
			err := decode(&httpapi.Options{MaxBodyBytes: tt.limit}, tt.body, &in, false)
			is.True(errors.Is(err, core.ErrBodyTooLarge))  // too large
			is.Equal(userkit.KindOf(err), userkit.Invalid) // a client error
		})
	}
}

// TestDecodeAtLimit: a body of exactly MaxBodyBytes is accepted.
func TestDecodeAtLimit(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	body := `{"name":"ab"}`
	var in input
	is.NoErr(decode(&httpapi.Options{MaxBodyBytes: int64(len(body))}, body, &in, true)) // at the limit
	is.Equal(in.Name, "ab")                                                             // decoded
}

func TestIfMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header  string
		want    int64 // 0: nil
		invalid bool
	}{
		{"", 0, false},
		{"*", 0, false},
		{" * ", 0, false},
		{`"3"`, 3, false},
		{`W/"3"`, 3, false},
		{` "12" `, 12, false},
		{`"0"`, 0, true},
		{`"-1"`, 0, true},
		{`"abc"`, 0, true},
		{`"1", "2"`, 0, true},
		{`W/`, 0, true},
		{`"99999999999999999999"`, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			r := httptest.NewRequest("PUT", "/", nil)
			if tt.header != "" {
				r.Header.Set("If-Match", tt.header)
			}
			v, err := core.IfMatch(r)
			if tt.invalid {
				is.Equal(userkit.KindOf(err), userkit.Invalid) // malformed If-Match
				is.True(v == nil)                              // no version
				return
			}
			is.NoErr(err) // accepted
			if tt.want == 0 {
				is.True(v == nil) // no precondition
				return
			}
			is.True(v != nil)     // a precondition
			is.Equal(*v, tt.want) // the version named by the ETag
		})
	}
}

// TestSetETagIfMatchRoundTrip: the ETag the API writes is accepted back.
func TestSetETagIfMatchRoundTrip(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	w := httptest.NewRecorder()
	core.SetETag(w, 42)
	is.Equal(w.Header().Get("ETag"), `"42"`) // a strong, quoted ETag
	r := httptest.NewRequest("PUT", "/", nil)
	r.Header.Set("If-Match", w.Header().Get("ETag"))
	v, err := core.IfMatch(r)
	is.NoErr(err)           // accepted
	is.Equal(*v, int64(42)) // same version
}

func TestQueryInt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query   string
		want    int
		problem string // "" = accepted
	}{
		{"", 20, ""},
		{"?limit=", 20, ""},
		{"?other=3", 20, ""},
		{"?limit=7", 7, ""},
		{"?limit=%2B7", 7, ""},
		{"?limit=2.0", 2, ""},
		{"?limit=2.0000000000", 2, ""}, // what ogen's client writes
		{"?limit=2e0", 2, ""},
		{"?limit=2E%2B0", 2, ""},
		{"?limit=0.2e1", 2, ""},
		{"?limit=20e-1", 2, ""},
		{"?limit=007", 7, ""},
		{"?limit=100", 100, ""},
		{"?limit=0", 0, "must be at least 1"},
		{"?limit=-3", 0, "must be at least 1"},
		{"?limit=101", 0, "must be at most 100"},
		{"?limit=1e2", 100, ""},
		{"?limit=1e3", 0, "must be at most 100"},
		{"?limit=1.5", 0, "must be an integer"},
		{"?limit=2.5", 0, "must be an integer"},
		{"?limit=2.", 0, "must be an integer"},
		{"?limit=.5", 0, "must be an integer"},
		{"?limit=2e", 0, "must be an integer"},
		{"?limit=2e-1", 0, "must be an integer"},
		{"?limit=ten", 0, "must be an integer"},
		{"?limit=NaN", 0, "must be an integer"},
		{"?limit=Inf", 0, "must be an integer"},
		{"?limit=0x10", 0, "must be an integer"},
		{"?limit=1_0", 0, "must be an integer"},
		{"?limit=99999999999999999999999", 0, "must be an integer"}, // beyond int64
		{"?limit=1e999999999", 0, "must be an integer"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			r := httptest.NewRequest("GET", "/"+tt.query, nil)
			n, err := core.QueryInt(r, "limit", 20, core.Range{Min: 1, Max: 100})
			if tt.problem != "" {
				is.Equal(userkit.KindOf(err), userkit.Invalid) // refused
				var e *userkit.Error
				is.True(errors.As(err, &e))
				is.Equal(core.Text(e.Fields["limit"]), tt.problem) // names the parameter and the problem
				return
			}
			is.NoErr(err)        // accepted
			is.Equal(n, tt.want) // value or default
		})
	}
}

func TestWholeNumber(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	for s, want := range map[string]int64{
		"0": 0, "-0": 0, "0e99999": 0, "0.000": 0, "-12": -12, "1.200e1": 12,
		"9223372036854775807": 1<<63 - 1, "-9223372036854775808": -1 << 63,
		"922337203685477580.7e1": 1<<63 - 1,
	} {
		n, ok := core.WholeNumber(s)
		is.True(ok)       // a whole number
		is.Equal(n, want) // its value
	}
	for _, s := range []string{"", "+", "-", "e1", "1e", "1e+", "1e+-1", "9223372036854775808", "1.0000000000000000001", "1e-99999", "١"} {
		_, ok := core.WholeNumber(s)
		is.True(!ok) // refused
	}
}

func TestEncode(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	w := httptest.NewRecorder()
	core.Encode(w, 201, map[string]string{"url": "https://x/?a=1&b=<2>"})
	is.Equal(w.Code, 201)                                            // status
	is.Equal(w.Header().Get("Content-Type"), "application/json")     // JSON
	is.Equal(w.Body.String(), `{"url":"https://x/?a=1&b=<2>"}`+"\n") // no HTML escaping

	w = httptest.NewRecorder()
	core.Encode(w, 200, map[string]any{"bad": func() {}})
	is.Equal(w.Code, 500) // an unencodable value is a 500, not a half-written 200
}

func TestPrefix(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	for in, want := range map[string]string{"": "", "/": "", "/userkit": "/userkit", "/userkit/": "/userkit", "userkit": "/userkit", "a/b/": "/a/b"} {
		is.Equal(core.Prefix(in), want) // prefix normalised
	}
}
