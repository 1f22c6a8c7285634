package whaly

import (
	"net/http"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/core"
)

// handlers are the API's operations.
type handlers struct {
	api *core.API
}

// listUsers: GET …/users?limit=&after=
func (h *handlers) listUsers(w http.ResponseWriter, r *http.Request) (listDTO, error) {
	portalID, err := parsePathID(r.PathValue("portalId"), "portal")
	if err != nil {
		return listDTO{}, err
	}
	page, err := parsePage(r)
	if err != nil {
		return listDTO{}, err
	}
	pg, err := h.api.Portals.ListUsers(r.Context(), portalID, page)
	if err != nil {
		return listDTO{}, err
	}
	return listBody(pg), nil
}

// createUser: POST …/users. 200 with the portal user, as documented.
func (h *handlers) createUser(w http.ResponseWriter, r *http.Request) (userDTO, error) {
	portalID, err := parsePathID(r.PathValue("portalId"), "portal")
	if err != nil {
		return userDTO{}, err
	}
	var in createDTO
	if err := h.api.Decode(w, r, &in); err != nil {
		return userDTO{}, err
	}
	// The body's problems travel to the service, which decides the
	// caller's permission first (403 before 400).
	params, problems := in.params()
	if len(problems) > 0 {
		params.Problems = problems
	}
	m, err := h.api.Portals.AddUser(r.Context(), portalID, params)
	if err != nil {
		return userDTO{}, err
	}
	core.SetETag(w, m.Version)
	return toUser(m), nil
}

// getUser: GET …/users/{userId}
func (h *handlers) getUser(w http.ResponseWriter, r *http.Request) (userDTO, error) {
	portalID, err := parsePathID(r.PathValue("portalId"), "portal")
	if err != nil {
		return userDTO{}, err
	}
	userID, err := parsePathID(r.PathValue("userId"), "portal membership")
	if err != nil {
		return userDTO{}, err
	}
	m, err := h.api.Portals.GetUserProfile(r.Context(), portalID, userID) // the answer shows no roles or attributes
	if err != nil {
		return userDTO{}, err
	}
	core.SetETag(w, m.Version)
	return toUser(m), nil
}

// errNotMember answers a delete of a user who is not in the portal.
var errNotMember = userkit.Errorf(userkit.NotFound, "portal membership not found")

// deleteUser: DELETE …/users/{userId}. Removes the user from the portal
// (the user account stays); a user who is not a member is 404.
func (h *handlers) deleteUser(w http.ResponseWriter, r *http.Request) (deleteDTO, error) {
	portalID, err := parsePathID(r.PathValue("portalId"), "portal")
	if err != nil {
		return deleteDTO{}, err
	}
	userID, err := parsePathID(r.PathValue("userId"), "portal membership")
	if err != nil {
		return deleteDTO{}, err
	}
	removed, err := h.api.Portals.RemoveUser(r.Context(), portalID, userID)
	if err != nil {
		return deleteDTO{}, err
	}
	if !removed {
		return deleteDTO{}, errNotMember
	}
	return deleteDTO{ID: userID.String(), IsDeleted: true}, nil
}
