package admin

import (
	"errors"
	"net/http"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
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

// principal returns the principal named by the path's {id}: the service
// checks that the id names one of the path's kind.
func principal(r *http.Request, kind principalKind) (permissions.Principal, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return permissions.Principal{}, err
	}
	if kind == userPath {
		return permissions.UserPrincipal(id), nil
	}
	return permissions.ServiceAccountPrincipal(id), nil
}

// grantMissing renders the grant services' misses in this API's words.
func grantMissing(err error, kind principalKind) error {
	switch {
	case errors.Is(err, permissions.ErrPrincipalNotFound) && kind == userPath:
		return errUserNotFound
	case errors.Is(err, permissions.ErrPrincipalNotFound):
		return errServiceAccountNotFound
	case errors.Is(err, permissions.ErrGrantNotFound):
		return errNotFound
	}
	return err
}

var (
	errUserNotFound           = userkit.Errorf(userkit.NotFound, "user not found")
	errServiceAccountNotFound = userkit.Errorf(userkit.NotFound, "service account not found")
)

func (h *handlers) listGrants(kind principalKind) http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (list[grantDTO], error) {
		pr, err := pageRequest(r)
		if err != nil {
			return list[grantDTO]{}, err
		}
		who, err := principal(r, kind)
		if err != nil {
			return list[grantDTO]{}, err
		}
		grants, err := h.api.Permissions.PrincipalGrants(r.Context(), who)
		return listOf(pageOf(grants, func(g permissions.Grant) string { return g.ID.String() }, pr), grantMissing(err, kind), toGrant)
	})
}

func (h *handlers) addGrant(kind principalKind) http.Handler {
	return core.Endpoint(h.api, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (grantDTO, error) {
		who, err := principal(r, kind)
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
		g, err := h.api.Permissions.GrantTo(r.Context(), who, params)
		if err != nil {
			return grantDTO{}, grantMissing(err, kind)
		}
		created(w, r, g.ID.String(), 0)
		return toGrant(g), nil
	})
}

// grantIn reads the path's principal and grant ids.
func grantIn(r *http.Request, kind principalKind) (permissions.Principal, uuid.UUID, error) {
	who, err := principal(r, kind)
	if err != nil {
		return who, uuid.Nil, err
	}
	gid, err := pathID(r, "grant_id")
	return who, gid, err
}

func (h *handlers) getGrant(kind principalKind) http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (grantDTO, error) {
		who, gid, err := grantIn(r, kind)
		if err != nil {
			return grantDTO{}, err
		}
		g, err := h.api.Permissions.PrincipalGrant(r.Context(), who, gid)
		return toGrant(g), grantMissing(err, kind)
	})
}

func (h *handlers) removeGrant(kind principalKind) http.Handler {
	return core.Endpoint(h.api, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request) (core.Empty, error) {
		who, gid, err := grantIn(r, kind)
		if err != nil {
			return core.Empty{}, err
		}
		return core.Empty{}, grantMissing(h.api.Permissions.RevokeGrantOf(r.Context(), who, gid), kind)
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

// keyPath returns the IDs of the service account and the key in the
// path.
func keyPath(r *http.Request) (account, key uuid.UUID, err error) {
	if account, err = pathID(r, "id"); err != nil {
		return uuid.Nil, uuid.Nil, err
	}
	// A malformed key ID is one no key has (uuid.Nil): the service
	// decides 403 or 404 for it as for a missing key, rights first.
	key, _ = pathID(r, "key_id")
	return account, key, nil
}

// keyMissing answers a key that is not one of the account's live keys
// as the API's plain 404.
func keyMissing(err error) error {
	if errors.Is(err, permissions.ErrKeyNotFound) {
		return errNotFound
	}
	return err
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
		id, kid, err := keyPath(r)
		if err != nil {
			return keyDTO{}, err
		}
		k, err := h.api.Permissions.LiveKey(r.Context(), id, kid)
		return toKey(k), keyMissing(err)
	})
}

func (h *handlers) revokeKey() http.Handler {
	return core.Endpoint(h.api, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request) (core.Empty, error) {
		id, kid, err := keyPath(r)
		if err != nil {
			return core.Empty{}, err
		}
		return core.Empty{}, keyMissing(h.api.Permissions.RevokeLiveKey(r.Context(), id, kid))
	})
}

var errNoTokenSecret = userkit.Errorf(userkit.Internal, "admin: users/{id}/token needs Options.TokenSecret")

// rotateToken makes a new API token for the user, revoking the old one
// (users.Service.MintToken, which needs the user themself or control of
// the user). The secret is checked first, so that a host without one does
// not revoke a token it cannot replace.
func (h *handlers) rotateToken() http.Handler {
	return core.Endpoint(h.api, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (tokenDTO, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return tokenDTO{}, err
		}
		secret := h.api.Opts.TokenSecret
		if len(secret) == 0 {
			return tokenDTO{}, errNoTokenSecret
		}
		u, tok, err := h.api.Users.MintToken(r.Context(), id, func(u users.User) (string, error) {
			return httpapi.UserToken(secret, u)
		})
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
