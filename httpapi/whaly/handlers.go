package whaly

import (
	"net/http"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/permissions"
)

// handlers holds the API's machinery; each method makes one endpoint.
type handlers struct {
	api     *core.API
	limiter *limiter // nil when rate limiting is off
}

// endpoint authenticates the request, applies the rate limit of its
// credential (or, when authentication failed, of its remote IP), then runs
// op with the principal in the context and writes its result as 200 JSON,
// or its error in Whaly's shape.
func (h *handlers) endpoint(op func(w http.ResponseWriter, r *http.Request) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, authErr := h.api.Authenticate(r, false)
		if !h.limiter.allow(w, r, p, authErr) {
			return
		}
		if authErr != nil {
			h.api.Fail(w, r, authErr)
			return
		}
		r = r.WithContext(permissions.WithPrincipal(r.Context(), p))
		out, err := op(w, r)
		if err != nil {
			h.api.Fail(w, r, err)
			return
		}
		core.Encode(w, http.StatusOK, out)
	})
}

// listUsers: GET …/users?limit=&after=
func (h *handlers) listUsers() http.Handler {
	return h.endpoint(func(w http.ResponseWriter, r *http.Request) (any, error) {
		portalID, err := parsePathID(r.PathValue("portalId"), "portal")
		if err != nil {
			return nil, err
		}
		page, err := parsePage(r)
		if err != nil {
			return nil, err
		}
		pg, err := h.api.Portals.ListUsers(r.Context(), portalID, page)
		if err != nil {
			return nil, err
		}
		return listBody(pg), nil
	})
}

// createUser: POST …/users. 200 with the portal user, as documented.
func (h *handlers) createUser() http.Handler {
	return h.endpoint(func(w http.ResponseWriter, r *http.Request) (any, error) {
		portalID, err := parsePathID(r.PathValue("portalId"), "portal")
		if err != nil {
			return nil, err
		}
		var in createDTO
		if err := h.api.Decode(w, r, &in, false); err != nil {
			return nil, err
		}
		params, problems := in.params()
		if len(problems) > 0 {
			return nil, &userkit.Error{Kind: userkit.Invalid, Message: "invalid input", Fields: problems}
		}
		m, err := h.api.Portals.AddUser(r.Context(), portalID, params)
		if err != nil {
			return nil, err
		}
		core.SetETag(w, m.Version)
		return toUser(m), nil
	})
}

// getUser: GET …/users/{userId}
func (h *handlers) getUser() http.Handler {
	return h.endpoint(func(w http.ResponseWriter, r *http.Request) (any, error) {
		portalID, err := parsePathID(r.PathValue("portalId"), "portal")
		if err != nil {
			return nil, err
		}
		userID, err := parsePathID(r.PathValue("userId"), "portal membership")
		if err != nil {
			return nil, err
		}
		m, err := h.api.Portals.GetUser(r.Context(), portalID, userID)
		if err != nil {
			return nil, err
		}
		core.SetETag(w, m.Version)
		return toUser(m), nil
	})
}

// errNotMember answers a delete of a user who is not in the portal.
var errNotMember = userkit.Errorf(userkit.NotFound, "portal membership not found")

// deleteUser: DELETE …/users/{userId}. Removes the user from the portal
// (the user account stays); a user who is not a member is 404.
func (h *handlers) deleteUser() http.Handler {
	return h.endpoint(func(w http.ResponseWriter, r *http.Request) (any, error) {
		portalID, err := parsePathID(r.PathValue("portalId"), "portal")
		if err != nil {
			return nil, err
		}
		userID, err := parsePathID(r.PathValue("userId"), "portal membership")
		if err != nil {
			return nil, err
		}
		removed, err := h.api.Portals.RemoveUser(r.Context(), portalID, userID)
		if err != nil {
			return nil, err
		}
		if !removed {
			return nil, errNotMember
		}
		return deleteDTO{ID: userID.String(), IsDeleted: true}, nil
	})
}
