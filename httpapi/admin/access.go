package admin

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
)

func (h *handlers) listResources() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (list[resourceDTO], error) {
		pr, err := pageRequest(r)
		if err != nil {
			return list[resourceDTO]{}, err
		}
		p, err := h.api.Permissions.ListResources(r.Context(), pr)
		return listOf(p, err, toResource)
	})
}

func (h *handlers) createResource() http.Handler {
	return core.Endpoint(h.api, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (resourceDTO, error) {
		var in resourceCreate
		if err := h.api.Decode(w, r, &in); err != nil {
			return resourceDTO{}, err
		}
		res, err := h.api.Permissions.CreateResource(r.Context(),
			permissions.ResourceParams{ID: in.ID, Name: in.Name, Kind: in.Kind})
		if err != nil {
			return resourceDTO{}, err
		}
		created(w, r, res.ID, res.Version)
		return toResource(res), nil
	})
}

func (h *handlers) getResource() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (resourceDTO, error) {
		res, err := h.api.Permissions.GetResource(r.Context(), r.PathValue("id"))
		if err != nil {
			return resourceDTO{}, err
		}
		core.SetETag(w, res.Version)
		return toResource(res), nil
	})
}

func (h *handlers) updateResource() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (resourceDTO, error) {
		ver, err := core.IfMatch(r)
		if err != nil {
			return resourceDTO{}, err
		}
		var in resourcePatch
		if err := h.api.Decode(w, r, &in); err != nil {
			return resourceDTO{}, err
		}
		params, err := in.params(ver)
		if err != nil {
			return resourceDTO{}, err
		}
		res, err := h.api.Permissions.UpdateResource(r.Context(), r.PathValue("id"), params)
		if err != nil {
			return resourceDTO{}, err
		}
		core.SetETag(w, res.Version)
		return toResource(res), nil
	})
}

func (h *handlers) deleteResource() http.Handler {
	return core.Endpoint(h.api, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request) (core.Empty, error) {
		return core.Empty{}, h.api.Permissions.DeleteResource(r.Context(), r.PathValue("id"))
	})
}

func (h *handlers) listServiceAccounts() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (list[serviceAccountDTO], error) {
		pr, err := pageRequest(r)
		if err != nil {
			return list[serviceAccountDTO]{}, err
		}
		p, err := h.api.Permissions.ListServiceAccounts(r.Context(), pr)
		return listOf(p, err, toServiceAccount)
	})
}

func (h *handlers) createServiceAccount() http.Handler {
	return core.Endpoint(h.api, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (serviceAccountDTO, error) {
		var in serviceAccountCreate
		if err := h.api.Decode(w, r, &in); err != nil {
			return serviceAccountDTO{}, err
		}
		params, err := in.params()
		if err != nil {
			return serviceAccountDTO{}, err
		}
		sa, err := h.api.Permissions.CreateServiceAccount(r.Context(), params)
		if err != nil {
			return serviceAccountDTO{}, err
		}
		created(w, r, sa.ID.String(), sa.Version)
		return toServiceAccount(sa), nil
	})
}

func (h *handlers) getServiceAccount() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (serviceAccountDTO, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return serviceAccountDTO{}, err
		}
		sa, err := h.api.Permissions.GetServiceAccount(r.Context(), id)
		if err != nil {
			return serviceAccountDTO{}, err
		}
		core.SetETag(w, sa.Version)
		return toServiceAccount(sa), nil
	})
}

func (h *handlers) updateServiceAccount() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (serviceAccountDTO, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return serviceAccountDTO{}, err
		}
		ver, err := core.IfMatch(r)
		if err != nil {
			return serviceAccountDTO{}, err
		}
		var in serviceAccountPatch
		if err := h.api.Decode(w, r, &in); err != nil {
			return serviceAccountDTO{}, err
		}
		params, err := in.params(ver)
		if err != nil {
			return serviceAccountDTO{}, err
		}
		sa, err := h.api.Permissions.UpdateServiceAccount(r.Context(), id, params)
		if err != nil {
			return serviceAccountDTO{}, err
		}
		core.SetETag(w, sa.Version)
		return toServiceAccount(sa), nil
	})
}

