package sqlstore

import (
	"strings"
	"testing"

	"github.com/matryer/is"
)

func TestRebind(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	pg := &Dialect{NumberedPlaceholders: true}
	is.Equal(pg.rebind("SELECT 1 FROM t WHERE a = ? AND b IN (?, ?)"), "SELECT 1 FROM t WHERE a = $1 AND b IN ($2, $3)") // numbered in order
	is.Equal((&Dialect{}).rebind("a = ?"), "a = ?")                                                                      // other dialects keep "?"
}

func TestEscapeLike(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	is.Equal(EscapeLike(`a%b_c!d\e`), `%a!%b!_c!!d\e%`) // pattern characters and the escape are escaped
	is.Equal(EscapeLike("\xff%"), "%\xff!%%")           // invalid UTF-8 passes through byte for byte
}

func TestPrefixEnd(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"abc", "abd", true},
		{"a\U0010FFFF", "b", true}, // the greatest rune is dropped and the one before it raised
		{"\uD7FF", "\uE000", true}, // surrogates are skipped
		{"", "", false},            // no upper bound for everything
		{"\U0010FFFF", "", false},  // nor above the greatest rune
		{"a\xff", "", false},       // nor for invalid UTF-8
		{"é", "ê", true},           // multi-byte
	} {
		got, ok := PrefixEnd(c.in)
		is.Equal(ok, c.ok)    // has an upper bound
		is.Equal(got, c.want) // the bound
		if ok {
			is.True(c.in < got)                        // above the prefix
			is.True(c.in+"\U0010FFFF\U0010FFFF" < got) // and above everything that starts with it
		}
	}
}

func TestSplitStatements(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	got := splitStatements("-- a comment\nCREATE TABLE a (\n  x int -- trailing\n);\n\n-- another\nCREATE INDEX i ON a (x);\n")
	is.Equal(len(got), 2)                              // two statements
	is.True(strings.HasPrefix(got[0], "CREATE TABLE")) // comment lines dropped
	is.Equal(got[1], "CREATE INDEX i ON a (x)")        // final ';' dropped
	marked := splitStatements("CREATE TRIGGER t BEGIN\n  UPDATE a SET x = 1;\nEND;\n" + StatementMarker + "\nSELECT 1;\n")
	is.Equal(len(marked), 2)                                // the marker splits
	is.True(strings.Contains(marked[0], "SET x = 1;\nEND")) // and keeps ';' inside a statement
}
