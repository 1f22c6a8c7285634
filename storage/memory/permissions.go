package memory

import (
	"context"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// CreateResource stores a new resource; its ID is unique.
func (s *Store) CreateResource(ctx context.Context, rec *storage.ResourceRecord) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		if _, ok := d.resources[rec.ID]; ok {
			return conflict("ID", "resource")
		}
		put(t, d.resources, rec.ID, *rec)
		insertSorted(t, &d.resourceIDs, rec.ID, strings.Compare)
		return nil
	})
}

// GetResource returns the resource with the ID.
func (s *Store) GetResource(ctx context.Context, id string) (rec storage.ResourceRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		var ok bool
		if rec, ok = d.resources[id]; !ok {
			return notFound("resource")
		}
		return nil
	})
	return rec, err
}

// UpdateResource writes rec when the stored version is expectVersion.
func (s *Store) UpdateResource(ctx context.Context, rec storage.ResourceRecord, expectVersion int64) error {
	return s.write(ctx, func(t *txn) error {
		old, ok := t.d.resources[rec.ID]
		if !ok {
			return notFound("resource")
		}
		if old.Version != expectVersion {
			return stale("resource")
		}
		put(t, t.d.resources, rec.ID, rec)
		return nil
	})
}

// DeleteResource removes the resource and the roles users hold on it.
func (s *Store) DeleteResource(ctx context.Context, id string) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		if _, ok := d.resources[id]; !ok {
			return notFound("resource")
		}
		for _, u := range children(d.resRolesOfRes, id, cmpID) {
			t.removeResourceRole(u, id)
		}
		del(t, d.resources, id)
		removeSorted(t, &d.resourceIDs, id, strings.Compare)
		return nil
	})
}

// ListResources pages resources in ID (string) order.
func (s *Store) ListResources(ctx context.Context, p userkit.PageRequest) (out userkit.Page[storage.ResourceRecord], err error) {
	p = p.Normalize()
	err = s.read(ctx, func(d *data) error {
		ids := d.resourceIDs
		start := 0
		if p.Page == 0 && p.After != "" {
			start = sort.Search(len(ids), func(i int) bool { return ids[i] > p.After })
		}
		out = page(p, len(ids), start, func(int) bool { return true },
			func(i int) storage.ResourceRecord { return d.resources[ids[i]] },
			func(r storage.ResourceRecord) string { return r.ID })
		return nil
	})
	return out, err
}

// PutResourceRole creates or replaces the user's role on the resource. A
// replaced role keeps its CreatedAt, as an upsert that updates the role and
// UpdatedAt would.
func (s *Store) PutResourceRole(ctx context.Context, rec storage.ResourceRoleRecord) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		if _, ok := d.users[rec.UserID]; !ok {
			return notFound("user")
		}
		if _, ok := d.resources[rec.ResourceID]; !ok {
			return notFound("resource")
		}
		k := resKey{rec.UserID, rec.ResourceID}
		if old, ok := d.resRoles[k]; ok {
			rec.CreatedAt = old.CreatedAt
		}
		put(t, d.resRoles, k, rec)
		link(t, d.resRolesOfUser, rec.UserID, rec.ResourceID)
		link(t, d.resRolesOfRes, rec.ResourceID, rec.UserID)
		return nil
	})
}

// GetResourceRole returns the user's role on the resource.
func (s *Store) GetResourceRole(ctx context.Context, userID uuid.UUID, resourceID string) (rec storage.ResourceRoleRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		var ok bool
		if rec, ok = d.resRoles[resKey{userID, resourceID}]; !ok {
			return notFound("resource role")
		}
		return nil
	})
	return rec, err
}

// DeleteResourceRole removes the user's role on the resource.
func (s *Store) DeleteResourceRole(ctx context.Context, userID uuid.UUID, resourceID string) error {
	return s.write(ctx, func(t *txn) error {
		if _, ok := t.d.resRoles[resKey{userID, resourceID}]; !ok {
			return notFound("resource role")
		}
		t.removeResourceRole(userID, resourceID)
		return nil
	})
}

func (t *txn) removeResourceRole(userID uuid.UUID, resourceID string) {
	d := t.d
	del(t, d.resRoles, resKey{userID, resourceID})
	unlink(t, d.resRolesOfUser, userID, resourceID)
	unlink(t, d.resRolesOfRes, resourceID, userID)
}

// ResourceRolesOfUser lists the user's roles by resource ID.
func (s *Store) ResourceRolesOfUser(ctx context.Context, userID uuid.UUID) (out []storage.ResourceRoleRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		ids := children(d.resRolesOfUser, userID, strings.Compare)
		out = make([]storage.ResourceRoleRecord, len(ids))
		for i, id := range ids {
			out[i] = d.resRoles[resKey{userID, id}]
		}
		return nil
	})
	return out, err
}

