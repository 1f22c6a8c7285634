package memory

import (
	"slices"
	"sort"
	"strings"
)

// chunkMax bounds a chunk of a sortedStrings, so an insert moves at most
// this many strings instead of half of all of them.
const chunkMax = 1024

// sortedStrings is a sorted set of strings kept in bounded chunks, so
// inserting in the middle costs O(√n) moves rather than O(n): login names,
// unlike UUIDv7 IDs, do not arrive in order.
type sortedStrings struct {
	chunks [][]string
}

// chunkFor returns the index of the first chunk whose last string is >= s,
// or the last chunk when s is beyond them all.
func (ss *sortedStrings) chunkFor(s string) int {
	i := sort.Search(len(ss.chunks), func(i int) bool {
		c := ss.chunks[i]
		return c[len(c)-1] >= s
	})
	return min(i, len(ss.chunks)-1)
}

func (ss *sortedStrings) insert(s string) {
	if len(ss.chunks) == 0 {
		ss.chunks = [][]string{{s}}
		return
	}
	i := ss.chunkFor(s)
	c := ss.chunks[i]
	j, _ := slices.BinarySearch(c, s)
	c = slices.Insert(c, j, s)
	if len(c) <= chunkMax {
		ss.chunks[i] = c
		return
	}
	half := len(c) / 2
	lo, hi := slices.Clip(c[:half]), slices.Clone(c[half:])
	ss.chunks = slices.Insert(ss.chunks, i+1, hi)
	ss.chunks[i] = lo
}

func (ss *sortedStrings) remove(s string) bool {
	if len(ss.chunks) == 0 {
		return false
	}
	i := ss.chunkFor(s)
	c := ss.chunks[i]
	j, found := slices.BinarySearch(c, s)
	if !found {
		return false
	}
	c = slices.Delete(c, j, j+1)
	if len(c) == 0 {
		ss.chunks = slices.Delete(ss.chunks, i, i+1)
	} else {
		ss.chunks[i] = c
	}
	return true
}

// withPrefix returns, sorted, the strings that start with prefix.
func (ss *sortedStrings) withPrefix(prefix string) []string {
	out := []string{}
	if len(ss.chunks) == 0 {
		return out
	}
	for i := ss.chunkFor(prefix); i < len(ss.chunks); i++ {
		c := ss.chunks[i]
		j, _ := slices.BinarySearch(c, prefix)
		for ; j < len(c); j++ {
			if !strings.HasPrefix(c[j], prefix) {
				return out
			}
			out = append(out, c[j])
		}
	}
	return out
}

func (t *txn) insertString(ss *sortedStrings, s string) {
	ss.insert(s)
	t.undo = append(t.undo, func() { ss.remove(s) })
}

func (t *txn) removeString(ss *sortedStrings, s string) {
	if ss.remove(s) {
		t.undo = append(t.undo, func() { ss.insert(s) })
	}
}
