package admin

import (
	"errors"
	"net/http"

	"github.com/google/uuid"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/portals"
)

func (h *handlers) listPortals() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (list[portalDTO], error) {
		pr, err := pageRequest(r)
		if err != nil {
			return list[portalDTO]{}, err
		}
		partnerID, err := queryID(r, "partner_id")
		if err != nil {
			return list[portalDTO]{}, err
		}
		p, err := h.api.Portals.List(r.Context(), partnerID, pr)
		return listOf(p, err, toPortal)
	})
}

func (h *handlers) createPortal() http.Handler {
	return core.Endpoint(h.api, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (portalDTO, error) {
		var in portalCreate
		if err := h.api.Decode(w, r, &in); err != nil {
			return portalDTO{}, err
		}
		params, err := in.params()
		if err != nil {
			return portalDTO{}, err
		}
		p, err := h.api.Portals.Create(r.Context(), params)
		if err != nil {
			return portalDTO{}, err
		}
		created(w, r, p.ID.String(), p.Version)
		return toPortal(p), nil
	})
}

func (h *handlers) getPortal() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (portalDTO, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return portalDTO{}, err
		}
		p, err := h.api.Portals.Get(r.Context(), id)
		if err != nil {
			return portalDTO{}, err
		}
		core.SetETag(w, p.Version)
		return toPortal(p), nil
	})
}

func (h *handlers) updatePortal() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (portalDTO, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return portalDTO{}, err
		}
		ver, err := core.IfMatch(r)
		if err != nil {
			return portalDTO{}, err
		}
		var in portalPatch
		if err := h.api.Decode(w, r, &in); err != nil {
			return portalDTO{}, err
		}
		params, err := in.params(ver)
		if err != nil {
			return portalDTO{}, err
		}
		p, err := h.api.Portals.Update(r.Context(), id, params)
		if err != nil {
			return portalDTO{}, err
		}
		core.SetETag(w, p.Version)
		return toPortal(p), nil
	})
}

func (h *handlers) deletePortal() http.Handler {
	return core.Endpoint(h.api, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request) (core.Empty, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return core.Empty{}, err
		}
		return core.Empty{}, h.api.Portals.Delete(r.Context(), id)
	})
}

func (h *handlers) listRoles() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (list[roleDTO], error) {
		pr, err := pageRequest(r)
		if err != nil {
			return list[roleDTO]{}, err
		}
		id, err := pathID(r, "id")
		if err != nil {
			return list[roleDTO]{}, err
		}
		roles, err := h.api.Portals.ListRoles(r.Context(), id)
		return listOf(pageOf(roles, func(x portals.Role) string { return x.ID.String() }, pr), err, toRole)
	})
}

func (h *handlers) createRole() http.Handler {
	return core.Endpoint(h.api, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (roleDTO, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return roleDTO{}, err
		}
		var in roleCreate
		if err := h.api.Decode(w, r, &in); err != nil {
			return roleDTO{}, err
		}
		role, err := h.api.Portals.CreateRole(r.Context(), id, portals.RoleParams{Name: in.Name, IsSystem: in.IsSystem})
		if err != nil {
			return roleDTO{}, err
		}
		created(w, r, role.ID.String(), 0)
		return toRole(role), nil
	})
}

// partPath returns the IDs of the parent (a portal or a partner) and of
// its role, attribute or team (the path value part) in the path.
func partPath(r *http.Request, part string) (parent, id uuid.UUID, err error) {
	if parent, err = pathID(r, "id"); err != nil {
		return uuid.Nil, uuid.Nil, err
	}
	if id, err = pathID(r, part); err != nil {
		return uuid.Nil, uuid.Nil, err
	}
	return parent, id, nil
}

// partAnswer answers what the service says of a role, attribute or team
// in the API's shape: one of another portal or partner is the plain 404, a
// version on a role or attribute the 412 of errStale.
func partAnswer(err error) error {
	switch {
	case errors.Is(err, portals.ErrNotInPortal), errors.Is(err, partners.ErrNotInPartner):
		return errNotFound
	case errors.Is(err, portals.ErrUnversioned):
		return errStale
	}
	return err
}

