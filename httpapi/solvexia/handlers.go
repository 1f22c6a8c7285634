package solvexia

import (
	"errors"
	"net/http"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/users"
)

// handlers are the operations of the API. Each decodes, makes one service
// call and encodes; the services check every permission, before they look
// at the input (403 before 400). The principal is in the request context.
type handlers struct {
	api *core.API
}

// userNum reads the {userId} path value.
func userNum(r *http.Request) (int64, error) {
	return parseUserID(r.PathValue("userId"))
}

// userMissing answers a miss of the user in the path as Solvexia does.
func userMissing(err error) error {
	if errors.Is(err, userkit.ErrNotFound) {
		return errUserNotFound
	}
	return err
}

// listUsers answers GET /users: every user as {id, loginName}. Solvexia's
// list has no paging, so the answer is one array, streamed as the
// service's keyset pages come in (users.Service.ListAll).
func (h *handlers) listUsers(_ http.ResponseWriter, r *http.Request) (core.Array[userListItem], error) {
	all := h.api.Users.ListAll(r.Context(), users.ListParams{PageRequest: userkit.PageRequest{Limit: listPageSize}})
	return core.StreamArray(func(yield func(userListItem, error) bool) {
		for u, err := range all {
			if !yield(toListItem(u), err) {
				return
			}
		}
	})
}

// getUser answers GET /users/{userId}.
func (h *handlers) getUser(w http.ResponseWriter, r *http.Request) (userDTO, error) {
	num, err := userNum(r)
	if err != nil {
		return userDTO{}, err
	}
	u, err := h.api.Users.GetByNum(r.Context(), num)
	if err != nil {
		return userDTO{}, userMissing(err)
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
	u, err := h.api.Users.Create(r.Context(), in.params())
	if err != nil {
		return userDTO{}, err
	}
	core.SetETag(w, u.Version)
	return toUser(u), nil
}

// updateUser answers POST /users/{userId}: a partial update of the
// documented fields, compare-and-set when If-Match is sent. Writing back
// exactly the user just read changes nothing.
func (h *handlers) updateUser(w http.ResponseWriter, r *http.Request) (userDTO, error) {
	num, err := userNum(r)
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
	p := in.params()
	p.Version = version
	u, err := h.api.Users.UpdateByNum(r.Context(), num, p)
	if err != nil {
		return userDTO{}, userMissing(err)
	}
	core.SetETag(w, u.Version)
	return toUser(u), nil
}

// listPermissions answers GET /users/{userId}/permissions.
func (h *handlers) listPermissions(_ http.ResponseWriter, r *http.Request) ([]permissionDTO, error) {
	num, err := userNum(r)
	if err != nil {
		return nil, err
	}
	roles, err := h.api.Permissions.RolesOfUserByNum(r.Context(), num)
	if err != nil {
		return nil, userMissing(err)
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
	num, err := userNum(r)
	if err != nil {
		return permissionDTO{}, err
	}
	var in addPermissionRequest
	if err := h.api.Decode(w, r, &in); err != nil {
		return permissionDTO{}, err
	}
	return h.setRole(r, num, in.ResourceID, in.Role)
}

// setPermission answers POST /users/{userId}/permissions/{resourceId}:
// add or update the user's role on the resource.
func (h *handlers) setPermission(w http.ResponseWriter, r *http.Request) (permissionDTO, error) {
	num, err := userNum(r)
	if err != nil {
		return permissionDTO{}, err
	}
	var in setPermissionRequest
	if err := h.api.Decode(w, r, &in); err != nil {
		return permissionDTO{}, err
	}
	return h.setRole(r, num, r.PathValue("resourceId"), in.Role)
}

func (h *handlers) setRole(r *http.Request, num int64, resourceID, role string) (permissionDTO, error) {
	rr, err := h.api.Permissions.SetRoleByNum(r.Context(), num, resourceID, permissionRole(role))
	switch {
	case errors.Is(err, permissions.ErrUserNotFound):
		return permissionDTO{}, errUserNotFound
	case err != nil:
		return permissionDTO{}, renameFields(err, permissionFields)
	}
	return toPermission(rr), nil
}

// errNoPermission answers a delete of a permission the user does not have.
var errNoPermission = userkit.Errorf(userkit.NotFound, "the user has no permission on this resource")

// deletePermission answers DELETE /users/{userId}/permissions/{resourceId}
// with 200 and an empty body, as documented.
func (h *handlers) deletePermission(_ http.ResponseWriter, r *http.Request) (core.Empty, error) {
	num, err := userNum(r)
	if err != nil {
		return core.Empty{}, err
	}
	err = h.api.Permissions.RevokeRoleByNum(r.Context(), num, r.PathValue("resourceId"))
	switch {
	case errors.Is(err, permissions.ErrUserNotFound):
		err = errUserNotFound
	case errors.Is(err, userkit.ErrNotFound):
		err = errNoPermission
	}
	return core.Empty{}, err
}
