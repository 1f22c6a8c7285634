package memory

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/matryer/is"
)

// The login index stays sorted and finds every name across chunk splits
// and removals, and a rolled-back transaction leaves it as it was.
func TestLoginIndex(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	var ix loginIndex
	is.Equal(ix.get("a"), nil)                // empty: nothing found
	is.Equal(ix.withPrefix("a"), []string{})  // empty: no names
	is.Equal(ix.remove("a"), (*userRow)(nil)) // empty: nothing removed
	r := rand.New(rand.NewPCG(1, 2))
	var want []string
	for _, i := range r.Perm(5 * chunkMax) {
		login := fmt.Sprintf("user%d", i)
		ix.insert(&userRow{login: login})
		want = append(want, login)
	}
	slices.Sort(want)
	is.True(len(ix.chunks) > 5) // split into chunks
	for _, c := range ix.chunks {
		is.True(len(c) <= chunkMax) // bounded
	}
	is.Equal(ix.withPrefix(""), want) // sorted
	is.Equal(ix.withPrefix("user123"), []string{"user123", "user1230", "user1231", "user1232", "user1233",
		"user1234", "user1235", "user1236", "user1237", "user1238", "user1239"}) // a prefix
	for _, i := range r.Perm(len(want))[:len(want)/2] {
		is.Equal(ix.get(want[i]).login, want[i])    // found
		is.Equal(ix.remove(want[i]).login, want[i]) // removed
		is.Equal(ix.get(want[i]), nil)              // gone
		want[i] = ""
	}
	want = slices.DeleteFunc(want, func(s string) bool { return s == "" })
	is.Equal(ix.withPrefix(""), want) // still sorted

	tx := &txn{d: &data{}}
	before := ix.withPrefix("")
	for i := range 3 * chunkMax {
		tx.indexLogin(&ix, &userRow{login: fmt.Sprintf("new%d", i)})
	}
	for _, login := range want[:100] {
		tx.unindexLogin(&ix, login)
	}
	is.True(!slices.Equal(ix.withPrefix(""), before)) // changed in the transaction
	tx.rollback(0)
	is.Equal(ix.withPrefix(""), before)      // rolled back
	is.Equal(ix.get(want[0]).login, want[0]) // removed users are back
}
