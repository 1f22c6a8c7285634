package users

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/matryer/is"
	"golang.org/x/crypto/argon2"
)

// phcOf makes an argon2id PHC string of pw with the given parameters and
// key length, as another system might have stored it.
func phcOf(pw string, p Argon2Params, keyLen uint32) string {
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

func TestRehashWhenAnyParameterIsWeaker(t *testing.T) {
	t.Parallel()
	h := &hasher{params: Argon2Params{Memory: 64, Time: 2, Threads: 1}, sem: make(chan struct{}, 1)}
	cases := []struct {
		name   string
		params Argon2Params
		keyLen uint32
		rehash bool
	}{
		{"current", Argon2Params{Memory: 64, Time: 2, Threads: 1}, keyLen, false},
		{"stronger", Argon2Params{Memory: 128, Time: 3, Threads: 1}, keyLen, false},
		{"less memory", Argon2Params{Memory: 32, Time: 2, Threads: 1}, keyLen, true},
		{"fewer passes", Argon2Params{Memory: 64, Time: 1, Threads: 1}, keyLen, true},
		{"short key", Argon2Params{Memory: 64, Time: 2, Threads: 1}, 16, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			ok, rehash, err := h.verify(context.Background(), phcOf("Samplepassword12", c.params, c.keyLen), "Samplepassword12")
			is.NoErr(err)
			is.True(ok)                // the stored hash verifies
			is.Equal(rehash, c.rehash) // and is replaced exactly when weaker than configured
		})
	}
}

func TestVerifyComparesTheWholeKey(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	h := &hasher{params: Argon2Params{Memory: 64, Time: 1, Threads: 1}, sem: make(chan struct{}, 1)}
	stored := phcOf("Samplepassword12", h.params, keyLen)
	cut := strings.LastIndex(stored, "$")
	key, err := b64.DecodeString(stored[cut+1:])
	is.NoErr(err)
	key[len(key)-1] ^= 1 // differs in the last byte only
	tampered := stored[:cut+1] + b64.EncodeToString(key)
	ok, _, err := h.verify(context.Background(), tampered, "Samplepassword12")
	is.NoErr(err)
	is.True(!ok) // every byte of the key counts
}

// TestImportedHashLimits: a stored hash must not be able to make a
// verification costly or panic, and must carry enough salt and key.
func TestImportedHashLimits(t *testing.T) {
	t.Parallel()
	salt8, key16 := b64.EncodeToString([]byte("saltsalt")), b64.EncodeToString([]byte("hashhashhashhash"))
	phc := func(params, salt, key string) string { return "$argon2id$v=19$" + params + "$" + salt + "$" + key }
	cases := []struct {
		name, hash string
		ok         bool
	}{
		{"at the limits", phc("m=64,t=64,p=255", salt8, key16), true},
		{"too many passes", phc("m=64,t=65,p=1", salt8, key16), false},
		{"no memory", phc("m=0,t=1,p=1", salt8, key16), false},
		{"no lanes", phc("m=64,t=1,p=0", salt8, key16), false},
		{"short salt", phc("m=64,t=1,p=1", b64.EncodeToString([]byte("saltsal")), key16), false},
		{"short key", phc("m=64,t=1,p=1", salt8, b64.EncodeToString([]byte("hashhashhashhas"))), false},
		{"bcrypt prefix on garbage", "$2a$10$not-a-bcrypt-hash", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			err := checkImportedHash(c.hash)
			is.Equal(err == nil, c.ok) // accepted only within the limits
		})
	}
}

func TestArgon2DefaultsFillOnlyZeroFields(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	is.Equal(Argon2Params{Time: 3}.withDefaults(), Argon2Params{Memory: 19456, Time: 3, Threads: 1})    // memory defaulted
	is.Equal(Argon2Params{Memory: 64}.withDefaults(), Argon2Params{Memory: 64, Time: 2, Threads: 1})    // passes defaulted
	is.Equal(Argon2Params{Threads: 4}.withDefaults(), Argon2Params{Memory: 19456, Time: 2, Threads: 4}) // lanes kept
}
