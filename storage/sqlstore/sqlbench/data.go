package sqlbench

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// The size and shape of the data set.
const (
	Users    = 1_000_000
	Partners = 1_000 // user i belongs to partner i % Partners
	Portals  = 100   // user i is a member of portal i % Portals; portal j belongs to partner j
)

// The search terms the benchmarks use: a last name about 1 user in 1,000
// has, and one about 8 in 100 have (they also appear in those users'
// emails, as real addresses do).
const (
	RareTerm   = "nordvik"
	CommonTerm = "garcia"
)

// version marks a complete load in the settings table; change it when the
// data set changes, so that an old load is replaced.
const version = "sqlbench v1: 1000000 users, 1000 partners, 100 portals"

// settingName is the settings row that holds version.
const settingName = "userkit.sqlbench.loaded"

// base is the creation time of user 0; user i was created i milliseconds
// later, and ID(i) carries that time, so id order is index order.
var base = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// splitmix is a fixed pseudo-random function of i: the data set is the
// same on every machine and every run.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// v7 is a UUIDv7 for time t whose random bits come from seed.
func v7(t time.Time, seed uint64) uuid.UUID {
	var u uuid.UUID
	ms := uint64(t.UnixMilli())
	binary.BigEndian.PutUint64(u[8:], splitmix(seed))
	binary.BigEndian.PutUint16(u[6:], uint16(splitmix(seed^0x5bd1e995)))
	u[0], u[1], u[2], u[3], u[4], u[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	u[6] = 0x70 | u[6]&0x0f // version 7
	u[8] = 0x80 | u[8]&0x3f // RFC 4122 variant
	return u
}

// ID is the id of user i, 0 <= i < Users. IDs sort in index order.
func ID(i int) uuid.UUID { return v7(created(i), uint64(i)) }

// PartnerID is the id of partner j.
func PartnerID(j int) uuid.UUID { return v7(base.Add(-time.Hour), uint64(j)<<32|1) }

// PortalID is the id of portal j.
func PortalID(j int) uuid.UUID { return v7(base.Add(-time.Hour), uint64(j)<<32|2) }

func portalMemberID(i int) uuid.UUID { return v7(created(i), uint64(i)<<1|1<<62) }

func created(i int) time.Time { return base.Add(time.Duration(i) * time.Millisecond) }

var firstNames = strings.Fields(`Mona Carl Eve Ada Linus Grace Ken Barbara Dennis Margaret
	Olivia Liam Emma Noah Amelia Oliver Sophia Elijah Charlotte James Mia Lucas Harper Mason
	Evelyn Ethan Abigail Logan Emily Jacob Ella Jack Sofia Aiden Avery Samuel Scarlett Henry
	Chloe Owen Lily Sebastian Zoe Mateo Nora Leo Hannah Levi Layla Julian Aria Hugo Ingrid
	Sven Astrid Lars Freya Ole Greta Nils Elsa Tomas Clara Pavel Irina Yusuf Amira Kenji Yuki
	Ravi Priya Chen Mei Diego Lucia Pierre Amelie Marco Giulia Jan Anna Piotr Zofia Ivan Olga`)

// Last names other than CommonTerm are a prefix and a suffix, which gives
// 40 x 25 = 1,000 names; "Nord" + "vik" is RareTerm.
var (
	lastPrefixes = strings.Fields(`Ander Berg Carl Dahl Eck Fors Gus Hag Holm Is Jons Karl Lind
		Lund Malm Nord Ols Pers Ring Sand Sjo Stromb Thor Vall Wik Alm Bjork Ek Fal Gran Hed Kvist
		Lof Mark Ny Ost Rose Sten Sved Aker`)
	lastSuffixes = strings.Fields(`sson berg gren qvist strom lund holm dahl man ler by vik ner
		ing hed feldt ell mark sten blad kvist ros stad ander gard`)
)

// FirstName is the first name of user i.
func FirstName(i int) string { return firstNames[splitmix(uint64(i)^0xf1)%uint64(len(firstNames))] }

// LastName is the last name of user i: "Garcia" for about 8% of users,
// else one of 1,000 others, each about 0.09% of users.
func LastName(i int) string {
	h := splitmix(uint64(i) ^ 0x1a57)
	if h%100 < 8 {
		return "Garcia"
	}
	k := (h / 100) % uint64(len(lastPrefixes)*len(lastSuffixes))
	return lastPrefixes[k%uint64(len(lastPrefixes))] + lastSuffixes[k/uint64(len(lastPrefixes))]
}

// Email is the email user i signed up with; its normalised form is its
// lower-case form.
func Email(i int) string {
	domains := [...]string{"example.com", "Example.org", "mail.example.net", "corp.example"}
	return fmt.Sprintf("%s.%s%d@%s", FirstName(i), LastName(i), i, domains[i%len(domains)])
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

// passwordHash is a real-looking argon2id PHC string, so rows have the
// width they have in production; nobody logs in with it.
const passwordHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"

// table is one table to load: its columns and a function giving row i as
// Go values (uuid.UUID, time.Time, string, int64, bool, nil), which each
// loader converts for its driver.
type table struct {
	name string
	cols []string
	rows int
	row  func(i int) []any
}

func tables() []table {
	at := base.Add(-time.Hour)
	return []table{
		{"partners", []string{"id", "num", "name", "created_at", "updated_at", "version"}, Partners,
			func(j int) []any {
				return []any{PartnerID(j), int64(j + 1), fmt.Sprintf("Partner %d", j), at, at, int64(1)}
			}},
		{"portals", []string{"id", "partner_id", "name", "technical_name", "default_locale", "created_at", "updated_at", "version"}, Portals,
			func(j int) []any {
				return []any{PortalID(j), PartnerID(j), fmt.Sprintf("Portal %d", j), fmt.Sprintf("portal%d", j), "en", at, at, int64(1)}
			}},
		{"users", []string{"id", "num", "email", "email_norm", "first_name", "first_name_norm", "last_name", "last_name_norm",
			"login_name", "status", "role", "provider", "locale", "timezone", "city", "country", "department",
			"phone_land", "phone_mobile", "date_of_birth", "must_reset_password", "password_hash", "failed_logins",
			"last_login_at", "token_version", "api_token_created_at", "created_at", "updated_at", "version"}, Users,
			func(i int) []any {
				first, last, email, t := FirstName(i), LastName(i), Email(i), created(i)
				return []any{ID(i), int64(i + 1), email, strings.ToLower(email), first, strings.ToLower(first), last, strings.ToLower(last),
					strings.ToLower(fmt.Sprintf("%s.%s%d", first, last, i)), status(i), "user", "password", "en", "UTC", "", "", "",
					"", "", nil, false, passwordHash, int64(0),
					nil, int64(0), nil, t, t, int64(1)}
			}},
		{"partner_members", []string{"partner_id", "user_id", "created_at"}, Users,
			func(i int) []any { return []any{PartnerID(i % Partners), ID(i), created(i)} }},
		{"portal_members", []string{"id", "portal_id", "user_id", "locale", "last_login_at", "created_at", "updated_at", "version"}, Users,
			func(i int) []any {
				return []any{portalMemberID(i), PortalID(i % Portals), ID(i), "en", nil, created(i), created(i), int64(1)}
			}},
	}
}
