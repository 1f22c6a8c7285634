package admin

import (
	"net/http"

	"github.com/userkit/userkit/httpapi/internal/core"
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

// role returns the role in the path, NotFound unless it belongs to the
// portal in the path; the service checks portals.read first.
func (h *handlers) role(r *http.Request) (portals.Role, error) {
	pid, err := pathID(r, "id")
	if err != nil {
		return portals.Role{}, err
	}
	rid, err := pathID(r, "role_id")
	if err != nil {
		return portals.Role{}, err
	}
	role, err := h.api.Portals.GetRole(r.Context(), rid)
	if err != nil {
		return portals.Role{}, err
	}
	if role.PortalID != pid {
		return portals.Role{}, errNotFound
	}
	return role, nil
}

func (h *handlers) getRole() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (roleDTO, error) {
		role, err := h.role(r)
		return toRole(role), err
	})
}

func (h *handlers) updateRole() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (roleDTO, error) {
		role, err := h.role(r)
		if err != nil {
			return roleDTO{}, err
		}
		if err := noIfMatch(r); err != nil {
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
		role, err = h.api.Portals.UpdateRole(r.Context(), role.ID, params)
		return toRole(role), err
	})
}

func (h *handlers) deleteRole() http.Handler {
	return core.Endpoint(h.api, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request) (core.Empty, error) {
		role, err := h.role(r)
		if err != nil {
			return core.Empty{}, err
		}
		return core.Empty{}, h.api.Portals.DeleteRole(r.Context(), role.ID)
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

// attribute returns the attribute in the path, NotFound unless it belongs
// to the portal in the path; the service checks portals.read first.
func (h *handlers) attribute(r *http.Request) (portals.Attribute, error) {
	pid, err := pathID(r, "id")
	if err != nil {
		return portals.Attribute{}, err
	}
	aid, err := pathID(r, "attribute_id")
	if err != nil {
		return portals.Attribute{}, err
	}
	a, err := h.api.Portals.GetAttribute(r.Context(), aid)
	if err != nil {
		return portals.Attribute{}, err
	}
	if a.PortalID != pid {
		return portals.Attribute{}, errNotFound
	}
	return a, nil
}

func (h *handlers) getAttribute() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (attributeDTO, error) {
		a, err := h.attribute(r)
		return toAttribute(a), err
	})
}

func (h *handlers) updateAttribute() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (attributeDTO, error) {
		a, err := h.attribute(r)
		if err != nil {
			return attributeDTO{}, err
		}
		if err := noIfMatch(r); err != nil {
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
		a, err = h.api.Portals.UpdateAttribute(r.Context(), a.ID, params)
		return toAttribute(a), err
	})
}

func (h *handlers) deleteAttribute() http.Handler {
	return core.Endpoint(h.api, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request) (core.Empty, error) {
		a, err := h.attribute(r)
		if err != nil {
			return core.Empty{}, err
		}
		return core.Empty{}, h.api.Portals.DeleteAttribute(r.Context(), a.ID)
	})
}
