package main

// The data set, generated deterministically from the user index (a copy of
// storage/sqlstore/sqlbench's generator, sized by -scale instead of fixed
// at 1M): user i is a member of partner i%dataPartners and portal
// i%dataPortals, and portal j belongs to partner j, so partner 1 and its
// portal hold N/10 users. Names and emails follow sqlbench: "Garcia" is
// the last name of about 8 % of users, every other last name (for example
// "Nordvik") of about 0.09 %.

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

const (
	dataPartners = 10
	dataPortals  = 10
	// benchPartner is the partner whose scoped key the measures use; its
	// Num (the Venuzle path id) is benchPartner+1.
	benchPartner = 1
	rareTerm     = "nordvik"
	commonTerm   = "garcia"
)

var base = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func v7(t time.Time, seed uint64) uuid.UUID {
	var u uuid.UUID
	ms := uint64(t.UnixMilli())
	binary.BigEndian.PutUint64(u[8:], splitmix(seed))
	binary.BigEndian.PutUint16(u[6:], uint16(splitmix(seed^0x5bd1e995)))
	u[0], u[1], u[2], u[3], u[4], u[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	u[6] = 0x70 | u[6]&0x0f
	u[8] = 0x80 | u[8]&0x3f
	return u
}

func userID(i int) uuid.UUID    { return v7(created(i), uint64(i)) }
func partnerID(j int) uuid.UUID { return v7(base.Add(-time.Hour), uint64(j)<<32|1) }
func portalID(j int) uuid.UUID  { return v7(base.Add(-time.Hour), uint64(j)<<32|2) }
func portalMemberID(i int) uuid.UUID {
	return v7(created(i), uint64(i)<<1|1<<62)
}
func created(i int) time.Time { return base.Add(time.Duration(i) * time.Millisecond) }

var firstNames = strings.Fields(`Mona Carl Eve Ada Linus Grace Ken Barbara Dennis Margaret
	Olivia Liam Emma Noah Amelia Oliver Sophia Elijah Charlotte James Mia Lucas Harper Mason
	Evelyn Ethan Abigail Logan Emily Jacob Ella Jack Sofia Aiden Avery Samuel Scarlett Henry
	Chloe Owen Lily Sebastian Zoe Mateo Nora Leo Hannah Levi Layla Julian Aria Hugo Ingrid
	Sven Astrid Lars Freya Ole Greta Nils Elsa Tomas Clara Pavel Irina Yusuf Amira Kenji Yuki
	Ravi Priya Chen Mei Diego Lucia Pierre Amelie Marco Giulia Jan Anna Piotr Zofia Ivan Olga`)

var (
	lastPrefixes = strings.Fields(`Ander Berg Carl Dahl Eck Fors Gus Hag Holm Is Jons Karl Lind
		Lund Malm Nord Ols Pers Ring Sand Sjo Stromb Thor Vall Wik Alm Bjork Ek Fal Gran Hed Kvist
		Lof Mark Ny Ost Rose Sten Sved Aker`)
	lastSuffixes = strings.Fields(`sson berg gren qvist strom lund holm dahl man ler by vik ner
		ing hed feldt ell mark sten blad kvist ros stad ander gard`)
)

func firstName(i int) string {
	return firstNames[splitmix(uint64(i)^0xf1)%uint64(len(firstNames))]
}

func lastName(i int) string {
	h := splitmix(uint64(i) ^ 0x1a57)
	if h%100 < 8 {
		return "Garcia"
	}
	k := (h / 100) % uint64(len(lastPrefixes)*len(lastSuffixes))
	return lastPrefixes[k%uint64(len(lastPrefixes))] + lastSuffixes[k/uint64(len(lastPrefixes))]
}

func email(i int) string {
	domains := [...]string{"example.com", "Example.org", "mail.example.net", "corp.example"}
	return fmt.Sprintf("%s.%s%d@%s", firstName(i), lastName(i), i, domains[i%len(domains)])
}

func loginName(i int) string {
	return strings.ToLower(fmt.Sprintf("%s.%s%d", firstName(i), lastName(i), i))
}

func status(i int) string {
	switch h := splitmix(uint64(i)^0x57a7) % 100; {
	case h < 4:
		return "suspended"
	case h < 5:
		return "locked"
	}
	return "active"
}

// passwordHash is a real-looking argon2id PHC string, so rows have their
// production width; nobody logs in with it.
const passwordHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"

// memberOf reports whether user i belongs to partner j.
func memberOf(i, j int) bool { return i%dataPartners == j }

// partnerMember returns the k-th member of partner j (k may exceed the
// member count; it wraps).
func partnerMember(n, j, k int) int {
	per := n / dataPartners
	return j + (k%per)*dataPartners
}

// activeMember returns a member of partner j with status "active", at or
// after the k-th.
func activeMember(n, j, k int) int {
	for ; ; k++ {
		if i := partnerMember(n, j, k); status(i) == "active" {
			return i
		}
	}
}

// stride walks users in a scattered order, so lookups do not re-read one
// cached page.
const stride = 7919