func (h *handlers) deleteServiceAccount() http.Handler {
	return core.Endpoint(h.api, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request) (core.Empty, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return core.Empty{}, err
		}
		return core.Empty{}, h.api.Permissions.DeleteServiceAccount(r.Context(), id)
	})
}

// principalKind is what a grant path's {id} must name.
type principalKind int

const (
	serviceAccountPath principalKind = iota // /service-accounts/{id}/grants
	userPath                                // /users/{id}/grants
)

// grantsOf returns the grants of the principal in the path. GrantsOf runs
// as the caller, so the service decides first (the principal itself, or
// permissions.read on everything); only then is the id checked to name a
// principal of the path's kind, as the system, since a permissions reader
// need not also read users.
func (h *handlers) grantsOf(r *http.Request, kind principalKind) (uuid.UUID, []permissions.Grant, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return uuid.Nil, nil, err
	}
	grants, err := h.api.Permissions.GrantsOf(r.Context(), id)
	if err != nil {
		return uuid.Nil, nil, err
	}
	sys := permissions.WithPrincipal(r.Context(), permissions.System)
	switch kind {
	case userPath:
		_, err = h.api.Users.Get(sys, id)
	default:
		_, err = h.api.Permissions.GetServiceAccount(sys, id)
	}
	if err != nil {
		return uuid.Nil, nil, err
	}
	return id, grants, nil
}

func (h *handlers) listGrants(kind principalKind) http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (list[grantDTO], error) {
		pr, err := pageRequest(r)
		if err != nil {
			return list[grantDTO]{}, err
		}
		_, grants, err := h.grantsOf(r, kind)
		return listOf(pageOf(grants, func(g permissions.Grant) string { return g.ID.String() }, pr), err, toGrant)
	})
}

func (h *handlers) addGrant(kind principalKind) http.Handler {
	return core.Endpoint(h.api, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (grantDTO, error) {
		id, _, err := h.grantsOf(r, kind)
		if err != nil {
			return grantDTO{}, err
		}
		var in grantCreate
		if err := h.api.Decode(w, r, &in); err != nil {
			return grantDTO{}, err
		}
		params, err := in.params("")
		if err != nil {
			return grantDTO{}, err
		}
		g, err := h.api.Permissions.AddGrant(r.Context(), id, params)
		if err != nil {
			return grantDTO{}, err
		}
		created(w, r, g.ID.String(), 0)
		return toGrant(g), nil
	})
}

// grant returns the grant in the path, NotFound unless it belongs to the
// principal in the path.
func (h *handlers) grant(r *http.Request, kind principalKind) (permissions.Grant, error) {
	_, grants, err := h.grantsOf(r, kind)
	if err != nil {
		return permissions.Grant{}, err
	}
	gid, err := pathID(r, "grant_id")
	if err != nil {
		return permissions.Grant{}, err
	}
	for _, g := range grants {
		if g.ID == gid {
			return g, nil
		}
	}
	return permissions.Grant{}, errNotFound
}

func (h *handlers) getGrant(kind principalKind) http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (grantDTO, error) {
		g, err := h.grant(r, kind)
		return toGrant(g), err
	})
}

func (h *handlers) removeGrant(kind principalKind) http.Handler {
	return core.Endpoint(h.api, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request) (core.Empty, error) {
		g, err := h.grant(r, kind)
		if err != nil {
			return core.Empty{}, err
		}
		return core.Empty{}, h.api.Permissions.RemoveGrant(r.Context(), g.ID)
	})
}

func (h *handlers) listKeys() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (list[keyDTO], error) {
		pr, err := pageRequest(r)
		if err != nil {
			return list[keyDTO]{}, err
		}
		keys, err := h.liveKeys(r)
		return listOf(pageOf(keys, func(k permissions.Key) string { return k.ID.String() }, pr), err, toKey)
	})
}

