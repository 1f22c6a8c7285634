package userkit_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
)

func TestErrorMatchesItsKindSentinel(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	err := fmt.Errorf("creating user: %w", &userkit.Error{Kind: userkit.Conflict, Message: "email taken"})
	is.True(errors.Is(err, userkit.ErrConflict))                                                   // wrapped errors match their kind's sentinel
	is.True(!errors.Is(err, userkit.ErrNotFound))                                                  // and no other
	is.Equal(userkit.KindOf(err), userkit.Conflict)                                                // KindOf looks through wrapping
	is.Equal(userkit.KindOf(errors.New("boom")), userkit.Internal)                                 // foreign errors are internal
	is.True(!errors.Is(userkit.ErrConflict, &userkit.Error{Kind: userkit.Conflict, Message: "x"})) // only bare sentinels match by kind
}

func TestErrorText(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	e := &userkit.Error{Kind: userkit.Invalid, Message: "invalid input",
		Fields: map[string]userkit.Problem{"LastName": {Rule: userkit.RuleRequired}, "Email": {Rule: userkit.RuleEmail}},
		Err:    errors.New("cause")}
	is.Equal(e.Error(), "invalid input (Email: must be a valid email address; LastName: is required): cause")   // fields in a stable order
	is.Equal((&userkit.Error{Kind: userkit.NotFound}).Error(), "not found")                                     // the kind stands in for a missing message
	is.Equal(userkit.FieldsOf(fmt.Errorf("w: %w", e))["LastName"], userkit.Problem{Rule: userkit.RuleRequired}) // FieldsOf looks through wrapping
	is.True(errors.Is(e, e.Err))                                                                                // the cause is reachable
}

func TestMessageOfHidesInternalDetail(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	is.Equal(userkit.MessageOf(errors.New("pq: relation users does not exist")), "internal error")                  // driver text never reaches a client
	is.Equal(userkit.MessageOf(&userkit.Error{Kind: userkit.Internal, Message: "secret detail"}), "internal error") // nor an internal message
	is.Equal(userkit.MessageOf(userkit.Errorf(userkit.NotFound, "user %d not found", 7)), "user 7 not found")       // client errors keep their text
	is.Equal(userkit.MessageOf(&userkit.Error{Kind: userkit.Forbidden}), "forbidden")                               // or their kind
	is.Equal(userkit.Kind(200).String(), "kind(200)")
}

func TestPageRequest(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	is.Equal(userkit.PageRequest{}.Normalize().Limit, userkit.DefaultLimit)           // zero means the default
	is.Equal(userkit.PageRequest{Limit: 1 << 30}.Normalize().Limit, userkit.MaxLimit) // capped
	is.Equal(userkit.PageRequest{Page: -3}.Normalize().Page, 0)                       // negative pages are ignored
	is.Equal(userkit.PageRequest{Limit: 20, Page: 3}.Offset(), 40)                    // page 3 skips two pages
	is.Equal(userkit.PageRequest{Limit: 20, Page: 1}.Offset(), 0)
	p := userkit.MapPage(userkit.Page[int]{Items: []int{1, 2}, Next: "c", Total: 9}, func(i int) string { return fmt.Sprint(i * 10) })
	is.Equal(p, userkit.Page[string]{Items: []string{"10", "20"}, Next: "c", Total: 9})    // items mapped, cursor and total kept
	is.True(userkit.MapPage(userkit.Page[int]{}, func(int) int { return 0 }).Items != nil) // empty pages encode as []
}

func TestClock(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	local := time.Date(2024, 2, 29, 23, 59, 59, 123456789, time.FixedZone("X", 3600))
	got := userkit.Clock(func() time.Time { return local }).Now()
	is.Equal(got, time.Date(2024, 2, 29, 22, 59, 59, 123456000, time.UTC)) // UTC, microseconds
	is.True(userkit.Clock(nil).Now().Location() == time.UTC)               // nil means time.Now, in UTC
}

// Errors from every userkit package are *userkit.Error values; branch on
// their kind with errors.Is and read per-field problems with FieldsOf.
func ExampleKindOf() {
	err := fmt.Errorf("add user: %w", userkit.FieldError("Email", userkit.Problem{Rule: userkit.RuleEmail}))
	switch {
	case errors.Is(err, userkit.ErrNotFound):
		fmt.Println("not found")
	case errors.Is(err, userkit.ErrInvalid):
		fmt.Println(userkit.KindOf(err), userkit.FieldsOf(err)["Email"])
	}
	// Output: invalid must be a valid email address
}
