package solvexia

import (
	"net/http"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/apitest"
)

func TestUserIDs(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	n, err := parseUserID("u-11427")
	is.NoErr(err)                            // the seed's id parses
	is.Equal(n, int64(11427))                // to its number
	is.Equal(formatUserID(11427), "u-11427") // and formats back
	for _, bad := range []string{"", "u-", "u-0", "u--1", "u-+1", "u-01", "U-1", "ug-1", "11427", "u-1a", "u-9223372036854775808"} {
		_, err := parseUserID(bad)
		is.Equal(userkit.KindOf(err), userkit.NotFound) // not a user id: NotFound
	}
}

func TestEnums(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	is.Equal(len(timezones), 137)           // the documented count
	is.Equal(len(timezoneEnum.byFold), 137) // all distinct
	tz, ok := timezoneEnum.parse("(utc+10:00) canberra, melbourne, sydney")
	is.True(ok)                                             // matched case-insensitively
	is.Equal(tz, "(UTC+10:00) Canberra, Melbourne, Sydney") // in the documented spelling
	is.True(timezoneEnum.has("(UTC-10:00) Hawaii"))         // stored values match exactly
	is.True(!timezoneEnum.has("(utc-10:00) hawaii"))        // only exactly
	r, ok := userRoles.parse("svxadmin")
	is.True(ok)             // roles case-insensitively
	is.Equal(r, "SVXAdmin") // documented spelling
	_, ok = userRoles.parse("Admin")
	is.True(!ok) // not a role
	for wire, st := range statusFromWire {
		is.Equal(statusToWire[st], wire) // status maps are inverse
		_, ok := accountStatuses.parse(wire)
		is.True(ok) // and agree with the enum
	}
}

// TestPrefix mounts the API under a host prefix.
func TestPrefix(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	env := apitest.New(t)
	mux := http.NewServeMux()
	Register(mux, "/userkit/", env.Svc.HTTP(), env.Opts)
	auth := "Bearer " + env.AdminKey(t)
	w := apitest.Do(mux, apitest.Request{Method: "GET", Path: "/userkit/api/v1/users", Auth: auth})
	is.Equal(w.Code, http.StatusOK)                            // served under the prefix
	is.Equal(w.Body.String(), "[]\n")                          // an empty store lists []
	is.Equal(len(w.Header().Get(httpapi.RequestIDHeader)), 32) // with a request id
	w = apitest.Do(mux, apitest.Request{Method: "GET", Path: "/api/v1/users", Auth: auth})
	is.Equal(w.Code, http.StatusNotFound) // not at the bare path
}
