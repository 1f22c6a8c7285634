package memory

// columnChunk is the length of a column's chunks.
const columnChunk = 1024

// column is an append-only sequence kept in fixed chunks: it holds its
// values without the spare capacity (up to a quarter) or the copies of one
// growing slice, and a value's position never changes.
type column[T any] struct {
	chunks [][]T
	n      int
}

func (c *column[T]) len() int { return c.n }

func (c *column[T]) at(i int) *T { return &c.chunks[i/columnChunk][i%columnChunk] }

// push appends v; rolling back removes it.
func (c *column[T]) push(t *txn, v T) {
	if c.n%columnChunk == 0 {
		c.chunks = append(c.chunks, make([]T, 0, columnChunk))
	}
	last := &c.chunks[len(c.chunks)-1]
	*last = append(*last, v)
	c.n++
	t.undo = append(t.undo, c.pop)
}

// pop removes the last value.
func (c *column[T]) pop() {
	last := len(c.chunks) - 1
	ch := c.chunks[last]
	var zero T
	ch[len(ch)-1] = zero // let go of what it points to
	if len(ch) == 1 {
		c.chunks = c.chunks[:last]
	} else {
		c.chunks[last] = ch[:len(ch)-1]
	}
	c.n--
}

// set replaces the value at i; rolling back restores it.
func (c *column[T]) set(t *txn, i int, v T) {
	p := c.at(i)
	old := *p
	t.undo = append(t.undo, func() { *c.at(i) = old })
	*p = v
}
