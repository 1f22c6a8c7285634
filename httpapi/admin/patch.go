package admin

import (
	"encoding/json"
	"reflect"
	"strings"

	"github.com/userkit/userkit"
)

// optional is a member of a JSON merge patch (RFC 7396): Set says whether
// the member was sent at all (absent means unchanged), Null whether it was
// null (clear, where clearing makes sense).
type optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// UnmarshalJSON records that the member was present. encoding/json calls it
// for null too, which is how null and absent are told apart.
func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// value returns nil when the member was absent and the value otherwise. A
// null is an error on field: the member cannot be cleared.
func (o optional[T]) value(field string) (*T, error) {
	switch {
	case !o.Set:
		return nil, nil
	case o.Null:
		return nil, userkit.FieldError(field, userkit.Problem{Rule: userkit.RuleNull})
	}
	v := o.Value
	return &v, nil
}

// orDefault is like value, but a null resets the member to def.
func (o optional[T]) orDefault(def T) *T {
	switch {
	case !o.Set:
		return nil
	case o.Null:
		return &def
	}
	v := o.Value
	return &v
}

// readOnly is a member of a response object that a patch may not carry
// (id, timestamps, version, ownership). Present with any value, it is an
// error, so a client never believes it changed something it did not.
type readOnly bool

// UnmarshalJSON records that the member was sent.
func (r *readOnly) UnmarshalJSON([]byte) error {
	*r = true
	return nil
}

var readOnlyType = reflect.TypeFor[readOnly]()

// checkReadOnly reports every readOnly member of the patch struct v that
// was sent, as Invalid fields named by their json tags.
func checkReadOnly(v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	var fields map[string]userkit.Problem
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Type().Field(i)
		if f.Type != readOnlyType || !rv.Field(i).Bool() {
			continue
		}
		if fields == nil {
			fields = map[string]userkit.Problem{}
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		fields[name] = userkit.Problem{Rule: userkit.RuleImmutable}
	}
	if fields == nil {
		return nil
	}
	return &userkit.Error{Kind: userkit.Invalid, Message: "invalid input", Fields: fields}
}