func (h *handlers) getRole() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (roleDTO, error) {
		pid, rid, err := partPath(r, "role_id")
		if err != nil {
			return roleDTO{}, err
		}
		role, err := h.api.Portals.GetRoleIn(r.Context(), pid, rid)
		return toRole(role), partAnswer(err)
	})
}

func (h *handlers) updateRole() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (roleDTO, error) {
		pid, rid, err := partPath(r, "role_id")
		if err != nil {
			return roleDTO{}, err
		}
		ver, err := core.IfMatch(r)
		if err != nil {
			return roleDTO{}, err
		}
		var in rolePatch
		if err := h.api.Decode(w, r, &in); err != nil {
			return roleDTO{}, err
		}
		params, err := in.params()
		if err != nil {
			return roleDTO{}, err
		}
		params.Version = ver
		role, err := h.api.Portals.UpdateRoleIn(r.Context(), pid, rid, params)
		return toRole(role), partAnswer(err)
	})
}

func (h *handlers) deleteRole() http.Handler {
	return core.Endpoint(h.api, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request) (core.Empty, error) {
		pid, rid, err := partPath(r, "role_id")
		if err != nil {
			return core.Empty{}, err
		}
		return core.Empty{}, partAnswer(h.api.Portals.DeleteRoleIn(r.Context(), pid, rid))
	})
}

func (h *handlers) listAttributes() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (list[attributeDTO], error) {
		pr, err := pageRequest(r)
		if err != nil {
			return list[attributeDTO]{}, err
		}
		id, err := pathID(r, "id")
		if err != nil {
			return list[attributeDTO]{}, err
		}
		attrs, err := h.api.Portals.ListAttributes(r.Context(), id)
		return listOf(pageOf(attrs, func(a portals.Attribute) string { return a.ID.String() }, pr), err, toAttribute)
	})
}

func (h *handlers) createAttribute() http.Handler {
	return core.Endpoint(h.api, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (attributeDTO, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return attributeDTO{}, err
		}
		var in attributeCreate
		if err := h.api.Decode(w, r, &in); err != nil {
			return attributeDTO{}, err
		}
		a, err := h.api.Portals.CreateAttribute(r.Context(), id, in.params())
		if err != nil {
			return attributeDTO{}, err
		}
		created(w, r, a.ID.String(), 0)
		return toAttribute(a), nil
	})
}

func (h *handlers) getAttribute() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (attributeDTO, error) {
		pid, aid, err := partPath(r, "attribute_id")
		if err != nil {
			return attributeDTO{}, err
		}
		a, err := h.api.Portals.GetAttributeIn(r.Context(), pid, aid)
		return toAttribute(a), partAnswer(err)
	})
}

func (h *handlers) updateAttribute() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (attributeDTO, error) {
		pid, aid, err := partPath(r, "attribute_id")
		if err != nil {
			return attributeDTO{}, err
		}
		ver, err := core.IfMatch(r)
		if err != nil {
			return attributeDTO{}, err
		}
		var in attributePatch
		if err := h.api.Decode(w, r, &in); err != nil {
			return attributeDTO{}, err
		}
		params, err := in.params()
		if err != nil {
			return attributeDTO{}, err
		}
		params.Version = ver
		a, err := h.api.Portals.UpdateAttributeIn(r.Context(), pid, aid, params)
		return toAttribute(a), partAnswer(err)
	})
}

func (h *handlers) deleteAttribute() http.Handler {
	return core.Endpoint(h.api, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request) (core.Empty, error) {
		pid, aid, err := partPath(r, "attribute_id")
		if err != nil {
			return core.Empty{}, err
		}
		return core.Empty{}, partAnswer(h.api.Portals.DeleteAttributeIn(r.Context(), pid, aid))
	})
}
