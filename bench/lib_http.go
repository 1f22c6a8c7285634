package main

// LIBRARY CALLS (HTTP). Mounting the four APIs (all.Mount) and the path of
// one user on each.

import (
	"net/http"
	"strconv"

	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/all"
	"github.com/userkit/userkit/kit"
)

// userkitHandler is every API at its documented paths, with the Whaly
// rate limit off (the load generator would hit it within a second).
func userkitHandler(svc *kit.Kit) http.Handler {
	mux := http.NewServeMux()
	all.Mount(mux, svc.HTTP(), &httpapi.Options{RateLimit: -1})
	return mux
}

// api is one of the four user APIs: how it names user i of partner j
// (partner j owns portal j), and how it sends the key.
type api struct {
	name    string
	path    func(j, i int) string
	rawAuth bool // Tyk sends the key as the whole Authorization value
}

var apis = []api{
	{name: "Solvexia", path: func(j, i int) string { return "/api/v1/users/u-" + strconv.Itoa(i+1) }},
	{name: "Venuzle", path: func(j, i int) string {
		return "/api/internal/v1/partners/" + strconv.Itoa(j+1) + "/users/" + strconv.Itoa(i+1)
	}},
	{name: "Whaly", path: func(j, i int) string {
		return "/v1/partner-portals/" + portalID(j).String() + "/users/" + userID(i).String()
	}},
	{name: "Tyk", path: func(j, i int) string { return "/portal-api/users/" + strconv.Itoa(i+1) }, rawAuth: true},
}

// venuzleListPath is page 1 of partner j (Venuzle always sends the total),
// optionally with ?search=.
func venuzleListPath(j int, search string) string {
	p := "/api/internal/v1/partners/" + strconv.Itoa(j+1) + "/users"
	if search != "" {
		p += "?search=" + search
	}
	return p
}