// liveKeys lists the unrevoked keys of the service account in the path:
// revoking is this API's DELETE, and a deleted key is gone from it.
func (h *handlers) liveKeys(r *http.Request) ([]permissions.Key, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	keys, err := h.api.Permissions.ListKeys(r.Context(), id)
	if err != nil {
		return nil, err
	}
	live := keys[:0]
	for _, k := range keys {
		if k.RevokedAt == nil {
			live = append(live, k)
		}
	}
	return live, nil
}

// key returns the live key in the path, NotFound unless it belongs to the
// service account in the path.
func (h *handlers) key(r *http.Request) (permissions.Key, error) {
	keys, err := h.liveKeys(r)
	if err != nil {
		return permissions.Key{}, err
	}
	kid, err := pathID(r, "key_id")
	if err != nil {
		return permissions.Key{}, err
	}
	for _, k := range keys {
		if k.ID == kid {
			return k, nil
		}
	}
	return permissions.Key{}, errNotFound
}

func (h *handlers) createKey() http.Handler {
	return core.Endpoint(h.api, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (createdKeyDTO, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return createdKeyDTO{}, err
		}
		var in keyCreate
		if err := h.api.DecodeOptional(w, r, &in); err != nil {
			return createdKeyDTO{}, err
		}
		params, err := in.params()
		if err != nil {
			return createdKeyDTO{}, err
		}
		k, secret, err := h.api.Permissions.CreateKey(r.Context(), id, params)
		if err != nil {
			return createdKeyDTO{}, err
		}
		created(w, r, k.ID.String(), 0)
		// The secret is in this response only; keep it out of caches.
		w.Header().Set("Cache-Control", "no-store")
		return toCreatedKey(k, secret), nil
	})
}

func (h *handlers) getKey() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (keyDTO, error) {
		k, err := h.key(r)
		return toKey(k), err
	})
}

func (h *handlers) revokeKey() http.Handler {
	return core.Endpoint(h.api, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request) (core.Empty, error) {
		k, err := h.key(r)
		if err != nil {
			return core.Empty{}, err
		}
		return core.Empty{}, h.api.Permissions.RevokeKey(r.Context(), k.ID)
	})
}

var errNoTokenSecret = userkit.Errorf(userkit.Internal, "admin: users/{id}/token needs Options.TokenSecret")

// rotateToken makes a new API token for the user, revoking the old one. The
// secret is checked first, so that a host without one does not revoke a
// token it cannot replace.
func (h *handlers) rotateToken() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (tokenDTO, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return tokenDTO{}, err
		}
		if len(h.api.Opts.TokenSecret) == 0 {
			return tokenDTO{}, errNoTokenSecret
		}
		// A portal administrator's token acts as the system (Tyk API), so
		// minting one needs "*" on everything.
		u, err := h.api.Users.Get(r.Context(), id)
		if err != nil {
			return tokenDTO{}, err
		}
		if err := h.api.RequireAllForAdmin(r.Context(), u); err != nil {
			return tokenDTO{}, err
		}
		u, err = h.api.Users.RotateToken(r.Context(), id)
		if err != nil {
			return tokenDTO{}, err
		}
		tok, err := httpapi.UserToken(h.api.Opts.TokenSecret, u)
		if err != nil {
			return tokenDTO{}, err
		}
		at := u.UpdatedAt
		if u.APITokenCreatedAt != nil {
			at = *u.APITokenCreatedAt
		}
		w.Header().Set("Cache-Control", "no-store")
		return tokenDTO{Token: tok, CreatedAt: at.UTC()}, nil
	})
}

func (h *handlers) listEvents() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (list[eventDTO], error) {
		pr, err := pageRequest(r)
		if err != nil {
			return list[eventDTO]{}, err
		}
		f := storage.EventFilter{TargetID: r.URL.Query().Get("target_id")}
		if f.PartnerID, err = queryID(r, "partner_id"); err != nil {
			return list[eventDTO]{}, err
		}
		p, err := h.api.Permissions.ListEvents(r.Context(), f, pr)
		return listOf(p, err, toEvent)
	})
}
