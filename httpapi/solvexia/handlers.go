package solvexia

import (
	"errors"
	"net/http"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/users"
)

// handlers are the operations of the API. Each authenticates through
// core (the principal is in the request context) and leaves every
// permission check to the services.
type handlers struct {
	api *core.API
}

// user returns the user named by the {userId} path value. It needs
// users.read on the user; an id that names no user is NotFound.
func (h *handlers) user(r *http.Request) (users.User, error) {
	num, err := parseUserID(r.PathValue("userId"))
	if err != nil {
		return users.User{}, err
	}
	u, err := h.api.Users.GetByNum(r.Context(), num)
	if errors.Is(err, userkit.ErrNotFound) {
		return users.User{}, errUserNotFound
	}
	return u, err
}

// listUsers answers GET /users: every user as {id, loginName}.
func (h *handlers) listUsers(_ http.ResponseWriter, r *http.Request) ([]userListItem, error) {
	all, err := allUsers(r.Context(), h.api.Users, listPageSize)
	if err != nil {
		return nil, err
	}
	out := make([]userListItem, len(all))
	for i, u := range all {
		out[i] = toListItem(u)
	}
	return out, nil
}

// getUser answers GET /users/{userId}.
func (h *handlers) getUser(w http.ResponseWriter, r *http.Request) (userDTO, error) {
	u, err := h.user(r)
	if err != nil {
		return userDTO{}, err
	}
	core.SetETag(w, u.Version)
	return toUser(u), nil
}

// createUser answers POST /users with the new user (200, as documented).
func (h *handlers) createUser(w http.ResponseWriter, r *http.Request) (userDTO, error) {
	var in createUserRequest
	if err := h.api.Decode(w, r, &in); err != nil {
		return userDTO{}, err
	}
	p, err := in.params()
	if err != nil {
		return userDTO{}, err
	}
	u, err := h.api.Users.Create(r.Context(), p)
	if err != nil {
		return userDTO{}, err
	}
	core.SetETag(w, u.Version)
	return toUser(u), nil
}

// updateUser answers POST /users/{userId}: a partial update of the
// documented fields, compare-and-set when If-Match is sent.
func (h *handlers) updateUser(w http.ResponseWriter, r *http.Request) (userDTO, error) {
	u, err := h.user(r)
	if err != nil {
		return userDTO{}, err
	}
	version, err := core.IfMatch(r)
	if err != nil {
		return userDTO{}, err
	}
	var in updateUserRequest
	if err := h.api.Decode(w, r, &in); err != nil {
		return userDTO{}, err
	}
	p, err := in.params()
	if err != nil {
		return userDTO{}, err
	}
	p.Version = version
	if err := h.api.RequireAllForAdmin(r.Context(), u); err != nil {
		return userDTO{}, err
	}
	u, err = h.api.Users.Update(r.Context(), u.ID, p)
	if err != nil {
		return userDTO{}, err
	}
	core.SetETag(w, u.Version)
	return toUser(u), nil
}

// listPermissions answers GET /users/{userId}/permissions.
func (h *handlers) listPermissions(_ http.ResponseWriter, r *http.Request) ([]permissionDTO, error) {
	u, err := h.user(r)
	if err != nil {
		return nil, err
	}
	roles, err := h.api.Permissions.RolesOfUser(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	out := make([]permissionDTO, len(roles))
	for i, role := range roles {
		out[i] = toPermission(role)
	}
	return out, nil
}

// addPermission answers POST /users/{userId}/permissions. A user who
// already has a role on the resource gets the new one (Solvexia does not
// say; an upsert matches its "add or update" endpoint).
func (h *handlers) addPermission(w http.ResponseWriter, r *http.Request) (permissionDTO, error) {
	u, err := h.user(r)
	if err != nil {
		return permissionDTO{}, err
	}
	var in addPermissionRequest
	if err := h.api.Decode(w, r, &in); err != nil {
		return permissionDTO{}, err
	}
	fields := map[string]userkit.Problem{}
	if in.ResourceID == "" {
		fields["resourceId"] = userkit.Problem{Rule: userkit.RuleRequired}
	}
	role := permissionRole(fields, in.Role)
	if len(fields) > 0 {
		return permissionDTO{}, invalid(fields)
	}
	return h.setRole(r, u, in.ResourceID, role)
}

// setPermission answers POST /users/{userId}/permissions/{resourceId}:
// add or update the user's role on the resource.
func (h *handlers) setPermission(w http.ResponseWriter, r *http.Request) (permissionDTO, error) {
	u, err := h.user(r)
	if err != nil {
		return permissionDTO{}, err
	}
	var in setPermissionRequest
	if err := h.api.Decode(w, r, &in); err != nil {
		return permissionDTO{}, err
	}
	fields := map[string]userkit.Problem{}
	role := permissionRole(fields, in.Role)
	if len(fields) > 0 {
		return permissionDTO{}, invalid(fields)
	}
	return h.setRole(r, u, r.PathValue("resourceId"), role)
}

func (h *handlers) setRole(r *http.Request, u users.User, resourceID string, role permissions.Role) (permissionDTO, error) {
	rr, err := h.api.Permissions.SetRole(r.Context(), u.ID, resourceID, role)
	if err != nil {
		return permissionDTO{}, renameFields(err, permissionFields)
	}
	return toPermission(rr), nil
}

// errNoPermission answers a delete of a permission the user does not have.
var errNoPermission = userkit.Errorf(userkit.NotFound, "the user has no permission on this resource")

// deletePermission answers DELETE /users/{userId}/permissions/{resourceId}
// with 200 and an empty body, as documented.
func (h *handlers) deletePermission(_ http.ResponseWriter, r *http.Request) (core.Empty, error) {
	u, err := h.user(r)
	if err != nil {
		return core.Empty{}, err
	}
	err = h.api.Permissions.RevokeRole(r.Context(), u.ID, r.PathValue("resourceId"))
	if errors.Is(err, userkit.ErrNotFound) {
		err = errNoPermission
	}
	return core.Empty{}, err
}
