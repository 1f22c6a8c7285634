package tyk

import (
	"net/http"

	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/partners"
)

// Every handler decodes, makes one service call and encodes. The rules
// (who may do what, administrators as holders of "*" on everything, which
// organisation and teams a caller may see, moving a user between
// organisations in one transaction) live in partners.Service's portal
// methods (partners/portaluser.go, partners/orgview.go).

// listUsers: GET /users, a bare array of User-index-elem.
func (h *handlers) listUsers(w http.ResponseWriter, r *http.Request) ([]userIndexElem, error) {
	pg, err := pagingOf(r)
	if err != nil {
		return nil, err
	}
	page, err := h.a.Partners.PortalUsers(r.Context(), pg.PageRequest)
	if err != nil {
		return nil, err
	}
	return mapSlice(capped(pg, page.Items), toUserIndexElem), nil
}

// createUser: POST /users → 200 User-show. A non-zero OrganisationID
// creates the user in that organisation (and its default team).
func (h *handlers) createUser(w http.ResponseWriter, r *http.Request) (userShow, error) {
	var in userCreate
	if err := h.a.Decode(w, r, &in); err != nil {
		return userShow{}, err
	}
	v, err := h.a.Partners.CreatePortalUser(r.Context(), in.params())
	if err != nil {
		return userShow{}, err
	}
	return h.showUser(w, v)
}

// getUser: GET /users/{user_id} → User-show.
func (h *handlers) getUser(w http.ResponseWriter, r *http.Request) (userShow, error) {
	num, err := pathID(r, "user_id", "user")
	if err != nil {
		return userShow{}, err
	}
	v, err := h.a.Partners.PortalUser(r.Context(), num)
	if err != nil {
		return userShow{}, err
	}
	return h.showUser(w, v)
}

// updateUser: PUT /users/{user_id} → User-show. Absent fields stay as
// they are. OrganisationID moves a consumer to another organisation;
// Teams sets the user's teams within their organisation (the default team
// is kept: every member is in it). Writing back what GET showed changes
// nothing.
func (h *handlers) updateUser(w http.ResponseWriter, r *http.Request) (userShow, error) {
	num, err := pathID(r, "user_id", "user")
	if err != nil {
		return userShow{}, err
	}
	var in userUpdate
	if err := h.a.Decode(w, r, &in); err != nil {
		return userShow{}, err
	}
	p := in.params()
	if p.Profile.Version, err = core.IfMatch(r); err != nil {
		return userShow{}, err
	}
	v, err := h.a.Partners.SavePortalUser(r.Context(), num, p)
	if err != nil {
		return userShow{}, err
	}
	return h.showUser(w, v)
}

// deleteUser: DELETE /users/{user_id} → {"status":"ok"}. The user is
// deleted for good, as by the portal's admin API; force is accepted and
// has nothing to force.
func (h *handlers) deleteUser(w http.ResponseWriter, r *http.Request) (statusBody, error) {
	num, err := pathID(r, "user_id", "user")
	if err != nil {
		return statusBody{}, err
	}
	if err := h.a.Users.DeleteByNum(r.Context(), num); err != nil {
		return statusBody{}, err
	}
	return statusOK, nil
}

// showUser renders User-show with the user's ETag. JWTToken is signed
// here (the secret is the API's option) when the service says the caller
// may see it.
func (h *handlers) showUser(w http.ResponseWriter, v partners.PortalUser) (userShow, error) {
	var token string
	if v.TokenVisible && len(h.a.Opts.TokenSecret) > 0 {
		var err error
		if token, err = httpapi.UserToken(h.a.Opts.TokenSecret, v.User); err != nil {
			return userShow{}, err
		}
	}
	core.SetETag(w, v.Version)
	return toUserShow(v, token), nil
}