// ResourceRolesOfResource lists the roles on the resource by user ID.
func (s *Store) ResourceRolesOfResource(ctx context.Context, resourceID string) (out []storage.ResourceRoleRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		ids := children(d.resRolesOfRes, resourceID, cmpID)
		out = make([]storage.ResourceRoleRecord, len(ids))
		for i, id := range ids {
			out[i] = d.resRoles[resKey{id, resourceID}]
		}
		return nil
	})
	return out, err
}

// CreateServiceAccount stores a new service account.
func (s *Store) CreateServiceAccount(ctx context.Context, rec *storage.ServiceAccountRecord) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		if _, ok := d.accounts[rec.ID]; ok {
			return conflict("ID", "service account")
		}
		put(t, d.accounts, rec.ID, *rec)
		insertSorted(t, &d.accountIDs, rec.ID, cmpID)
		return nil
	})
}

// GetServiceAccount returns the service account with the ID.
func (s *Store) GetServiceAccount(ctx context.Context, id uuid.UUID) (rec storage.ServiceAccountRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		var ok bool
		if rec, ok = d.accounts[id]; !ok {
			return notFound("service account")
		}
		return nil
	})
	return rec, err
}

// UpdateServiceAccount writes rec when the stored version is expectVersion.
func (s *Store) UpdateServiceAccount(ctx context.Context, rec storage.ServiceAccountRecord, expectVersion int64) error {
	return s.write(ctx, func(t *txn) error {
		old, ok := t.d.accounts[rec.ID]
		if !ok {
			return notFound("service account")
		}
		if old.Version != expectVersion {
			return stale("service account")
		}
		put(t, t.d.accounts, rec.ID, rec)
		return nil
	})
}

// DeleteServiceAccount removes the account with its keys and grants.
func (s *Store) DeleteServiceAccount(ctx context.Context, id uuid.UUID) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		if _, ok := d.accounts[id]; !ok {
			return notFound("service account")
		}
		for _, k := range children(d.keysOf, id, cmpID) {
			key := d.keys[k]
			del(t, d.keys, k)
			del(t, d.keyByHash, string(key.Hash))
			unlink(t, d.keysOf, id, k)
		}
		t.removeGrantsOf(id)
		del(t, d.accounts, id)
		removeSorted(t, &d.accountIDs, id, cmpID)
		return nil
	})
}

// ListServiceAccounts pages service accounts by ID.
func (s *Store) ListServiceAccounts(ctx context.Context, p userkit.PageRequest) (out userkit.Page[storage.ServiceAccountRecord], err error) {
	p = p.Normalize()
	err = s.read(ctx, func(d *data) error {
		ids := d.accountIDs
		start, err := idAfter(ids, p)
		if err != nil {
			return err
		}
		out = page(p, len(ids), start, func(int) bool { return true },
			func(i int) storage.ServiceAccountRecord { return d.accounts[ids[i]] },
			func(r storage.ServiceAccountRecord) string { return r.ID.String() })
		return nil
	})
	return out, err
}

// AddGrant stores a grant; the (PrincipalID, Action, ScopeKind, ScopeID)
// tuple is unique. The principal is not checked: it may be a user or a
// service account.
func (s *Store) AddGrant(ctx context.Context, rec *storage.GrantRecord) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		if _, ok := d.grants[rec.ID]; ok {
			return conflict("ID", "grant")
		}
		k := grantKey{rec.PrincipalID, rec.Action, rec.ScopeKind, rec.ScopeID}
		if _, ok := d.grantByKey[k]; ok {
			return conflict("Action", "the same grant")
		}
		put(t, d.grants, rec.ID, *rec)
		put(t, d.grantByKey, k, rec.ID)
		link(t, d.grantsOf, rec.PrincipalID, rec.ID)
		return nil
	})
}

// RemoveGrant removes the grant with the ID.
func (s *Store) RemoveGrant(ctx context.Context, id uuid.UUID) error {
	return s.write(ctx, func(t *txn) error {
		rec, ok := t.d.grants[id]
		if !ok {
			return notFound("grant")
		}
		t.removeGrant(rec)
		return nil
	})
}

func (t *txn) removeGrant(rec storage.GrantRecord) {
	d := t.d
	del(t, d.grants, rec.ID)
	del(t, d.grantByKey, grantKey{rec.PrincipalID, rec.Action, rec.ScopeKind, rec.ScopeID})
	unlink(t, d.grantsOf, rec.PrincipalID, rec.ID)
}

