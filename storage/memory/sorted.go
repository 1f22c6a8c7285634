package memory

import (
	"slices"
	"sort"
	"strings"
)

// chunkMax bounds a chunk of a loginIndex, so an insert moves at most
// this many entries instead of half of all of them.
const chunkMax = 1024

// loginIndex is the users sorted by login name, kept in bounded chunks so
// inserting in the middle costs O(√n) moves rather than O(n): login names,
// unlike UUIDv7 IDs, do not arrive in order. It serves both the lookup by
// login name and LoginNamesWithPrefix, at 8 bytes a user where a map plus
// a sorted copy of the names took about 55 (memory per user, issue 9).
type loginIndex struct {
	chunks [][]*userRow
}

func cmpLogin(r *userRow, login string) int { return strings.Compare(r.login, login) }

// chunkFor returns the index of the first chunk whose last login is >=
// login, or the last chunk when login is beyond them all.
func (ix *loginIndex) chunkFor(login string) int {
	i := sort.Search(len(ix.chunks), func(i int) bool {
		c := ix.chunks[i]
		return c[len(c)-1].login >= login
	})
	return min(i, len(ix.chunks)-1)
}

// find returns the chunk and position where login is or would go, and
// whether it is there.
func (ix *loginIndex) find(login string) (i, j int, found bool) {
	if len(ix.chunks) == 0 {
		return 0, 0, false
	}
	i = ix.chunkFor(login)
	j, found = slices.BinarySearchFunc(ix.chunks[i], login, cmpLogin)
	return i, j, found
}

// get returns the user with the login name, or nil.
func (ix *loginIndex) get(login string) *userRow {
	i, j, found := ix.find(login)
	if !found {
		return nil
	}
	return ix.chunks[i][j]
}

func (ix *loginIndex) insert(row *userRow) {
	if len(ix.chunks) == 0 {
		ix.chunks = [][]*userRow{{row}}
		return
	}
	i, j, _ := ix.find(row.login)
	c := slices.Insert(ix.chunks[i], j, row)
	if len(c) <= chunkMax {
		ix.chunks[i] = c
		return
	}
	half := len(c) / 2
	lo, hi := slices.Clone(c[:half]), slices.Clone(c[half:])
	ix.chunks = slices.Insert(ix.chunks, i+1, hi)
	ix.chunks[i] = lo
}

func (ix *loginIndex) remove(login string) *userRow {
	i, j, found := ix.find(login)
	if !found {
		return nil
	}
	c := ix.chunks[i]
	row := c[j]
	c = slices.Delete(c, j, j+1)
	if len(c) == 0 {
		ix.chunks = slices.Delete(ix.chunks, i, i+1)
	} else {
		ix.chunks[i] = c
	}
	return row
}

// withPrefix returns, sorted, the login names that start with prefix.
func (ix *loginIndex) withPrefix(prefix string) []string {
	out := []string{}
	if len(ix.chunks) == 0 {
		return out
	}
	for i := ix.chunkFor(prefix); i < len(ix.chunks); i++ {
		c := ix.chunks[i]
		j, _ := slices.BinarySearchFunc(c, prefix, cmpLogin)
		for ; j < len(c); j++ {
			if !strings.HasPrefix(c[j].login, prefix) {
				return out
			}
			out = append(out, c[j].login)
		}
	}
	return out
}

func (t *txn) indexLogin(ix *loginIndex, row *userRow) {
	ix.insert(row)
	t.undo = append(t.undo, func() { ix.remove(row.login) })
}

func (t *txn) unindexLogin(ix *loginIndex, login string) {
	if row := ix.remove(login); row != nil {
		t.undo = append(t.undo, func() { ix.insert(row) })
	}
}
