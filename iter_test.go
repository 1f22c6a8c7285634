package userkit_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
)

// numbers is a keyset-paged list of 1..n, as a service's List would page
// it: After is the last item seen.
func numbers(n int, calls *int) func(context.Context, userkit.PageRequest) (userkit.Page[int], error) {
	return func(_ context.Context, r userkit.PageRequest) (userkit.Page[int], error) {
		*calls++
		r.Limit = min(r.Limit, 3) // this list serves at most 3 a page
		start := 0
		if r.After != "" {
			start, _ = strconv.Atoi(r.After)
		}
		page := userkit.Page[int]{Items: []int{}, Total: -1}
		for i := start + 1; i <= n && len(page.Items) < r.Limit; i++ {
			page.Items = append(page.Items, i)
		}
		if len(page.Items) > 0 && page.Items[len(page.Items)-1] < n {
			page.Next = strconv.Itoa(page.Items[len(page.Items)-1])
		}
		return page, nil
	}
}

func ExampleAll() {
	ctx := context.Background()
	var calls int
	list := numbers(7, &calls) // e.g. a users.Service.List with its params bound
	for n, err := range userkit.All(ctx, list) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Print(n, " ")
	}
	fmt.Println("in", calls, "pages")
	// Output: 1 2 3 4 5 6 7 in 3 pages
}

func TestAll(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	ctx := t.Context()

	var calls int
	var got []int
	for n, err := range userkit.All(ctx, numbers(6, &calls)) {
		is.NoErr(err)
		got = append(got, n)
	}
	is.Equal(got, []int{1, 2, 3, 4, 5, 6}) // every item in order
	is.Equal(calls, 2)                     // no empty page read after the last

	calls = 0
	for n := range userkit.All(ctx, numbers(100, &calls)) {
		if n == 4 {
			break
		}
	}
	is.Equal(calls, 2) // breaking stops the paging

	calls = 0
	got = slices.Collect(func(yield func(int) bool) {
		for n, err := range userkit.All(ctx, numbers(0, &calls)) {
			is.NoErr(err)
			if !yield(n) {
				return
			}
		}
	})
	is.Equal(len(got), 0) // an empty list yields nothing

	boom := errors.New("boom")
	var errs []error
	for _, err := range userkit.All(ctx, func(context.Context, userkit.PageRequest) (userkit.Page[int], error) {
		return userkit.Page[int]{}, boom
	}) {
		errs = append(errs, err)
	}
	is.Equal(errs, []error{boom}) // an error is yielded once and ends the walk

	stuck := 0
	for range userkit.All(ctx, func(_ context.Context, r userkit.PageRequest) (userkit.Page[int], error) {
		stuck++
		return userkit.Page[int]{Items: []int{1}, Next: "same"}, nil
	}) {
	}
	is.Equal(stuck, 2) // a Next that does not move ends the walk

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	errs = nil
	for _, err := range userkit.All(cctx, numbers(5, &calls)) {
		errs = append(errs, err)
	}
	is.Equal(len(errs), 1)
	is.True(errors.Is(errs[0], context.Canceled)) // a cancelled ctx ends the walk
}