func (t *txn) removeGrantsOf(principalID uuid.UUID) {
	for _, g := range children(t.d.grantsOf, principalID, cmpID) {
		t.removeGrant(t.d.grants[g])
	}
}

// GrantsOf lists the principal's grants by ID.
func (s *Store) GrantsOf(ctx context.Context, principalID uuid.UUID) (out []storage.GrantRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		ids := children(d.grantsOf, principalID, cmpID)
		out = make([]storage.GrantRecord, len(ids))
		for i, id := range ids {
			out[i] = d.grants[id]
		}
		return nil
	})
	return out, err
}

// CreateAPIKey stores a key of an existing service account; its Hash is
// unique.
func (s *Store) CreateAPIKey(ctx context.Context, rec *storage.APIKeyRecord) error {
	return s.write(ctx, func(t *txn) error {
		d := t.d
		if _, ok := d.keys[rec.ID]; ok {
			return conflict("ID", "API key")
		}
		if _, ok := d.accounts[rec.ServiceAccountID]; !ok {
			return notFound("service account")
		}
		if _, ok := d.keyByHash[string(rec.Hash)]; ok {
			return conflict("Hash", "API key")
		}
		put(t, d.keys, rec.ID, cloneKey(*rec))
		put(t, d.keyByHash, string(rec.Hash), rec.ID)
		link(t, d.keysOf, rec.ServiceAccountID, rec.ID)
		return nil
	})
}

// GetAPIKey returns the key with the ID.
func (s *Store) GetAPIKey(ctx context.Context, id uuid.UUID) (rec storage.APIKeyRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		k, ok := d.keys[id]
		if !ok {
			return notFound("API key")
		}
		rec = cloneKey(k)
		return nil
	})
	return rec, err
}

// GetAPIKeyByHash returns the key whose Hash is hash.
func (s *Store) GetAPIKeyByHash(ctx context.Context, hash []byte) (rec storage.APIKeyRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		id, ok := d.keyByHash[string(hash)]
		if !ok {
			return notFound("API key")
		}
		rec = cloneKey(d.keys[id])
		return nil
	})
	return rec, err
}

// ListAPIKeys lists the service account's keys by ID, revoked ones too.
func (s *Store) ListAPIKeys(ctx context.Context, serviceAccountID uuid.UUID) (out []storage.APIKeyRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		ids := children(d.keysOf, serviceAccountID, cmpID)
		out = make([]storage.APIKeyRecord, len(ids))
		for i, id := range ids {
			out[i] = cloneKey(d.keys[id])
		}
		return nil
	})
	return out, err
}

// UpdateAPIKey writes the key's LastUsedAt, RevokedAt and ExpiresAt.
func (s *Store) UpdateAPIKey(ctx context.Context, rec storage.APIKeyRecord) error {
	return s.write(ctx, func(t *txn) error {
		old, ok := t.d.keys[rec.ID]
		if !ok {
			return notFound("API key")
		}
		old = cloneKey(old)
		old.LastUsedAt = cloneTime(rec.LastUsedAt)
		old.RevokedAt = cloneTime(rec.RevokedAt)
		old.ExpiresAt = cloneTime(rec.ExpiresAt)
		put(t, t.d.keys, rec.ID, old)
		return nil
	})
}

// grantList lists the principal's grants by ID.
func (d *data) grantList(principalID uuid.UUID) []storage.GrantRecord {
	ids := children(d.grantsOf, principalID, cmpID)
	if len(ids) == 0 {
		return nil
	}
	out := make([]storage.GrantRecord, len(ids))
	for i, id := range ids {
		out[i] = d.grants[id]
	}
	return out
}

// APIKeyWithGrants implements storage.CredentialReader.
func (s *Store) APIKeyWithGrants(ctx context.Context, hash []byte) (rec storage.APIKeyRecord, grants []storage.GrantRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		id, ok := d.keyByHash[string(hash)]
		if !ok {
			return notFound("API key")
		}
		rec = cloneKey(d.keys[id])
		grants = d.grantList(rec.ServiceAccountID)
		return nil
	})
	return rec, grants, err
}

// UserWithGrants implements storage.CredentialReader.
func (s *Store) UserWithGrants(ctx context.Context, id uuid.UUID) (rec storage.UserRecord, grants []storage.GrantRecord, err error) {
	err = s.read(ctx, func(d *data) error {
		if rec, err = d.user(id); err != nil {
			return err
		}
		grants = d.grantList(id)
		return nil
	})
	return rec, grants, err
}
